"""The information campaign (issue 15, seed 000 §2): milestones found once, their drafted posts, and
people's consent to have their story used."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    SERVICES = "services", _("кількість послуг")
    SETTLEMENT = "settlement", _("перша послуга в новому населеному пункті")
    SERVICE = "service", _("перша послуга нового виду")
    CATEGORY = "category", _("перша послуга для нової категорії людей")
    WORK = "work", _("строк роботи")
    PEOPLE = "people", _("кількість людей, яким допомогли")
    PREPARATION = "preparation", _("підготовчий етап")


class Milestone(models.Model):
    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("вид"), max_length=20, choices=Kind.choices)
    # What was reached ("services:5", "settlement:12", "prep:decision:…"): found once per community.
    key = models.CharField(max_length=100)
    title = models.CharField(_("подія"), max_length=300)
    happened_on = models.DateField(_("дата події"))
    detected_at = models.DateTimeField(default=timezone.now)
    figures = models.JSONField(default=dict)

    class Meta:
        ordering = ["-happened_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["community", "key"], name="campaign_milestone_once")]

    def __str__(self):
        return self.title


class DraftState(models.TextChoices):
    DRAFT = "draft", _("чернетка")
    READY = "ready", _("готово до публікації")
    PUBLISHED = "published", _("опубліковано")


class Draft(models.Model):
    milestone = models.OneToOneField(Milestone, on_delete=models.CASCADE, related_name="draft")
    site_text = models.TextField(_("текст для сайту"), max_length=6000)
    social_text = models.TextField(_("текст для соцмереж"), max_length=2000)
    # A person whose story is told; only with a valid PublicityConsent.
    person = models.ForeignKey("visits.VisitRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    story = models.TextField(_("історія людини"), max_length=2000, blank=True)
    # Why the person was taken out (consent withdrawn), shown on the draft.
    dropped_note = models.CharField(max_length=300, blank=True)
    state = models.CharField(max_length=10, choices=DraftState.choices, default=DraftState.DRAFT)
    published_url = models.URLField(_("посилання на публікацію"), blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)


class PublicityConsent(models.Model):
    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("visits.VisitRequest", on_delete=models.CASCADE, related_name="publicity_consents")
    purpose = models.CharField(_("для чого"), max_length=300)
    given_on = models.DateField(_("коли надано"))
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-given_on", "-pk"]
