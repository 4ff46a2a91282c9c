"""The responsible persons per community (issue 16): shown where their work is, the default assignee
of reminders."""

from .models import ResponsiblePerson


def responsible(community_id, area):
    """The user responsible for `area` (models.ResponsibleArea) in the community, or None."""
    row = ResponsiblePerson.objects.filter(community_id=community_id, area=area).select_related("user").first()
    return row.user if row and row.user.is_active else None


def all_of(community_id):
    """{area: user} of the community."""
    rows = ResponsiblePerson.objects.filter(community_id=community_id).select_related("user")
    return {r.area: r.user for r in rows if r.user.is_active}
