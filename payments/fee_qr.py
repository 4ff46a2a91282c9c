"""The NBU payment QR code of an administrative fee: a paid service's fee, paid by the person of a
request to the service's provider (nbu_qr.py builds the payload, the link and the SVG)."""

from django.utils.translation import gettext as _

from . import nbu_qr


def _purposes(service, req):
    # The most telling text first; shorter ones if the NBU size limit says no.
    yield _("Адміністративний збір: %(s)s. Платник: %(p)s. Заявка %(n)s") % {
        "s": service.name, "p": req.applicant_name, "n": req.number}
    yield _("Адмін. збір, заявка %(n)s, %(p)s") % {"n": req.number, "p": req.applicant_name}
    yield _("Адміністративний збір, заявка %(n)s") % {"n": req.number}


def payment_qr(service, req):
    """({link, svg} or None, why not) for a paid service; the fee is the amount."""
    if not service.is_paid or not service.fee:
        return None, ""
    provider = service.provider
    problem = ""
    for purpose in _purposes(service, req):
        try:
            link = nbu_qr.payment_link(provider.payment_recipient or provider.name, provider.iban, service.fee,
                                       provider.edrpou, purpose)
            return {"link": link, "svg": nbu_qr.render_svg(link)}, ""
        except nbu_qr.PayloadTooLarge as exc:
            problem = exc.message
        except nbu_qr.PaymentQRError as exc:
            # Missing or wrong payment details in the catalogue: the client shows them as text.
            return None, _("QR-код для оплати не створено: %(why)s Реквізити потрібно виправити в каталозі.") % {
                "why": exc.message}
    return None, problem
