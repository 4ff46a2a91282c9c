"""Every product module can be the first one imported: no import cycle hides behind the order in
which Django happens to load things.

One child interpreter runs `django.setup()` (modules of Django apps need the app registry) and then
forks once per module; each fork imports its module first, from exactly the state a fresh
interpreter has after setup, so a circular import shows up as the ImportError it would be in a
worker, a management command or a test run on its own.
"""

import configparser
import json
import os
import subprocess
import sys
from pathlib import Path

from django.apps import apps
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
PARALLEL = 2

DRIVER = r"""
import json, os, sys, traceback
import django

django.setup()
modules = json.loads(sys.stdin.read())
failures, running = {}, {}


def reap():
    pid, status = os.wait()
    module, read_end = running.pop(pid)
    with os.fdopen(read_end) as pipe:
        error = pipe.read()
    if status != 0:
        failures[module] = error or f"exit status {status}"


for module in modules:
    if len(running) >= PARALLEL:
        reap()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        code = 0
        try:
            __import__(module)
        except BaseException:
            os.write(write_end, traceback.format_exc().encode())
            code = 1
        os._exit(code)
    os.close(write_end)
    running[pid] = (module, read_end)
while running:
    reap()
print(json.dumps(failures))
"""


def our_packages():
    """The project package and every app of ours (the third-party ones live in the virtualenv)."""
    return {"valiza"} | {app.name for app in apps.get_app_configs() if Path(app.path).parent == BASE_DIR}


# Run by another interpreter with packages of its own: locust lives in .venv-load (requirements-load.txt).
OTHER_INTERPRETERS = {"bench.load.locustfile"}


def product_modules():
    """Every module of our own apps and of the project package, but not tests, migrations or the modules
    another interpreter runs."""
    roots = {BASE_DIR / name for name in our_packages()}
    modules = []
    for root in sorted(roots):
        for path in sorted(root.rglob("*.py")):
            parts = path.relative_to(BASE_DIR).with_suffix("").parts
            if "tests" in parts or "migrations" in parts:
                continue
            modules.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return [m for m in modules if m not in OTHER_INTERPRETERS]


def test_every_product_module_imports_first_in_a_fresh_interpreter():
    modules = product_modules()
    assert {"core.files", "field.sync.review", "valiza.api", "bench.field.throwaway_site"} <= set(modules)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "valiza.settings", "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run([sys.executable, "-c", f"PARALLEL = {PARALLEL}\n{DRIVER}"], input=json.dumps(modules),
                            cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    failures = json.loads(result.stdout.strip().splitlines()[-1])
    assert not failures, "\n".join(f"{module}:\n{error}" for module, error in sorted(failures.items()))


def test_every_app_is_in_the_import_contracts():
    # An app missing from .importlinter is not checked at all: its imports would break no contract.
    config = configparser.ConfigParser()
    config.read(BASE_DIR / ".importlinter")
    roots = set(config["importlinter"]["root_packages"].split())
    layered = {name.strip() for line in config["importlinter:contract:layers"]["layers"].split("\n")
               for name in line.split("|") if name.strip()}
    assert our_packages() == roots == layered
