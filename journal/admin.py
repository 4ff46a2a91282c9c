"""The martial-law periods are edited here, not in communities/admin.py: a change must recompute
the open cases' deadlines (journal.actions), and communities sits below the journal (ADR 8)."""

from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext as _

from communities.models import MartialLawPeriod

from . import actions
from .models import RefusalReason


@admin.register(RefusalReason)
class RefusalReasonAdmin(admin.ModelAdmin):
    """Each provider's coded grounds for refusal (issue 13); a ground in use is switched off, not deleted."""

    list_display = ("provider", "code", "title", "is_active")
    list_filter = ("provider", "is_active")
    search_fields = ("code", "title")


@admin.register(MartialLawPeriod)
class MartialLawPeriodAdmin(admin.ModelAdmin):
    list_display = ("start", "end", "note")

    def _recompute(self, request, obj, what):
        changed = actions.recompute_deadlines(
            by=request.user, reason=_("%(what)s період воєнного стану %(period)s%(note)s") % {
                "what": what, "period": obj, "note": f" ({obj.note})" if obj.note else ""})
        if changed:
            self.message_user(request, _("Перераховано строки справ: %(n)s.") % {"n": len(changed)})

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._recompute(request, obj, _("Змінено") if change else _("Додано"))

    @transaction.atomic
    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._recompute(request, obj, _("Вилучено"))

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
