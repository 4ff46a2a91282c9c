"""The responsible person of the area a staff page belongs to (issue 16), shown on that page."""

from django.utils.functional import SimpleLazyObject

from .models import ResponsibleArea, ResponsiblePerson

# The pages where each area's work is done: the requests and the board, the journal, quality, the
# field review (the laptops' state).
AREA_OF_VIEW = {
    "visits:list": ResponsibleArea.INTAKE,
    "planning:board": ResponsibleArea.INTAKE,
    "journal:list": ResponsibleArea.RESULTS,
    "journal:terms": ResponsibleArea.RESULTS,
    "quality:queue": ResponsibleArea.QUALITY,
    "quality:feedback": ResponsibleArea.QUALITY,
    "quality:complaints": ResponsibleArea.QUALITY,
    "field_staff:attention": ResponsibleArea.TECHNICAL,
}


def _row(community_id, area):
    row = ResponsiblePerson.objects.filter(community_id=community_id, area=area).select_related("user").first()
    if row is None or not row.user.is_active:
        return None
    return {"area": row.get_area_display(), "name": row.user.get_full_name() or row.user.username}


def responsible_person(request):
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    area = AREA_OF_VIEW.get(match.view_name) if match is not None else None
    if area is None or user is None or not user.is_authenticated or not getattr(user, "community_id", None):
        return {}
    return {"responsible_person": SimpleLazyObject(lambda: _row(user.community_id, area) or {})}
