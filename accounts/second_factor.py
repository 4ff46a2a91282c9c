"""The second factor at login (django-otp): a code from an authenticator app (TOTP), or one of ten
recovery codes given at enrolment.

Required for the roles in `roles.SECOND_FACTOR_REQUIRED` and for everyone who may open the admin site;
anyone else who enrolled gives a code at every login too. After the password such a session is logged
in but not verified: it reaches only public pages, logout and the steps below; a staff page (admin
included) sends it to the code step, and the API treats it as not logged in.
"""

import logging
import math

import segno
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import roles

log = logging.getLogger(__name__)

# Set at login when the person has a confirmed device: from then on this session needs a code too.
ENROLLED_SESSION_KEY = "valiza_second_factor"
# Recovery codes just made, kept until the page that shows them once.
NEW_CODES_SESSION_KEY = "valiza_new_recovery_codes"
RECOVERY_CODES = 10
APP_DEVICE_NAME = "Застосунок-автентифікатор"
RECOVERY_DEVICE_NAME = "Резервні коди"


def required_for(user):
    """The second factor is not optional for this person."""
    return user.role in roles.SECOND_FACTOR_REQUIRED or user.is_staff or user.is_superuser


def needs_code(request):
    """The session is logged in with a password but still owes a code."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    # Right after the password, request.user is the plain user (login() replaced django-otp's wrapper):
    # not verified.
    if getattr(user, "is_verified", lambda: False)():
        return False
    return required_for(user) or bool(request.session.get(ENROLLED_SESSION_KEY))


def has_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def remember_enrolment(sender, request, user, **kwargs):
    """At every login: whoever has a device owes a code, whatever their role."""
    if request is not None and hasattr(request, "session") and has_device(user):
        request.session[ENROLLED_SESSION_KEY] = True


def connect_signals():
    user_logged_in.connect(remember_enrolment, dispatch_uid="valiza-second-factor-at-login")


def step(view):
    """Marks a view of the login steps themselves: a session that owes a code may open it."""
    view.valiza_second_factor_step = True
    return view


def safe_next(request, fallback=None):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return fallback or reverse(settings.LOGIN_REDIRECT_URL)


def code_step_url(next_url):
    return reverse("accounts:second_factor") + "?" + urlencode({"next": next_url})


class SecondFactorMiddleware:
    """After AccessMiddleware: a session that owes a code is sent to the code step from every page that
    is not public, and is a stranger to the API."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "valiza_access", None) == "public" or getattr(view_func, "valiza_second_factor_step", False):
            return None
        if request.path.startswith(settings.STATIC_URL) or not needs_code(request):
            return None
        match = getattr(request, "resolver_match", None)
        # The API's endpoints answer as to a stranger; its docs and schema (pages, `login_only`) go to the code step.
        if match and "api-1" in match.namespaces and not getattr(view_func, "valiza_access", None):
            request.user = AnonymousUser()
            return None
        return redirect(code_step_url(request.get_full_path()))


# -- enrolment ---------------------------------------------------------------------------------

def enrolment_device(user):
    """The device being enrolled: the same key on every visit until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def manual_key(device):
    """The key as an app asks for it when typed in: base32, in groups of four."""
    from base64 import b32encode

    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


def qr_data_uri(device):
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def new_recovery_codes(user):
    """Ten new one-time codes; the old ones stop working."""
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def show_codes_once(request, codes):
    request.session[NEW_CODES_SESSION_KEY] = codes


def take_new_codes(request):
    return request.session.pop(NEW_CODES_SESSION_KEY, None)


def format_code(code):
    return f"{code[:4]}-{code[4:]}"


def _normalise(code):
    return "".join(ch for ch in (code or "") if ch not in " -\u00a0").lower()


def confirm_enrolment(request, device, code):
    """The person typed a code from the app they just set up: the device is theirs from now on, any
    earlier one is removed, ten recovery codes are made (shown once), and this session is verified."""
    if not device.verify_token(_normalise(code)):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = new_recovery_codes(request.user)
    _verified(request, device)
    show_codes_once(request, codes)
    log.info("second factor enrolled for user %s", request.user.pk)
    return device


# -- the code at login ---------------------------------------------------------------------------

# django-otp doubles the wait after each wrong code (1, 2, 4 … seconds) without end: someone who knows
# the password could then lock the person out of their own app for months. The wait stops growing at
# 2**12 seconds (about an hour): still only a few dozen guesses of a six-digit code a day.
MAX_THROTTLE_COUNT = 13


def cap_wait(device):
    if device.throttling_failure_count > MAX_THROTTLE_COUNT:
        device.throttling_failure_count = MAX_THROTTLE_COUNT
        device.save(update_fields=["throttling_failure_count"])


class Throttled(Exception):
    """Too many wrong codes just now: wait `seconds` before the next try."""

    def __init__(self, seconds):
        super().__init__(seconds)
        self.seconds = seconds


def seconds_to_wait(throttle_data):
    until = (throttle_data or {}).get("locked_until")
    return max(1, math.ceil((until - timezone.now()).total_seconds())) if until else 60


def verify_code(request, code):
    """The device that accepts `code` (six digits from the app, or a recovery code, used up), or None."""
    code = _normalise(code)
    if not code:
        return None
    is_app_code = code.isdigit()
    model = TOTPDevice if is_app_code else StaticDevice
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=request.user, confirmed=True).first()
        if device is None:
            return None
        cap_wait(device)
        allowed, data = device.verify_is_allowed()
        if not allowed:
            raise Throttled(seconds_to_wait(data))
        if not device.verify_token(code):
            log.warning("wrong second-factor code for user %s", request.user.pk)
            return None
    _verified(request, device)
    return device


def _verified(request, device):
    otp_login(request, device)
    # A new session key for the new level of trust: a key seen before the code is worth nothing after.
    request.session.cycle_key()
