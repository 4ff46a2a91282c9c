from django.contrib import admin

from .models import CalendarOverride


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "community", "is_working", "note")
    list_filter = ("is_working", "community")
    date_hierarchy = "date"
    search_fields = ("note",)
