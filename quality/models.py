"""After the visit: the person is asked how it went, and what they say is acted on (issue 13).

Rows are written only by `quality.actions`; views, tasks and the field sync call its functions.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# A complaint or a proposal as long as a long letter; a 100 KB text is refused with a clear message.
MAX_TEXT = 5000
RATING_RANGE = Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5)


class ForUserQuerySet(models.QuerySet):
    def for_user(self, user):
        """Rows this member of staff may see: their own community's, nothing else."""
        if not getattr(user, "community_id", None):
            return self.none()
        return self.filter(community_id=user.community_id)


class Channel(models.TextChoices):
    """Where a piece of feedback, a complaint or a proposal came from (seed 000 §1.11)."""

    SURVEY = "survey", _("Телефонне опитування")
    LINK = "link", _("Посилання з SMS або сторінки заявки")
    PHONE = "phone", _("Дзвінок до ЦНАП")
    SOCIAL = "social", _("Соціальні мережі")
    QUESTIONNAIRE = "questionnaire", _("Анкета під час обслуговування")
    EMAIL = "email", _("Електронна пошта")
    LETTER = "letter", _("Лист")
    IN_PERSON = "in_person", _("Особисто в ЦНАП")
    OTHER = "other", _("Інше")


# What staff may choose when they enter something themselves: the survey and the link record their own.
STAFF_CHANNELS = [c for c in Channel.choices if c[0] not in (Channel.SURVEY, Channel.LINK)]


class SurveyTask(models.Model):
    """The phone call after a served visit (seed 000 §1.9): who to call, when, how often it was
    tried, and what the person answered. One per visit."""

    class State(models.TextChoices):
        OPEN = "open", _("Треба зателефонувати")
        ANSWERED = "answered", _("Людина відповіла")
        REFUSED = "refused", _("Людина відмовилася від опитування")
        WRONG_NUMBER = "wrong_number", _("Неправильний номер")
        NO_ANSWER = "no_answer", _("Не відповіла після всіх спроб")
        CANCELLED = "cancelled", _("Скасовано: візит не відбувся")

    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, related_name="+")
    visit = models.OneToOneField("field.Visit", on_delete=models.PROTECT, related_name="survey")
    request = models.ForeignKey("visits.VisitRequest", on_delete=models.PROTECT, related_name="surveys")
    # The administrator who recorded the visit: the one the person rates (seed 003).
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("хто обслуговував"),
    )
    phone = models.CharField(_("телефон"), max_length=20, blank=True)
    state = models.CharField(_("стан"), max_length=20, choices=State.choices, default=State.OPEN, db_index=True)
    # Not before this moment: the next working day after the visit, then another day and hour.
    call_from = models.DateTimeField(_("телефонувати з"))
    attempts = models.PositiveSmallIntegerField(_("дзвінків"), default=0)
    # Optimistic version: a form saved from a second tab, after the first, changes nothing.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    came_on_time = models.BooleanField(_("адміністратор прийшов у погоджений час"), null=True, blank=True)
    explained = models.BooleanField(_("усе пояснили"), null=True, blank=True)
    asked_extra = models.BooleanField(_("просили щось понад офіційну плату"), null=True, blank=True)
    would_recommend = models.BooleanField(_("порадили б послугу іншим"), null=True, blank=True)
    improve = models.TextField(_("що покращити"), max_length=MAX_TEXT, blank=True)
    rating = models.PositiveSmallIntegerField(_("оцінка, 1–5"), null=True, blank=True)
    comment = models.TextField(_("що сказала людина"), max_length=MAX_TEXT, blank=True)
    possible_abuse = models.BooleanField(_("можливе зловживання"), default=False)
    complaint = models.OneToOneField("Complaint", null=True, blank=True, on_delete=models.SET_NULL, related_name="survey")

    objects = ForUserQuerySet.as_manager()

    class Meta:
        verbose_name = _("опитування після візиту")
        verbose_name_plural = _("опитування після візиту")
        ordering = ("call_from", "pk")
        constraints = (
            models.CheckConstraint(
                condition=RATING_RANGE, name="quality_survey_rating_1_to_5", violation_error_message=_("Оцінка — від 1 до 5.")
            ),
        )
        # Satisfaction counts the surveys closed in a period (quality/stats.py, indicators).
        indexes = (models.Index(fields=["community", "closed_at"], name="quality_survey_closed_at"),)

    def __str__(self):
        return f"{self.request} · {self.get_state_display()}"

    @property
    def is_open(self):
        return self.state == self.State.OPEN


class CallAttempt(models.Model):
    """One call of a survey, with its outcome code."""

    class Outcome(models.TextChoices):
        ANSWERED = "answered", _("Відповіла")
        NO_ANSWER = "no_answer", _("Не відповідає")
        REFUSED = "refused", _("Відмовилася")
        WRONG_NUMBER = "wrong_number", _("Неправильний номер")

    task = models.ForeignKey(SurveyTask, on_delete=models.CASCADE, related_name="calls")
    number = models.PositiveSmallIntegerField()
    outcome = models.CharField(_("результат дзвінка"), max_length=20, choices=Outcome.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ("task", "number")
        constraints = (models.UniqueConstraint(fields=["task", "number"], name="quality_one_call_per_number"),)


class Feedback(models.Model):
    """What a person said about the service outside the phone survey: the link's form, or a post in a
    social network, a questionnaire, a call entered by staff with the channel recorded."""

    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("звідки"), max_length=20, choices=Channel.choices)
    request = models.ForeignKey(
        "visits.VisitRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="feedback", verbose_name=_("заявка")
    )
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("хто обслуговував"),
    )
    rating = models.PositiveSmallIntegerField(_("оцінка, 1–5"), null=True, blank=True)
    text = models.TextField(_("відгук"), max_length=MAX_TEXT, blank=True)
    author = models.CharField(_("хто написав"), max_length=200, blank=True)
    source_url = models.URLField(_("посилання на допис"), max_length=500, blank=True)
    received_on = models.DateField(_("дата"))
    created_at = models.DateTimeField()
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ForUserQuerySet.as_manager()

    class Meta:
        verbose_name = _("відгук")
        verbose_name_plural = _("відгуки")
        ordering = ("-received_on", "-pk")
        constraints = (
            models.CheckConstraint(
                condition=RATING_RANGE, name="quality_feedback_rating_1_to_5", violation_error_message=_("Оцінка — від 1 до 5.")
            ),
            # The link counts once per request, however often it is opened or posted.
            models.UniqueConstraint(
                fields=["request"], condition=Q(channel="link"), name="quality_one_link_feedback_per_request"
            ),
        )

    def __str__(self):
        return f"{self.get_channel_display()} · {self.received_on:%d.%m.%Y}"


class Complaint(models.Model):
    """A complaint (рекламація) from any channel, linked to a visit request or a case, assigned to
    someone and answered within a term of working days; the answer goes to the person."""

    class AnswerVia(models.TextChoices):
        SMS = "sms", _("SMS")
        LETTER = "letter", _("Листом")
        PHONE = "phone", _("Телефоном")
        EMAIL = "email", _("Електронною поштою")

    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("звідки надійшла"), max_length=20, choices=Channel.choices)
    received_on = models.DateField(_("дата надходження"))
    request = models.ForeignKey(
        "visits.VisitRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("заявка"),
    )
    case = models.ForeignKey(
        "journal.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("справа")
    )
    person_name = models.CharField(_("хто скаржиться"), max_length=200)
    phone = models.CharField(_("телефон для відповіді"), max_length=20, blank=True)
    postal_address = models.CharField(_("поштова адреса для відповіді"), max_length=300, blank=True)
    text = models.TextField(_("суть скарги"), max_length=MAX_TEXT)
    possible_abuse = models.BooleanField(_("можливе зловживання"), default=False)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("відповідальний"),
    )
    due_on = models.DateField(_("відповісти до"))
    answer = models.TextField(_("відповідь"), max_length=MAX_TEXT, blank=True)
    answered_on = models.DateField(_("відповідь надано"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answer_via = models.CharField(_("як надіслано відповідь"), max_length=10, choices=AnswerVia.choices, blank=True)
    answer_sms = models.ForeignKey(
        "notifications.OutboxMessage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ForUserQuerySet.as_manager()

    class Meta:
        verbose_name = _("скарга")
        verbose_name_plural = _("скарги")
        ordering = ("-received_on", "-pk")
        constraints = (
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | ~Q(answer=""), name="quality_complaint_answered_with_text"
            ),
        )

    def __str__(self):
        return _("Скарга №%(n)s") % {"n": self.pk}

    def is_late_on(self, today):
        """Answered after its term, or still unanswered after it."""
        if self.answered_on:
            return self.answered_on > self.due_on
        return today > self.due_on


class Proposal(models.Model):
    """A suggestion to improve the service (seed 000 §1.11): the team discusses it, decides, and says
    whether a procedure changed; accepted ones may be published (how proposals were used)."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Ще не розглянуто")
        ACCEPTED = "accepted", _("Прийнято")
        REJECTED = "rejected", _("Відхилено")

    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("звідки надійшла"), max_length=20, choices=Channel.choices)
    received_on = models.DateField(_("дата надходження"))
    author = models.CharField(_("автор"), max_length=200, blank=True)
    text = models.TextField(_("пропозиція"), max_length=MAX_TEXT)
    discussed_on = models.DateField(_("дата обговорення командою"), null=True, blank=True)
    decision = models.CharField(_("рішення"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    reason = models.TextField(_("чому так вирішили"), max_length=MAX_TEXT, blank=True)
    procedure_changed = models.BooleanField(_("змінено порядок роботи"), default=False)
    change = models.TextField(_("що саме змінено"), max_length=MAX_TEXT, blank=True)
    publish = models.BooleanField(_("оприлюднити"), default=False)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ForUserQuerySet.as_manager()

    class Meta:
        verbose_name = _("пропозиція")
        verbose_name_plural = _("пропозиції")
        ordering = ("-received_on", "-pk")
        constraints = (
            models.CheckConstraint(
                condition=Q(publish=False) | Q(decision="accepted"),
                name="quality_only_accepted_proposals_published",
                violation_error_message=_("Оприлюднити можна лише прийняту пропозицію."),
            ),
            models.CheckConstraint(
                condition=Q(decision="pending") | Q(discussed_on__isnull=False),
                name="quality_decision_has_discussion_date",
                violation_error_message=_("Укажіть дату обговорення."),
            ),
        )

    def __str__(self):
        return _("Пропозиція №%(n)s") % {"n": self.pk}
