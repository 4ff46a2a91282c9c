from django.contrib import admin

from .models import EligibilityCategory


@admin.register(EligibilityCategory)
class EligibilityCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "kind", "age_threshold", "is_active"]
    list_filter = ["community", "kind", "is_active"]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_mandatory:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        # Bulk delete skips Model.delete(); keep the mandatory ones anyway.
        queryset.exclude(kind__in=EligibilityCategory.MANDATORY_KINDS).delete()
