"""Roles (DESIGN.md "People and roles") and what each may do.

Views, the API and templates ask `has_capability`; nothing checks a role name directly, so a role's
reach is read and changed here only.
"""

from django.utils.translation import gettext_lazy as _

OPERATOR = "operator"
COORDINATOR = "coordinator"
FIELD_ADMIN = "field_admin"
PARTNER = "partner"
TECHNICIAN = "technician"
SYSADMIN = "sysadmin"
QUALITY = "quality"
# Issue 12 (doors): a village head who submits requests for people in their settlements.
STAROSTA = "starosta"
# Issue 15: the community's communications person (the information campaign).
COMMUNICATIONS = "communications"

ROLE_CHOICES = [
    (OPERATOR, _("Оператор прийому заявок")),
    (COORDINATOR, _("Координатор")),
    (FIELD_ADMIN, _("Адміністратор виїзду")),
    (PARTNER, _("Фахівець-партнер")),
    (TECHNICIAN, _("Технік")),
    (SYSADMIN, _("Системний адміністратор")),
    (QUALITY, _("Фахівець з якості обслуговування")),
    (STAROSTA, _("Староста")),
    (COMMUNICATIONS, _("Фахівець з комунікацій")),
]

# Roles that must give a code from an authenticator app at every login (accounts/second_factor.py):
# the coordinator (head of the CNAP or appointee) sees the whole community's personal data, the
# system administrator configures who may see it; the quality officer calls people of the whole
# community and sees their names and phones. Whoever may open the admin site needs it too.
SECOND_FACTOR_REQUIRED = {COORDINATOR, SYSADMIN, QUALITY}

CAPABILITIES = {
    # Requests hold personal data: only the two roles that take and decide them.
    "requests.view": {OPERATOR, COORDINATOR},
    "requests.intake": {OPERATOR, COORDINATOR},
    "requests.decide": {COORDINATOR},
    "audit.view": {COORDINATOR},
    # The operator sees the plan to tell callers their date; only the coordinator changes it.
    "planning.view": {OPERATOR, COORDINATOR},
    "planning.manage": {COORDINATOR},
    # Route sheets: the field administrator prints their own team's published trips only.
    "planning.sheet": {OPERATOR, COORDINATOR, FIELD_ADMIN},
    # SMS to citizens: phones and visit times of the whole community.
    "outbox.view": {COORDINATOR},
    "outbox.retry": {COORDINATOR},
    # The journal of cases: the operator answers "where is my certificate?", the coordinator
    # records hand-over, decision and result.
    "journal.view": {OPERATOR, COORDINATOR, PARTNER},  # a partner: own provider's cases only (PROVIDER_SCOPED)
    "journal.manage": {COORDINATOR},
    # The offline field client: own team's published trips of the day, and the sync API.
    # A partner specialist on a joint trip: only their provider's stops and services (field/day.py, field/sync).
    "field.work": {FIELD_ADMIN, PARTNER},
    # Items a device sent that wait for a decision (conflicts, quarantine), devices to revoke.
    "field.review": {COORDINATOR},
    # Session videos: the coordinator only, every view logged.
    "field.video": {COORDINATOR},
    # Issue 16: orders allowing work in the field (and revoking them), training, instructions.
    "people.manage": {COORDINATOR},
    # Everyone who may meet the people served declares their own conflicts of interest (seed 001 risk 4).
    "people.declare": {OPERATOR, COORDINATOR, FIELD_ADMIN, PARTNER},
    # After the visit (issue 13): the quality officer calls people, enters what they said elsewhere,
    # registers complaints and proposals of their community; the head of the CNAP (the coordinator) too.
    "quality.survey": {QUALITY, COORDINATOR},
    "quality.feedback": {QUALITY, COORDINATOR},
    "quality.complaints": {QUALITY, COORDINATOR},
    "quality.proposals": {QUALITY, COORDINATOR},
    # Ratings of the staff who served (seed 003): everyone who serves sees their own, the head all.
    "quality.ratings": {OPERATOR, COORDINATOR, FIELD_ADMIN, PARTNER, QUALITY},
    "quality.ratings_all": {COORDINATOR},
    # Issue 12 (doors). The starosta files requests for people of their own settlements and sees those
    # requests' state and the published schedule of their settlements, nothing else.
    "starosta.submit": {STAROSTA},
    # Issue 14: the indicators of the community (counts, no personal data) for the head of the CNAP and
    # the quality officer, who answers for satisfaction and complaints.
    "indicators.view": {COORDINATOR, QUALITY},
    # Issue 16 (equipment): the technician keeps the kit, works the pre-trip checklists, logs upkeep and
    # costs; the coordinator sees it all; a field administrator reports a device that failed on the way.
    # Issue 15: milestones, drafted posts and people's consent to publicity.
    "campaign.manage": {COMMUNICATIONS, COORDINATOR},
    # Issue 14: quarterly, half-year and annual reports (counts, proposals taken up, stories told with consent).
    "reports.manage": {COORDINATOR, QUALITY},
    "equipment.view": {TECHNICIAN, COORDINATOR},
    "equipment.manage": {TECHNICIAN},
    "equipment.report": {FIELD_ADMIN, TECHNICIAN, COORDINATOR},
}

# Roles that see only the cases of the provider their account belongs to (journal.models.CaseQuerySet).
PROVIDER_SCOPED = {PARTNER}


def capabilities_of(user):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    # Personal data always belongs to a community: a user without one reaches none of it.
    if not user.community_id:
        return set()
    return {cap for cap, roles in CAPABILITIES.items() if user.role in roles}


def has_capability(user, capability):
    return capability in capabilities_of(user)


def provider_scope(user):
    """The provider whose cases alone `user` may see, or None when their role is not limited to one.
    A partner account without a provider sees no case: returns 0, an id no provider has."""
    if getattr(user, "role", None) in PROVIDER_SCOPED:
        return user.provider_id or 0
    return None
