from django.contrib import admin

from .models import Provider, Service, ServiceDocument, ServiceFee


class ServiceDocumentInline(admin.TabularInline):
    model = ServiceDocument
    extra = 1


class ServiceFeeInline(admin.TabularInline):
    model = ServiceFee
    extra = 1


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "community", "edrpou", "contact_email"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["code", "name_uk", "provider", "is_paid", "fee", "minutes", "result_minutes", "mobile_allowed",
                    "is_active"]
    list_filter = ["provider", "is_paid", "mobile_allowed", "is_active"]
    search_fields = ["code", "name_uk", "diia_id"]
    inlines = [ServiceFeeInline, ServiceDocumentInline]
