"""The production layout on one machine, for `prod_check` and `load_test` (issue 17): one PostgreSQL
database (dropped and made anew), the shared cache on Redis (its own key prefix), TWO gunicorn servers
on two ports with persistent database connections and debug off, and TWO task workers (`manage.py
worker`, ADR 5). Every process runs in its own process group and is stopped by `close()`, also when
something failed half-way.

The servers are bench/field/throwaway_site.py's (the same gunicorn command and start-up wait); both
share one environment, so they share the database, the media and upload folders and the cache, as
two machines behind nginx share PostgreSQL, the file store and Redis.

With `s3=True` the files are not in a shared folder but in a bucket (ADR 11): a moto S3 server
(bench/s3.py) is started first, both servers and both workers get VALIZA_STORAGE=s3 and its endpoint,
and each server gets an upload folder of its own, as two machines would have — so a photo's chunks that
reach A and B in turn meet only in the bucket. `close()` stops the S3 server too.
"""

import hashlib
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from django.conf import settings

from bench.field.throwaway_site import ThrowawaySite
from bench.s3 import MotoServer

REDIS_URL = "redis://127.0.0.1:6379/0"
# Idle keep-alive connections stay open longer than a client (nginx's upstream keepalive, or locust) keeps
# one idle: with gunicorn's default of 2 s a request sent just as the server closes the connection is
# reset ("Connection reset by peer"), which the first 10-minute load run showed (docs/deploy.md).
GUNICORN_ARGS = ("--keep-alive", "75")


def recreate_database(database_url):
    """Drop and create the database named in `database_url` (a throwaway one: it is wiped)."""
    import psycopg

    parts = urllib.parse.urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not name or name in ("postgres", "template0", "template1"):
        raise ValueError(f"refusing to recreate the database {name!r}")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def migrations_hash():
    """A hash of every app's migration files: the schema a migrated database has."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for path in sorted(base.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(base)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def drop_database(database_url):
    import psycopg

    parts = urllib.parse.urlsplit(database_url)
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def redis_forget(redis_url, prefix):
    """Delete this run's keys (Django's Redis cache stores `prefix:version:key`)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
    return len(keys)


class ProdLayout:
    """Two app servers and two workers against one PostgreSQL database and one Redis."""

    def __init__(
        self,
        *,
        database_url,
        redis_url=REDIS_URL,
        gunicorn_workers=2,
        threads=2,
        conn_max_age=60,
        extra_env=None,
        keep=False,
        log=None,
        s3=False,
    ):
        self.database_url = database_url
        self.redis_url = redis_url
        self.log = log or (lambda msg: None)
        self.cache_prefix = f"prodcheck-{secrets.token_hex(4)}"
        site = dict(
            database_url=database_url,
            workers=gunicorn_workers,
            threads=threads,
            keep=keep,
            log=self.log,
            gunicorn_args=GUNICORN_ARGS,
        )
        self.a, self.b = ThrowawaySite(**site), ThrowawaySite(**site)
        env = self.a.env
        env.update(
            {
                "VALIZA_CACHE_URL": redis_url,
                "VALIZA_CACHE_KEY_PREFIX": self.cache_prefix,
                "VALIZA_RATE_LIMIT_STORE": "cache",
                "VALIZA_DB_CONN_MAX_AGE": str(conn_max_age),
                # As behind nginx: the client's address comes in X-Real-IP (docs/deploy.md).
                "VALIZA_CLIENT_IP_HEADER": "HTTP_X_REAL_IP",
            }
        )
        env.update(extra_env or {})
        self.dir = self.a.dir
        self.s3 = self.bucket = None
        if s3:
            self.s3 = MotoServer(log_path=self.dir / "s3.log")
            self.bucket_name = f"valiza-prodcheck-{secrets.token_hex(4)}"
            env.update(self.s3.env(self.bucket_name))
        # One environment for both servers and the workers: one database, one media folder (or bucket), one cache.
        self.env = env
        self.b.env = dict(env)
        if s3:
            # Two machines: each server has local folders of its own; only the bucket is shared.
            self.b.env["VALIZA_UPLOAD_TMP"] = str(self.b.dir / "uploads")
            self.b.env["VALIZA_MEDIA_ROOT"] = str(self.b.dir / "media")
        self.workers = []

    @property
    def urls(self):
        return [self.a.url, self.b.url]

    def manage(self, *args, timeout=600):
        return self.a.manage(*args, timeout=timeout)

    def manage_json(self, *args):
        return self.a.manage_json(*args)

    def sql(self, query, *params):
        """One value straight from the database (a quick poll, without a manage.py process)."""
        import psycopg

        with psycopg.connect(self.database_url) as conn:
            row = conn.execute(query, params).fetchone()
        return row[0] if row else None

    def prepare(self, reuse_template=True):
        """A fresh database, migrated. The first run keeps a migrated copy (a template database named
        after a hash of every migration file); later runs clone it in a second instead of migrating for
        a minute or two, until a migration changes."""
        import psycopg

        parts = urllib.parse.urlsplit(self.database_url)
        name = parts.path.lstrip("/")
        template = f"{name}_tmpl_{migrations_hash()}"[:63]
        admin = parts._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as conn:
            have = {r[0] for r in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", (f"{name}_tmpl_%",))}
            for old in have - {template}:
                conn.execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if reuse_template and template in have:
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                self.log(f"  database {name} cloned from {template} (migrations unchanged)")
                return
            conn.execute(f'CREATE DATABASE "{name}"')
        self.manage("migrate", "--noinput")
        if reuse_template:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{template}" TEMPLATE "{name}"')

    def start_storage(self):
        """The S3 server and the layout's bucket (nothing without s3)."""
        if self.s3 is not None:
            self.s3.start()
            self.bucket = self.s3.bucket(self.bucket_name)

    def start(self, workers=2):
        if self.s3 is not None and self.bucket is None:
            self.start_storage()
        for site in (self.a, self.b):
            site.start(wait_s=60)
        for n in range(workers):
            self.workers.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        str(Path(settings.BASE_DIR) / "manage.py"),
                        "worker",
                        "--no-startup-delay",
                        "--worker-id",
                        f"prod-worker-{n + 1}",
                    ],
                    env=self.env,
                    cwd=settings.BASE_DIR,
                    start_new_session=True,
                    stdout=open(self.dir / f"worker-{n + 1}.log", "ab"),
                    stderr=subprocess.STDOUT,
                )
            )

    def workers_alive(self):
        return [w.poll() is None for w in self.workers]

    def server_pids(self):
        return [site.process.pid for site in (self.a, self.b) if site.process]

    def close(self):
        """Stop everything that was started (each in its own process group), whatever happened."""
        for proc in self.workers:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 10
        for proc in self.workers:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        self.workers = []
        self.b.kill()
        self.b.close()
        self.a.close()
        if self.s3 is not None:
            self.s3.stop()
        try:
            redis_forget(self.redis_url, self.cache_prefix)
        except Exception as exc:  # noqa: BLE001 - cleaning up; the run's verdict stands
            self.log(f"could not clear the Redis keys {self.cache_prefix}:*: {exc}")
