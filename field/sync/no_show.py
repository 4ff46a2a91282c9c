"""`session.no_show`: a booked person did not come to the reception (issue 12)."""

from django.utils.translation import gettext as _

from ..models import Visit
from .errors import quarantine


def apply(ctx):
    attendee = ctx.attendee
    if attendee.walk_in:
        raise quarantine("not_booked", _("Людина без запису прийшла сама: позначити її «не прийшла» не можна."))
    if attendee.request_id and Visit.objects.filter(request_id=attendee.request_id).exclude(outcome="").exists():
        raise quarantine("already_served", _(
            "Для цієї людини вже записано результат прийому, тож «не прийшла» не записано. Якщо це помилка, "
            "повідомте координатора."))
    if attendee.no_show_at is None:
        attendee.no_show_at = ctx.effective_at
        attendee.save(update_fields=["no_show_at"])
    return "", "", {"attendee_id": str(attendee.pk), "no_show_at": attendee.no_show_at.isoformat()}
