"""`visit.act`: an incident act drawn up at the door (its id is made on the laptop)."""

from django.utils.translation import gettext as _

from ..models import IncidentAct
from .errors import quarantine
from .rules import combine, request_moved, visit_for


def apply(ctx):
    data = ctx.data
    visit = visit_for(ctx)
    existing = IncidentAct.objects.filter(pk=data.act_id).first()
    if existing is not None:
        if existing.visit_id != visit.pk:
            raise quarantine("duplicate_id", _("Акт із таким ідентифікатором уже записано для іншого візиту."))
        return "", _("Цей акт уже записано."), {"visit_id": visit.pk, "act_id": str(existing.pk)}
    act = IncidentAct.objects.create(id=data.act_id, visit=visit, kind=data.kind, description=data.description,
                                     witness_name=data.witness_name, witness_role=data.witness_role,
                                     happened_at=ctx.effective_at, device_at=ctx.at, drawn_up_by=ctx.user)
    return combine(("", "", {"visit_id": visit.pk, "act_id": str(act.pk)}), request_moved(ctx))
