from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone

from people import authorisation

from . import rosters
from .models import MembershipChange, Suitcase, Team, TeamDayOff, TeamShift, Vehicle


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["community", "name", "office", "members", "partner_providers", "has_guard", "vehicle", "suitcase",
                  "is_active"]

    def clean(self):
        cleaned = super().clean()
        # The hours are in the inline below, checked after this form: hand it the members as posted.
        if "members" in cleaned:
            self.instance._posted_member_ids = {u.pk for u in cleaned["members"]}
            community = cleaned.get("community")
            if community is not None:
                # Issue 16: only staff with an order in force may be in a team (people/authorisation.py).
                for message in authorisation.team_refusals(community, cleaned["members"], timezone.localdate()):
                    self.add_error("members", message)
        return cleaned


class TeamShiftFormSet(forms.BaseInlineFormSet):
    """The hours as posted, with the team's members, vehicle and suitcase as posted: one person, car
    or suitcase in two teams at the same hours is refused here, with the reason (teams/rosters.py)."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        team = self.instance
        shifts = [(f.cleaned_data["weekday"], f.cleaned_data["start"], f.cleaned_data["end"])
                  for f in self.forms
                  if f.cleaned_data and not f.cleaned_data.get("DELETE")
                  and f.cleaned_data.get("start") and f.cleaned_data.get("end")]
        members = getattr(team, "_posted_member_ids", None)
        if members is None:
            members = set(team.members.values_list("pk", flat=True)) if team.pk else set()
        problems = rosters.save_conflicts(team, members, shifts, team.vehicle, team.suitcase)
        if problems:
            raise ValidationError(problems)


class TeamShiftInline(admin.TabularInline):
    model = TeamShift
    formset = TeamShiftFormSet
    extra = 0


class TeamDayOffInline(admin.TabularInline):
    model = TeamDayOff
    extra = 0


class MembershipChangeFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        problems = []
        for form in self.forms:
            if form.cleaned_data and not form.cleaned_data.get("DELETE"):
                problems += rosters.change_conflicts(form.instance)
        if problems:
            raise ValidationError(problems)


class MembershipChangeInline(admin.TabularInline):
    model = MembershipChange
    formset = MembershipChangeFormSet
    extra = 0


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    form = TeamForm
    list_display = ["name", "community", "office", "vehicle", "suitcase", "is_active"]
    list_filter = ["community", "is_active"]
    filter_horizontal = ["members", "partner_providers"]
    inlines = [TeamShiftInline, TeamDayOffInline, MembershipChangeInline]


@admin.register(Vehicle)
class VehicleAdmin(admin.ModelAdmin):
    list_display = ["name", "plate", "community", "is_active"]


@admin.register(Suitcase)
class SuitcaseAdmin(admin.ModelAdmin):
    list_display = ["name", "inventory_number", "community", "autonomy_minutes", "is_active"]
