"""`session.walk_in`: a person who came to a fixed-point reception without booking (issue 12).

Registered with their name, phone, birth date and their own consent, as the laptop took them; the
item's `attendee_id` is the UUID the laptop gave them, which its later actions name. The operator's
duplicate check (`visits.actions.find_duplicates`: same name and birth date, or same phone) runs
over the whole community here: the person is at the table, so they are served all the same, and
what was found is said to the administrator and written in the request's history for the coordinator.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import normalize_phone
from visits import actions as visit_actions
from visits.models import VisitRequest

from ..models import Attendee
from .errors import quarantine
from .reception import place_of, same_reception


def apply(ctx):
    data, attendee_id = ctx.data, ctx.head.attendee_id
    if attendee_id is None:
        raise quarantine("attendee_missing", _("Людину без запису не зареєстровано: ноутбук не дав їй "
                                               "ідентифікатора. Оновіть програму, коли буде зв'язок."))
    existing = Attendee.objects.select_related("stop__trip", "request").filter(pk=attendee_id).first()
    if existing is not None:
        if existing.walk_in and same_reception(existing.stop, ctx.stop) and existing.community_id == ctx.item.community_id:
            return "", _("Цю людину вже зареєстровано; нічого не змінено."), _result(existing, [])
        raise quarantine("duplicate_id", _("Людину з таким ідентифікатором уже зареєстровано деінде, тож цю "
                                           "реєстрацію не прийнято. Повідомте координатора."))
    day = ctx.stop.trip.day
    if data.birth_date > day:
        raise quarantine("birth_date_future", _(
            "Дата народження %(d)s ще не настала. Перевірте дату й зареєструйте людину ще раз.")
            % {"d": data.birth_date.strftime("%d.%m.%Y")})
    phone = ""
    if data.phone:
        try:
            phone = normalize_phone(data.phone)
        except ValidationError as exc:
            raise quarantine("phone", _("Телефон «%(p)s»: %(why)s Зареєструйте людину ще раз із правильним "
                                        "номером або без номера.") % {"p": data.phone, "why": " ".join(exc.messages)}) from None
    at = min(ctx.effective_at, timezone.now())
    duplicates = list(visit_actions.find_duplicates(
        ctx.item.community_id, name=data.name, birth_date=data.birth_date, phone=phone,
        settlement_id=None, street="", building="", flat=""))
    point = ctx.stop.session.fixed_point
    req = place_of(ctx.stop, VisitRequest(
        community_id=ctx.item.community_id, applicant_name=data.name, applicant_birth_date=data.birth_date,
        applicant_phone=phone, consent_at=at, consent_by=data.name,
        person_consent_at=at, person_consent_how=data.consent_how, person_consent_name=data.name,
        person_consent_by=ctx.user, warning_acknowledged_at=at,
    ))
    comment = _("Прийом у пункті «%(p)s» %(d)s: людина прийшла без запису.") % {
        "p": point.name, "d": day.strftime("%d.%m.%Y")}
    if duplicates:
        comment += " " + _("Можливий дублікат: уже є відкриті заявки %(n)s (те саме ім'я й дата народження або "
                           "той самий телефон).") % {"n": ", ".join(d.number for d in duplicates)}
        if data.not_a_duplicate:
            comment += " " + _("На прийомі позначили: це інша людина.")
    req = visit_actions.create_reception_request(req, [], by=ctx.user, at=at, comment=comment)
    attendee = Attendee.objects.create(id=attendee_id, community_id=ctx.item.community_id, stop=ctx.stop,
                                       request=req, walk_in=True, created_at=at, recorded_by=ctx.user)
    ctx.attendee, ctx.req = attendee, req
    if not duplicates:
        return "", "", _result(attendee, [])
    return "possible_duplicate", _(
        "Людину зареєстровано (заявка %(n)s). У громаді вже є відкриті заявки, схожі на цю людину: %(d)s. "
        "Координатор перевірить, чи це та сама людина; обслуговуйте її як звичайно.") % {
        "n": req.number, "d": ", ".join(d.number for d in duplicates)}, _result(attendee, duplicates)


def _result(attendee, duplicates):
    return {"attendee_id": str(attendee.pk), "request_id": attendee.request_id,
            "number": attendee.request.number if attendee.request_id else "",
            "duplicates": [d.number for d in duplicates]}
