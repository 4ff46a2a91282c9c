"""Changes to who may see what (finding 6): nobody grants themselves a role, a community or admin rights,
and every change to a staff account's reach is recorded for the community's coordinator to see.

`User.save` calls `record` on every save that may touch these fields, whatever the path; callers that know
who acts (the admin site) set it with `acting(by, user)` and are refused a change to their own access.
"""

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from . import roles

# The fields that decide what an account reaches; `is_active` is recorded but one may switch oneself off.
TRACKED = ("role", "community_id", "provider_id", "is_staff", "is_superuser", "is_active")
SELF_GUARDED = {"role", "community_id", "provider_id", "is_staff", "is_superuser", "groups", "user_permissions"}
_FIELD_OF = {"community_id": "community", "provider_id": "provider"}

SELF_GRANT_MESSAGE = _("Власну роль, громаду чи права змінювати не можна: так ніхто не відкриє собі доступ до "
                       "персональних даних непомітно. Попросіть про це іншого системного адміністратора.")


def touches_access(update_fields):
    """A save with these update_fields (None: all) may change what the account reaches."""
    return update_fields is None or bool(set(update_fields) & (set(TRACKED) | set(_FIELD_OF.values())))


def stored_access(user):
    """The tracked fields as stored now (None for an account not saved yet)."""
    if user.pk is None:
        return None
    return type(user).objects.filter(pk=user.pk).values(*TRACKED).first()


def current_access(user):
    return {name: getattr(user, name) for name in TRACKED}


def changed_fields(user, before):
    after = current_access(user)
    return {name for name in TRACKED if before is not None and before[name] != after[name]}


def check_not_own_access(by, user, changed):
    """Refuse `by` changing their own role, community, provider or admin rights. `changed`: names of the
    changed fields, as the model (community_id) or a form (community, groups, user_permissions) has them."""
    if by is None or user.pk is None or by.pk != user.pk:
        return
    names = {_FIELD_OF.get(name, name) for name in changed}
    if names & {_FIELD_OF.get(name, name) for name in SELF_GUARDED}:
        raise ValidationError(SELF_GRANT_MESSAGE, code="own_access")


@contextmanager
def acting(by, user):
    """Saves of `user` inside this block are made by `by`: recorded as theirs, and checked."""
    user._access_changed_by = by
    try:
        yield user
    finally:
        del user._access_changed_by


def _shown(name, value):
    from .models import User

    if value is None or value == "":
        return "—"
    if name == "role":
        return str(dict(roles.ROLE_CHOICES).get(value, value))
    if name in _FIELD_OF:
        # The community or provider by name (their models sit above accounts: reached through the field).
        related = User._meta.get_field(_FIELD_OF[name]).related_model
        return str(related.objects.filter(pk=value).first() or value)
    if isinstance(value, bool):
        return str(_("так") if value else _("ні"))
    return str(value)


def _entry(user, by, what, before="", after="", community_before=None, community_after=None):
    from .models import AccessChange

    return AccessChange(
        by=by, by_username=by.get_username() if by is not None else "", user=user, username=user.get_username(),
        what=what, before=before[:200], after=after[:200],
        community_before_id=community_before, community_after_id=community_after,
    )


def record(user, before, by=None):
    """Write down what changed in `user`'s reach since `before` (stored_access before the save)."""
    from .models import AccessChange

    after = current_access(user)
    if before is None:
        summary = ", ".join(f"{AccessChange.What(_FIELD_OF.get(n, n)).label}: {_shown(n, after[n])}"
                            for n in ("role", "community_id", "is_staff") if after[n])
        _entry(user, by, AccessChange.What.CREATED, after=summary, community_after=after["community_id"]).save()
        return
    entries = [
        _entry(user, by, _FIELD_OF.get(name, name), _shown(name, before[name]), _shown(name, after[name]),
               community_before=before["community_id"], community_after=after["community_id"])
        for name in TRACKED if before[name] != after[name]
    ]
    AccessChange.objects.bulk_create(entries)


def settlement_names(user):
    if user.pk is None:
        return ""
    return ", ".join(sorted(user.settlements.values_list("name", flat=True)))


def record_settlements(user, before, by):
    """A starosta's settlements changed (issue 12): what they may file for and see."""
    after = settlement_names(user)
    if before != after:
        _entry(user, by, "settlements", before or "—", after or "—", community_before=user.community_id,
               community_after=user.community_id).save()


def record_password_set(user, by):
    """Someone else set this person's password (the admin site's password form)."""
    if by is not None and by.pk != user.pk:
        _entry(user, by, "password", community_before=user.community_id,
               community_after=user.community_id).save()


def reset_second_factor(user, by):
    """Remove the person's authenticator and recovery codes: at the next login they set up a new app."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        _entry(user, by, "second_factor", community_before=user.community_id,
               community_after=user.community_id).save()
