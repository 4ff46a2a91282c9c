"""Files in S3-compatible object storage (issue 17, ADR 11), against a real S3 server over HTTP (moto's
standalone server, field/tests/s3_server.py): a photo uploaded in chunks through the field API lands in
the private bucket, staff download it with Range, retention deletes the object; an upload whose chunks
reach two app servers in turn arrives whole; a video is sought with a ranged GET on the bucket."""

import datetime
import hashlib
import json
import urllib.error
import urllib.request
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test import Client, override_settings
from django.test.testcases import LiveServerThread

from audit.models import AccessLog
from field import storage
from field.models import Attachment, Device
from field.retention import purge_videos
from field.tests.attachment_helpers import declare, files, jpeg_bytes, upload_all, visit_with_cases  # noqa: F401
from field.tests.s3_server import s3, s3_endpoint  # noqa: F401
from field.tests.syncing import TOKEN_HEADER, TOKEN_META, laptop
from field.tests.test_scans_retention import _closed
from journal.models import CaseFile

URL = "/api/v1/field/attachments/{}"


def video_bytes(n=200_000):
    """A WebM header and then bytes that differ at every offset, so a wrong slice or order cannot pass."""
    return b"\x1a\x45\xdf\xa3" + b"".join(i.to_bytes(4, "big") for i in range(n // 4))


def put(client, att, offset, body):
    return client.put(f"{URL.format(att.pk)}?offset={offset}", data=body, content_type="application/octet-stream")


@pytest.fixture
def field(world, files, s3, login):  # noqa: F811
    visit, cases = visit_with_cases(world)
    client = login(world.users["field_admin"])
    laptop(client)
    return visit, cases, Device.objects.get(pk=client.field_device_id), client


def _local_files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_a_photo_goes_via_the_bucket_to_staff_and_out(field, s3, world, files, settings, django_capture_on_commit_callbacks):  # noqa: F811
    visit, cases, device, client = field
    settings.VALIZA_KEEP_SCANS_DAYS = 180
    body = jpeg_bytes((900, 700))
    att = declare(visit, body, service=cases[0].service, device=device)
    third = len(body) // 3

    assert put(client, att, 0, body[:third]).json()["received"] == third
    # The chunk is an object in the bucket, not a file on this server.
    assert s3.keys(f"media/uploads/{att.pk}/") == [f"media/uploads/{att.pk}/{0:013d}-{third}"]
    assert client.get(URL.format(att.pk)).json()["received"] == third
    # A retry of a chunk the server has, and one from too far: 409 with where to resume.
    assert put(client, att, 0, body[:third]).json()["received"] == third
    ahead = put(client, att, 2 * third, body[2 * third :])
    assert ahead.status_code == 409 and ahead.json()["received"] == third
    assert put(client, att, third, body[third : 2 * third]).json()["received"] == 2 * third
    with django_capture_on_commit_callbacks(execute=True):
        done = put(client, att, 2 * third, body[2 * third :])
    assert done.json() == {"received": len(body), "size": len(body), "state": "complete", "reason": ""}

    att.refresh_from_db()
    key = f"media/{att.file.name}"
    assert s3.read(key) == body and hashlib.sha256(s3.read(key)).hexdigest() == att.sha256
    assert s3.keys(f"media/uploads/{att.pk}/") == []  # the chunks went once the file was whole
    pdf = CaseFile.objects.get(case=cases[0], kind=CaseFile.Kind.PHOTOS)  # built from the photo in the bucket
    assert s3.read(f"media/{pdf.file.name}").startswith(b"%PDF")
    assert not (files / "media").exists() and _local_files(files / "uploads") == []  # nothing kept on this server
    # No public access: the bucket's objects are private, and a URL without a signature is refused.
    grants = s3.client.get_object_acl(Bucket=s3.name, Key=key)["Grants"]
    assert [g["Grantee"].get("URI") for g in grants if g["Grantee"].get("URI")] == []

    staff = Client()
    staff.force_login(world.users["coordinator"])
    part = staff.get(f"/staff/field/files/photo/{att.pk}/", HTTP_RANGE="bytes=100-1099")
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 100-1099/{len(body)}"
    assert b"".join(part.streaming_content) == body[100:1100]
    whole = staff.get(f"/staff/field/files/photo/{att.pk}/")
    assert whole.status_code == 200 and b"".join(whole.streaming_content) == body
    assert AccessLog.objects.filter(object_type="field.attachment", object_id=str(att.pk)).count() == 2

    _closed(visit, 200, finished_days_ago=181)
    out = StringIO()
    call_command("purge_personal_data", stdout=out)
    assert "scans=1" in out.getvalue()
    att.refresh_from_db()
    assert att.state == Attachment.State.PURGED and not att.file
    assert s3.keys(key) == [] and s3.keys(f"media/{pdf.file.name}") == []
    assert staff.get(f"/staff/field/files/photo/{att.pk}/").status_code == 404


def test_a_broken_upload_in_the_bucket_is_dropped_and_sent_again_from_the_start(field, s3):  # noqa: F811
    visit, _cases, device, client = field
    body = video_bytes(60_000)
    att = declare(
        visit, body, kind="video", content_type="video/webm", device=device, sha256=hashlib.sha256(b"something else").hexdigest()
    )
    half = len(body) // 2
    put(client, att, 0, body[:half])
    # A server died after storing a chunk that does not follow on: it is not counted.
    storage.save_chunk(att.pk, half + 10, body[half + 10 : half + 20])
    assert client.get(URL.format(att.pk)).json()["received"] == half
    rejected = put(client, att, half, body[half:]).json()
    assert rejected["state"] == "rejected" and rejected["received"] == 0 and "контрольна сума" in rejected["reason"]
    assert s3.keys(f"media/uploads/{att.pk}/") == []  # every chunk, the stray one too
    assert put(client, att, 5, body[:5]).status_code == 409  # a rejected file starts again at 0


def test_a_video_is_sought_with_a_ranged_get_on_the_bucket(world, files, s3, login, monkeypatch):  # noqa: F811
    visit = visit_with_cases(world, day=datetime.date(2026, 3, 2))[0]
    body = video_bytes(400_000)
    att = upload_all(declare(visit, body, kind="video", content_type="video/webm"), body, chunk=65536)
    # Only the bytes asked for come from the bucket, streamed: django-storages' S3File (which downloads the
    # whole object to this server first) is not read, for a range or for the whole file.
    from storages.backends.s3 import S3File

    monkeypatch.setattr(S3File, "read", lambda *a, **k: pytest.fail("the whole object was read"))
    seek_to = len(body) * 3 // 4
    response = login(world.users["coordinator"]).get(
        f"/staff/field/files/video/{att.pk}/", HTTP_RANGE=f"bytes={seek_to}-{seek_to + 4095}"
    )
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == body[seek_to : seek_to + 4096]
    whole = login(world.users["coordinator"]).get(f"/staff/field/files/video/{att.pk}/")
    assert whole.status_code == 200 and whole["Content-Length"] == str(len(body))
    assert b"".join(whole.streaming_content) == body and whole["ETag"] == f'"{att.sha256}"'
    # Past its keeping time the video's object goes.
    key = f"media/{att.file.name}"
    assert s3.keys(key) == [key]
    assert purge_videos(att.keep_until + datetime.timedelta(days=1)) == 1
    assert s3.keys(key) == []


# -- two app servers -------------------------------------------------------------------------------


class _AppServer(LiveServerThread):
    """A live server whose requests see their own VALIZA_UPLOAD_TMP, as a second machine would have its
    own disk. Requests are sent one at a time, so the settings of one never leak into the other's."""

    server_class = ThreadedWSGIServer

    def __init__(self, upload_tmp, connections_override):
        self.upload_tmp = upload_tmp

        def own_disk(inner):
            def app(environ, start_response):
                with override_settings(VALIZA_UPLOAD_TMP=upload_tmp):
                    return list(inner(environ, start_response))

            return app

        super().__init__("127.0.0.1", own_disk, connections_override=connections_override, port=0)


@pytest.fixture
def two_servers(tmp_path):
    shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
    servers = []
    for n in (1, 2):
        server = _AppServer(tmp_path / f"server{n}-uploads", shared)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        servers.append(server)
    yield [f"http://127.0.0.1:{s.port}" for s in servers], [s.upload_tmp for s in servers]
    for server in servers:
        server.terminate()


def _alternating_upload(two_servers, user, visit, body, chunk):
    """Send `body` in chunks to the two servers in turn, over HTTP, as the laptop would if a load
    balancer sent each request elsewhere. Returns the last answer (status, json) and the attachment."""
    urls, _tmps = two_servers
    client = Client()
    client.force_login(user)
    laptop(client)
    device = Device.objects.get(pk=client.field_device_id)
    att = declare(visit, body, kind="video", content_type="video/webm", device=device)
    csrf = "a" * 32
    headers = {
        "Cookie": f"{django_settings.SESSION_COOKIE_NAME}={client.cookies[django_settings.SESSION_COOKIE_NAME].value};"
        f" {django_settings.CSRF_COOKIE_NAME}={csrf}",
        "X-CSRFToken": csrf,
        TOKEN_HEADER: client.defaults[TOKEN_META],
        "Content-Type": "application/octet-stream",
    }
    answer = None
    for n, offset in enumerate(range(0, len(body), chunk)):
        request = urllib.request.Request(
            f"{urls[n % 2]}{URL.format(att.pk)}?offset={offset}",
            method="PUT",
            data=body[offset : offset + chunk],
            headers=headers,
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                answer = response.status, json.load(response)
        except urllib.error.HTTPError as exc:
            return (exc.code, json.load(exc)), att
    return answer, att


@pytest.mark.django_db(transaction=True)
def test_chunks_of_one_upload_reaching_two_app_servers_in_turn_make_the_whole_file(live_world, files, s3, two_servers):  # noqa: F811
    visit = visit_with_cases(live_world, day=datetime.date(2026, 3, 2))[0]
    body = video_bytes(300_000)
    (status, answer), att = _alternating_upload(two_servers, live_world.users["field_admin"], visit, body, 32_768)
    assert status == 200 and answer["state"] == "complete" and answer["received"] == len(body)
    att.refresh_from_db()
    assert att.state == Attachment.State.COMPLETE
    stored = s3.read(f"media/{att.file.name}")
    assert stored == body and hashlib.sha256(stored).hexdigest() == att.sha256
    assert s3.keys("media/uploads/") == []
    # The server that took the last chunk put the file together in its own folder for the check, and
    # neither server kept a byte of it on its own disk.
    assert any(tmp.is_dir() for tmp in two_servers[1])
    assert all(_local_files(tmp) == [] for tmp in two_servers[1] if tmp.is_dir())
    assert not (files / "uploads").exists()


@pytest.mark.django_db(transaction=True)
def test_with_uploads_on_local_disk_the_second_server_has_not_got_the_first_chunk(live_world, files, two_servers):  # noqa: F811
    """Why the chunks go to the bucket: on local disk the other server does not know the first chunk."""
    visit = visit_with_cases(live_world, day=datetime.date(2026, 3, 2))[0]
    body = video_bytes(100_000)
    (status, answer), _att = _alternating_upload(two_servers, live_world.users["field_admin"], visit, body, 32_768)
    assert status == 409 and answer["received"] == 0


# -- settings --------------------------------------------------------------------------------------


def test_object_storage_settings_are_checked_at_start():
    from core.tests.test_production_settings import _run

    s3_env = {
        "VALIZA_STORAGE": "s3",
        "VALIZA_S3_BUCKET": "valiza",
        "VALIZA_S3_ACCESS_KEY": "key",
        "VALIZA_S3_SECRET_KEY": "secret",
        "VALIZA_S3_ENDPOINT_URL": "https://s3.example.gov.ua",
    }
    show = "from django.conf import settings as s; import django; django.setup(); print(s.STORAGES['default']['BACKEND'])"
    ok = _run(["-c", "import os; os.environ['DJANGO_SETTINGS_MODULE']='valiza.settings'; " + show], **s3_env)
    assert ok.returncode == 0 and ok.stdout.strip() == "storages.backends.s3.S3Storage", ok.stderr[-300:]
    default = _run(["-c", "import os; os.environ['DJANGO_SETTINGS_MODULE']='valiza.settings'; " + show])
    assert default.stdout.strip() == "django.core.files.storage.FileSystemStorage"
    for changes, message in (
        ({"VALIZA_STORAGE": "minio"}, "VALIZA_STORAGE must be filesystem or s3"),
        ({"VALIZA_S3_SECRET_KEY": ""}, "VALIZA_STORAGE=s3 needs VALIZA_S3_SECRET_KEY"),
        ({"VALIZA_S3_BUCKET": "", "VALIZA_S3_ACCESS_KEY": ""}, "needs VALIZA_S3_BUCKET, VALIZA_S3_ACCESS_KEY"),
        ({"VALIZA_S3_ENDPOINT_URL": "s3.example.gov.ua"}, "VALIZA_S3_ENDPOINT_URL must start with http"),
        ({"VALIZA_SENDFILE": "nginx"}, "VALIZA_SENDFILE=nginx works only with VALIZA_STORAGE=filesystem"),
    ):
        result = _run(["-c", "import valiza.settings"], **{**s3_env, **changes})
        assert result.returncode != 0 and message in result.stderr, (changes, result.stderr[-300:])
        assert "secret" not in result.stderr.replace("SECRET", "")  # never the secret itself
