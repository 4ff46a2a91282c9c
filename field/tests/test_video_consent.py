"""Issue 11, part 4: the server refuses a session video without the person's consent recorded for
that visit, records the consent's own time (corrected like every device time), and removes the
video when the consent is cleared. Times derive from the frozen "now" (conftest)."""

import datetime
import uuid

from django.utils import timezone

from field.models import Attachment, Visit
from field.tests.factories import published_trip
from field.tests.syncing import item, outcome, send


def _video(stop, *, seq, consent_at=None):
    data = {"attachment_id": str(uuid.uuid4()), "kind": "video", "content_type": "video/webm",
            "size": 1000, "sha256": "b" * 64}
    if consent_at is not None:
        data["video_consent_at"] = consent_at.isoformat()
    return item("attachment.declare", stop, data, seq=seq)


def test_the_server_refuses_a_video_without_the_persons_consent_for_that_visit(world):
    stop = published_trip(world).stops.order_by("position").first()
    answer, code = send(world.users["field_admin"], [_video(stop, seq=1)])
    [result] = answer["results"]
    assert result["state"] == "quarantined" and "згоди" in result["message"]
    assert not Attachment.objects.exists()


def test_a_video_with_consent_records_the_consents_own_device_time(world):
    stop = published_trip(world).stops.order_by("position").first()
    consent_at = timezone.now() - datetime.timedelta(minutes=7)
    answer, code = send(world.users["field_admin"], [_video(stop, seq=1, consent_at=consent_at)])
    assert code == 200, answer
    visit = Visit.objects.get(stop=stop)
    assert visit.video_consent_at == consent_at  # the device's clock was right: its own time
    assert Attachment.objects.get().kind == "video"
    # The outcome keeps the consent's own time, not the outcome's.
    send(world.users["field_admin"], [item("visit.outcome", stop, {"outcome": "served", "note": "",
                                                                   "video_consent": True}, seq=2)])
    visit.refresh_from_db()
    assert visit.video_consent_at == consent_at


def test_clearing_the_consent_removes_the_video(world):
    stop = published_trip(world).stops.order_by("position").first()
    send(world.users["field_admin"], [_video(stop, seq=1, consent_at=timezone.now())])
    answer, code = send(world.users["field_admin"], [outcome(stop, "served", seq=2)])  # video_consent: False
    assert code == 200, answer
    visit = Visit.objects.get(stop=stop)
    assert visit.video_consent_at is None
    assert Attachment.objects.get().state == Attachment.State.PURGED
