"""Every accepted case gets its PDFs even when the worker building them dies, and builds that keep
failing are shown to the coordinator (issue 9, finding 3; field/case_files.py)."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core.tests.workers import DATABASE_TASKS, Killed, run_worker
from field import case_files, documents, tasks
from field.tests.attachment_helpers import files, visit_with_cases  # noqa: F401 (fixture)
from journal.models import CaseFile, CaseFileBuild


def later(**delta):
    return time_machine.travel(timezone.now() + datetime.timedelta(**delta), tick=False)


@pytest.fixture
def cases(world, files, settings):  # noqa: F811
    """Two services accepted at one visit; tasks go to the database queue."""
    settings.TASKS = DATABASE_TASKS
    return visit_with_cases(world)[1]


@pytest.fixture
def case(world, files, settings):  # noqa: F811
    """One service accepted at a visit; tasks go to the database queue."""
    settings.TASKS = DATABASE_TASKS
    return visit_with_cases(world, services=[world.svc_reg])[1][0]


def die(*args, **kwargs):
    raise Killed


def test_a_case_file_build_killed_mid_run_is_built_by_the_next_worker(transactional_db, world, case, settings,
                                                                       monkeypatch):
    tasks.schedule_case_files([case.pk])  # as the sync does when it accepts the service
    task = DBTaskResult.objects.get(task_path="field.tasks.build_case_files")
    task.claim("worker-that-dies")
    with monkeypatch.context() as m:
        m.setattr(documents, "inventory_pdf", die)
        with pytest.raises(Killed):
            tasks.build_case_files.call(case.pk)
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING and not CaseFile.objects.exists()

    with later(seconds=settings.VALIZA_CASE_FILES_RETRY_SECONDS + 1):
        run_worker("db_worker")
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert CaseFile.objects.filter(case=case, kind=CaseFile.Kind.INVENTORY).exists()
    build = CaseFileBuild.objects.get(case=case)
    assert build.built_at is not None and build.next_try_at is None and build.attempts == 0
    assert not case_files.failures(world.a.pk).exists()


def test_a_build_that_keeps_failing_is_tried_again_then_shown_to_the_coordinator(world, case, settings, monkeypatch,
                                                                                 login, django_capture_on_commit_callbacks):
    tasks.schedule_case_files([case.pk])  # its build is queued when the sync commits (not here)

    def broken(*args, **kwargs):
        raise RuntimeError("немає шрифту DejaVuSans.ttf")

    pause = settings.VALIZA_CASE_FILES_RETRY_SECONDS
    with monkeypatch.context() as m:
        m.setattr(documents, "inventory_pdf", broken)
        assert case_files.check() == 0  # just asked: its own build comes first
        for attempt in range(settings.VALIZA_CASE_FILES_MAX_ATTEMPTS):
            with later(seconds=(pause + 1) * attempt):
                if attempt:
                    assert case_files.check() == 1
                with pytest.raises(RuntimeError):
                    tasks.build_case_files.call(case.pk)
        with later(days=1):
            assert case_files.check() == 0  # given up: nothing more is queued by itself
    build = CaseFileBuild.objects.get(case=case)
    assert build.attempts == 3 and build.next_try_at is None and "DejaVuSans" in build.last_error

    client = login(world.users["coordinator"])
    html = client.get("/staff/field/").content.decode()
    assert "Документи справ, які не вдалося створити" in html
    assert case.number in html and "RuntimeError: немає шрифту DejaVuSans.ttf" in html and "Спробувати ще раз" in html
    # Another community's coordinator sees none of it, and cannot ask for it.
    other = login(world.b_coordinator)
    assert case.number not in other.get("/staff/field/").content.decode()
    assert other.post(f"/staff/field/case-files/{case.pk}/retry/").status_code == 404

    client = login(world.users["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/staff/field/case-files/{case.pk}/retry/", follow=True)
    assert "будуються знову" in response.content.decode()
    queued = DBTaskResult.objects.get(task_path="field.tasks.build_case_files", status=TaskResultStatus.READY)
    assert queued.args_kwargs["args"] == [case.pk]
    build.refresh_from_db()
    assert build.attempts == 0 and build.last_error == "" and build.next_try_at is not None
    tasks.build_case_files.call(case.pk)  # the worker runs it (the font is back)
    assert CaseFile.objects.filter(case=case, kind=CaseFile.Kind.INVENTORY).exists()
    assert case.number not in client.get("/staff/field/").content.decode()


def test_a_build_killed_every_time_is_given_up_as_interrupted(world, case, settings, monkeypatch):
    tasks.schedule_case_files([case.pk])
    monkeypatch.setattr(documents, "inventory_pdf", die)
    pause = settings.VALIZA_CASE_FILES_RETRY_SECONDS
    for attempt in range(settings.VALIZA_CASE_FILES_MAX_ATTEMPTS + 1):
        with later(seconds=(pause + 1) * attempt):
            if attempt:
                assert case_files.check() == (1 if attempt < settings.VALIZA_CASE_FILES_MAX_ATTEMPTS else 0)
            if attempt < settings.VALIZA_CASE_FILES_MAX_ATTEMPTS:
                with pytest.raises(Killed):
                    tasks.build_case_files.call(case.pk)
    build = case_files.failures(world.a.pk).get()
    assert build.case == case and build.attempts == 3 and build.last_error == str(case_files.INTERRUPTED)


def test_a_photo_arriving_during_a_build_keeps_the_case_files_wanted(world, case, monkeypatch):
    with later(seconds=-2):
        tasks.schedule_case_files([case.pk])
    build = documents.build_case_files

    def photo_arrives_meanwhile(case_id):
        built = build(case_id)
        with later(seconds=1):
            tasks.schedule_case_files([case.pk])
        return built

    monkeypatch.setattr(documents, "build_case_files", photo_arrives_meanwhile)
    with later(seconds=-1):
        tasks.build_case_files.call(case.pk)
    row = CaseFileBuild.objects.get(case=case)
    # The files were made, but from before the photo: the photo's own build is still to come.
    assert CaseFile.objects.filter(case=case).exists()
    assert row.built_at is None and row.next_try_at is not None and row.attempts == 0


def test_files_missing_for_an_accepted_case_are_built_by_the_periodic_check(world, cases,
                                                                            django_capture_on_commit_callbacks):
    # Accepted through the field before the asking was stored, or its asking rolled back somehow.
    assert not CaseFileBuild.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert case_files.check() == len(cases)
    queued = DBTaskResult.objects.filter(task_path="field.tasks.build_case_files", status=TaskResultStatus.READY)
    assert sorted(t.args_kwargs["args"][0] for t in queued) == sorted(c.pk for c in cases)
    assert case_files.check() == 0  # taken: not queued twice
    for case in cases:
        tasks.build_case_files.call(case.pk)
    assert CaseFile.objects.filter(kind=CaseFile.Kind.INVENTORY).count() == len(cases)
    with later(days=1):
        assert case_files.check() == 0


def test_rebuild_case_files_command_builds_what_is_due_for_cron(world, cases, capsys):
    call_command("rebuild_case_files")
    assert capsys.readouterr().out.strip() == f"built={len(cases)} failed=0"
    assert CaseFile.objects.filter(kind=CaseFile.Kind.INVENTORY).count() == len(cases)
    call_command("rebuild_case_files", "--all")
    assert capsys.readouterr().out.strip() == "built=0 failed=0"


def test_rebuild_case_files_all_tries_again_what_was_given_up(world, cases, capsys):
    case = cases[0]
    CaseFileBuild.objects.create(case=case, wanted_at=timezone.now(), attempts=3, last_error="x")
    CaseFileBuild.objects.create(case=cases[1], wanted_at=timezone.now(), built_at=timezone.now())
    call_command("rebuild_case_files")
    assert capsys.readouterr().out.strip() == "built=0 failed=0"
    call_command("rebuild_case_files", "--all")
    assert capsys.readouterr().out.strip() == "built=1 failed=0"
    assert CaseFile.objects.filter(case=case, kind=CaseFile.Kind.INVENTORY).exists()


def test_several_builds_of_one_case_count_failures_only_since_the_last_success(world, case, settings, monkeypatch):
    # Each photo asks again, so several builds of one case may wait in the queue and run in a row.
    queued = settings.VALIZA_CASE_FILES_MAX_ATTEMPTS + 2
    for _ in range(queued):
        tasks.schedule_case_files([case.pk])
    for _ in range(queued - 1):
        tasks.build_case_files.call(case.pk)
    # The last one fails once (say the disk was full for a moment).

    def broken(case_id):
        raise RuntimeError("once")

    with monkeypatch.context() as m:
        m.setattr(documents, "build_case_files", broken)
        with pytest.raises(RuntimeError):
            tasks.build_case_files.call(case.pk)
    row = CaseFileBuild.objects.get(case=case)
    assert row.attempts == 1 and row.next_try_at is not None  # tried again later, not given up
    assert not case_files.failures(world.a.pk).exists()
