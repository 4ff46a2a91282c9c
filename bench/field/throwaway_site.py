"""A throwaway Valiza site for `bench_sync` and `soak_sync`: its own database, media and upload
directories in a temporary folder, served by gunicorn in a child process that can be killed at any
moment and started again, as a real server crashes and restarts.

The commands' own process never touches this database through the ORM: seeding and checking run
as child `manage.py` processes with the site's environment, so the numbers come from the same
database the server wrote.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawaySite:
    def __init__(self, *, database_url=None, workers=2, threads=None, keep=False, log=None, gunicorn_args=()):
        self.dir = Path(tempfile.mkdtemp(prefix="valiza-site-"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.threads = threads or int(os.environ.get("VALIZA_SITE_THREADS", "2"))
        self.keep = keep
        self.gunicorn_args = list(gunicorn_args)
        self.log = log or (lambda msg: None)
        self.process = None
        self.own_database = database_url is None
        self.env = dict(os.environ)
        self.env.update({
            "DATABASE_URL": database_url or f"sqlite:///{self.dir / 'valiza.sqlite3'}",
            "VALIZA_MEDIA_ROOT": str(self.dir / "media"),
            "VALIZA_UPLOAD_TMP": str(self.dir / "uploads"),
            "VALIZA_STATIC_ROOT": str(self.dir / "static"),
            "VALIZA_SMS_FILE": str(self.dir / "sms.jsonl"),
            "VALIZA_SMS_GATEWAY": "file",
            "VALIZA_SECRET_KEY": secrets.token_urlsafe(40),
            "VALIZA_DEBUG": "false",
            "VALIZA_SECURE_COOKIES": "false",  # plain http on the loopback
            "VALIZA_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "VALIZA_TASKS_BACKEND": "database",
            "VALIZA_LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        })
        self.env.pop("VALIZA_SECRET_KEY_FILE", None)

    def manage(self, *args, timeout=600):
        """Run a management command against the site's database; returns its stdout."""
        done = subprocess.run([sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args],
                              env=self.env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def manage_json(self, *args):
        """A command that prints one JSON document as its last line."""
        return json.loads(self.manage(*args).strip().splitlines()[-1])

    def prepare(self):
        self.manage("migrate", "--noinput")
        if not self.own_database:
            # A given database is wiped, as the commands' help says: cases left by an earlier run
            # would be counted in this one's journal and figures.
            self.manage("flush", "--noinput")

    def start(self, wait_s=30):
        # A new process group: a restart kills the master and its workers at once, like a crash.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "valiza.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(self.workers), "--threads", str(self.threads), "--timeout", "60", "--graceful-timeout", "2",
             "--log-level", "warning", *self.gunicorn_args],
            env=self.env, cwd=settings.BASE_DIR, start_new_session=True,
            stdout=open(self.dir / "server.log", "ab"), stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped at start; see {self.dir / 'server.log'}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2) as resp:
                    if resp.status < 500:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.1)
        raise RuntimeError("the server did not answer in time")

    def kill(self):
        """Stop the server the hard way (SIGKILL to the whole group): requests in flight die."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def restart(self):
        self.kill()
        self.start()

    def close(self):
        self.kill()
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)
        else:
            self.log(f"site kept in {self.dir}")
