"""Cases for journal tests: a fresh request per case, as the field client would register them."""

from datetime import datetime
from itertools import count
from zoneinfo import ZoneInfo

from conftest import make_request
from journal import actions

KYIV = ZoneInfo("Europe/Kyiv")
_n = count(1)


def kyiv(*args):
    return datetime(*args, tzinfo=KYIV)


def make_case(world, *, service=None, community=None, by=None, **kwargs):
    """One registered case on a new request of `community` (A by default)."""
    i = next(_n)
    fields = {"applicant_name": f"Заявник {i}", "applicant_phone": f"+38050{2000000 + i}",
              "street": f"Вулиця {i}"}
    if community is not None and community != world.a:
        fields.update(community=community, settlement=world.b_city, category=world.b_cat["disability_1"])
    service = service or world.svc_cert
    req = make_request(world, services=[service], **fields)
    by = by or world.users["field_admin"]
    return actions.register_cases(req, [service], by=by, **kwargs)[0]
