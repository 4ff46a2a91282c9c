from django.contrib import admin

from .models import Device, Expense


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ("serial", "kind", "model", "suitcase", "state", "warranty_until", "community")
    list_filter = ("community", "kind", "state")
    search_fields = ("serial", "model", "supplier")


@admin.register(Expense)
class ExpenseAdmin(admin.ModelAdmin):
    list_display = ("date", "category", "amount", "suitcase", "community")
    list_filter = ("community", "category")
