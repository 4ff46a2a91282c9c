"""A published trip for a given day, made directly (no solver): what the field client loads."""

from decimal import Decimal
from itertools import count

from django.utils import timezone

from conftest import before_cutoff, make_request
from demo import trips
from teams.models import Suitcase, Team
from visits import actions as visit_actions

_n = count(1)


def field_team(world, *, members=None, name="Виїзна команда"):
    office = world.a.offices.get()
    suitcase = Suitcase.objects.create(community=world.a, name=f"Валіза {next(_n)}")
    team = Team.objects.create(community=world.a, name=name, office=office, suitcase=suitcase)
    team.members.set(members if members is not None else [world.users["field_admin"]])
    return team


def scheduled_request(world, **fields):
    """An accepted request, as the pool holds it (status accepted; the trip schedules it)."""
    i = next(_n)
    values = dict(applicant_name=f"Відвідувана Особа {i}", applicant_phone=f"+38067{3000000 + i}",
                  street=f"Вулиця Польова {i}", building=str(i),
                  latitude=Decimal("48.5") + Decimal(i) / 700, longitude=Decimal("35.0"))
    values.update(fields)
    req = make_request(world, **values)
    visit_actions.accept(req, by=world.users["coordinator"])
    # Accepted well before any cut-off of the weeks a test plans, whatever day the run is.
    before_cutoff(req)
    return req


def published_trip(world, *, day=None, team=None, requests=None, plan=None):
    """A published plan (or `plan`) with one trip of `team` on `day`, a stop per request, every
    request scheduled. Returns the trip."""
    day = day or timezone.localdate()
    team = team or field_team(world)
    requests = requests if requests is not None else [scheduled_request(world, services=[world.svc_reg, world.svc_cert],
                                                                         docs={world.doc_passport.pk}),
                                                      scheduled_request(world)]
    return trips.published_trip(team, day, requests, by=world.users["coordinator"], plan=plan)
