from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.forms import normalize_phone
from eligibility.rules import ensure_mandatory_categories

from .models import CalendarOverride, Community, DistrictContact, Office, Settlement


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


class DistrictContactForm(forms.ModelForm):
    class Meta:
        model = DistrictContact
        fields = ["community", "name", "email", "phone", "settlements"]

    def clean(self):
        data = super().clean()
        community, settlements = data.get("community"), data.get("settlements") or []
        if community and any(s.community_id != community.pk for s in settlements):
            self.add_error("settlements", _("Оберіть населені пункти цієї громади."))
        if data.get("phone"):
            try:
                data["phone"] = normalize_phone(data["phone"])
            except forms.ValidationError as exc:
                self.add_error("phone", exc)
        if not data.get("email") and not data.get("phone"):
            self.add_error("email", _("Вкажіть ел. пошту або телефон: інакше графік не буде куди надіслати."))
        return data


@admin.register(DistrictContact)
class DistrictContactAdmin(admin.ModelAdmin):
    form = DistrictContactForm
    list_display = ("name", "community", "email", "phone")
    list_filter = ("community",)
    filter_horizontal = ("settlements",)
