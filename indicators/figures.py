"""The indicators of issue 14, each defined once (seeds 002, 003, 004 §8.1–8.2).

One plain function per indicator takes (community, start, end) — Kyiv dates, both days included — and
returns a `Figure`: numerator, denominator, value and breakdowns. `dashboard(community, start, end)`
returns them all; the staff dashboard, the API, the public statistics, the open data and the periodic
reports call it. Every figure is counted in the database: a fixed number of queries whatever the period.

`DEFINITIONS` holds each definition's text (numerator, denominator, which date puts a case in the
period, what is excluded). The page shows it beside the figure and docs/indicators.md carries the same
words (indicators/tests/test_definitions.py holds them together).
"""

import datetime
import math
from dataclasses import asdict, dataclass, field

from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, Min, OuterRef, Q
from django.db.models.functions import TruncDate, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.workdays import as_local_date
from field.models import SERVED_OUTCOMES, Visit
from journal import terms
from journal.models import CLOSING_STATES, Case, CaseState
from planning.models import PlanningWeek
from quality import stats
from visits.models import Purpose, RejectReason, RequestedService, Status, VisitRequest

from . import rollup
from .rollup import merge

PERCENT, PER_1000, DAYS, COUNT = "%", "‰", "days", "count"


def _d(title, numerator, denominator, period, excluded):
    return {"title": title, "numerator": numerator, "denominator": denominator, "period": period, "excluded": excluded}


DEFINITIONS = {
    "late_handover": _d(
        _("Передано суб'єкту надання пізніше наступного робочого дня"),
        _(
            "справи, передані суб'єкту надання після дня «передати до» (наступного робочого дня після прийняття), "
            "а також не передані, коли цей день уже минув"
        ),
        _("справи, передані суб'єкту надання, і справи, не передані після дня «передати до»"),
        _("день «передати до» справи припадає на період; рахується дата, коли передали насправді, а не коли це записали"),
        _("справи, ще не передані, у яких день «передати до» ще не минув; справи, закриті без передачі не пізніше цього дня"),
    ),
    "decided_late": _d(
        _("Рішення після строку суб'єкта надання"),
        _(
            "справи з датою рішення після останнього дня строку надання, а також справи без рішення, у яких цей "
            "день минув (чекають рішення або закриті без нього пізніше)"
        ),
        _("справи з рішенням і справи без рішення після останнього дня строку"),
        _("останній день строку надання припадає на період; рахується дата рішення, а не коли його записали"),
        _(
            "справи без рішення, у яких строк ще не минув; справи, розгляд яких зупинено; справи, закриті без "
            "розгляду в межах строку"
        ),
    ),
    "punctuality": _d(
        _("Пунктуальність: візити, розпочаті в повідомлений час"),
        _("візити, розпочаті в межах вікна часу, яке повідомили людині"),
        _("усі розпочаті візити додому"),
        _("день початку візиту припадає на період"),
        _("прийом у пунктах за графіком (там немає вікна часу); візити, які не розпочали"),
    ),
    "wait_days": _d(
        _("Днів від заявки до візиту"),
        _(
            "для кожної заявки — днів від дня, коли її подали, до дня першого розпочатого візиту; показано "
            "медіану і 90-й процентиль (найменше число днів, яке не перевищують 90 % заявок)"
        ),
        _("заявки, перший візит за якими розпочато в періоді"),
        _("день першого розпочатого візиту за заявкою припадає на період"),
        _("повторні виїзди для видачі результату; заявки без розпочатого візиту"),
    ),
    "plans_late": _d(
        _("Графіки, оприлюднені після строку"),
        _("тижні, перший графік яких оприлюднено пізніше встановленого часу оприлюднення"),
        _("тижні з оприлюдненим графіком"),
        _("понеділок тижня графіка припадає на період"),
        _("нові версії вже оприлюдненого графіка (рахується перше оприлюднення тижня); тижні без оприлюдненого графіка"),
    ),
    "complaints": _d(
        _("Скарги на 1 000 заявок"),
        _("скарги, що надійшли в періоді, з будь-якого каналу"),
        _("заявки на виїзд, подані в періоді; показник — скарги × 1 000 / заявки"),
        _("дата надходження скарги; дата подання заявки"),
        _("пропозиції і відгуки, що не є скаргами"),
    ),
    "satisfaction": _d(
        _("Задоволені обслуговуванням"),
        _("оцінки 4 або 5"),
        _(
            "усі оцінки від 1 до 5: з телефонного опитування після візиту і з відгуків (посилання з SMS, "
            "соцмережі, анкети, дзвінки)"
        ),
        _("день завершення опитування; дата відгуку"),
        _(
            "опитування без оцінки (людина не відповіла, відмовилася, неправильний номер); відгуки без оцінки. "
            "Відгук без заявки входить у загальну частку, але не в розподіл за населеними пунктами"
        ),
    ),
    "false_calls": _d(
        _("Хибні виклики"),
        _("заявки, відхилені з причиною «Хибний виклик»"),
        _("усі заявки на виїзд, подані в періоді"),
        _("день подання заявки"),
        _("повторні виїзди для видачі результату (їх створює ЦНАП)"),
    ),
    "refusals": _d(
        _("Відмови за підставами"),
        _("рішення про відмову, за кодом підстави (без коду — окремим рядком)"),
        _("усі рішення (надано або відмовлено) з датою рішення в періоді"),
        _("дата рішення"),
        _("справи без рішення; справи, закриті без розгляду"),
    ),
    "activity": _d(
        _("Візити, послуги і люди щотижня"),
        _(
            "візити — візити з результатом «обслуговано» або «обслуговано частково»; послуги — справи, прийняті "
            "до журналу; люди — різні заявки, за якими людей обслуговано"
        ),
        _("немає (це кількість), розподіл за тижнями і за населеним пунктом, категорією, послугою та командою"),
        _("тиждень (з понеділка) дня початку візиту; для послуг — дня прийняття справи"),
        _("візити, на яких людину не обслуговано; справи, прийняті в ЦНАП без виїзду, не мають команди"),
    ),
    "top_services": _d(
        _("Найпопулярніші послуги"),
        _("скільки разів послугу замовили в заявках"),
        _("усі замовлені послуги в заявках періоду"),
        _("день подання заявки"),
        _("повторні виїзди для видачі результату"),
    ),
}

DIMENSIONS = {
    "settlement": _("населений пункт"),
    "category": _("категорія"),
    "service": _("послуга"),
    "team": _("команда"),
}


@dataclass
class Figure:
    key: str
    unit: str
    numerator: int | None = None
    denominator: int | None = None
    value: float | None = None
    # name -> rows of {"label": …, "numerator": …, "denominator": …, "value": …} (or other counts)
    breakdowns: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    @property
    def definition(self):
        return DEFINITIONS[self.key]

    def as_dict(self):
        return asdict(self)


def share(part, whole):
    """A percentage with one decimal, None when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None


def bounds(start, end):
    """The aware moments that hold Kyiv days `start`..`end`: [since, until)."""
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time(0), tzinfo=tz)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(0), tzinfo=tz)
    return since, until


def monday(value):
    """The Monday (a Kyiv date) of a TruncWeek value: a date, or an aware datetime for a moment column."""
    return as_local_date(value) if isinstance(value, datetime.datetime) else value


def _weekly(rows, key, *counts):
    """{Monday: {key(row): [counts]}} from rows grouped by "week" and more."""
    weeks = {}
    for r in rows:
        # Added, not set: two rows may share a key (a name missing as None or as "").
        slot = weeks.setdefault(monday(r["week"]), {}).setdefault(key(r), [0] * len(counts))
        for i, c in enumerate(counts):
            slot[i] += r[c]
    return weeks


def _label_rows(part, numerator="late"):
    """Breakdown rows sorted by label from a partial {label: [n, k]}."""
    return [
        {"label": label or "—", "numerator": k, "denominator": n, "value": share(k, n)} for label, (n, k) in sorted(part.items())
    ]


def _ratio_rows(rows, label, num="late", den="n"):
    return [{"label": r[label] or "—", "numerator": r[num], "denominator": r[den], "value": share(r[num], r[den])} for r in rows]


def late_handover_weeks(community, start, end, today):
    """Partials by the week of the day to hand over: {Monday: {provider: [counted, late]}}."""
    unhanded = Q(handed_over_on__isnull=True)
    waiting_past = unhanded & Q(state=CaseState.ACCEPTED, handover_due__lt=today)
    closed_past = unhanded & Q(closed_on__gt=F("handover_due"))
    counted = Q(handed_over_on__isnull=False) | waiting_past | closed_past
    late = Q(handed_over_on__gt=F("handover_due")) | waiting_past | closed_past
    rows = (
        Case.objects.filter(community=community, handover_due__range=(start, end))
        .annotate(week=TruncWeek("handover_due"))
        .values("week", "service__provider__name")
        .annotate(n=Count("pk", filter=counted), late=Count("pk", filter=late))
        .order_by()
    )
    return _weekly(rows, lambda r: r["service__provider__name"] or "", "n", "late")


def _by_provider(key, part):
    part = {label: nk for label, nk in part.items() if nk[0]}
    n, k = sum(v[0] for v in part.values()), sum(v[1] for v in part.values())
    return Figure(key, PERCENT, k, n, share(k, n), {"provider": _label_rows(part)})


def late_handover_finish(part):
    return _by_provider("late_handover", part)


def late_handover(community, start, end, today=None):
    today = today or timezone.localdate()
    return late_handover_finish(merge(late_handover_weeks(community, start, end, today).values()))


def decided_late_weeks(community, start, end, today):
    """Partials by the week of the provider's last day: {Monday: {provider: [counted, late]}}."""
    undecided = Q(decided_on__isnull=True)
    waiting_past = undecided & Q(state__in=terms.WAITING, provider_due__lt=today)
    closed_past = undecided & Q(state__in=CLOSING_STATES, closed_on__gt=F("provider_due"))
    counted = Q(decided_on__isnull=False) | waiting_past | closed_past
    late = Q(decided_on__gt=F("provider_due")) | waiting_past | closed_past
    rows = (
        Case.objects.filter(community=community, provider_due__range=(start, end))
        .exclude(state=CaseState.SUSPENDED)
        .annotate(week=TruncWeek("provider_due"))
        .values("week", "service__provider__name")
        .annotate(n=Count("pk", filter=counted), late=Count("pk", filter=late))
        .order_by()
    )
    return _weekly(rows, lambda r: r["service__provider__name"] or "", "n", "late")


def decided_late_finish(part):
    return _by_provider("decided_late", part)


def decided_late(community, start, end, today=None):
    today = today or timezone.localdate()
    return decided_late_finish(merge(decided_late_weeks(community, start, end, today).values()))


def _started_visits(community, start, end):
    since, until = bounds(start, end)
    return Visit.objects.filter(community=community, started_at__gte=since, started_at__lt=until)


def punctuality_weeks(community, start, end, today=None):
    """Partials by the week the visit started: {Monday: {team: [visits, in the window]}}."""
    in_window = Q(started_at__gte=F("stop__window_start"), started_at__lte=F("stop__window_end"))
    rows = (
        _started_visits(community, start, end)
        .filter(stop__request__isnull=False)
        .annotate(week=TruncWeek("started_at", tzinfo=timezone.get_current_timezone()))
        .values("week", "stop__trip__team__name")
        .annotate(n=Count("pk"), ok=Count("pk", filter=in_window))
        .order_by()
    )
    return _weekly(rows, lambda r: r["stop__trip__team__name"] or "", "n", "ok")


def punctuality_finish(part):
    n, k = sum(v[0] for v in part.values()), sum(v[1] for v in part.values())
    return Figure("punctuality", PERCENT, k, n, share(k, n), {"team": _label_rows(part)})


def punctuality(community, start, end):
    return punctuality_finish(merge(punctuality_weeks(community, start, end).values()))


def nearest_rank(values, percent):
    """The smallest value that at least `percent` % of `values` do not exceed (nearest-rank method)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)] if ordered else None


def wait_days_weeks(community, start, end, today=None):
    """Partials by the week of the first visit: {Monday: {days: [requests]}} (days as text: JSON keys)."""
    tz = timezone.get_current_timezone()
    # A request's first visit: a visit started in the period with no visit of the same request started
    # before it. Each visit of the period probes its request's visits by index (request, started_at), so a
    # week reads its own few thousand rows, not every visit before it. Days between the Kyiv days,
    # counted by the database; two visits of a request started at the same moment count once (below).
    earlier = Visit.objects.filter(request=OuterRef("request"), started_at__lt=OuterRef("started_at"))
    days = list(
        _started_visits(community, start, end)
        .exclude(request__purpose=Purpose.RESULT)
        .filter(~Exists(earlier))
        .annotate(
            days=ExpressionWrapper(
                TruncDate("started_at", tzinfo=tz) - TruncDate("request__created_at", tzinfo=tz),
                output_field=DurationField(),
            ),
            week=TruncWeek("started_at", tzinfo=tz),
        )
        .order_by()
        .values_list("request", "week", "days")
    )
    weeks = {}
    for week, d in {request: (week, d) for request, week, d in days}.values():
        slot = weeks.setdefault(monday(week), {}).setdefault(str(d.days), [0])
        slot[0] += 1
    return weeks


def _nth(counted, n):
    """The n-th (from 0) of the values in `counted`: [(value, how many)] sorted by value."""
    for value, k in counted:
        if n < k:
            return value
        n -= k
    raise IndexError(n)


def wait_days_finish(part):
    # From the counts of each number of days, without a list of a year's requests: the same median
    # (statistics.median: the middle one, or the mean of the two middle ones) and nearest rank.
    counted = sorted((int(d), n) for d, (n,) in part.items() if n)
    total = sum(n for _d, n in counted)
    median = p90 = None
    if total:
        if total % 2:
            median = _nth(counted, total // 2)
        else:
            median = (_nth(counted, total // 2 - 1) + _nth(counted, total // 2)) / 2
        p90 = _nth(counted, max(0, math.ceil(90 / 100 * total) - 1))
    return Figure("wait_days", DAYS, None, total, median, extra={"median": median, "p90": p90})


def wait_days(community, start, end):
    return wait_days_finish(merge(wait_days_weeks(community, start, end).values()))


def plans_late(community, start, end):
    weeks = list(
        PlanningWeek.objects.filter(community=community, monday__range=(start, end))
        .annotate(first=Min("plans__published_at"))
        .filter(first__isnull=False)
        .values("monday", "first", "publish_by")
        .order_by("monday")
    )
    late = [w for w in weeks if w["first"] > w["publish_by"]]
    return Figure(
        "plans_late",
        PERCENT,
        len(late),
        len(weeks),
        share(len(late), len(weeks)),
        {"week": [{"label": w["monday"].isoformat(), "late": w["first"] > w["publish_by"]} for w in weeks]},
    )


def complaints(community, start, end, today=None):
    counted = stats.complaints_and_requests(community, start, end, today)
    n, k = counted["requests"], counted["complaints"]
    return Figure("complaints", PER_1000, k, n, stats.per_1000(k, n), extra={"late": counted["late"]})


def satisfaction(community, start, end):
    rows = stats.rating_rows(community, start, end)
    n, k = sum(r["n"] for r in rows), sum(r["ok"] for r in rows)
    by_settlement = sorted((r for r in rows if r["settlement"]), key=lambda r: r["settlement"])
    remote = {}
    for r in rows:
        if r["settlement"] is not None:
            slot = remote.setdefault(bool(r["remote"]), {"n": 0, "ok": 0})
            slot["n"] += r["n"]
            slot["ok"] += r["ok"]
    remote_rows = [
        {
            "label": str(_("віддалені") if key else _("не віддалені")),
            "remote": key,
            "numerator": v["ok"],
            "denominator": v["n"],
            "value": share(v["ok"], v["n"]),
        }
        for key, v in sorted(remote.items())
    ]
    target = community.satisfaction_target
    value = share(k, n)
    return Figure(
        "satisfaction",
        PERCENT,
        k,
        n,
        value,
        {
            "settlement": [
                {
                    "label": r["settlement"],
                    "remote": r["remote"],
                    "numerator": r["ok"],
                    "denominator": r["n"],
                    "value": share(r["ok"], r["n"]),
                }
                for r in by_settlement
            ],
            "remote": remote_rows,
        },
        extra={"target": target, "meets_target": None if value is None else value >= target},
    )


def false_calls(community, start, end):
    since, until = bounds(start, end)
    false = Q(status=Status.REJECTED, reject_reason=RejectReason.FALSE_CALL)
    rows = list(
        VisitRequest.objects.filter(community=community, created_at__gte=since, created_at__lt=until)
        .exclude(purpose=Purpose.RESULT)
        .values("channel")
        .annotate(n=Count("pk"), late=Count("pk", filter=false))
        .order_by("channel")
    )
    n, k = sum(r["n"] for r in rows), sum(r["late"] for r in rows)
    return Figure("false_calls", PERCENT, k, n, share(k, n), {"channel": _ratio_rows(rows, "channel")})


# A refusal's partial key: its code and the code's title, joined by a character no title holds.
_SEP = "\x1f"
_DECIDED = "decided"


def refusals_weeks(community, start, end, today=None):
    """Partials by the week of the decision: {Monday: {"decided": [decisions], "code␟title": [refusals]}}."""
    cases = Case.objects.filter(community=community).annotate(week=TruncWeek("decided_on"))
    rows, _refused = terms.refusals(cases, start, end, by=("week",))
    weeks = {}
    for r in rows:
        key = (r["refusal_code__code"] or "") + _SEP + (r["refusal_code__title"] or "")
        slot = weeks.setdefault(monday(r["week"]), {}).setdefault(key, [0])
        slot[0] += r["n"]
    decided = (
        cases.filter(granted__isnull=False, decided_on__range=(start, end)).values("week").annotate(n=Count("pk")).order_by()
    )
    for r in decided:
        weeks.setdefault(monday(r["week"]), {})[_DECIDED] = [r["n"]]
    return weeks


def refusals_finish(part):
    decided = part.get(_DECIDED, [0])[0]
    reasons = []
    for key, (n,) in part.items():
        if key != _DECIDED:
            code, title = key.split(_SEP, 1)
            reasons.append({"code": code, "label": title or str(_("без коду підстави")), "numerator": n})
    reasons.sort(key=lambda r: (-r["numerator"], r["code"]))
    refused = sum(r["numerator"] for r in reasons)
    for r in reasons:
        r["denominator"], r["value"] = refused, share(r["numerator"], refused)
    return Figure("refusals", PERCENT, refused, decided, share(refused, decided), {"reason": reasons})


def refusals(community, start, end):
    return refusals_finish(merge(refusals_weeks(community, start, end).values()))


VISIT_DIMENSIONS = {
    "settlement": "request__settlement__name",
    "category": "request__category__name",
    "service": "accepted__service__name_uk",
    "team": "stop__trip__team__name",
}
CASE_DIMENSIONS = {
    "settlement": "request__settlement__name",
    "category": "request__category__name",
    "service": "service__name_uk",
    "team": "accepted_service__visit__stop__trip__team__name",
}


# The activity's queries: each groups by the week and the dimensions that add up from it exactly. A
# visit's (and a case's) settlement and category are its request's, so a request — and a visit — falls in
# one (settlement, category) pair, and the pairs' distinct counts add up to each dimension's. A case has one
# service and one team, so its count adds up both ways. A visit's services (one row per service accepted
# at it) and a person seen by two teams in a week would be counted twice: those have queries of their own.
VISIT_GROUPS = (("settlement", "category"), ("service",), ("team",))
CASE_GROUPS = (("settlement", "category"), ("service", "team"))


def activity_weeks(community, start, end, today=None):
    """Partials by the week (Monday) of the visit's start and of the case's acceptance:
    {Monday: {"dimension␟label": [visits, people, services]}}. Five queries (VISIT_GROUPS, CASE_GROUPS)."""
    tz = timezone.get_current_timezone()
    since, until = bounds(start, end)
    visits = (
        _started_visits(community, start, end)
        .filter(outcome__in=SERVED_OUTCOMES)
        .annotate(week=TruncWeek("started_at", tzinfo=tz))
    )
    cases = Case.objects.filter(community=community, accepted_at__gte=since, accepted_at__lt=until).annotate(
        week=TruncWeek("accepted_at", tzinfo=tz)
    )
    weeks = {}

    def slot(week, name, label):
        return weeks.setdefault(monday(week), {}).setdefault(name + _SEP + (label or "—"), [0, 0, 0])

    for names in VISIT_GROUPS:
        fields = [VISIT_DIMENSIONS[name] for name in names]
        # Only the services' join repeats a visit; elsewhere a plain count is the same number without the
        # database sorting every group.
        counted = visits.values("week", *fields).annotate(
            v=Count("pk", distinct="service" in names), p=Count("request", distinct=True)
        )
        for r in counted.order_by():
            for name, key in zip(names, fields, strict=True):
                s = slot(r["week"], name, r[key])
                s[0] += r["v"]
                s[1] += r["p"]
    for names in CASE_GROUPS:
        fields = [CASE_DIMENSIONS[name] for name in names]
        for r in cases.values("week", *fields).annotate(n=Count("pk")).order_by():
            for name, key in zip(names, fields, strict=True):
                slot(r["week"], name, r[key])[2] += r["n"]
    return weeks


def activity_finish(weeks):
    """The activity from its weekly partials ({Monday: partial}: the weeks are its rows, not summed)."""
    by = {name: [] for name in DIMENSIONS}
    rows = []
    for week in sorted(weeks):
        labelled = sorted(tuple(key.split(_SEP, 1)) + tuple(counts) for key, counts in weeks[week].items())
        for name, label, visits, people, services in labelled:
            by[name].append({"week": week, "label": label, "visits": visits, "people": people, "services": services})
        # A visit, its request and a case have one settlement (or none, "—"): the week's totals are the sums
        # of its settlements' rows, with no query of their own.
        settled = [row for row in labelled if row[0] == "settlement"]
        if settled:
            rows.append({"week": week, **{k: sum(r[i] for r in settled) for i, k in enumerate(COUNTS, start=2)}})
    totals = {k: sum(r[k] for r in rows) for k in COUNTS}
    return Figure("activity", COUNT, None, None, None, {"week": rows, **by}, extra=totals)


COUNTS = ("visits", "people", "services")


def activity(community, start, end):
    """Per week (Monday): visits that served, services accepted (cases), people served (requests); and
    the same per settlement, category, service and team."""
    return activity_finish(activity_weeks(community, start, end))


def top_services_weeks(community, start, end, today=None):
    """Partials by the week the request came: {Monday: {service: [times asked]}}."""
    since, until = bounds(start, end)
    rows = (
        RequestedService.objects.filter(
            request__community=community, request__created_at__gte=since, request__created_at__lt=until
        )
        .exclude(request__purpose=Purpose.RESULT)
        .annotate(week=TruncWeek("request__created_at", tzinfo=timezone.get_current_timezone()))
        .values("week", "service__name_uk")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _weekly(rows, lambda r: r["service__name_uk"] or "", "n")


def top_services_finish(part, limit=10):
    rows = sorted(((label, n) for label, (n,) in part.items() if n), key=lambda r: (-r[1], r[0]))
    total = sum(n for _label, n in rows)
    ranking = [
        {"rank": i, "label": label, "numerator": n, "denominator": total, "value": share(n, total)}
        for i, (label, n) in enumerate(rows[:limit], start=1)
    ]
    return Figure("top_services", COUNT, None, total, None, {"service": ranking})


def top_services(community, start, end, limit=10):
    return top_services_finish(merge(top_services_weeks(community, start, end).values()), limit)


# The figures that read a year of cases, visits and requested services: their closed weeks come from the
# roll-up (indicators/rollup.py). The others read a few thousand rows a year, or one narrow index, live.
ROLLED = {
    "late_handover": rollup.Spec(late_handover_weeks, late_handover_finish),
    "decided_late": rollup.Spec(decided_late_weeks, decided_late_finish),
    "punctuality": rollup.Spec(punctuality_weeks, punctuality_finish),
    "wait_days": rollup.Spec(wait_days_weeks, wait_days_finish),
    "refusals": rollup.Spec(refusals_weeks, refusals_finish),
    "activity": rollup.Spec(activity_weeks, activity_finish, by_week=True),
    "top_services": rollup.Spec(top_services_weeks, top_services_finish),
}


def dashboard(community, start, end, today=None):
    """Every indicator of `community` for Kyiv days `start`..`end`, in the order the pages show them.
    `today` decides what is late already (a case still waiting past its day); it defaults to today."""
    today = today or timezone.localdate()
    rolled = rollup.gather(community, start, end, today, ROLLED)
    return {
        "late_handover": rolled["late_handover"],
        "decided_late": rolled["decided_late"],
        "punctuality": rolled["punctuality"],
        "wait_days": rolled["wait_days"],
        "plans_late": plans_late(community, start, end),
        "complaints": complaints(community, start, end, today),
        "satisfaction": satisfaction(community, start, end),
        "false_calls": false_calls(community, start, end),
        "refusals": rolled["refusals"],
        "activity": rolled["activity"],
        "top_services": rolled["top_services"],
    }
