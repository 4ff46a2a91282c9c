"""Provider terms (seed 000 §1.10: the CNAP controls the provider's term) and the refusals' analysis.

- `approaching`: cases waiting for a decision whose term ends within VALIZA_TERM_WARNING_DAYS, with the
  days left (the coordinator's list).
- `escalate`: the worker's periodic check. A case past its term is marked once for the head of the
  CNAP (`Case.escalated_at`, a journal entry) and its provider's contact gets one e-mail reminder,
  queued in the outbox (sent and retried by its worker).
  Both are claimed by a conditional UPDATE, so several workers, or the check run every few minutes,
  never mark or e-mail a case twice.
- `provider_overview`: per provider, open and late cases and the average days to a decision.
- `refusals`: refused cases of a period grouped by service, provider and coded reason.
"""

import logging
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.workdays import as_local_date
from core.logs import Safe
from notifications.models import Kind
from notifications.outbox import enqueue_email

from . import chain
from .models import Case, CaseState, JournalEntry

log = logging.getLogger(__name__)

WAITING = (CaseState.ACCEPTED, CaseState.HANDED_OVER)
OPEN = (CaseState.ACCEPTED, CaseState.HANDED_OVER, CaseState.SUSPENDED)


def approaching(cases, today, days=None):
    """Cases waiting for a decision whose term ends from today to `days` ahead, soonest first; each
    with `days_left` (0: the term ends today)."""
    days = settings.VALIZA_TERM_WARNING_DAYS if days is None else days
    rows = list(
        cases.filter(state__in=WAITING, provider_due__gte=today, provider_due__lte=today + timedelta(days=days))
        .select_related("service", "service__provider", "office")
        .order_by("provider_due", "pk")
    )
    for case in rows:
        case.days_left = (case.provider_due - today).days
    return rows


def overdue(cases, today):
    """Cases still waiting for a decision after their term, longest late first; each with `days_late`."""
    rows = list(
        cases.filter(state__in=WAITING, provider_due__lt=today)
        .select_related("service", "service__provider", "office")
        .order_by("provider_due", "pk")
    )
    for case in rows:
        case.days_late = (today - case.provider_due).days
    return rows


def escalate(now=None):
    """The worker's check: mark each case past its term for the head of the CNAP and e-mail its
    provider's contact, once each. Returns how many cases were marked now."""
    now = now or timezone.now()
    today = as_local_date(now)
    marked = 0
    late = Case.objects.filter(state__in=WAITING, provider_due__lt=today, escalated_at__isnull=True)
    for pk in list(late.values_list("pk", flat=True)):
        if _mark(pk, now, today):
            marked += 1
    remind_providers()
    return marked


@transaction.atomic
def _mark(pk, now, today):
    won = Case.objects.filter(pk=pk, state__in=WAITING, provider_due__lt=today, escalated_at__isnull=True).update(
        escalated_at=now
    )
    if not won:
        return False
    case = Case.objects.select_related("service__provider").get(pk=pk)
    chain.append(
        case,
        JournalEntry.ESCALATED,
        {
            "provider_due": case.provider_due.isoformat(),
            "days_late": (today - case.provider_due).days,
            "provider": case.service.provider.name,
        },
        by=None,
        at=now,
    )
    return True


def remind_providers():
    """Queue one e-mail to the provider's contact for each marked case not reminded yet; returns how many.

    The address is written on the case (the claim) and the e-mail queued in the outbox in one transaction,
    so two workers never both queue; the outbox's worker sends it, retries a failed send and shows its
    state to the coordinator beside the SMS (one mail path for the whole project)."""
    queued = 0
    waiting = (
        Case.objects.filter(state__in=WAITING, escalated_at__isnull=False, provider_reminded_to="")
        .exclude(service__provider__contact_email="")
        .select_related("service__provider", "office", "community")
    )
    for case in waiting:
        email = case.service.provider.contact_email
        with transaction.atomic():
            if not Case.objects.filter(pk=case.pk, provider_reminded_to="").update(provider_reminded_to=email):
                continue
            try:
                enqueue_email(
                    community=case.community, recipient=email, subject=_reminder_subject(case),
                    text=_reminder_body(case), dedup_key=f"provider-term:{case.pk}", kind=Kind.OTHER,
                    related=case,
                )
            except ValueError:
                # An address the outbox refuses (no "@"): the claim stays, the head of the CNAP sees the case.
                log.warning("Provider contact of case %s is not an e-mail address", Safe(case.number))
                continue
        log.info("Provider reminder queued for case %s past its term", Safe(case.number))
        queued += 1
    return queued


def _reminder_subject(case):
    return _("Минув строк надання послуги у справі %(n)s") % {"n": case.number}


def _reminder_body(case):
    # No personal data: the number identifies the case to the provider, who holds its documents.
    return _(
        "Доброго дня!\n\nУ справі %(n)s (%(service)s) строк надання послуги минув %(due)s, а рішення ЦНАП "
        "ще не отримав. Просимо повідомити рішення або причину затримки.\n\nСправу передано керівнику ЦНАП "
        "(%(office)s, %(community)s).\n"
    ) % {
        "n": case.number,
        "service": case.service.name_uk,
        "due": case.provider_due.strftime("%d.%m.%Y"),
        "office": case.office,
        "community": case.community,
    }


def provider_overview(cases, today):
    """Per provider: open cases, how many of them are late, decided cases and the average days from
    acceptance to the decision (one decimal), busiest first."""
    rows = {}
    counts = (
        cases.values("service__provider", "service__provider__name", "service__provider__short_name")
        .annotate(
            open=Count("pk", filter=Q(state__in=OPEN)),
            late=Count(
                "pk", filter=Q(state=CaseState.ACCEPTED, handover_due__lt=today) | Q(state__in=WAITING, provider_due__lt=today)
            ),
            decided=Count("pk", filter=Q(decided_on__isnull=False)),
        )
        .order_by()
    )
    for row in counts:
        rows[row["service__provider"]] = {
            "name": row["service__provider__short_name"] or row["service__provider__name"],
            "open": row["open"],
            "late": row["late"],
            "decided": row["decided"],
            "average_days": None,
        }
    days = defaultdict(list)
    for provider, accepted_at, decided_on in cases.filter(decided_on__isnull=False).values_list(
        "service__provider", "accepted_at", "decided_on"
    ):
        days[provider].append((decided_on - as_local_date(accepted_at)).days)
    for provider, values in days.items():
        rows[provider]["average_days"] = round(sum(values) / len(values), 1)
    return sorted(rows.values(), key=lambda r: (-r["open"], r["name"]))


def refusals(cases, start, end, by=()):
    """Refusals decided from `start` to `end` (inclusive), grouped by service, provider and coded reason
    (and by the annotations named in `by` first: the indicators' weeks), most frequent first; and their
    total."""
    rows = list(
        cases.filter(granted=False, decided_on__gte=start, decided_on__lte=end)
        .values(
            *by,
            "service__name_uk",
            "service__provider__name",
            "service__provider__short_name",
            "refusal_code__code",
            "refusal_code__title",
        )
        .annotate(n=Count("pk"))
        .order_by("-n", "service__name_uk", "refusal_code__code")
    )
    for row in rows:
        row["provider"] = row["service__provider__short_name"] or row["service__provider__name"]
    return rows, sum(r["n"] for r in rows)
