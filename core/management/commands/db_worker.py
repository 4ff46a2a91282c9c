"""`manage.py db_worker` is `manage.py worker` (core/management/commands/worker.py): django-tasks-db's
command of the same name is replaced, so every worker keeps a heartbeat."""

from .worker import Command  # noqa: F401
