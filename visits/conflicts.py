"""Conflicts of interest (issue 16, seed 001 risk 4): which staff declared a request's person or
address as one they must not serve (people.ConflictDeclaration). The planner keeps them away
(planning/build.py), the laptop warns when it happens anyway (field/day.py).

A relative matches by name (case, spaces and apostrophes ignored) and, when the declaration gives
one, the birth date. An address matches by settlement, street, house and, when given, flat (no flat:
the whole house)."""

from core.text import match_key
from people.models import ConflictDeclaration

from .models import address_key


def declarations(community_id, user_ids=None):
    rows = ConflictDeclaration.objects.filter(community_id=community_id)
    if user_ids is not None:
        rows = rows.filter(user_id__in=list(user_ids))
    return list(rows.order_by("user_id", "pk"))


def matches(declaration, req):
    if declaration.kind == ConflictDeclaration.Kind.RELATIVE:
        if match_key(declaration.person_name) != match_key(req.applicant_name):
            return False
        return declaration.birth_date is None or declaration.birth_date == req.applicant_birth_date
    if declaration.settlement_id != req.settlement_id:
        return False
    mine = address_key(declaration.settlement_id, declaration.street, declaration.building, declaration.flat)
    theirs = address_key(req.settlement_id, req.street, req.building, req.flat)
    if declaration.flat.strip():
        return mine == theirs
    return theirs.rsplit("|", 1)[0] == mine.rsplit("|", 1)[0]


def conflicted_users(req, decls):
    """Ids of the users whose declarations `req` matches."""
    return {d.user_id for d in decls if matches(d, req)}
