"""A real S3-compatible server for the tests: moto's standalone server (ADR 11, bench/s3.py), started
once per test run as a process of its own on a free port and spoken to over HTTP, as a production bucket
is. Each test gets a bucket of its own and the default storage pointed at it (settings as
VALIZA_STORAGE=s3 makes them, valiza/object_storage.py)."""

import uuid

import pytest

from bench.s3 import ACCESS_KEY, REGION, SECRET_KEY, Bucket, MotoServer
from valiza.object_storage import s3_storage


@pytest.fixture(scope="session")
def s3_endpoint():
    """http://127.0.0.1:<port> of a moto_server process, stopped at the end of the run."""
    with MotoServer() as server:
        yield server.url


@pytest.fixture
def s3(s3_endpoint, settings):
    """An empty private bucket on the S3 server, and the project's settings for VALIZA_STORAGE=s3 on it."""
    bucket = Bucket(s3_endpoint, f"valiza-{uuid.uuid4().hex[:12]}")
    bucket.client.create_bucket(Bucket=bucket.name)
    settings.VALIZA_STORAGE = "s3"
    settings.VALIZA_SENDFILE = ""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(
            bucket=bucket.name, endpoint_url=s3_endpoint, region=REGION, access_key=ACCESS_KEY, secret_key=SECRET_KEY
        ),
    }
    return bucket
