from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from poption.accounts.models import Company, Inbox, User


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class InboxInline(admin.TabularInline):
    model = Inbox
    extra = 0
    fields = ["email", "verified_at", "created_at"]
    readonly_fields = ["created_at"]


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class UserChange(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreationForm
    form = UserChange
    inlines = [InboxInline]
    list_display = ["email", "display_name", "company", "role", "is_staff", "is_active", "last_login"]
    list_filter = ["role", "is_staff", "is_active", "company"]
    search_fields = ["email", "display_name", "company__name"]
    ordering = ["email"]
    autocomplete_fields = ["company"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["display_name", "company", "role", "avatar", "reply_to_email"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]


@admin.register(Inbox)
class InboxAdmin(admin.ModelAdmin):
    list_display = ["email", "user", "verified_at", "created_at"]
    list_filter = [("verified_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "user__email"]
    autocomplete_fields = ["user"]
