"""`visit.payment`: a fee paid at the door (one per visit and service; a second edit may be held)."""

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from journal import actions as journal_actions
from journal.models import Case
from payments.fee_qr import qr_problem

from ..models import Payment, PaymentMethod
from .errors import ItemProblem, State, quarantine
from .rules import SUPERSEDED_MESSAGE, allowed_service, check_withdrawn, combine, request_moved, second_edit, visit_for


def _money(amount):
    return number_format(amount, decimal_pos=2)


def apply(ctx):
    data = ctx.data
    service = allowed_service(ctx, data.service_id)
    if not service.is_paid:
        raise quarantine("not_paid", _("Послуга «%(s)s» безоплатна, тож оплату не записано.") % {"s": service.name})
    if data.method == PaymentMethod.ONLINE:
        # Paid "by QR" when the catalogue's details make no QR possible: nobody could have shown the code.
        problem = qr_problem(service)
        if problem:
            raise quarantine("no_payment_qr", _(
                "Оплату за «%(s)s» не записано: за QR-кодом заплатити неможливо. %(why)s Оберіть інший спосіб "
                "оплати або виправте реквізити в каталозі.") % {"s": service.name, "why": problem})
    check_withdrawn(ctx)
    visit = visit_for(ctx)
    payment = Payment.objects.select_for_update(of=("self",)).select_related("item").filter(
        visit=visit, service=service).first()
    result = {"visit_id": visit.pk, "service_id": service.pk}
    notes = []
    # The fee in force on the day of the visit (fees change e.g. every 1 January).
    fee = service.fee_on(timezone.localdate(ctx.effective_at))
    if data.amount != fee:
        notes.append(_("Сума %(a)s грн відрізняється від вартості послуги (%(f)s грн); оплату записано, "
                       "координатор перевірить.") % {"a": _money(data.amount), "f": _money(fee)})
    if payment is not None:
        same = (payment.method, payment.receipt, payment.amount) == (data.method, data.receipt, data.amount)
        if same:
            return "", _("Цю оплату вже записано; нічого не змінено."), {**result, "payment_id": payment.pk}
        rule = second_edit(ctx, payment.item)
        if rule is None:
            raise ItemProblem(State.CONFLICT, "edited_twice", _(
                "Оплату за «%(s)s» уже записано з іншого ноутбука: %(m1)s, %(a1)s грн. Ваш запис (%(m2)s, %(a2)s грн) "
                "збережено й передано координатору, він вирішить, який правильний.") % {
                "s": service.name, "m1": PaymentMethod(payment.method).label, "a1": _money(payment.amount),
                "m2": PaymentMethod(data.method).label, "a2": _money(data.amount)},
                {**result, "recorded": {"method": payment.method, "receipt": payment.receipt,
                                        "amount": str(payment.amount)}})
        if rule == "superseded":
            return "superseded", SUPERSEDED_MESSAGE, {**result, "payment_id": payment.pk}
        payment.method, payment.receipt, payment.amount = data.method, data.receipt, data.amount
        payment.recorded_at, payment.device_at, payment.item = ctx.effective_at, ctx.at, ctx.item
        payment.save(update_fields=["method", "receipt", "amount", "recorded_at", "device_at", "item"])
        notes.insert(0, _("Попередній запис оплати замінено цим (історію збережено)."))
    else:
        payment = Payment.objects.create(visit=visit, service=service, method=data.method, receipt=data.receipt,
                                         amount=data.amount, recorded_at=ctx.effective_at, device_at=ctx.at,
                                         item=ctx.item)
    fee_to_journal(payment, visit.request_id, by=ctx.user)
    return combine(("", " ".join(notes), {**result, "payment_id": payment.pk}), request_moved(ctx))


def fee_to_journal(payment, request_id, *, by):
    """The case of the paid service shows the fee paid: a journal note with the amount, the method and the
    receipt (journal add_note). Nothing when there is no case yet (the acceptance, synced later, calls this)
    or when the case already shows this amount."""
    case = Case.objects.filter(request_id=request_id, service_id=payment.service_id).first()
    if case is None or case.fee_paid == payment.amount:
        return
    note = _("Оплату записано на виїзді: %(method)s%(receipt)s.") % {
        "method": PaymentMethod(payment.method).label,
        "receipt": (_(", квитанція / чек %(r)s") % {"r": payment.receipt}) if payment.receipt else ""}
    journal_actions.add_note(case, by=by, note=note, fee_paid=payment.amount)
