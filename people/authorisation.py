"""Who may work at the mobile workplace on a day (issue 16, "People"), one answer for the team admin,
the rosters, the planner, the field day and the field sync.

A community turns the rule on (`Community.field_orders_required`) once its orders are entered: from
then on a staff member works in the field only on a day an acknowledged order covers (`covers`).

Decisions:
- An order runs through the whole of its `valid_until` day: an order that ends in the middle of a
  trip does not stop the trip; the next day it is over.
- Revocation is a moment. The sync refuses new work of a revoked user; work the laptop says it did
  before that moment is kept and held for the coordinator (the laptop's clock is not trusted,
  field/sync/clock.py), never lost and never applied unseen.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import AuthorisationOrder


def required(community):
    return bool(getattr(community, "field_orders_required", False))


def orders_of(user_ids):
    """{user id: [orders]} for the users, one query."""
    out = {}
    for order in AuthorisationOrder.objects.filter(user_id__in=list(user_ids)).order_by("issued_on", "pk"):
        out.setdefault(order.user_id, []).append(order)
    return out


def authorised_on(orders, day):
    """Whether one of `orders` is in force on `day` and not revoked."""
    return any(o.covers(day) and o.revoked_at is None for o in orders)


def authorised_ids(community, user_ids, day):
    """The ids among `user_ids` who may work in the field on `day` (all of them when the community
    does not require orders)."""
    user_ids = set(user_ids)
    if not required(community):
        return user_ids
    orders = orders_of(user_ids)
    return {uid for uid in user_ids if authorised_on(orders.get(uid, []), day)}


def team_refusals(community, users, day):
    """Why each of `users` may not be put in a team of `community` on `day` (messages; empty when all may)."""
    users = list(users)
    allowed = authorised_ids(community, [u.pk for u in users], day)
    return [
        _(
            "%(person)s не має чинного наказу про допуск до мобільного робочого місця, з яким ознайомлений під "
            "підпис. Спершу внесіть наказ і дату ознайомлення."
        )
        % {"person": u.get_full_name() or u.username}
        for u in users
        if u.pk not in allowed
    ]


def day_refusal(user, day):
    """Why `user` may not work in the field on `day` (a message for them), or "" when they may."""
    if not required(user.community):
        return ""
    orders = orders_of([user.pk]).get(user.pk, [])
    if authorised_on(orders, day):
        return ""
    return _why(orders, day)


def _shown(day):
    return day.strftime("%d.%m.%Y")


def _why(orders, day):
    revoked = [o for o in orders if o.covers(day) and o.revoked_at is not None]
    if revoked:
        return _(
            "Ваш допуск до роботи на мобільному робочому місці (%(order)s) скасовано. Нову роботу не "
            "прийнято. Зателефонуйте координатору."
        ) % {"order": revoked[-1]}
    ended = [o for o in orders if o.valid_until is not None and o.valid_until < day]
    if ended:
        return _(
            "Строк вашого допуску до роботи на мобільному робочому місці (%(order)s) закінчився "
            "%(until)s. Нову роботу не прийнято. Зателефонуйте координатору."
        ) % {"order": ended[-1], "until": _shown(ended[-1].valid_until)}
    unsigned = [o for o in orders if o.acknowledged_on is None or o.acknowledged_on > day]
    if unsigned:
        return _(
            "Ви ще не ознайомилися під підпис з наказом (%(order)s), тож працювати на мобільному робочому "
            "місці %(day)s не можна. Зверніться до координатора."
        ) % {"order": unsigned[-1], "day": _shown(day)}
    return _(
        "Немає наказу, який дозволяє вам працювати на мобільному робочому місці %(day)s. Нову роботу не "
        "прийнято. Зверніться до координатора."
    ) % {"day": _shown(day)}


@dataclass
class ItemVerdict:
    """What the sync does with an item of a trip on `day` done (as far as we believe) at `at`:
    `ok`, else `hold` (kept for review: done before a revocation) or refuse, with the message."""

    ok: bool
    hold: bool = False
    message: str = ""


def judge_item(user, community, day, at, cache=None):
    """The verdict for one field item of `user` (of `community`) on a trip of `day`, believed done at `at`."""
    if not required(community):
        return ItemVerdict(True)
    if cache is not None and user.pk in cache:
        orders = cache[user.pk]
    else:
        orders = orders_of([user.pk]).get(user.pk, [])
        if cache is not None:
            cache[user.pk] = orders
    if authorised_on(orders, day):
        return ItemVerdict(True)
    revoked = [o for o in orders if o.covers(day) and o.revoked_at is not None]
    if revoked and at < max(o.revoked_at for o in revoked):
        return ItemVerdict(
            False,
            hold=True,
            message=_(
                "Ваш допуск (%(order)s) скасовано, але ця дія, за часом ноутбука, зроблена раніше. Її збережено й "
                "передано координатору: він перевірить і вирішить. Повторювати нічого не потрібно."
            )
            % {"order": revoked[-1]},
        )
    return ItemVerdict(False, message=_why(orders, day))


def outside_scope(user, community, day, service_ids, cache=None):
    """The ids among `service_ids` that no order of `user` in force on `day` allows (an order with an
    empty scope allows every service of the mobile workplace). Empty when the rule is off."""
    if not required(community) or not service_ids:
        return set()
    key = ("scope", user.pk, day)
    if cache is not None and key in cache:
        allowed = cache[key]
    else:
        orders = [
            o
            for o in AuthorisationOrder.objects.filter(user=user).prefetch_related("scope")
            if o.covers(day) and o.revoked_at is None
        ]
        allowed = None if any(not o.scope.all() for o in orders) else {s.pk for o in orders for s in o.scope.all()}
        if cache is not None:
            cache[key] = allowed
    if allowed is None:
        return set()
    return set(service_ids) - allowed


def revoke(order, by, reason, *, at=None):
    """Revoke `order` now (or at `at`); the reason is required. Returns the order."""
    from django.core.exceptions import ValidationError
    from django.db import transaction
    from django.utils import timezone

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Вкажіть причину скасування наказу."))
    with transaction.atomic():
        locked = AuthorisationOrder.objects.select_for_update().get(pk=order.pk)
        if locked.revoked_at is not None:
            raise ValidationError(_("Цей наказ уже скасовано."))
        locked.revoked_at, locked.revoked_by, locked.revoked_reason = at or timezone.now(), by, reason[:300]
        locked.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
    return locked
