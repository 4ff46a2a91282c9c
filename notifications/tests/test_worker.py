"""The real database task backend and its worker: a queued message is sent by `db_worker`."""

import io
import json
import signal

from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from notifications.models import State
from notifications.outbox import enqueue


def test_enqueue_wakes_the_database_worker_which_sends_the_message(transactional_db, world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    message, _ = enqueue(community=world.a, recipient="+380671234567", text="Ваш візит: вт 10:00",
                         dedup_key="worker:1")
    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.READY and task.task_path == "notifications.tasks.send_outbox"
    assert message.state == State.QUEUED

    # The worker installs its own signal handlers; give pytest its own back afterwards.
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", batch=True, startup_delay=False, reload=False, interval=0,
                     stdout=io.StringIO())
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)

    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.return_value == {"sent": 1, "retry": 0, "failed": 0, "unknown": 0, "stale": 0}
    message.refresh_from_db()
    assert message.state == State.SENT
    line = json.loads(settings.VALIZA_SMS_FILE.read_text())
    assert line["to"] == "+380671234567" and line["text"] == "Ваш візит: вт 10:00"


def test_the_immediate_backend_sends_when_the_transaction_commits(transactional_db, world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    message, _ = enqueue(community=world.a, recipient="+380671234567", text="Текст", dedup_key="imm:1")
    message.refresh_from_db()
    assert message.state == State.SENT
