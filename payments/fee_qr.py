"""The NBU payment QR code of an administrative fee: a paid service's fee, paid by the person of a
request to the service's provider (nbu_qr.py builds the payload, the link and the SVG)."""

from django.utils.translation import gettext as _

from . import budget, nbu_qr


def _texts(service, req):
    # The most telling text first; shorter ones if the NBU size limit says no.
    yield _("Адміністративний збір: %(s)s. Платник: %(p)s. Заявка %(n)s") % {
        "s": service.name, "p": req.applicant_name, "n": req.number}
    yield _("Адмін. збір, заявка %(n)s, %(p)s") % {"n": req.number, "p": req.applicant_name}
    yield _("Адміністративний збір, заявка %(n)s") % {"n": req.number}


class PayerCodeMissing(Exception):
    pass


def _purposes(service, req):
    """The purpose texts to try. A Treasury account gets the Treasury's format with the payer's РНОКПП
    where the provider says its account needs it (payments/budget.py), and the ККДБ from the catalogue."""
    provider = service.provider
    code = (getattr(service, "budget_code", "") or "").strip()
    if not budget.is_treasury_account(provider.iban):
        yield from _texts(service, req)
        return
    payer = (getattr(req, "applicant_tax_number", "") or "").strip()
    if payer:
        for text in _texts(service, req):
            yield budget.purpose(payer, code, text)
    elif getattr(provider, "payer_code_required", False):
        raise PayerCodeMissing
    else:
        for text in _texts(service, req):
            yield f"{code} {text}" if code else text


def qr_problem(service):
    """"" if the provider's details make a payment QR possible, else why not, in Ukrainian.

    The laptop and the server refuse a payment recorded as paid "by QR" when no QR could be made:
    the person cannot have paid by a code nobody could show them.
    """
    provider = getattr(service, "provider", None)
    if provider is None:
        return _("У каталозі не вказано надавача послуги.")
    try:
        nbu_qr.clean_text(provider.payment_recipient or provider.name, "recipient", required=True)
        nbu_qr.normalize_iban(provider.iban)
        nbu_qr.clean_recipient_code(provider.edrpou)
    except nbu_qr.PaymentQRError as exc:
        return exc.message
    return ""


def payment_qr(service, req, *, fee=None):
    """({link, svg} or None, why not) for a paid service; the fee is the amount, locked (field 14 = FFFF:
    the payer's bank app may not change the amount or any other field). `fee` is the one in force on the
    day of acceptance (catalogue Service.fee_on); without it, the service's own `fee`."""
    fee = service.fee if fee is None else fee
    if not service.is_paid or not fee:
        return None, ""
    provider = service.provider
    problem = ""
    try:
        purposes = list(_purposes(service, req))
    except PayerCodeMissing:
        return None, _("QR-код для оплати не створено: рахунок отримувача в Казначействі вимагає РНОКПП "
                       "платника в призначенні платежу, а в заявці його немає. Людина платить за квитанцією "
                       "або через термінал.")
    for purpose in purposes:
        try:
            link = nbu_qr.payment_link(provider.payment_recipient or provider.name, provider.iban, fee,
                                       provider.edrpou, purpose, locked=True)
            return {"link": link, "svg": nbu_qr.render_svg(link)}, ""
        except nbu_qr.PayloadTooLarge as exc:
            problem = exc.message
        except nbu_qr.PaymentQRError as exc:
            # Missing or wrong payment details in the catalogue: the client shows them as text.
            return None, _("QR-код для оплати не створено: %(why)s Реквізити потрібно виправити в каталозі.") % {
                "why": exc.message}
    return None, problem
