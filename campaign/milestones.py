"""Milestones found in the data (issue 15, seed 000 §2.3): the worker runs `check`, which runs `detect`
for every community. A milestone's key names what was reached, and the database holds each key once
per community: a second run, or a corrected case, finds nothing new."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from communities.models import Community
from communities.workdays import as_local_date
from indicators import figures as indicators
from journal.models import Case

from .models import Kind, Milestone

SERVICE_COUNTS = (1, 5, 20)
PEOPLE_COUNTS = (100, 500, 1000)
# Months of work since the first service: a quarter, a half-year, a year.
WORK_MONTHS = ((3, "quarter"), (6, "half"), (12, "year"))


def add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, d))
        except ValueError:
            continue


def totals(community, since, until):
    """The figures a post quotes, counted by the indicators (issue 14) from `since` to `until`."""
    found = indicators.activity(community, since, until).extra
    return {"since": since.isoformat(), "until": until.isoformat(), **found}


def _person_key(case):
    return f"r{case.request_id}" if case.request_id else f"c{case.pk}"


def found_in(community, today):
    """Every milestone the journal shows up to `today`: [(key, kind, title, day, details)]."""
    cases = list(
        Case.objects.filter(community=community, accepted_at__date__lte=today + datetime.timedelta(days=1))
        .select_related("service", "request__settlement", "request__category")
        .order_by("accepted_at", "pk")
    )
    cases = [c for c in cases if as_local_date(c.accepted_at) <= today]
    if not cases:
        return []
    first_day = as_local_date(cases[0].accepted_at)
    out = []
    seen = {"settlement": set(), "service": set(), "category": set()}
    people = set()
    for n, case in enumerate(cases, start=1):
        day = as_local_date(case.accepted_at)
        detail = {"case_id": case.pk, "request_id": case.request_id, "service": case.service.name_uk}
        if n in SERVICE_COUNTS:
            title = _("Перша послуга") if n == 1 else ngettext("Перша %(n)d послуга", "Перші %(n)d послуг", n) % {"n": n}
            out.append((f"services:{n}", Kind.SERVICES, title, day, detail))
        request = case.request
        dims = [("service", case.service_id, case.service.name_uk, _("Перша послуга «%(x)s»"))]
        if request:
            dims.append(
                ("settlement", request.settlement_id, request.settlement.name, _("Перша послуга в населеному пункті %(x)s"))
            )
            if request.category_id:
                dims.append(("category", request.category_id, request.category.name, _("Перша послуга для категорії «%(x)s»")))
        for dim, pk, label, title in dims:
            if pk in seen[dim]:
                continue
            seen[dim].add(pk)
            if n > 1:  # the very first service is a milestone of its own
                out.append((f"{dim}:{pk}", Kind(dim), title % {"x": label}, day, {**detail, dim: label}))
        people.add(_person_key(case))
        if len(people) in PEOPLE_COUNTS and f"people:{len(people)}" not in {o[0] for o in out}:
            p = len(people)
            out.append(
                (
                    f"people:{p}",
                    Kind.PEOPLE,
                    ngettext("Допомогли %(n)d людині", "Допомогли %(n)d людям", p) % {"n": p},
                    day,
                    detail,
                )
            )
    work_titles = {"quarter": _("Перший квартал роботи"), "half": _("Перше півріччя роботи"), "year": _("Перший рік роботи")}
    for months, name in WORK_MONTHS:
        day = add_months(first_day, months)
        if day <= today:
            out.append((f"work:{name}", Kind.WORK, work_titles[name], day, {"first_day": first_day.isoformat()}))
    return out


def record(community, key, kind, title, day, details):
    """The milestone `key` of `community`, made with its draft if new. Returns (milestone, created)."""
    from .actions import make_draft

    existing = Milestone.objects.filter(community=community, key=key).first()
    if existing:
        return existing, False
    first = Case.objects.filter(community=community).order_by("accepted_at").first()
    since = as_local_date(first.accepted_at) if first else day
    figures = {**totals(community, min(since, day), day), **details}
    try:
        with transaction.atomic():
            milestone = Milestone.objects.create(
                community=community, key=key, kind=kind, title=title, happened_on=day, figures=figures
            )
            make_draft(milestone)
    except IntegrityError:  # another worker made it a moment ago
        return Milestone.objects.get(community=community, key=key), False
    return milestone, True


def detect(community, now=None):
    """Record the milestones of `community` not yet recorded. Returns the new ones."""
    today = timezone.localdate(now or timezone.now())
    made = []
    for key, kind, title, day, details in found_in(community, today):
        milestone, created = record(community, key, kind, title, day, details)
        if created:
            made.append(milestone)
    return made


def check(now=None):
    """The worker's check (VALIZA_WORKER_CHECKS). Returns how many milestones were found."""
    return sum(len(detect(c, now)) for c in Community.objects.all())
