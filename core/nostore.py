"""`Cache-Control: no-store` on every answer that may show personal data, so neither the browser (its
back button, a shared computer's disk cache) nor a proxy between keeps a copy: staff and admin pages,
the citizens' pages that show a request or a booking (settings: VALIZA_NO_STORE_PATHS,
VALIZA_NO_STORE_VIEWS), and every answer to a form sent (it may repeat what the person typed)."""

from django.conf import settings
from django.utils.cache import add_never_cache_headers


def is_private(request):
    if request.method not in ("GET", "HEAD"):
        return True
    if request.path.startswith(tuple(settings.VALIZA_NO_STORE_PATHS)):
        return True
    match = getattr(request, "resolver_match", None)
    return bool(match and match.view_name in settings.VALIZA_NO_STORE_VIEWS)


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # A view that already said no-store (the private file responses) keeps its own header.
        if is_private(request) and "no-store" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        return response
