"""The code a demo user's authenticator app would show now (their device made by load_demo only)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from .load_demo import DEMO_DEVICE_NAME


class Command(BaseCommand):
    help = "Print the current login code of a demo user (coordinator, sysadmin) made by load_demo."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **opts):
        device = TOTPDevice.objects.filter(user__username=username, name=DEMO_DEVICE_NAME, confirmed=True).first()
        if device is None:
            # Only load_demo's devices: this is no way around a real person's second factor.
            raise CommandError(f"{username} has no demo authenticator (made by load_demo for demo users only).")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        left = device.step - int(totp.time - device.t0) % device.step
        self.stdout.write(f"{totp.token():0{device.digits}d}  (діє ще {left} с; кожен код — для одного входу)")
