"""Fixed points and their sessions are configuration (the system administrator sets them up).
Bookings hold personal data and are therefore not in the admin."""

from django.contrib import admin

from .models import FixedPoint, Session


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


@admin.register(FixedPoint)
class FixedPointAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "settlement", "address", "is_active"]
    list_filter = ["community", "is_active"]
    search_fields = ["name", "address"]
    inlines = [SessionInline]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["fixed_point", "weekday", "start", "end", "slot_minutes", "team"]
    list_filter = ["fixed_point__community", "weekday"]
