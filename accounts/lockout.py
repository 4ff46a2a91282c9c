"""Failed logins (django-axes, database handler) counted three ways, each against its own cap:

- one account from one address (VALIZA_LOGIN_FAILURE_LIMIT, 5): someone who forgot their password;
- one address, any accounts (VALIZA_LOGIN_ADDRESS_FAILURE_LIMIT, 30): one machine trying many names.
  Looser, because behind the office's proxy or NAT every colleague shares an address;
- one account, any addresses (VALIZA_LOGIN_ACCOUNT_FAILURE_LIMIT, 10): guessing one person's
  password from many machines. It does not apply at an address the account logged in from lately
  (VALIZA_LOGIN_KNOWN_ADDRESS_DAYS), so strangers cannot lock a person out of their own office.

Every lock ends by itself after VALIZA_LOGIN_LOCK_MINUTES counted from the last failure that was
recorded, and failures while locked are not recorded (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT
off), so nobody can keep an account locked for ever by sending a wrong password now and then.
"""

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone

# Which counts, in the order axes is given them (AXES_LOCKOUT_PARAMETERS): the name of each lock.
ACCOUNT_AT_ADDRESS, ADDRESS, ACCOUNT = "account_at_address", "address", "account"
LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address", "username"]
_KINDS = [ACCOUNT_AT_ADDRESS, ADDRESS, ACCOUNT]


def caps():
    return {
        ACCOUNT_AT_ADDRESS: settings.AXES_FAILURE_LIMIT,
        ADDRESS: settings.VALIZA_LOGIN_ADDRESS_FAILURE_LIMIT,
        ACCOUNT: settings.VALIZA_LOGIN_ACCOUNT_FAILURE_LIMIT,
    }


def is_known_address(username, ip_address):
    """The account logged in from this address in the last VALIZA_LOGIN_KNOWN_ADDRESS_DAYS days."""
    if not username or not ip_address:
        return False
    since = timezone.now() - timedelta(days=settings.VALIZA_LOGIN_KNOWN_ADDRESS_DAYS)
    return AccessLog.objects.filter(username=username, ip_address=ip_address, attempt_time__gte=since).exists()


class LockoutHandler(AxesDatabaseHandler):
    """Axes compares one number with one limit; this handler gives each count its own cap."""

    def get_failures(self, request, credentials=None):
        # axes locks when the answer reaches AXES_FAILURE_LIMIT: say so exactly when one of the counts
        # reaches its own cap, and remember which one for the message.
        limit = get_failure_limit(request, credentials)
        username = get_client_username(request, credentials)
        request.valiza_lockout = None
        worst = 0
        for kind, attempts in zip(_KINDS, self.get_user_attempts(request, credentials), strict=True):
            if kind == ACCOUNT and is_known_address(username, request.axes_ip_address):
                continue
            count = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            cap = caps()[kind]
            if count >= cap:
                request.valiza_lockout = kind
                return limit
            worst = max(worst, count * limit // cap)  # below `limit` while under the cap
        return worst

    def reset_user_attempts(self, request, credentials=None):
        # After a good password only this account's failures at this address are forgiven: a login to
        # one's own account must not wipe the address's count or the failures others made elsewhere.
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).delete()
        return count


def lock_minutes(request=None):
    return int(get_cool_off(request).total_seconds() // 60)


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked login gets (AXES_LOCKOUT_CALLABLE): which lock, for how long, whom to call."""
    kind = getattr(request, "valiza_lockout", None) or ACCOUNT_AT_ADDRESS
    return render(request, "accounts/locked.html", {"kind": kind, "minutes": lock_minutes(request)},
                  status=settings.AXES_HTTP_RESPONSE_CODE)
