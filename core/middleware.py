from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


class BodySizeLimitMiddleware:
    """Refuse oversized bodies before anything reads them (413 with a page a person can read)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.VALIZA_MAX_BODY_BYTES
        for prefix, path_limit in settings.VALIZA_BODY_LIMITS.items():
            if request.path.startswith(prefix):
                limit = path_limit
                break
        if length > limit:
            # Don't leave the unread body in the connection for the next request.
            request._stream = None
            if request.path.startswith("/api/"):
                # The API's own answer shape ({"detail"}), as its published schema says.
                return JsonResponse({"detail": _("Надіслано забагато даних за один раз (понад %(kb)d КБ).")
                                     % {"kb": limit // 1024}}, status=413)
            html = render_to_string("413.html", request=None)
            return HttpResponse(html, status=413)
        return self.get_response(request)
