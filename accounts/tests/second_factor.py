"""The suite's stand-in for a login that went through both steps.

In tests `Client.force_login(user)` stands for a completed login: for a person who owes a second factor
(accounts.second_factor.required_for) the session is also marked verified with a confirmed authenticator
device of theirs (made if they have none). The production rule is untouched: tests of the code step log
in with the password form (`client.post("/staff/login/", …)`) or with `password_only_login`, which
leave the session unverified, as a real password-only login does.
"""

from django.test.client import ClientMixin
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

_force_login = ClientMixin.force_login


def verified_device(user):
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def mark_verified(client, user):
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = verified_device(user).persistent_id
    session.save()


def force_login_both_steps(self, user, backend=None):
    from accounts.second_factor import required_for

    _force_login(self, user, backend)
    if required_for(user):
        mark_verified(self, user)


def password_only_login(client, user):
    """A session after the password alone (no code yet)."""
    _force_login(client, user)
    return client
