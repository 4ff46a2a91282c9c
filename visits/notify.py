"""What the person is told by SMS about their request (issue 13, "the person always knows"): it was
received (with its number), it needs more information (what, and whom to call), it was rejected
(why, and what else they can do). The scheduled date is texted by planning when a plan is published.

Every text goes through the outbox (idempotent by its key, the number's opt-out respected) to the
request's contact phone, names whom it is about («(Марія К.)») and stays within three SMS parts.
"""

from django.utils.translation import gettext as _

from core.text import sms_name
from notifications.models import Kind
from notifications.outbox import enqueue

from .models import RejectReason

# Staff's own words are cut so that a text stays within three Cyrillic parts.
MAX_WHAT = 70


def _short(text, limit):
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _call(community):
    if community.phone:
        return _("Телефон ЦНАП: %(phone)s.") % {"phone": community.phone}
    return _("Ми вам зателефонуємо.")


def _send(req, kind, key, text):
    phone = req.contact_phone
    if not phone:
        return None  # a request without a phone: the CNAP calls nobody by SMS
    message, _created = enqueue(
        community=req.community, recipient=phone, text=text, kind=kind, related=req, dedup_key=f"request:{req.pk}:{key}"
    )
    return message


def request_received(req):
    """A new request: its number, and that the CNAP will call. Not for a repeat visit that hands over a
    result (the person is told when their result is ready)."""
    if req.is_result_visit:
        return None
    text = _("ЦНАП (%(who)s): заявку %(n)s отримано. Ми зателефонуємо, щоб домовитися про візит.") % {
        "who": sms_name(req.applicant_name),
        "n": req.number,
    }
    return _send(req, Kind.RECEIVED, "received", text)


def needs_info(req, *, what, change_id):
    """The coordinator needs more information: what, and whom to call. Each such step texts once."""
    text = _("ЦНАП (%(who)s): до заявки %(n)s потрібні уточнення: %(what)s. %(call)s") % {
        "who": sms_name(req.applicant_name),
        "n": req.number,
        "what": _short(what, MAX_WHAT),
        "call": _call(req.community),
    }
    return _send(req, Kind.NEEDS_INFO, f"needs_info:{change_id}", text)


def rejected(req):
    """The request was rejected: why, and what else the person can do. A false call texts nobody (the
    phone's owner did not ask for anything)."""
    if req.reject_reason == RejectReason.FALSE_CALL:
        return None
    values = {"who": sms_name(req.applicant_name), "n": req.number, "call": _call(req.community)}
    if req.reject_reason == RejectReason.WITHDRAWN:
        text = _("ЦНАП (%(who)s): заявку %(n)s скасовано на ваше прохання. %(call)s") % values
    elif req.reject_reason == RejectReason.DUPLICATE:
        text = _("ЦНАП (%(who)s): заявка %(n)s повторює іншу вашу заявку, ми виконаємо ту. %(call)s") % values
    else:
        text = (
            _(
                "ЦНАП (%(who)s): виїзд за заявкою %(n)s не надається: людина не належить до пільгових "
                "категорій. Послугу можна отримати в ЦНАП. %(call)s"
            )
            % values
        )
    return _send(req, Kind.REJECTED, "rejected", text)
