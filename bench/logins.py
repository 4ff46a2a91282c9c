"""A bench's logged-in client: a bench login stands for both steps (password and code), as the
suite's logins do (accounts/tests/second_factor.py), so roles that owe a second factor see their pages."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def logged_in_client(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="bench", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
