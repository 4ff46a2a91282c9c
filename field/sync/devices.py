"""The laptops of the field work: issued by the server, approved and revoked by the coordinator.

A laptop with no token gets one from its first load of the day (`admit(..., may_issue=True)`): a
random secret that only the laptop holds; the server keeps its SHA-256. The token belongs to the
user and to the login session it was issued or last used in, and every request of the field API
shows it (`TOKEN_HEADER`). `admit` says what the server makes of a request's token:

- `active`: the device may work; when the token comes from a new login of the same user (the old
  session is gone: logged out, expired, ended by a revocation it was not, a password change), the
  token moves to the new session; while the old session still lives, a second one is refused
  (`other_session`): the token was copied.
- `pending`: the community wants the coordinator to approve new laptops, and this one is not yet.
- `revoked`: the coordinator revoked it. Its session was ended then; what it sends after a new login
  is stored for review and never applied, and it gets no day.
- `missing`, `unknown`, `other_user`: no token, a token the server never issued, another person's.

A session holds at most one device: once a token was shown in it (any state), a request without one
is refused instead of getting a new token, so a laptop cannot shed a revoked token by dropping the
header. A new login is needed, and where approval is on, the coordinator's approval too.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import Community

from ..models import Device
from .errors import ReviewError

TOKEN_HEADER = "X-Valiza-Device-Token"
SESSION_DEVICE = "field_device"  # the device whose token this session has shown
STATES = ("active", "pending", "revoked", "missing", "unknown", "other_user", "other_session")
_LAST_SEEN_EVERY = timedelta(minutes=1)  # not a write per upload chunk


def hash_token(token):
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


@dataclass
class Admission:
    """What the server makes of a request's device token (see the module docstring)."""

    state: str
    device: Device | None = None
    token: str = ""  # only in the answer that issued it
    message: str = ""

    @property
    def ok(self):
        return self.state == "active"

    def grant(self, user):
        """The `device` part of an answer, for the published schema (`schemas.DeviceGrant`)."""
        return {"id": str(self.device.pk) if self.device else "", "state": self.state, "user_id": user.pk,
                "token": self.token, "message": self.message}


def _phone(community_id):
    phone = Community.objects.filter(pk=community_id).values_list("phone", flat=True).first()
    return f": {phone}." if phone else "."


def _session_store(key):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)


def _session_alive(key, user):
    """Whether `key` is a live login session of `user` (not deleted, not expired)."""
    if not key:
        return False
    return str(_session_store(key).load().get(AUTH_SESSION_KEY, "")) == str(user.pk)


def issue_device(user, session_key, *, user_agent="", now=None):
    """A new device for `user`, bound to the session; returns (device, token). Pending when the
    community wants the coordinator to approve new laptops."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    pending = Community.objects.filter(pk=user.community_id, field_devices_need_approval=True).exists()
    device = Device.objects.create(
        community_id=user.community_id, user=user, token_hash=hash_token(token), session_key=session_key or "",
        user_agent=(user_agent or "")[:300], first_seen=now, last_seen=now, pending=pending,
        approved_at=None if pending else now,
    )
    return device, token


def admit(user, session, token, *, may_issue, user_agent="", now=None):
    """The `Admission` of a request by `user` in `session` showing `token` ("" for none).

    Only the day's load may issue a device (`may_issue`), and only to a session that has shown none.
    """
    now = now or timezone.now()
    if not token:
        if not may_issue:
            return Admission("missing", message=_(
                "Цей ноутбук ще не має допуску до роботи на виїзді. Коли буде інтернет, натисніть «Завантажити "
                "виїзди» — ноутбук отримає допуск. Усе записане залишається на ноутбуці."))
        if session.get(SESSION_DEVICE):
            return Admission("missing", message=_(
                "Ноутбук уже отримав допуск у цьому вході, але зараз його не показав (можливо, дані браузера "
                "очищено). Вийдіть із програми, увійдіть знову і натисніть «Завантажити виїзди»."))
        device, token = issue_device(user, session.session_key, user_agent=user_agent, now=now)
        session[SESSION_DEVICE] = str(device.pk)
        if device.pending:
            return Admission("pending", device, token, pending_message(device))
        return Admission("active", device, token)
    device = Device.objects.filter(token_hash=hash_token(token)).first() if len(token) <= 200 else None
    if device is None:
        return Admission("unknown", message=_(
            "Сервер не знає допуску цього ноутбука. Натисніть «Завантажити виїзди» ще раз; якщо не допоможе — "
            "вийдіть із програми й увійдіть знову. Усе записане залишається на ноутбуці."))
    if device.user_id != user.pk:
        return Admission("other_user", message=_(
            "Допуск цього ноутбука видано іншому працівникові. Увійдіть під своїм іменем; якщо ви вже "
            "увійшли під своїм — зателефонуйте координатору."))
    if session.get(SESSION_DEVICE) != str(device.pk):
        session[SESSION_DEVICE] = str(device.pk)
    if device.revoked_at is not None:
        return Admission("revoked", device, message=revoked_message(device))
    if device.session_key != session.session_key:
        if _session_alive(device.session_key, user):
            return Admission("other_session", device, message=_(
                "Допуск цього ноутбука зараз використовується в іншому вході в систему. Вийдіть із програми "
                "на іншому комп'ютері або зателефонуйте координатору") + _phone(device.community_id))
        # A new login on the same laptop: the token follows it.
        device.session_key = session.session_key or ""
        Device.objects.filter(pk=device.pk).update(session_key=device.session_key)
    if device.pending:
        return Admission("pending", device, message=pending_message(device))
    if now - device.last_seen >= _LAST_SEEN_EVERY:
        device.last_seen = now
        Device.objects.filter(pk=device.pk).update(last_seen=now)
    return Admission("active", device)


def pending_message(device):
    return _("Цей ноутбук ще не підтвердив координатор, тож виїзди на нього не завантажуються. Зателефонуйте "
             "координатору і попросіть підтвердити ноутбук, потім натисніть «Завантажити виїзди» ще раз. Усе "
             "записане залишається на ноутбуці") + _phone(device.community_id)


def revoked_message(device):
    text = _("Доступ цього ноутбука до роботи на виїзді відкликав координатор %(when)s. Нові дії з нього не "
             "приймаються, але все надіслане збережено. Не видаляйте дані з ноутбука і зателефонуйте координатору")
    text %= {"when": timezone.localtime(device.revoked_at).strftime("%d.%m.%Y %H:%M")}
    text += _phone(device.community_id)
    if device.revoke_reason:
        text += " " + _("Причина: %(reason)s") % {"reason": device.revoke_reason}
    return text


def _locked(device, by):
    locked = Device.objects.select_for_update().filter(pk=device.pk).first()
    if locked is None or locked.community_id != by.community_id:
        raise ReviewError(_("Пристрій не знайдено."))
    if locked.revoked_at:
        raise ReviewError(_("Доступ цього пристрою вже відкликано."))
    return locked


def _refresh(device, locked):
    device.__dict__.update({k: v for k, v in locked.__dict__.items() if k != "_state"})
    return device


def revoke_device(device, by, reason):
    """The coordinator takes a lost or stolen laptop out of the field work and ends its login."""
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(_("Напишіть, чому відкликаєте доступ пристрою."))
    if len(reason) > 300 or "\x00" in reason:
        raise ReviewError(_("Причина задовга або містить недопустимі символи (до 300 символів)."))
    with transaction.atomic():
        locked = _locked(device, by)
        locked.revoked_at, locked.revoked_by, locked.revoke_reason = timezone.now(), by, reason
        locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    # The session the laptop works in ends: its next request is logged out, and after a new login
    # its token is still the revoked one.
    if locked.session_key:
        _session_store(locked.session_key).delete()
    return _refresh(device, locked)


def approve_device(device, by):
    """The coordinator confirms a new laptop (when the community wants approval)."""
    with transaction.atomic():
        locked = _locked(device, by)
        if not locked.pending:
            raise ReviewError(_("Цей пристрій уже працює, підтверджувати його не потрібно."))
        locked.pending, locked.approved_at, locked.approved_by = False, timezone.now(), by
        locked.save(update_fields=["pending", "approved_at", "approved_by"])
    return _refresh(device, locked)
