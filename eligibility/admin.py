from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import EligibilityCategory, EvidenceDocument


@admin.register(EligibilityCategory)
class EligibilityCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "kind", "age_threshold", "is_active", "decision"]
    list_filter = ["community", "kind", "is_active"]

    @admin.display(description=_("рішення ради"))
    def decision(self, obj):
        return obj.decision_label

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_mandatory:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        # Bulk delete skips Model.delete(); keep the mandatory ones anyway.
        queryset.exclude(kind__in=EligibilityCategory.MANDATORY_KINDS).delete()


@admin.register(EvidenceDocument)
class EvidenceDocumentAdmin(admin.ModelAdmin):
    list_display = ["name", "category_kind", "valid_from", "valid_to", "order"]
    list_filter = ["category_kind"]
    search_fields = ["name"]
