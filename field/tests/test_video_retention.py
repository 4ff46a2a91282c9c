"""Session videos are kept VALIZA_VIDEO_KEEP_DAYS after the visit, then purged by a task."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from field import retention, tasks
from field.models import Attachment
from field.tests.attachment_helpers import declare, files, make_device, upload_all, visit_with_cases, webm_bytes  # noqa: F401


@pytest.fixture
def video(world, files, settings):  # noqa: F811
    settings.VALIZA_VIDEO_KEEP_DAYS = 30
    day = datetime.date(2026, 3, 2)
    visit, cases = visit_with_cases(world, day=day)

    class W:
        users = {"field_admin": visit.recorded_by}

    body = webm_bytes(5000)
    att = declare(visit, body, kind="video", content_type="video/webm", device=make_device(W))
    att = upload_all(att, body)
    assert att.state == Attachment.State.COMPLETE
    return att


def test_a_video_is_kept_until_the_visit_day_plus_the_keeping_period(video):
    assert video.keep_until == datetime.date(2026, 4, 1)
    path = video.file.path
    assert retention.purge_videos(today=datetime.date(2026, 4, 1)) == 0  # the last day: still kept
    video.refresh_from_db()
    assert video.state == Attachment.State.COMPLETE and video.file.storage.exists(video.file.name)
    assert retention.purge_videos(today=datetime.date(2026, 4, 2)) == 1
    video.refresh_from_db()
    assert video.state == Attachment.State.PURGED and video.purged_at is not None and not video.file
    import os
    assert not os.path.exists(path)
    # Idempotent: nothing left to do, nothing fails.
    assert retention.purge_videos(today=datetime.date(2026, 4, 3)) == 0


def test_the_task_and_the_command_purge_what_is_due(video):
    with time_machine.travel(datetime.datetime(2026, 4, 2, 3, 15, tzinfo=timezone.get_current_timezone())):
        assert tasks.purge_videos.call() == {"purged": 1}
    video.refresh_from_db()
    assert video.state == Attachment.State.PURGED
    out = StringIO()
    call_command("purge_field_videos", "--today", "2026-05-01", stdout=out)
    assert out.getvalue().strip() == "purged=0"


def test_a_video_that_never_finished_uploading_is_purged_too(world, files, settings):  # noqa: F811
    visit, cases = visit_with_cases(world, day=datetime.date(2026, 3, 2))

    class W:
        users = {"field_admin": visit.recorded_by}

    body = webm_bytes(5000)
    att = declare(visit, body, kind="video", content_type="video/webm", device=make_device(W))
    upload_all(att, body[:1024])
    from field.storage import part_path
    assert part_path(att.pk).exists()
    assert retention.purge_videos(today=datetime.date(2026, 5, 1)) == 1
    att.refresh_from_db()
    assert att.state == Attachment.State.PURGED and not part_path(att.pk).exists()


def test_photos_are_never_purged(world, files):  # noqa: F811
    from field.tests.attachment_helpers import jpeg_bytes

    visit, cases = visit_with_cases(world, day=datetime.date(2026, 3, 2))
    att = declare(visit, jpeg_bytes(), device=None)
    upload_all(att, jpeg_bytes())
    assert retention.purge_videos(today=datetime.date(2030, 1, 1)) == 0


def test_a_completed_video_schedules_the_purge_on_its_day(world, files, settings, django_capture_on_commit_callbacks):  # noqa: F811
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    default_task_backend.clear()
    visit, cases = visit_with_cases(world, day=datetime.date(2026, 3, 2))
    body = webm_bytes(3000)
    att = declare(visit, body, kind="video", content_type="video/webm")
    with django_capture_on_commit_callbacks(execute=True):
        upload_all(att, body)
    results = [r for r in default_task_backend.results if r.task.func is tasks.purge_videos.func]
    assert len(results) == 1
    run_after = timezone.localtime(results[0].task.run_after)
    assert run_after.date() == datetime.date(2026, 4, 2)


def test_the_immediate_backend_cannot_wait_and_nothing_breaks(world, files, django_capture_on_commit_callbacks):  # noqa: F811
    visit, cases = visit_with_cases(world, day=datetime.date(2026, 3, 2))
    body = webm_bytes(3000)
    att = declare(visit, body, kind="video", content_type="video/webm")
    with django_capture_on_commit_callbacks(execute=True):
        att = upload_all(att, body)
    assert att.state == Attachment.State.COMPLETE  # not purged at once
