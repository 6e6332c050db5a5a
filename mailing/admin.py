from django.contrib import admin

from mailing.models import Delivery, DeliveryEvent, EmailTemplate, Mailing


@admin.register(EmailTemplate)
class EmailTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "company", "subject", "updated_at"]
    list_filter = ["company"]
    search_fields = ["name", "subject", "body"]
    autocomplete_fields = ["company", "created_by"]


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    fields = ["email", "status", "attempts", "sent_at", "esp_message_id", "reason"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True
    max_num = 0


@admin.register(Mailing)
class MailingAdmin(admin.ModelAdmin):
    list_display = ["subject", "company", "sender", "status", "scheduled_at", "created_at"]
    list_filter = ["status", "company"]
    search_fields = ["subject", "sender__email", "company__name"]
    autocomplete_fields = ["company", "sender", "template"]
    list_select_related = ["company", "sender"]
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["email", "mailing", "status", "attempts", "sent_at", "retry_at"]
    list_filter = ["status"]
    search_fields = ["email", "esp_message_id", "mailing__subject"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    list_select_related = ["mailing"]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(DeliveryEvent)
class DeliveryEventAdmin(admin.ModelAdmin):
    list_display = ["event_type", "esp_message_id", "delivery", "occurred_at", "received_at"]
    list_filter = ["event_type"]
    search_fields = ["esp_message_id", "esp_event_id"]
    readonly_fields = [f.name for f in DeliveryEvent._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
