"""The feedback link after the visit: a signed token tied to one request, valid for
VALIZA_FEEDBACK_LINK_DAYS days. The token carries only the request's id; nothing personal is in it.

`feedback_url(visit_request)` gives the link for the result SMS and the status page. Templates of
apps below this one (the status page) reach it with `{% load quality %}{% feedback_url request %}`.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

SALT = "quality.feedback"


class BadToken(Exception):
    """The link is forged, damaged or too old; the message is for the person."""


def make_token(visit_request):
    return signing.dumps({"r": visit_request.pk}, salt=SALT)


def feedback_url(visit_request):
    """The feedback form's address for this request: absolute with VALIZA_PUBLIC_URL, else a path."""
    path = reverse("feedback:form", kwargs={"token": make_token(visit_request)})
    return f"{settings.VALIZA_PUBLIC_URL}{path}"


def request_id_from(token):
    """The request's id the token was made for, or BadToken."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.VALIZA_FEEDBACK_LINK_DAYS * 86400)
    except signing.SignatureExpired:
        raise BadToken(
            _("Термін дії цього посилання минув. Якщо хочете сказати, як усе пройшло, зателефонуйте до ЦНАП.")
        ) from None
    except signing.BadSignature:
        raise BadToken(
            _("Це посилання пошкоджене або неправильне. Перевірте, що скопіювали його з SMS повністю, або зателефонуйте до ЦНАП.")
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("r"), int):
        raise BadToken(_("Це посилання пошкоджене або неправильне."))
    return data["r"]
