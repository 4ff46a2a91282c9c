"""Deny by default: every view says who may open it, or the middleware refuses it.

A view is either `@public` (citizens, no login) or `@staff_required("capability")`. A view with
neither answers 403, so a forgotten decorator is a closed door rather than an open one. API
endpoints state theirs with `auth=Capability("capability")`.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from ninja.errors import HttpError
from ninja.security import SessionAuth

from .roles import has_capability

# Apps that guard themselves: Django admin (is_staff + model permissions) and the API
# (every endpoint declares its auth, see Capability).
SELF_GUARDED_NAMESPACES = {"admin", "api-1"}


def public(view):
    view.valiza_access = "public"
    return view


def staff_required(capability):
    """The user is logged in, belongs to a community and holds `capability` (accounts.roles)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            if not has_capability(user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.valiza_access = capability
        return wrapped

    return decorator


def login_only(view):
    """Any logged-in staff member (e.g. their own home page)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return view(request, *args, **kwargs)

    wrapped.valiza_access = "login"
    return wrapped


class AccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "valiza_access", None):
            return None
        match = getattr(request, "resolver_match", None)
        if match and set(match.namespaces) & SELF_GUARDED_NAMESPACES:
            return None
        if request.path.startswith(settings.STATIC_URL):
            return None
        raise PermissionDenied


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
