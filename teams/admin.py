from django.contrib import admin

from .models import Suitcase, Team, TeamDayOff, TeamShift, Vehicle


class TeamShiftInline(admin.TabularInline):
    model = TeamShift
    extra = 0


class TeamDayOffInline(admin.TabularInline):
    model = TeamDayOff
    extra = 0


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "office", "vehicle", "suitcase", "is_active"]
    list_filter = ["community", "is_active"]
    filter_horizontal = ["members", "partner_providers"]
    inlines = [TeamShiftInline, TeamDayOffInline]


@admin.register(Vehicle)
class VehicleAdmin(admin.ModelAdmin):
    list_display = ["name", "plate", "community", "is_active"]


@admin.register(Suitcase)
class SuitcaseAdmin(admin.ModelAdmin):
    list_display = ["name", "inventory_number", "community", "autonomy_minutes", "is_active"]
