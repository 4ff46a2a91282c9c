"""`visit.start`: the administrator is at the door (the earliest start wins)."""

from .rules import combine, request_moved, visit_for


def apply(ctx):
    visit = visit_for(ctx)
    fields = []
    # The earliest start wins: a second "start" is a tap on a reloaded page, not a new visit.
    if visit.started_at is None or ctx.effective_at < visit.started_at:
        visit.started_at, visit.device_started_at = ctx.effective_at, ctx.at
        fields += ["started_at", "device_started_at"]
    if ctx.data.latitude is not None and ctx.data.longitude is not None and visit.latitude is None:
        visit.latitude, visit.longitude = ctx.data.latitude, ctx.data.longitude
        fields += ["latitude", "longitude"]
    if fields:
        visit.save(update_fields=fields)
    moved = request_moved(ctx)
    return combine(moved, ("", "", {"visit_id": visit.pk, "started_at": visit.started_at.isoformat()}))
