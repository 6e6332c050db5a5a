from django.contrib import admin

from events.models import Event, JobPosting


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["name", "company", "kind", "starts_at", "location"]
    list_filter = ["kind", "company"]
    search_fields = ["name", "location", "company__name"]
    autocomplete_fields = ["company"]
    date_hierarchy = "starts_at"


@admin.register(JobPosting)
class JobPostingAdmin(admin.ModelAdmin):
    list_display = ["title", "company", "location", "published_at", "closes_at"]
    list_filter = ["company"]
    search_fields = ["title", "location", "company__name"]
    autocomplete_fields = ["company"]
    date_hierarchy = "published_at"
