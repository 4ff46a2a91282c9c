"""A small per-client counter in the cache (django-ratelimit would need memcached or Redis)."""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def client_ip(request):
    header = settings.VALIZA_CLIENT_IP_HEADER
    if header and request.META.get(header):
        return request.META[header].split(",")[0].strip()
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
