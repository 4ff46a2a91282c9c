"""The map background every map page uses (VALIZA_MAP_TILE_URL): its tile URL and attribution, or None."""

from django.conf import settings


def tiles():
    if not settings.VALIZA_MAP_TILE_URL:
        return None
    return {"url": settings.VALIZA_MAP_TILE_URL, "attribution": settings.VALIZA_MAP_TILE_ATTRIBUTION}
