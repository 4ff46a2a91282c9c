"""SMS after a dead worker: at most once, and nothing left waiting for a wake-up that died
(issue 9, finding 3; notifications.outbox.recover, run by the worker's checks)."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core.tests.workers import DATABASE_TASKS, Killed, run_worker
from notifications import outbox
from notifications.models import State
from notifications.outbox import enqueue, recover


def later(**delta):
    return time_machine.travel(timezone.now() + timedelta(**delta), tick=False)


def sms_lines(settings):
    return [json.loads(line) for line in settings.VALIZA_SMS_FILE.read_text().splitlines()]


def test_an_sms_whose_worker_died_after_the_gateway_took_it_is_never_sent_again(transactional_db, world, settings,
                                                                                  monkeypatch):
    settings.TASKS = DATABASE_TASKS
    message, _ = enqueue(community=world.a, recipient="+380671234567", text="Візит у вівторок", dedup_key="dies:1")
    task = DBTaskResult.objects.get(task_path="notifications.tasks.send_outbox")
    task.claim("worker-that-dies")
    file_send = outbox.get_gateway().__class__.send

    def sent_then_killed(self, outgoing):
        file_send(self, outgoing)
        raise Killed  # the worker dies before it can mark the message sent

    with monkeypatch.context() as m:
        m.setattr(outbox.get_gateway().__class__, "send", sent_then_killed)
        with pytest.raises(Killed):
            outbox.send_due()
    assert len(sms_lines(settings)) == 1

    # A new worker starts: the dead one's task is reaped; the message may have gone out, so it waits
    # for a person ("may have arrived"), and stays so however many workers come and go.
    for minutes in (2, 11, 60):
        with later(minutes=minutes):
            run_worker()
    task.refresh_from_db()
    message.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert message.state == State.FAILED and message.outcome_unknown
    assert len(sms_lines(settings)) == 1


def test_a_due_sms_whose_wake_up_died_is_sent_by_the_next_worker(transactional_db, world, settings):
    settings.TASKS = DATABASE_TASKS
    message, _ = enqueue(community=world.a, recipient="+380671234567", text="Візит у середу", dedup_key="lost:1")
    task = DBTaskResult.objects.get()
    task.claim("worker-that-dies")  # and died before it claimed the message
    with later(minutes=2):
        run_worker()
    message.refresh_from_db()
    assert message.state == State.SENT and len(sms_lines(settings)) == 1


def test_recover_wakes_the_sender_only_when_no_send_is_pending(world, settings, django_capture_on_commit_callbacks):
    settings.TASKS = DATABASE_TASKS
    sends = DBTaskResult.objects.filter(task_path="notifications.tasks.send_outbox")
    enqueue(community=world.a, recipient="+380671234567", text="Текст", dedup_key="w:1", wake=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert recover() == 0
    assert sends.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        recover()
    assert sends.count() == 1  # one is waiting already
    sends.update(status=TaskResultStatus.SUCCESSFUL)
    with django_capture_on_commit_callbacks(execute=True):
        recover()
    assert sends.count() == 2
