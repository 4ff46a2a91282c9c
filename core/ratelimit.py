"""A small per-client counter of the public forms' hits, shared by every process of the site.

By default the counters live in the database (`core.RateCounter`), incremented by one atomic upsert
(`INSERT … ON CONFLICT DO UPDATE … RETURNING`, on SQLite 3.35+ and PostgreSQL alike), so two web
processes, or two gunicorn workers, count the same client once. With a shared cache
(`VALIZA_CACHE_URL=redis://…`) they live there instead (Redis's INCR is atomic too). Django's
DatabaseCache would not do: its `incr` is a read and a write, and two processes lose hits between them.
"""

import datetime
import hashlib
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from .models import RateCounter


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
    if settings.VALIZA_RATE_LIMIT_STORE == "cache":
        count = _count_in_cache(key, window)
    else:
        count = _count_in_database(key, expires_at=(slot + 1) * window)
    return count <= limit


def _count_in_cache(key, window):
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def _count_in_database(key, *, expires_at):
    """Add one to the key's counter and return the new count, in one statement."""
    quote = connection.ops.quote_name
    table, count = quote(RateCounter._meta.db_table), quote("count")
    expires = datetime.datetime.fromtimestamp(min(expires_at, 2**37), datetime.UTC)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({quote('key')}, {count}, {quote('expires_at')}) VALUES (%s, 1, %s) "
            f"ON CONFLICT ({quote('key')}) DO UPDATE SET {count} = {table}.{count} + 1 RETURNING {count}",
            [key, connection.ops.adapt_datetimefield_value(expires)],
        )
        value = cursor.fetchone()[0]
    if value == 1:
        # A client's first hit in a new window: a good moment to forget the windows that ended.
        RateCounter.objects.filter(expires_at__lt=timezone.now()).delete()
    return value
