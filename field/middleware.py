"""No answer of the field API is kept by a browser or a proxy cache: the day names people, with their
addresses and intercom codes, and even an error says something about the laptop's access."""

from django.utils.cache import add_never_cache_headers

PREFIX = "/api/v1/field/"


class FieldApiNoStoreMiddleware:
    """`Cache-Control: no-store, private` (and no-cache, max-age=0) on every answer under PREFIX.

    A middleware, not a decorator of the endpoints: it runs outside the body-size limit, the URL
    resolver and ninja's own answers, so a 413, a 404, a 405 or a 401 carries it too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(PREFIX):
            add_never_cache_headers(response)
        return response
