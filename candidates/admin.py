from django.contrib import admin

from candidates.models import Candidate, Note, Share, Tag, Touchpoint


class ShareInline(admin.TabularInline):
    model = Share
    extra = 0
    fields = ["company", "status", "created_at", "revoked_at", "unsubscribed_at", "suppressed_reason"]
    autocomplete_fields = ["company"]
    show_change_link = True


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["__str__", "email", "school", "study_programme", "graduation_year", "grade_average"]
    list_filter = ["school", "graduation_year"]
    search_fields = ["first_name", "last_name", "email", "school", "study_programme"]
    inlines = [ShareInline]
    list_per_page = 50
    show_full_result_count = False


class TouchpointInline(admin.TabularInline):
    model = Touchpoint
    extra = 0
    fields = ["kind", "event", "job_posting", "occurred_at"]
    autocomplete_fields = ["event", "job_posting"]


class NoteInline(admin.StackedInline):
    model = Note
    extra = 0
    fields = ["body", "author", "created_at"]
    autocomplete_fields = ["author"]


@admin.register(Share)
class ShareAdmin(admin.ModelAdmin):
    list_display = ["candidate", "company", "status", "created_at", "unsubscribed_at", "suppressed_reason"]
    list_filter = ["status", "company", "suppressed_reason"]
    search_fields = ["candidate__first_name", "candidate__last_name", "candidate__email", "company__name"]
    autocomplete_fields = ["candidate", "company", "tags"]
    list_select_related = ["candidate", "company"]
    inlines = [TouchpointInline, NoteInline]
    show_full_result_count = False


@admin.register(Touchpoint)
class TouchpointAdmin(admin.ModelAdmin):
    list_display = ["share", "kind", "event", "job_posting", "occurred_at"]
    list_filter = ["kind"]
    search_fields = ["share__candidate__email", "event__name", "job_posting__title"]
    autocomplete_fields = ["share", "event", "job_posting"]
    list_select_related = ["share__candidate", "share__company", "event", "job_posting"]
    show_full_result_count = False


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "company"]
    list_filter = ["company"]
    search_fields = ["name", "company__name"]
    autocomplete_fields = ["company"]


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["__str__", "share", "author", "created_at"]
    search_fields = ["body", "share__candidate__email"]
    autocomplete_fields = ["share", "author"]
    list_select_related = ["share__candidate", "share__company", "author"]
