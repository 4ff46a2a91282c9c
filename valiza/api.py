"""The JSON API (django-ninja): the project assembles it from each app's router.

Each endpoint states its auth (accounts.access.Capability); the API guards itself, so the
access middleware lets its namespace through.
"""

from ninja import NinjaAPI

from catalogue.api import router as catalogue_router
from field.api import router as field_router
from field.api_uploads import router as field_uploads_router
from visits.api import router as visits_router

api = NinjaAPI(
    title="Valiza API",
    version="1",
    urls_namespace="api-1",
    description="API мобільного офісу ЦНАП «Валіза».",
)

api.add_router("/catalogue/", catalogue_router)
api.add_router("/requests/", visits_router)
api.add_router("/field/attachments/", field_uploads_router)
api.add_router("/field/", field_router)
