from django.contrib import admin

from eligibility.rules import ensure_mandatory_categories

from .models import CalendarOverride, Community, Office, Settlement


class OfficeInline(admin.TabularInline):
    model = Office
    extra = 0


class SettlementInline(admin.TabularInline):
    model = Settlement
    extra = 0


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "phone"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OfficeInline, SettlementInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        ensure_mandatory_categories(obj)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "community", "is_working", "note")
    list_filter = ("is_working", "community")
    date_hierarchy = "date"
    search_fields = ("note",)
