"""Staff views of a document photo, a session video and an incident act: scoped, logged, private."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from audit.models import AccessLog
from field import retention
from field.models import IncidentAct
from field.tests.attachment_helpers import declare, files, jpeg_bytes, upload_all, visit_with_cases, webm_bytes  # noqa: F401


@pytest.fixture
def visit(world, files):  # noqa: F811
    return visit_with_cases(world, day=datetime.date(2026, 3, 2))[0]


def _logged(user, count_before):
    return list(AccessLog.objects.filter(user=user).order_by("id"))[count_before:]


def test_a_photo_is_shown_to_journal_staff_and_logged(visit, world, login):
    att = upload_all(declare(visit, jpeg_bytes()), jpeg_bytes())
    user = world.users["operator"]
    response = login(user).get(f"/staff/field/files/photo/{att.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == jpeg_bytes()
    assert "no-store" in response["Cache-Control"]
    logged = _logged(user, 0)
    assert {(e.object_type, e.object_id) for e in logged} == {("field.attachment", str(att.pk)),
                                                              ("visits.visitrequest", str(visit.request.pk))}


def test_a_photo_still_uploading_says_so(visit, world, login):
    att = declare(visit, jpeg_bytes())
    response = login(world.users["operator"]).get(f"/staff/field/files/photo/{att.pk}/")
    assert response.status_code == 404 and "ще завантажується" in response.content.decode()
    assert not AccessLog.objects.filter(path__contains=str(att.pk)).exists()


def test_a_video_is_streamed_to_the_coordinator_only_and_logged(visit, world, login):
    body = webm_bytes(4000)
    att = upload_all(declare(visit, body, kind="video", content_type="video/webm"), body)
    assert login(world.users["operator"]).get(f"/staff/field/files/video/{att.pk}/").status_code == 403
    coordinator = world.users["coordinator"]
    response = login(coordinator).get(f"/staff/field/files/video/{att.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "video/webm"
    assert response["Cache-Control"] in ("private, no-store", "no-store, private")
    assert b"".join(response.streaming_content) == body
    assert any(e.object_id == str(att.pk) for e in _logged(coordinator, 0))


def test_a_purged_video_says_it_was_deleted_after_the_keeping_period(visit, world, login):
    body = webm_bytes(4000)
    att = upload_all(declare(visit, body, kind="video", content_type="video/webm"), body)
    retention.purge_videos(today=att.keep_until + datetime.timedelta(days=1))
    response = login(world.users["coordinator"]).get(f"/staff/field/files/video/{att.pk}/")
    assert response.status_code == 410
    text = response.content.decode()
    assert "Відеозапис видалено" in text and att.keep_until.strftime("%d.%m.%Y") in text


def test_a_purged_video_names_the_local_day_it_was_deleted(visit, world, login):
    # The worker purges at 00:05 Kyiv time, which is still the day before in UTC.
    body = webm_bytes(4000)
    att = upload_all(declare(visit, body, kind="video", content_type="video/webm"), body)
    purge_day = att.keep_until + datetime.timedelta(days=1)
    with time_machine.travel(datetime.datetime.combine(purge_day, datetime.time(0, 5),
                                                       tzinfo=timezone.get_current_timezone()), tick=False):
        assert retention.purge_videos() == 1
    text = login(world.users["coordinator"]).get(f"/staff/field/files/video/{att.pk}/").content.decode()
    assert f"видалено {purge_day:%d.%m.%Y}" in text


def test_an_act_pdf_for_the_reviewer_logged(visit, world, login):
    act = IncidentAct.objects.create(visit=visit, kind=IncidentAct.Kind.REFUSAL, description="Відмовилася підписати.",
                                     witness_name="Сусідка", witness_role="сусідка", happened_at=timezone.now(),
                                     drawn_up_by=visit.recorded_by)
    assert login(world.users["operator"]).get(f"/staff/field/files/act/{act.pk}.pdf").status_code == 403
    coordinator = world.users["coordinator"]
    response = login(coordinator).get(f"/staff/field/files/act/{act.pk}.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    entry = AccessLog.objects.filter(user=coordinator).latest("id")
    assert (entry.object_type, entry.object_id) == ("visits.visitrequest", str(visit.request.pk))
    assert entry.path.endswith(f"{act.pk}.pdf")


def test_another_communitys_files_are_not_found(visit, world, login):
    body = webm_bytes(4000)
    video = upload_all(declare(visit, body, kind="video", content_type="video/webm"), body)
    photo = upload_all(declare(visit, jpeg_bytes()), jpeg_bytes())
    act = IncidentAct.objects.create(visit=visit, kind=IncidentAct.Kind.OTHER, description="—", witness_name="—",
                                     witness_role="—", happened_at=timezone.now())
    client = login(world.b_coordinator)
    for url in (f"/staff/field/files/video/{video.pk}/", f"/staff/field/files/photo/{photo.pk}/",
                f"/staff/field/files/act/{act.pk}.pdf", f"/staff/field/files/video/{photo.pk}/"):
        assert client.get(url).status_code == 404, url
    assert not AccessLog.objects.filter(user=world.b_coordinator).exists()


def test_the_request_page_shows_its_visits_with_links_by_capability(visit, world, login):
    from field.models import Outcome

    visit.outcome = Outcome.SERVED
    visit.save()
    photo = upload_all(declare(visit, jpeg_bytes()), jpeg_bytes())
    body = webm_bytes(4000)
    video = upload_all(declare(visit, body, kind="video", content_type="video/webm"), body)
    act = IncidentAct.objects.create(visit=visit, kind=IncidentAct.Kind.REFUSAL, description="—", witness_name="—",
                                     witness_role="—", happened_at=timezone.now())
    page = login(world.users["coordinator"]).get(f"/staff/requests/{visit.request.pk}/").content.decode()
    assert "Візити" in page and "Обслуговано" in page
    for url in (f"/staff/field/files/photo/{photo.pk}/", f"/staff/field/files/video/{video.pk}/",
                f"/staff/field/files/act/{act.pk}.pdf"):
        assert url in page
    assert visit.accepted.first().case.number in page
    page = login(world.users["operator"]).get(f"/staff/requests/{visit.request.pk}/").content.decode()
    assert f"/staff/field/files/photo/{photo.pk}/" in page
    assert f"/staff/field/files/video/{video.pk}/" not in page and f"{act.pk}.pdf" not in page
