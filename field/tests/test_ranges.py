"""Photos and session videos answer HTTP Range requests, so a player can seek without downloading the
whole video — still only for the roles and the community allowed, and every request in the access log."""

import datetime
import urllib.request

import pytest
from django.conf import settings
from django.test import Client

from audit.models import AccessLog
from core.files import Unsatisfiable, parse_range
from field.tests.attachment_helpers import declare, files, jpeg_bytes, upload_all, visit_with_cases  # noqa: F401

SIZE = 1000


@pytest.mark.parametrize(("header", "expected"), [
    ("bytes=0-99", (0, 99)),
    ("bytes=500-", (500, 999)),  # open-ended
    ("bytes=-100", (900, 999)),  # the last 100 bytes
    ("bytes=-5000", (0, 999)),  # a suffix longer than the file is the whole file
    ("bytes=990-2000", (990, 999)),  # clamped to the end
    ("bytes=999-999", (999, 999)),
    ("BYTES = 0-0", (0, 0)),
    ("bytes=0-1,5-6", None),  # several ranges: the whole file
    ("bytes=0-1, -5", None),
    ("items=0-1", None),  # another unit
    ("bytes=5-1", None),  # last before first: not a range
    ("bytes=abc", None), ("bytes=", None), ("bytes", None), ("", None), (None, None),
    ("bytes=1-2-3", None), ("bytes=--1", None), ("bytes=" + "9" * 40 + "-", None),
])
def test_a_range_header_is_read_as_rfc_9110_says(header, expected):
    assert parse_range(header, SIZE) == expected


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=5000-6000", "bytes=-0"])
def test_a_range_past_the_end_is_unsatisfiable(header):
    with pytest.raises(Unsatisfiable):
        parse_range(header, SIZE)


def test_an_empty_file_has_no_range_to_give():
    with pytest.raises(Unsatisfiable):
        parse_range("bytes=0-", 0)
    with pytest.raises(Unsatisfiable):
        parse_range("bytes=-10", 0)


def video_bytes(n=60_000):
    """A WebM header and then bytes that differ at every offset, so a wrong slice cannot pass."""
    return b"\x1a\x45\xdf\xa3" + b"".join(i.to_bytes(4, "big") for i in range(n // 4))


@pytest.fixture
def visit(world, files):  # noqa: F811
    return visit_with_cases(world, day=datetime.date(2026, 3, 2))[0]


@pytest.fixture
def video(visit):
    body = video_bytes()
    return upload_all(declare(visit, body, kind="video", content_type="video/webm"), body, chunk=16384), body


def _url(att):
    return f"/staff/field/files/{att.kind}/{att.pk}/"


def _views_of(att):
    return AccessLog.objects.filter(object_type="field.attachment", object_id=str(att.pk)).count()


def test_a_video_sends_the_range_asked_for_with_206_and_logs_it(video, world, login):
    att, body = video
    client = login(world.users["coordinator"])
    response = client.get(_url(att), HTTP_RANGE="bytes=1000-1999")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 1000-1999/{len(body)}"
    assert response["Content-Length"] == "1000" and response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "video/webm" and "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == body[1000:2000]
    assert _views_of(att) == 1

    tail = client.get(_url(att), HTTP_RANGE="bytes=-10")
    assert tail.status_code == 206 and b"".join(tail.streaming_content) == body[-10:]
    rest = client.get(_url(att), HTTP_RANGE=f"bytes={len(body) - 100}-")
    assert rest["Content-Range"] == f"bytes {len(body) - 100}-{len(body) - 1}/{len(body)}"
    assert b"".join(rest.streaming_content) == body[-100:]
    # Every piece a player fetches is a view of the person's record.
    assert _views_of(att) == 3


def test_a_range_past_the_end_answers_416_with_the_size(video, world, login):
    att, body = video
    response = login(world.users["coordinator"]).get(_url(att), HTTP_RANGE=f"bytes={len(body)}-")
    assert response.status_code == 416 and response["Content-Range"] == f"bytes */{len(body)}"
    assert _views_of(att) == 1


def test_several_ranges_or_a_changed_file_get_the_whole_file(video, world, login):
    att, body = video
    client = login(world.users["coordinator"])
    whole = client.get(_url(att), HTTP_RANGE="bytes=0-9,20-29")
    assert whole.status_code == 200 and b"".join(whole.streaming_content) == body
    assert whole["Accept-Ranges"] == "bytes" and whole["ETag"] == f'"{att.sha256}"'
    same = client.get(_url(att), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=f'"{att.sha256}"')
    assert same.status_code == 206 and b"".join(same.streaming_content) == body[:10]
    changed = client.get(_url(att), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"an-older-version"')
    assert changed.status_code == 200 and b"".join(changed.streaming_content) == body


def test_a_photo_answers_a_range_too(visit, world, login):
    photo = jpeg_bytes()
    att = upload_all(declare(visit, photo), photo)
    response = login(world.users["operator"]).get(_url(att), HTTP_RANGE="bytes=0-1")
    assert response.status_code == 206 and b"".join(response.streaming_content) == photo[:2] == b"\xff\xd8"
    assert _views_of(att) == 1


def test_a_range_does_not_open_the_door_to_other_roles_or_communities(video, world, login):
    att, _body = video
    assert login(world.users["operator"]).get(_url(att), HTTP_RANGE="bytes=0-9").status_code == 403
    assert login(world.b_coordinator).get(_url(att), HTTP_RANGE="bytes=0-9").status_code == 404
    assert Client().get(_url(att), HTTP_RANGE="bytes=0-9").status_code in (302, 403)
    assert _views_of(att) == 0


def test_behind_nginx_the_view_checks_logs_and_hands_the_file_over(video, world, login, settings):
    att, _body = video
    settings.VALIZA_SENDFILE = "nginx"
    response = login(world.users["coordinator"]).get(_url(att), HTTP_RANGE="bytes=0-9")
    # nginx answers the Range itself from its internal location; Django sends no bytes.
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/protected-media/{att.file.name}"
    assert response["Content-Type"] == "video/webm" and "no-store" in response["Cache-Control"]
    assert _views_of(att) == 1
    assert login(world.users["operator"]).get(_url(att)).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_a_player_seeks_over_real_http_without_downloading_the_whole_video(live_world, live_server, files):  # noqa: F811
    """Over a real socket, as a video element does: ask for a piece near the end, receive that piece."""
    visit = visit_with_cases(live_world, day=datetime.date(2026, 3, 2))[0]
    body = video_bytes(400_000)
    att = upload_all(declare(visit, body, kind="video", content_type="video/webm"), body, chunk=65536)
    client = Client()
    client.force_login(live_world.users["coordinator"])
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    seek_to = len(body) * 3 // 4
    request = urllib.request.Request(f"{live_server.url}{_url(att)}",
                                     headers={"Cookie": cookie, "Range": f"bytes={seek_to}-{seek_to + 4095}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 206
        assert response.headers["Content-Range"] == f"bytes {seek_to}-{seek_to + 4095}/{len(body)}"
        received = response.read()
    assert received == body[seek_to:seek_to + 4096]
    assert len(received) < len(body) // 50
    assert _views_of(att) == 1
