"""The JSON API (django-ninja). Each app adds its router; each endpoint states its auth."""

from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.security import SessionAuth

from accounts.roles import has_capability


class Capability(SessionAuth):
    """Session login (with CSRF on writes) plus one capability from accounts.roles."""

    def __init__(self, capability):
        super().__init__()
        self.capability = capability

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None:
            return None
        if not has_capability(user, self.capability):
            raise HttpError(403, "Недостатньо прав.")
        return user


api = NinjaAPI(
    title="Valiza API",
    version="1",
    urls_namespace="api-1",
    description="API мобільного офісу ЦНАП «Валіза».",
)


def register_routers():
    from catalogue.api import router as catalogue_router
    from field.api import router as field_router
    from field.api_uploads import router as field_uploads_router
    from visits.api import router as visits_router

    api.add_router("/catalogue/", catalogue_router)
    api.add_router("/requests/", visits_router)
    api.add_router("/field/attachments/", field_uploads_router)
    api.add_router("/field/", field_router)


register_routers()
