"""The JSON API (django-ninja): the project assembles it from each app's router.

Each endpoint states its auth (accounts.access.Capability); the API guards itself, so the
access middleware lets its namespace through. Two rules hold for every endpoint, here in one place:
- a request with a body in a format the endpoint does not take (the media types its published
  schema declares for the body) is refused with 415 before anything reads it, and every such
  endpoint declares that 415 in the schema;
- the schema (`openapi.json`) and its docs page are for staff only: they list every endpoint that
  serves personal data. The one public endpoint (the catalogue, no personal data) is described in
  the README, not in documentation of its own.
"""

import functools
import re

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from accounts.access import login_only
from catalogue.api import router as catalogue_router
from field.api import router as field_router
from field.api_uploads import router as field_uploads_router
from indicators.api import router as indicators_router
from visits.api import router as visits_router

PROBLEM = {
    "title": "Problem", "type": "object", "required": ["detail"],
    "properties": {"detail": {"title": "Detail", "type": "string"}},
}


def staff_only(view):
    """The docs and the schema: any logged-in member of staff (any role); anonymous to the login page."""

    @login_only
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (request.user.role or request.user.is_staff):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


class ValizaAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                if "requestBody" in operation:
                    operation.setdefault("responses", {})["415"] = {
                        "description": "Unsupported Media Type",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
                    }
                    schema.setdefault("components", {}).setdefault("schemas", {}).setdefault("Problem", PROBLEM)
        return schema


api = ValizaAPI(
    title="Valiza API",
    version="1",
    urls_namespace="api-1",
    description="API мобільного офісу ЦНАП «Валіза».",
    docs_decorator=staff_only,
)


@functools.cache
def _bodies():
    """{(path template, method): (media types its body may have, whether it needs a login)}, from the
    published schema: what the schema says an endpoint takes is what it takes."""
    bodies = {}
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            if "requestBody" in operation:
                types = frozenset(operation["requestBody"].get("content", {}))
                bodies[path, method.upper()] = (types, bool(operation.get("security")))
    return bodies


def _template(route):
    # Django's route "api/v1/field/attachments/<att_id>" is the schema's "/api/v1/field/attachments/{att_id}".
    return "/" + re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", route)


def refuse_other_media_types(run):
    """Answer 415 to a body in a media type the endpoint's schema does not declare."""

    @functools.wraps(run)
    def wrapped(request, *args, **kwargs):
        match = request.resolver_match
        declared = _bodies().get((_template(match.route), request.method)) if match else None
        has_body = request.META.get("CONTENT_LENGTH", "0") not in ("", "0") or "HTTP_TRANSFER_ENCODING" in request.META
        if declared and has_body:
            types, needs_login = declared
            # Who is not logged in gets the endpoint's own 401 first, and learns nothing more.
            if not (needs_login and not request.user.is_authenticated):
                sent = (request.content_type or "").lower()
                if sent not in types:
                    return JsonResponse({"detail": _(
                        "Дані надіслано у форматі, якого тут не приймають (%(sent)s). Потрібен формат %(types)s."
                    ) % {"sent": sent or _("не вказано"), "types": ", ".join(sorted(types))}}, status=415)
        return run(request, *args, **kwargs)

    return wrapped


api.add_decorator(refuse_other_media_types, mode="view")
api.add_router("/catalogue/", catalogue_router)
api.add_router("/requests/", visits_router)
api.add_router("/field/attachments/", field_uploads_router)
api.add_router("/field/", field_router)
api.add_router("/indicators/", indicators_router)
