"""Valiza settings. Everything that differs between machines comes from environment variables
(or a `.env` file beside manage.py, which `make run` creates); a wrong value stops the start."""

import os
import re
from datetime import date, timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from valiza.object_storage import s3_storage

BASE_DIR = Path(__file__).resolve().parent.parent


def _load_dotenv(path):
    # Real environment wins over the file, so CI and servers can override anything.
    if not path.exists():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        os.environ.setdefault(key.strip(), value.strip().strip('"').strip("'"))


_load_dotenv(Path(os.environ.get("VALIZA_ENV_FILE", BASE_DIR / ".env")))


def env(name, default=None):
    # NAME_FILE lets secrets come from mounted files (Docker/Kubernetes secrets).
    file_path = os.environ.get(name + "_FILE")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name, default):
    value = env(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name, default):
    value = env(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_float(name, default):
    value = env(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from None


def env_martial_law_until(name):
    # The last day of martial law, for the working-day calendar (communities/workdays.py): empty — still
    # in force; "none" — never applied, which is the same as ending before it began, hence date.min.
    value = (env(name) or "").strip()
    if not value:
        return None
    if value.lower() == "none":
        return date.min
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be empty (martial law in force), none, or its last day as YYYY-MM-DD, "
            f"not {value!r}"
        ) from None


def env_tile_url(name, default=""):
    """A map tile URL template (Leaflet's: https://tile.example.org/{z}/{x}/{y}.png, `{s}.` allowed as
    the first label of the host) and the origin the browser may load images from, for the CSP.
    Unset: `default`; set to empty: no tiles."""
    from urllib.parse import urlsplit

    value = env(name)
    if value is None:
        value = default
    value = value.strip()
    if not value:
        return "", None
    parts = urlsplit(value)
    host = parts.netloc.replace("{s}.", "*.", 1) if parts.netloc.startswith("{s}.") else parts.netloc
    if (parts.scheme not in ("http", "https") or not host or any(c in host for c in "{}@ '\";")
            or not all(p in value for p in ("{z}", "{x}", "{y}"))):
        raise ImproperlyConfigured(
            f"{name} must be an http(s) tile URL with {{z}}, {{x}} and {{y}}, such as "
            f"https://tile.example.org/{{z}}/{{x}}/{{y}}.png, not {value!r}"
        )
    return value, f"{parts.scheme}://{host}"


def env_list(name, default):
    value = env(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("VALIZA_DEBUG", False)
SECRET_KEY = env("VALIZA_SECRET_KEY")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "VALIZA_SECRET_KEY is not set. `make run` writes one into .env; on a server set it in the "
        "environment (or VALIZA_SECRET_KEY_FILE)."
    )


def weak_secret(key):
    """Why `key` must not sign a server's sessions and tokens (Django's security.W009 rule, and the
    example value of .env.example), or None."""
    if "changeme" in re.sub(r"[\W_]", "", key.lower()) or key.startswith("django-insecure-"):
        return "it is an example value"
    if len(key) < 50:
        return f"it has {len(key)} characters, fewer than 50"
    if len(set(key)) < 5:
        return "it has fewer than 5 different characters"
    return None


if not DEBUG and weak_secret(SECRET_KEY):
    raise ImproperlyConfigured(
        f"VALIZA_SECRET_KEY is too weak for a server: {weak_secret(SECRET_KEY)}. Make a new one with "
        "python3 -c 'import secrets; print(secrets.token_urlsafe(50))' (VALIZA_DEBUG=true only on a "
        "developer's machine accepts any)."
    )
ALLOWED_HOSTS = env_list("VALIZA_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("VALIZA_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "axes",
    "csp",
    # The second factor at login (accounts/second_factor.py): authenticator apps and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "accounts",
    "communities",
    "addresses",
    "catalogue",
    "eligibility",
    "visits",
    "audit",
    "planning",
    "teams",
    "people",
    "equipment",
    "notifications",
    "django_tasks",
    "django_tasks_db",
    "journal",
    "quality",
    "indicators",
    "campaign",
    "reports",
    "field",
    "payments",
    "backup",
    "demo",
    "bench",
]

MIDDLEWARE = [
    # First, so every answer (a 413 too) and every log line carries the request id.
    "core.logs.RequestIdMiddleware",
    # Early, so its header reaches every answer from below it (redirects, 403s, 404s too).
    "core.nostore.NoStoreMiddleware",
    "core.middleware.BodySizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "accounts.access.AccessMiddleware",
    # After AccessMiddleware: a session that still owes its login code reaches only public pages.
    "accounts.second_factor.SecondFactorMiddleware",
]

ROOT_URLCONF = "valiza.urls"
WSGI_APPLICATION = "valiza.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.valiza",
                "planning.context_processors.coordinator_reminders",
                "people.context_processors.responsible_person",
            ],
        },
    },
]

_DATABASE_URL = env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'valiza.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        _DATABASE_URL,
        # A new PostgreSQL connection costs more than a small request itself (the field client's
        # upload chunks): keep it for a minute, checked before reuse. SQLite opens a file, nothing more.
        conn_max_age=env_int("VALIZA_DB_CONN_MAX_AGE", 0 if _DATABASE_URL.startswith("sqlite") else 60),
        conn_health_checks=True,
    )
}
if env("VALIZA_TEST_DB_NAME"):
    # Lets two test runs share one PostgreSQL server without dropping each other's database.
    DATABASES["default"]["TEST"] = {"NAME": env("VALIZA_TEST_DB_NAME")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Tests run on a file, as the product does: an in-memory database shared by the browser tests'
    # server threads never waits for a lock, so two requests at once failed ("database table is
    # locked") where a real server waits its turn. One file per run, removed at its end.
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process and the background worker read while one writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 20,
         # A transaction takes the write lock when it begins: two processes (web workers, the task
         # worker) that read and then write would otherwise fail with "database is locked" at once
         # instead of waiting their turn.
         "transaction_mode": "IMMEDIATE"}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's default cost of a random page read (4) is a spinning disk's: it scans a whole table
    # and hashes it where a few thousand index probes would do (the indicators' weeks, issue 14: 420 ms
    # against 150 ms). On SSDs and with the working set in memory, 1.1 is the usual setting.
    DATABASES["default"].setdefault("OPTIONS", {})
    _page_cost = env("VALIZA_PG_RANDOM_PAGE_COST") or "1.1"
    try:
        _page_cost = float(_page_cost)
    except ValueError:
        raise ImproperlyConfigured(f"VALIZA_PG_RANDOM_PAGE_COST must be a number, not {_page_cost!r}") from None
    DATABASES["default"]["OPTIONS"]["options"] = f"-c random_page_cost={_page_cost}"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if env("VALIZA_CACHE_URL"):
    # Shared by every web and worker process (rate-limit counters); needs the `redis` package.
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("VALIZA_CACHE_URL"),
        # Several sites (or test runs) can share one Redis database without reading each other's keys.
        "KEY_PREFIX": env("VALIZA_CACHE_KEY_PREFIX", "valiza") or "",
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Django's checks with messages for staff; the common-password list also catches a wrong keyboard layout.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "accounts.passwords.CommonPasswordValidator"},
    {"NAME": "accounts.passwords.NumericPasswordValidator"},
]
# The authenticator app shows this name beside the codes (accounts/second_factor.py).
OTP_TOTP_ISSUER = "Valiza"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Failed logins (accounts/lockout.py): one account at one address, one address for any accounts, one
# account from any addresses (not at one it logged in from lately) — each with its own cap, each lock
# ending by itself. The address is the client's, from the proxy's header (core.ratelimit.client_ip).
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address", "username"]
AXES_FAILURE_LIMIT = env_int("VALIZA_LOGIN_FAILURE_LIMIT", 5)
VALIZA_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("VALIZA_LOGIN_ADDRESS_FAILURE_LIMIT", 30)
VALIZA_LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("VALIZA_LOGIN_ACCOUNT_FAILURE_LIMIT", 10)
VALIZA_LOGIN_KNOWN_ADDRESS_DAYS = env_int("VALIZA_LOGIN_KNOWN_ADDRESS_DAYS", 30)
for _name in ("VALIZA_LOGIN_FAILURE_LIMIT", "VALIZA_LOGIN_ADDRESS_FAILURE_LIMIT", "VALIZA_LOGIN_ACCOUNT_FAILURE_LIMIT",
              "VALIZA_LOGIN_LOCK_MINUTES"):
    if env_int(_name, 1) < 1:
        raise ImproperlyConfigured(f"{_name} must be a whole number of at least 1")
AXES_COOLOFF_TIME = timedelta(minutes=env_int("VALIZA_LOGIN_LOCK_MINUTES", 15))
# A wrong password sent while locked is not counted: it would push the end of the lock ever further.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.ratelimit.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"

# Ukrainian is the source language of the interface (ADR 3). LocaleMiddleware is left out until
# locale/en exists: a browser asking for English would otherwise get service names in English
# inside a Ukrainian page.
LANGUAGE_CODE = "uk"
LANGUAGES = [("uk", "Українська"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("VALIZA_TIME_ZONE", "Europe/Kyiv")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("VALIZA_STATIC_ROOT", BASE_DIR / "var" / "static"))
MEDIA_ROOT = Path(env("VALIZA_MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Where stored files (photos, videos, case PDFs, acts, uploads in progress) live (ADR 11): "filesystem"
# (MEDIA_ROOT, the embedded default) or "s3" — any S3-compatible object storage through django-storages,
# shared by several app servers. The bucket stays private: files go to staff only through our
# permission-checked views (core/files.py), never by a public or signed URL.
VALIZA_STORAGE = (env("VALIZA_STORAGE", "filesystem") or "filesystem").strip().lower()
if VALIZA_STORAGE not in ("filesystem", "s3"):
    raise ImproperlyConfigured(f"VALIZA_STORAGE must be filesystem or s3, not {VALIZA_STORAGE!r}")
VALIZA_S3_ENDPOINT_URL = env("VALIZA_S3_ENDPOINT_URL", "") or ""
VALIZA_S3_BUCKET = env("VALIZA_S3_BUCKET", "") or ""
VALIZA_S3_REGION = env("VALIZA_S3_REGION", "") or ""
if VALIZA_STORAGE == "s3":
    _s3_missing = [name for name in ("VALIZA_S3_BUCKET", "VALIZA_S3_ACCESS_KEY", "VALIZA_S3_SECRET_KEY")
                   if not env(name, "")]
    if _s3_missing:
        raise ImproperlyConfigured(
            "VALIZA_STORAGE=s3 needs " + ", ".join(_s3_missing) + " in the environment (or *_FILE); "
            "VALIZA_S3_ENDPOINT_URL too unless the storage is AWS itself.")
    if VALIZA_S3_ENDPOINT_URL and not VALIZA_S3_ENDPOINT_URL.startswith(("http://", "https://")):
        raise ImproperlyConfigured(
            f"VALIZA_S3_ENDPOINT_URL must start with http:// or https://, not {VALIZA_S3_ENDPOINT_URL!r}")
    STORAGES["default"] = s3_storage(bucket=VALIZA_S3_BUCKET, endpoint_url=VALIZA_S3_ENDPOINT_URL,
                                     region=VALIZA_S3_REGION, access_key=env("VALIZA_S3_ACCESS_KEY"),
                                     secret_key=env("VALIZA_S3_SECRET_KEY"))
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# A home-visit request is a few kilobytes; anything far bigger is not a person typing.
VALIZA_MAX_BODY_BYTES = env_int("VALIZA_MAX_BODY_BYTES", 256 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = VALIZA_MAX_BODY_BYTES
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400
FILE_UPLOAD_MAX_MEMORY_SIZE = VALIZA_MAX_BODY_BYTES

# The field client (ADR 7): a day's outbox is sent in batches, photos and videos in chunks. These two
# paths get their own body limits; their views read the body themselves within them.
VALIZA_FIELD_SYNC_MAX_BYTES = env_int("VALIZA_FIELD_SYNC_MAX_BYTES", 2 * 1024 * 1024)
VALIZA_FIELD_BATCH_MAX_ITEMS = env_int("VALIZA_FIELD_BATCH_MAX_ITEMS", 500)
VALIZA_FIELD_CHUNK_BYTES = env_int("VALIZA_FIELD_CHUNK_BYTES", 1024 * 1024)
VALIZA_FIELD_PHOTO_MAX_BYTES = env_int("VALIZA_FIELD_PHOTO_MAX_BYTES", 15 * 1024 * 1024)
VALIZA_FIELD_VIDEO_MAX_BYTES = env_int("VALIZA_FIELD_VIDEO_MAX_BYTES", 1024 * 1024 * 1024)
# The laptop gives up on a request with no answer after this many seconds (plus time for the bytes
# of an upload chunk) and tries again later: a stalled line never holds the sync.
VALIZA_FIELD_REQUEST_TIMEOUT_S = env_int("VALIZA_FIELD_REQUEST_TIMEOUT_S", 30)
# Session videos are kept this many days after the visit, then a background task deletes them.
VALIZA_VIDEO_KEEP_DAYS = env_int("VALIZA_VIDEO_KEEP_DAYS", 30)
# How long personal data is kept, per kind (issue 11; docs/legal.md, "Згода і персональні дані"):
# door codes and "how to get in" after the visit; location points (the visit's and a closed
# request's) after the visit / closing; closed requests are anonymised after this many years.
VALIZA_KEEP_DOOR_CODES_DAYS = env_int("VALIZA_KEEP_DOOR_CODES_DAYS", 30)
VALIZA_KEEP_LOCATION_DAYS = env_int("VALIZA_KEEP_LOCATION_DAYS", 90)
VALIZA_KEEP_CLOSED_REQUESTS_YEARS = env_int("VALIZA_KEEP_CLOSED_REQUESTS_YEARS", 5)
# Photos / scans of documents taken at the door, and the case's PDF of them: removed this many days after
# the request is closed and every case made from it is finished (result given, or closed without one).
VALIZA_KEEP_SCANS_DAYS = env_int("VALIZA_KEEP_SCANS_DAYS", 180)
# Photos and videos for staff: sent by Django with Range support (""), or by nginx ("nginx"): Django
# checks the permission, writes the access log and answers X-Accel-Redirect to VALIZA_SENDFILE_URL +
# the file's name, an `internal` nginx location aliased to MEDIA_ROOT (README, "Production").
VALIZA_SENDFILE = env("VALIZA_SENDFILE", "") or ""
if VALIZA_SENDFILE not in ("", "nginx"):
    raise ImproperlyConfigured(f"VALIZA_SENDFILE must be empty or nginx, not {VALIZA_SENDFILE!r}")
VALIZA_SENDFILE_URL = env("VALIZA_SENDFILE_URL", "/protected-media/") or "/protected-media/"
if not VALIZA_SENDFILE_URL.startswith("/"):
    raise ImproperlyConfigured(f"VALIZA_SENDFILE_URL must be a path starting with /, not {VALIZA_SENDFILE_URL!r}")
# nginx sends files from MEDIA_ROOT on its own disk; with object storage there is no such folder, and
# Django streams each range from the bucket itself (ADR 11).
if VALIZA_SENDFILE and VALIZA_STORAGE != "filesystem":
    raise ImproperlyConfigured("VALIZA_SENDFILE=nginx works only with VALIZA_STORAGE=filesystem: with s3 the "
                               "files are not on nginx's disk. Leave VALIZA_SENDFILE empty.")
# Partial uploads live here until their hash is checked (filesystem storage). With s3 each chunk is an
# object of its own in the bucket (field/storage.py), so any app server can take the next one; this
# folder then only holds a finished upload for the moment it is checked.
VALIZA_UPLOAD_TMP = Path(env("VALIZA_UPLOAD_TMP", BASE_DIR / "var" / "uploads"))
VALIZA_BODY_LIMITS = {
    "/api/v1/field/sync": VALIZA_FIELD_SYNC_MAX_BYTES,
    "/api/v1/field/attachments/": VALIZA_FIELD_CHUNK_BYTES,
}

# While martial law is in force public holidays are working days (Law 2136-IX); this is its last day.
VALIZA_MARTIAL_LAW_UNTIL = env_martial_law_until("VALIZA_MARTIAL_LAW_UNTIL")

# Public form: this many requests per client per window; status look-ups are limited separately.
VALIZA_PUBLIC_REQUEST_LIMIT = env_int("VALIZA_PUBLIC_REQUEST_LIMIT", 5)
VALIZA_PUBLIC_STATUS_LIMIT = env_int("VALIZA_PUBLIC_STATUS_LIMIT", 20)
# The feedback link after the visit (quality/feedback.py): tries of the form per client per window, and
# how many days the signed link in the SMS stays valid.
VALIZA_PUBLIC_FEEDBACK_LIMIT = env_int("VALIZA_PUBLIC_FEEDBACK_LIMIT", 10)
VALIZA_FEEDBACK_LINK_DAYS = env_int("VALIZA_FEEDBACK_LINK_DAYS", 60)
# The public schedule pages (issue 12): views per address and hour, and printed notices (PDF, heavier).
VALIZA_PUBLIC_SCHEDULE_LIMIT = env_int("VALIZA_PUBLIC_SCHEDULE_LIMIT", 120)
VALIZA_PUBLIC_NOTICE_LIMIT = env_int("VALIZA_PUBLIC_NOTICE_LIMIT", 20)
VALIZA_RATE_WINDOW_SECONDS = env_int("VALIZA_RATE_WINDOW_SECONDS", 3600)
# Where the public forms' counters live, shared by every process of the site (core/ratelimit.py): the
# database (one atomic upsert per hit), or the cache when VALIZA_CACHE_URL names a shared one (Redis).
VALIZA_RATE_LIMIT_STORE = env("VALIZA_RATE_LIMIT_STORE", "") or ("cache" if env("VALIZA_CACHE_URL") else "database")
if VALIZA_RATE_LIMIT_STORE not in ("database", "cache"):
    raise ImproperlyConfigured(f"VALIZA_RATE_LIMIT_STORE must be database or cache, not {VALIZA_RATE_LIMIT_STORE!r}")
if VALIZA_RATE_LIMIT_STORE == "cache" and not env("VALIZA_CACHE_URL"):
    raise ImproperlyConfigured(
        "VALIZA_RATE_LIMIT_STORE=cache needs a cache that every process shares (VALIZA_CACHE_URL=redis://…): "
        "each process's own memory would let a client through once per process."
    )
# Citizens book fixed-point slots this many weeks ahead; bookings per client per window are capped
# by VALIZA_PUBLIC_REQUEST_LIMIT too.
VALIZA_BOOKING_WEEKS = env_int("VALIZA_BOOKING_WEEKS", 4)
# The site's public address (https://valiza.example.gov.ua) for links in SMS (a booking's "cancel or
# move" link, the feedback link); empty: the SMS carry no link and name the status page in words instead.
VALIZA_PUBLIC_URL = env("VALIZA_PUBLIC_URL", "").rstrip("/")
if VALIZA_PUBLIC_URL and not VALIZA_PUBLIC_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"VALIZA_PUBLIC_URL must start with https:// (or http://), not {VALIZA_PUBLIC_URL!r}")
# One phone number holds at most this many future fixed-point bookings, and this many in one week (two:
# a couple shares a phone); the public request form takes at most this many open requests per phone.
# Per phone as well as per address: a few addresses must not be enough to take every slot.
VALIZA_BOOKINGS_PER_PHONE = env_int("VALIZA_BOOKINGS_PER_PHONE", 4)
VALIZA_BOOKINGS_PER_PHONE_WEEK = env_int("VALIZA_BOOKINGS_PER_PHONE_WEEK", 2)
VALIZA_PUBLIC_REQUESTS_PER_PHONE = env_int("VALIZA_PUBLIC_REQUESTS_PER_PHONE", 3)
# Behind a reverse proxy the client address is in this header (e.g. HTTP_X_REAL_IP).
VALIZA_CLIENT_IP_HEADER = env("VALIZA_CLIENT_IP_HEADER", "")

# Planning: travel times by great-circle distance × road factor at these speeds, or from an OSRM
# server when VALIZA_OSRM_URL is set (e.g. http://127.0.0.1:5000).
VALIZA_OSRM_URL = env("VALIZA_OSRM_URL", "")
VALIZA_ROAD_FACTOR = env_float("VALIZA_ROAD_FACTOR", 1.35)
VALIZA_SPEED_CITY_KMH = env_float("VALIZA_SPEED_CITY_KMH", 22.0)
VALIZA_SPEED_VILLAGE_KMH = env_float("VALIZA_SPEED_VILLAGE_KMH", 40.0)
VALIZA_PLAN_TIME_LIMIT_S = env_int("VALIZA_PLAN_TIME_LIMIT_S", 10)
# Stop a planning run also after this many solver iterations without a better plan; empty: the
# run always uses its whole time limit (production). The tests set it so a small week stops once
# it has converged.
VALIZA_SOLVER_NO_IMPROVEMENT = env_int("VALIZA_SOLVER_NO_IMPROVEMENT", None)
if VALIZA_SOLVER_NO_IMPROVEMENT is not None and VALIZA_SOLVER_NO_IMPROVEMENT < 1:
    raise ImproperlyConfigured("VALIZA_SOLVER_NO_IMPROVEMENT must be empty or a whole number of at least 1")
# Background tasks (ADR 5): django-tasks with its database backend by default, so one machine needs
# nothing but `manage.py worker`. "immediate" runs a task inside the caller (tests, a quick demo);
# a dotted path picks any other django-tasks backend (e.g. a Redis-backed one at scale).
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "dummy": "django_tasks.backends.dummy.DummyBackend",
}
_tasks_backend = env("VALIZA_TASKS_BACKEND", "database")
if _tasks_backend not in _TASK_BACKENDS and "." not in _tasks_backend:
    raise ImproperlyConfigured(
        f"VALIZA_TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)} or a dotted path, "
        f"not {_tasks_backend!r}"
    )
TASKS = {
    "default": {
        "BACKEND": _TASK_BACKENDS.get(_tasks_backend, _tasks_backend),
        "QUEUES": ["default"],
    }
}

# The worker (`manage.py worker`, ADR 5) renews its heartbeat this often; a worker silent for the
# lease is gone, and the tasks it was running are marked failed ("reaped"). At its start and then
# every VALIZA_WORKER_CHECK_SECONDS it reaps and runs each app's recovery check below.
VALIZA_WORKER_HEARTBEAT_SECONDS = env_float("VALIZA_WORKER_HEARTBEAT_SECONDS", 10.0)
VALIZA_WORKER_LEASE_SECONDS = env_float("VALIZA_WORKER_LEASE_SECONDS", 60.0)
VALIZA_WORKER_CHECK_SECONDS = env_float("VALIZA_WORKER_CHECK_SECONDS", 60.0)
if not 0 < VALIZA_WORKER_HEARTBEAT_SECONDS * 3 <= VALIZA_WORKER_LEASE_SECONDS:
    raise ImproperlyConfigured(
        "VALIZA_WORKER_LEASE_SECONDS must be at least three heartbeats (VALIZA_WORKER_HEARTBEAT_SECONDS), "
        "or a busy but living worker would be taken for a dead one."
    )
if VALIZA_WORKER_CHECK_SECONDS <= 0:
    raise ImproperlyConfigured("VALIZA_WORKER_CHECK_SECONDS must be more than 0")
# Plain functions, each safe to run any number of times and in several workers at once.
VALIZA_WORKER_CHECKS = [
    "planning.actions.recover_runs",  # runs whose worker died or that ran far too long: failed
    "planning.actions.remind_coordinators",  # cut-off near, draft ready, deadline within the hour: SMS once
    "notifications.outbox.recover",  # SMS left "sending" by a dead worker; due SMS nobody woke up for
    "field.case_files.check",  # case files that were asked for and never built
    "field.retention.check",  # personal data past its term (VALIZA_KEEP_*): removed or anonymised
    "journal.terms.escalate",  # cases past the provider's term: marked for the head, provider e-mailed once
    "people.reminders.remind_refreshers",  # refresher training due: one reminder for the responsible person
    "campaign.milestones.check",  # issue 15: milestones found in the journal, each once, with a drafted post
    "reports.actions.recover",  # issue 14: report builds whose worker died: failed, to be built again
    "campaign.occasions.check",  # issue 15: a reminder with a drafted post N days before each occasion, once
    "equipment.reminders.check",  # internet top-up, cartridge, warranty, repair too long: the technician's list, once
    "indicators.warm.check",  # issue 14: the dashboard's roll-up of the last year's closed weeks, a few weeks a run
]
# Issue 16: the technician's reminders (equipment/reminders.py).
VALIZA_INTERNET_TOPUP_DAYS = env_int("VALIZA_INTERNET_TOPUP_DAYS", 5)  # days before the month ends
VALIZA_CARTRIDGE_PAGES = env_int("VALIZA_CARTRIDGE_PAGES", 1500)  # pages a cartridge set is good for
VALIZA_WARRANTY_WARNING_DAYS = env_int("VALIZA_WARRANTY_WARNING_DAYS", 30)
VALIZA_REPAIR_TOO_LONG_DAYS = env_int("VALIZA_REPAIR_TOO_LONG_DAYS", 14)
# Issue 13: a case whose provider's term ends within this many days is on the coordinator's list.
VALIZA_TERM_WARNING_DAYS = env_int("VALIZA_TERM_WARNING_DAYS", 3)
# E-mail (reminders to providers about terms): written to files under var/mail by default, nothing
# leaves the machine; VALIZA_EMAIL_BACKEND=smtp sends through VALIZA_EMAIL_HOST.
_EMAIL_BACKENDS = {"file": "django.core.mail.backends.filebased.EmailBackend",
                   "smtp": "django.core.mail.backends.smtp.EmailBackend",
                   "console": "django.core.mail.backends.console.EmailBackend"}
if env("VALIZA_EMAIL_BACKEND", "file") not in _EMAIL_BACKENDS:
    raise ImproperlyConfigured("VALIZA_EMAIL_BACKEND must be file, smtp or console")
EMAIL_BACKEND = _EMAIL_BACKENDS[env("VALIZA_EMAIL_BACKEND", "file")]
EMAIL_FILE_PATH = Path(env("VALIZA_EMAIL_FILE_PATH", BASE_DIR / "var" / "mail"))
EMAIL_HOST = env("VALIZA_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("VALIZA_EMAIL_PORT", 25)
EMAIL_HOST_USER = env("VALIZA_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env("VALIZA_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("VALIZA_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("VALIZA_EMAIL_TIMEOUT_SECONDS", 20)
DEFAULT_FROM_EMAIL = env("VALIZA_EMAIL_FROM", "valiza@localhost")
# A planning run that started is over by twice its time limit plus this (building the problem,
# storing the plan); past that the worker's check marks it failed and the week is free again.
VALIZA_PLANNING_MARGIN_SECONDS = env_int("VALIZA_PLANNING_MARGIN_SECONDS", 300)
# Case files (intake inventory, photos PDF) that were not built are tried again after this pause, up
# to this many times; then the coordinator sees the failure at /staff/field/.
VALIZA_CASE_FILES_RETRY_SECONDS = env_int("VALIZA_CASE_FILES_RETRY_SECONDS", 300)
VALIZA_CASE_FILES_MAX_ATTEMPTS = env_int("VALIZA_CASE_FILES_MAX_ATTEMPTS", 3)

# SMS to citizens go through the outbox (notifications/outbox.py) and one gateway:
# "file" appends JSON lines under var/ (the default: nothing leaves the machine), "console" logs,
# "turbosms" sends through TurboSMS's HTTP API.
VALIZA_SMS_GATEWAY = env("VALIZA_SMS_GATEWAY", "file")
if VALIZA_SMS_GATEWAY not in ("file", "console", "turbosms"):
    raise ImproperlyConfigured(
        f"VALIZA_SMS_GATEWAY must be file, console or turbosms, not {VALIZA_SMS_GATEWAY!r}"
    )
VALIZA_SMS_FILE = Path(env("VALIZA_SMS_FILE", BASE_DIR / "var" / "sms-outbox.jsonl"))
VALIZA_TURBOSMS_URL = env("VALIZA_TURBOSMS_URL", "https://api.turbosms.ua")
VALIZA_TURBOSMS_TOKEN = env("VALIZA_TURBOSMS_TOKEN", "")
VALIZA_TURBOSMS_SENDER = env("VALIZA_TURBOSMS_SENDER", "")
if VALIZA_SMS_GATEWAY == "turbosms" and not (VALIZA_TURBOSMS_TOKEN and VALIZA_TURBOSMS_SENDER):
    raise ImproperlyConfigured(
        "VALIZA_SMS_GATEWAY=turbosms needs VALIZA_TURBOSMS_TOKEN (or VALIZA_TURBOSMS_TOKEN_FILE) and "
        "VALIZA_TURBOSMS_SENDER (the sender name registered with TurboSMS)."
    )
VALIZA_SMS_TIMEOUT_SECONDS = env_int("VALIZA_SMS_TIMEOUT_SECONDS", 20)
# The published schedule goes to starostas and district councils by e-mail (the mail settings above) and as
# an SMS with a link to the public schedule page (issue 12), when VALIZA_PUBLIC_URL is set.
# A message that fails is tried again after 1, 2, 4, … times this, up to the attempt limit.
VALIZA_OUTBOX_MAX_ATTEMPTS = env_int("VALIZA_OUTBOX_MAX_ATTEMPTS", 5)
VALIZA_OUTBOX_RETRY_SECONDS = env_int("VALIZA_OUTBOX_RETRY_SECONDS", 60)
# A message left "sending" this long belongs to a worker that died mid-send (see ADR 5).
VALIZA_OUTBOX_STALE_SECONDS = env_int("VALIZA_OUTBOX_STALE_SECONDS", 600)
if VALIZA_OUTBOX_STALE_SECONDS <= 2 * VALIZA_SMS_TIMEOUT_SECONDS:
    raise ImproperlyConfigured(
        "VALIZA_OUTBOX_STALE_SECONDS must be well above VALIZA_SMS_TIMEOUT_SECONDS (more than twice), "
        "or a slow send would be taken for a dead worker."
    )

# The maps (planning board, request page): OpenStreetMap's tiles by default, with their attribution;
# its host is added to the CSP's img-src. VALIZA_MAP_TILE_URL= (empty) turns tiles off: offices, stops
# and routes on a blank background, and the browser asks no one else for anything. The attribution is
# HTML, shown in the map's corner (the tile server's terms). OSM's tile policy asks for light use and
# the attribution; a busy installation runs or rents its own tile server.
OSM_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap contributors</a>'
VALIZA_MAP_TILE_URL, _MAP_TILE_ORIGIN = env_tile_url("VALIZA_MAP_TILE_URL", OSM_TILE_URL)
VALIZA_MAP_TILE_ATTRIBUTION = env("VALIZA_MAP_TILE_ATTRIBUTION", "") or (
    OSM_ATTRIBUTION if VALIZA_MAP_TILE_URL == OSM_TILE_URL else "")

# Geocoding a request's address (addresses/geocoding.py): the community's register first (offline), then
# a Nominatim- (or Photon-, VALIZA_GEOCODER_API=photon) compatible server, from the worker only, then
# the settlement's centre, marked approximate. Empty URL (the default): no address leaves the server.
# The public nominatim.openstreetmap.org allows one request a second with a real User-Agent (its policy).
VALIZA_GEOCODER_URL = env("VALIZA_GEOCODER_URL", "") or ""
if VALIZA_GEOCODER_URL and not re.match(r"https?://[^\s/@]+", VALIZA_GEOCODER_URL):
    raise ImproperlyConfigured(
        f"VALIZA_GEOCODER_URL must be an http(s) address such as https://nominatim.example.org, "
        f"not {VALIZA_GEOCODER_URL!r}"
    )
VALIZA_GEOCODER_API = env("VALIZA_GEOCODER_API", "nominatim") or "nominatim"
if VALIZA_GEOCODER_API not in ("nominatim", "photon"):
    raise ImproperlyConfigured(f"VALIZA_GEOCODER_API must be nominatim or photon, not {VALIZA_GEOCODER_API!r}")
VALIZA_GEOCODER_TIMEOUT_S = env_float("VALIZA_GEOCODER_TIMEOUT_S", 5.0)
# At least this long between two questions to the server from one worker process (public Nominatim: 1 s).
VALIZA_GEOCODER_INTERVAL_S = env_float("VALIZA_GEOCODER_INTERVAL_S", 1.0)
VALIZA_GEOCODER_USER_AGENT = env("VALIZA_GEOCODER_USER_AGENT", "") or "Valiza (mobile administrative services)"
# How often the planning board asks for the state of today's stops (seconds; a small fragment).
VALIZA_BOARD_LIVE_SECONDS = env_int("VALIZA_BOARD_LIVE_SECONDS", 15)
if VALIZA_BOARD_LIVE_SECONDS < 1:
    raise ImproperlyConfigured("VALIZA_BOARD_LIVE_SECONDS must be at least 1")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 12 * 3600
# Cookies only over HTTPS unless explicitly off: the local .env that `make run` writes and the tests turn
# them off for plain http on this machine.
SESSION_COOKIE_SECURE = env_bool("VALIZA_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# HTTPS in production (`make check-deploy` runs Django's deployment checks with these on). Behind a
# proxy that ends TLS, name the header it sets (HTTP_X_FORWARDED_PROTO) so Django knows a request was
# https — and make sure the proxy overwrites that header, or a client could claim https itself.
SECURE_SSL_REDIRECT = env_bool("VALIZA_SSL_REDIRECT", False)
_proxy_ssl_header = env("VALIZA_PROXY_SSL_HEADER", "") or ""
if _proxy_ssl_header and not re.fullmatch(r"HTTP_[A-Z0-9_]+", _proxy_ssl_header):
    raise ImproperlyConfigured(
        f"VALIZA_PROXY_SSL_HEADER must be a request header as Django names it, such as "
        f"HTTP_X_FORWARDED_PROTO, not {_proxy_ssl_header!r}"
    )
SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header, "https") if _proxy_ssl_header else None
# HSTS: browsers refuse plain http for this long once they have seen the site over https. Start small
# (300) and raise it to a year once everything works over https; it cannot be taken back quickly.
SECURE_HSTS_SECONDS = env_int("VALIZA_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("VALIZA_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("VALIZA_HSTS_PRELOAD", False)
# Cache-Control: no-store (core/nostore.py) on answers with personal data: staff and admin pages, the
# citizens' pages that show a request or a booking, and every answer to a form sent.
VALIZA_NO_STORE_PATHS = ("/staff/", "/admin/", "/api/v1/field/")  # the field API answers name people
VALIZA_NO_STORE_VIEWS = {"public:request_done", "public:status", "points:book", "points:booked", "points:manage"}
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *([_MAP_TILE_ORIGIN] if _MAP_TILE_ORIGIN else [])],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
    }
}

# One JSON line per event on stderr, web and worker alike, with no personal data (core/logs.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "core.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env("VALIZA_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handlers print text (and runserver's request lines bypass the root): through ours.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        # WeasyPrint reports every step of every PDF at INFO; fontTools every font it subsets.
        "axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"},
    },
}

# The error reporter: Sentry (or a compatible service such as GlitchTip), only when a DSN is set, with
# personal data scrubbed before anything leaves the server (core/errors.py).
VALIZA_SENTRY_DSN = env("VALIZA_SENTRY_DSN", "") or ""
if VALIZA_SENTRY_DSN:
    from core.errors import start_error_reporter

    start_error_reporter(VALIZA_SENTRY_DSN, environment=env("VALIZA_SENTRY_ENVIRONMENT", "") or "production")
