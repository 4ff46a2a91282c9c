"""The laptops of the field work: recorded on first sight, revoked by the coordinator."""

import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import Community

from ..models import Device
from .errors import ForeignDevice, ReviewError


def register_device(user, device_id, *, user_agent="", now=None):
    """The device as the server knows it, recorded on first sight; last_seen kept current."""
    now = now or timezone.now()
    device_id = uuid.UUID(str(device_id))
    device, created = Device.objects.get_or_create(
        pk=device_id,
        defaults={"community_id": user.community_id, "user": user, "user_agent": user_agent[:300],
                  "first_seen": now, "last_seen": now},
    )
    if device.community_id != user.community_id:
        raise ForeignDevice(device_id)
    if not created:
        # One laptop may be shared by the team's administrators: it belongs to whoever last used it.
        device.last_seen, device.user = now, user
        if user_agent:
            device.user_agent = user_agent[:300]
        device.save(update_fields=["last_seen", "user", "user_agent"])
    return device


def revoked_message(device):
    phone = Community.objects.filter(pk=device.community_id).values_list("phone", flat=True).first()
    text = _("Доступ цього ноутбука до роботи на виїзді відкликав координатор %(when)s. Нові дії з нього не "
             "приймаються, але все надіслане збережено. Не видаляйте дані з ноутбука і зателефонуйте координатору")
    text %= {"when": timezone.localtime(device.revoked_at).strftime("%d.%m.%Y %H:%M")}
    return (text + (f": {phone}." if phone else ".")).strip()


def revoke_device(device, by, reason):
    """The coordinator takes a lost or stolen laptop out of the field work."""
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(_("Напишіть, чому відкликаєте доступ пристрою."))
    if len(reason) > 300 or "\x00" in reason:
        raise ReviewError(_("Причина задовга або містить недопустимі символи (до 300 символів)."))
    with transaction.atomic():
        locked = Device.objects.select_for_update().get(pk=device.pk)
        if locked.community_id != by.community_id:
            raise ReviewError(_("Пристрій не знайдено."))
        if locked.revoked_at:
            raise ReviewError(_("Доступ цього пристрою вже відкликано."))
        locked.revoked_at, locked.revoked_by, locked.revoke_reason = timezone.now(), by, reason
        locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    device.__dict__.update({k: v for k, v in locked.__dict__.items() if k != "_state"})
    return device
