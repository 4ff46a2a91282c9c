"""Issue 11, part 4: a video that an incident act refers to is kept until the act is closed."""

import datetime

import pytest
from django.utils import timezone

from field import acts, retention
from field.models import Attachment, IncidentAct
from field.tests.attachment_helpers import declare, files, make_device, upload_all, visit_with_cases, webm_bytes  # noqa: F401


@pytest.fixture
def video(world, files, settings):  # noqa: F811
    settings.VALIZA_VIDEO_KEEP_DAYS = 30
    visit, cases = visit_with_cases(world, day=datetime.date(2026, 3, 2))

    class W:
        users = {"field_admin": visit.recorded_by}

    body = webm_bytes(5000)
    return upload_all(declare(visit, body, kind="video", content_type="video/webm", device=make_device(W)), body)


def _act(visit):
    return IncidentAct.objects.create(visit=visit, kind=IncidentAct.Kind.CAPACITY_DOUBT, description="Плутає дати",
                                      witness_name="Петренко О. І.", witness_role="сусідка",
                                      happened_at=timezone.now())


def test_a_video_an_open_incident_act_refers_to_is_kept_past_its_term_until_the_act_is_closed(video, world):
    act = _act(video.visit)
    assert retention.purge_videos(today=datetime.date(2026, 6, 1)) == 0
    video.refresh_from_db()
    assert video.state == Attachment.State.COMPLETE
    acts.close(act, by=world.users["coordinator"], note="Довідку психіатра отримано.")
    act.refresh_from_db()
    assert act.closed_at is not None and act.closed_by == world.users["coordinator"]
    assert retention.purge_videos(today=datetime.date(2026, 6, 1)) == 1


def test_a_closed_act_does_not_hold_a_video_back(video, world):
    act = _act(video.visit)
    acts.close(act, by=world.users["coordinator"], note="")
    assert retention.purge_videos(today=datetime.date(2026, 4, 2)) == 1


def test_an_act_is_closed_once(video, world):
    act = _act(video.visit)
    acts.close(act, by=world.users["coordinator"], note="")
    with pytest.raises(acts.ActError):
        acts.close(act, by=world.users["coordinator"], note="")


def test_the_coordinator_closes_an_act_from_the_request_page(video, world, login):
    act = _act(video.visit)
    client = login(world.users["coordinator"])
    page = client.get(f"/staff/requests/{video.visit.request_id}/").content.decode()
    assert "доки акт не закрито" in page and f"/staff/field/acts/{act.pk}/close/" in page
    response = client.post(f"/staff/field/acts/{act.pk}/close/", {"note": "Довідку отримано."})
    assert response.status_code == 302
    act.refresh_from_db()
    assert act.closed_at is not None and act.closing_note == "Довідку отримано."


def test_an_act_of_another_community_cannot_be_closed(video, world, login):
    act = _act(video.visit)
    assert login(world.b_coordinator).post(f"/staff/field/acts/{act.pk}/close/", {"note": ""}).status_code == 404
    act.refresh_from_db()
    assert act.closed_at is None
