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
    # Staff changed the texts by hand: a consent recorded or withdrawn never rebuilds them silently.
    edited_by_staff = models.BooleanField(default=False)
    # Consent withdrawn from an edited draft that still names the person: the name staff must take out
    # of the text before the draft can be ready (blank: nothing to remove).
    remove_name = models.CharField(max_length=200, blank=True)


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


# The calendar of information occasions (issue 15, seed 000 §2.2.2): campaign/occasions.py.


class OccasionKind(models.TextChoices):
    NATIONAL = "national", _("загальна дата")
    COMMUNITY = "community", _("дата громади")
    QUARTER = "quarter", _("кінець кварталу")


class Occasion(models.Model):
    """A date worth a post, every year on `month`/`day` (or once, in `year`)."""

    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("вид"), max_length=10, choices=OccasionKind.choices, default=OccasionKind.COMMUNITY)
    # The seeded dates' own name ("older-persons", "quarter:2"): seeded once per community. Empty for staff's.
    key = models.CharField(max_length=40, blank=True)
    title = models.CharField(_("назва"), max_length=200)
    month = models.PositiveSmallIntegerField(_("місяць"))
    day = models.PositiveSmallIntegerField(_("число"))
    year = models.PositiveSmallIntegerField(_("рік (лише для одноразової дати)"), null=True, blank=True)
    lead_days = models.PositiveSmallIntegerField(_("нагадати за, днів"), default=14)
    text = models.TextField(_("початок допису"), max_length=3000, blank=True)
    active = models.BooleanField(_("нагадувати"), default=True)

    class Meta:
        ordering = ["month", "day", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "key"], condition=~models.Q(key=""), name="campaign_occasion_seeded_once"
            )
        ]

    def __str__(self):
        return self.title


class OccasionPost(models.Model):
    """The reminder "prepare a post for the occasion by its date", with the drafted post: one per occasion
    and date (the worker may run twice). The same ready/published steps as a milestone's `Draft`."""

    occasion = models.ForeignKey(Occasion, on_delete=models.CASCADE, related_name="posts")
    occasion_on = models.DateField(_("дата"))
    created_at = models.DateTimeField(default=timezone.now)
    site_text = models.TextField(_("текст для сайту"), max_length=6000)
    social_text = models.TextField(_("текст для соцмереж"), max_length=2000)
    figures = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=DraftState.choices, default=DraftState.DRAFT)
    published_url = models.URLField(_("посилання на публікацію"), blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["occasion_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["occasion", "occasion_on"], name="campaign_occasion_post_once")]


class CalendarFeed(models.Model):
    """A staff member's secret address of the iCalendar feed (calendar apps cannot log in)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
class PartnerKind(models.TextChoices):
    VETERANS = "veterans", _("спілка ветеранів")
    DISABILITY = "disability", _("спілка осіб з інвалідністю")
    SOCIAL = "social", _("соціальні служби")
    PARISH = "parish", _("парафія")
    AMBULATORY = "ambulatory", _("амбулаторія")
    STAROSTA = "starosta", _("старостат")
    SCHOOL = "school", _("школа")
    VOLUNTEERS = "volunteers", _("волонтери")
    OTHER = "other", _("інше")


class Partner(models.Model):
    """An organisation that tells people about the service (seed 000 §2.1): they get the notice."""

    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("назва організації"), max_length=200)
    kind = models.CharField(_("вид"), max_length=20, choices=PartnerKind.choices)
    contact_person = models.CharField(_("контактна особа"), max_length=200, blank=True)
    phone = models.CharField(_("телефон"), max_length=30, blank=True)
    email = models.EmailField(_("ел. пошта"), blank=True)
    settlement = models.ForeignKey(
        "communities.Settlement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("населений пункт"),
    )
    address = models.CharField(_("адреса"), max_length=300, blank=True)
    notes = models.TextField(_("примітки"), max_length=2000, blank=True)
    is_active = models.BooleanField(_("діє"), default=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class MailingReason(models.TextChoices):
    SCHEDULE = "schedule", _("новий графік виїздів")
    SERVICE = "service", _("нова послуга")
    SETTLEMENT = "settlement", _("новий населений пункт")
    OTHER = "other", _("інше")


class Mailing(models.Model):
    """A notice sent to partners by e-mail, as it was sent."""

    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, related_name="+")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(_("привід"), max_length=20, choices=MailingReason.choices)
    subject = models.CharField(_("тема"), max_length=200)
    body = models.TextField(_("текст"), max_length=6000)

    class Meta:
        ordering = ["-sent_at", "-pk"]


class MailingRecipient(models.Model):
    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="recipients")
    partner = models.ForeignKey(Partner, null=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(max_length=200)
    address = models.EmailField()
    message = models.ForeignKey("notifications.OutboxMessage", null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["name", "pk"]


class DraftPhoto(models.Model):
    """A photo for a draft post. Kept outside public /media paths' reach: served by a checked view.
    A photo showing a person needs that person's consent; withdrawn, the photo is taken off the draft."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="campaign/%Y/%m/")
    content_type = models.CharField(max_length=30)
    caption = models.CharField(_("підпис"), max_length=300, blank=True)
    person = models.ForeignKey("visits.VisitRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
