"""The frozen content of a report: every figure of `indicators.figures.dashboard` for the period and for
the period before it, services by category of person and by service, the proposals taken up and the
stories that have a valid consent. Plain JSON (dates as ISO text), so a published report reads the same
whatever happens to the data afterwards."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from campaign.models import Draft, PublicityConsent
from indicators import figures
from quality.models import Proposal

FORMAT = 1

# (key, figure, what to compare, unit) — the headline of each indicator, in the dashboard's order.
HEADLINES = (
    ("late_handover", "late_handover", "value", figures.PERCENT),
    ("decided_late", "decided_late", "value", figures.PERCENT),
    ("punctuality", "punctuality", "value", figures.PERCENT),
    ("wait_median", "wait_days", "median", figures.DAYS),
    ("wait_p90", "wait_days", "p90", figures.DAYS),
    ("plans_late", "plans_late", "value", figures.PERCENT),
    ("complaints", "complaints", "value", figures.PER_1000),
    ("satisfaction", "satisfaction", "value", figures.PERCENT),
    ("false_calls", "false_calls", "value", figures.PERCENT),
    ("refusals", "refusals", "value", figures.PERCENT),
    ("visits", "activity", "visits", figures.COUNT),
    ("services", "activity", "services", figures.COUNT),
    ("people", "activity", "people", figures.COUNT),
    ("requested", "top_services", "denominator", figures.COUNT),
)


def _plain(value):
    """JSON-ready: dates to ISO text, lazy translations to text."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def headline(found, figure, what):
    f = found[figure]
    if what in ("value", "denominator", "numerator"):
        return getattr(f, what)
    if figure == "wait_days":
        return f.extra[what]
    return f.extra.get(what)


def _counts(figure_dict, f):
    return (figure_dict.numerator, figure_dict.denominator) if f not in ("activity", "top_services") else (None, None)


def comparison(found, before):
    rows = []
    for key, figure, what, unit in HEADLINES:
        value, previous = headline(found, figure, what), headline(before, figure, what)
        change = round(value - previous, 1) if value is not None and previous is not None else None
        numerator, denominator = _counts(found[figure], figure)
        rows.append(
            {
                "key": key,
                "figure": figure,
                "unit": unit,
                "value": value,
                "previous": previous,
                "change": change,
                "numerator": numerator,
                "denominator": denominator,
            }
        )
    return rows


def _summed(rows):
    """Weekly rows of one dimension summed over the period: [{label, services, visits, people}], most
    services first."""
    totals = {}
    for r in rows:
        slot = totals.setdefault(r["label"], {"label": r["label"], "services": 0, "visits": 0, "people": 0})
        for k in ("services", "visits", "people"):
            slot[k] += r[k]
    return sorted(totals.values(), key=lambda r: (-r["services"], -r["visits"], r["label"]))


def proposals(community, start, end):
    """Proposals taken up: accepted by the team on a day in the period. Counted all; the text and the
    change only of those marked for publication (the others may carry what the author wrote about
    themselves). The author's name is never copied."""
    taken = Proposal.objects.filter(
        community=community, decision=Proposal.Decision.ACCEPTED, discussed_on__range=(start, end)
    ).order_by("discussed_on", "pk")
    rows = list(taken.values("pk", "received_on", "discussed_on", "text", "procedure_changed", "change", "publish"))
    published = [
        {k: r[k] for k in ("pk", "received_on", "discussed_on", "text", "procedure_changed", "change")}
        for r in rows
        if r["publish"]
    ]
    return {
        "accepted": len(rows),
        "procedure_changed": sum(1 for r in rows if r["procedure_changed"]),
        "published": published,
    }


def stories(community, start, end):
    """Stories of people told in the campaign's drafts about milestones of the period, only while the
    person's consent to publicity is in force. No name: the story as the person agreed to tell it."""
    drafts = (
        Draft.objects.filter(milestone__community=community, milestone__happened_on__range=(start, end), person__isnull=False)
        .exclude(story="")
        .select_related("milestone")
        .order_by("milestone__happened_on", "pk")
    )
    found = []
    for draft in drafts:
        consent = (
            PublicityConsent.objects.filter(person_id=draft.person_id, withdrawn_at__isnull=True)
            .order_by("-given_on", "-pk")
            .first()
        )
        if consent is None:
            continue
        found.append(
            {
                "draft": draft.pk,
                "consent": consent.pk,
                "person": draft.person_id,
                "title": draft.milestone.title,
                "happened_on": draft.milestone.happened_on,
                "story": draft.story,
            }
        )
    return found


def build(community, start, end, previous_start, previous_end, *, today=None, progress=None):
    """The snapshot of `community` for Kyiv days start..end against previous_start..previous_end.
    `progress(percent)` is told how far it got."""
    today = today or timezone.localdate()
    tell = progress or (lambda percent: None)
    found = figures.dashboard(community, start, end, today)
    tell(35)
    before = figures.dashboard(community, previous_start, previous_end, today)
    tell(60)
    activity = found["activity"].breakdowns
    data = {
        "format": FORMAT,
        "community": {"name": community.name, "slug": community.slug},
        "period": {"start": start, "end": end},
        "previous": {"start": previous_start, "end": previous_end},
        "counted_on": today,
        "figures": {key: f.as_dict() for key, f in found.items()},
        "comparison": comparison(found, before),
        "by_category": _summed(activity["category"]),
        "by_service": _summed(activity["service"]),
        "proposals": proposals(community, start, end),
        "stories": stories(community, start, end),
    }
    tell(70)
    return _plain(data)


def has_data(data):
    """Whether anything at all happened in the period (else the report says "немає даних")."""
    found = data.get("figures", {})
    counted = [
        found.get(k, {}).get("denominator")
        for k in (
            "late_handover",
            "decided_late",
            "punctuality",
            "complaints",
            "satisfaction",
            "false_calls",
            "refusals",
            "top_services",
        )
    ]
    activity = found.get("activity", {}).get("extra", {})
    return any(counted) or any(activity.values()) or bool(data.get("proposals", {}).get("accepted"))
