"""Orders and switches the people tests share."""

import datetime

from django.utils import timezone

from people.models import AuthorisationOrder


def require_orders(community):
    community.field_orders_required = True
    community.save(update_fields=["field_orders_required"])


def order(user, *, issued_on=None, valid_until=None, acknowledged_on="same", revoked_at=None, number="17-к"):
    issued_on = issued_on or timezone.localdate() - datetime.timedelta(days=30)
    return AuthorisationOrder.objects.create(
        community_id=user.community_id,
        user=user,
        number=number,
        issued_on=issued_on,
        acknowledged_on=issued_on if acknowledged_on == "same" else acknowledged_on,
        valid_until=valid_until,
        revoked_at=revoked_at,
        scope_note="дії державного реєстратора",
    )
