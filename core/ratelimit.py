"""A small per-client counter in the cache (django-ratelimit would need memcached or Redis)."""

import hashlib
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache


def client_ip(request):
    """The client's address: from the proxy's header (VALIZA_CLIENT_IP_HEADER) when one is set, else the
    connection's. Rate limits, login lockouts (axes) and the access log all ask this one function."""
    header = settings.VALIZA_CLIENT_IP_HEADER
    if header and request.META.get(header):
        candidate = request.META[header].split(",")[0].strip()
        # Not an address (a misconfigured proxy, or a client that reached Django around it): unknown,
        # "" — stored as it came it would break an address column (axes', the access log's).
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            return ""
    return request.META.get("REMOTE_ADDR", "")


def hit(request, bucket, limit, window=None):
    """Count one hit; return False when the client is over `limit` in the current window."""
    window = window or settings.VALIZA_RATE_WINDOW_SECONDS
    slot = int(time.time() // window)
    who = hashlib.sha256(client_ip(request).encode()).hexdigest()[:16]
    key = f"rl:{bucket}:{who}:{slot}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit
