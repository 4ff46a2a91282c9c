"""What the person is told by SMS about their case (issue 13): the result is ready and how it will
come; it was sent by post (with the tracking number) or given to a courier.

Through the outbox (idempotent by its key, the number's opt-out respected), to the phone of the
request the case came from; a case accepted at the desk without a request texts nobody. Within three
Cyrillic SMS parts.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.text import sms_name
from notifications.models import Kind
from notifications.outbox import enqueue
from quality.feedback import feedback_url

from .models import Delivery

HOW = {
    Delivery.POST: gettext_lazy("Надішлемо поштою."),
    Delivery.COURIER: gettext_lazy("Привезе кур'єр."),
    Delivery.OFFICE: gettext_lazy("Отримати можна в ЦНАП з паспортом."),
    Delivery.REPEAT_VISIT: gettext_lazy("Привеземо під час повторного візиту, дату повідомимо."),
}


def _send(case, key, text):
    req = case.request
    if req is None or not req.contact_phone:
        return None
    message, _created = enqueue(
        community=req.community,
        recipient=req.contact_phone,
        text=text,
        kind=Kind.RESULT,
        related=req,
        dedup_key=f"case:{case.pk}:{key}",
    )
    return message


def _call(case):
    phone = case.community.phone
    return _("Тел. ЦНАП: %(phone)s.") % {"phone": phone} if phone else _("Ми зателефонуємо.")


def result_ready(case):
    """The provider decided: the result (or the refusal letter) is ready, and how it will come."""
    how = HOW.get(case.preferred_delivery) or _("Як його отримати, домовимося телефоном.")
    values = {"who": sms_name(case.applicant_name), "n": case.number, "how": how, "call": _call(case)}
    if case.granted:
        text = _("ЦНАП (%(who)s): результат у справі %(n)s готовий. %(how)s") % values
    else:
        text = _("ЦНАП (%(who)s): у справі %(n)s відмовлено, лист із підставою готовий. %(how)s %(call)s") % values
    return _send(case, "result_ready", text + _feedback(case))


def _feedback(case):
    # The link to say how the visit went (seed 000 §1.11): only with the site's public address, since an
    # SMS cannot carry a path; and only for a case that came from a visit.
    if not settings.VALIZA_PUBLIC_URL or case.request is None:
        return ""
    return " " + _("Як пройшов візит: %(url)s") % {"url": feedback_url(case.request)}


def result_sent(case):
    """Sent by post (with the tracking number when there is one) or given to a courier."""
    values = {"who": sms_name(case.applicant_name), "n": case.number, "t": case.tracking_number}
    if case.result_delivery == Delivery.POST and case.tracking_number:
        text = _("ЦНАП (%(who)s): результат у справі %(n)s надіслано поштою, трек-номер %(t)s.") % values
    elif case.result_delivery == Delivery.POST:
        text = _("ЦНАП (%(who)s): результат у справі %(n)s надіслано поштою.") % values
    else:
        text = _("ЦНАП (%(who)s): результат у справі %(n)s передано кур'єру, він привезе його вам.") % values
    return _send(case, "sent", text)
