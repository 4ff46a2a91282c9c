"""A real S3-compatible server for the tests: moto's standalone server (ADR 11), started once per test
run as a process of its own on a free port and spoken to over HTTP, as a production bucket is. Each
test gets a bucket of its own and the default storage pointed at it (settings as VALIZA_STORAGE=s3 makes
them, valiza/object_storage.py)."""

import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import boto3
import pytest

from valiza.object_storage import s3_storage

ACCESS_KEY, SECRET_KEY, REGION = "valiza-test", "valiza-test-secret", "us-east-1"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    """http://127.0.0.1:<port> of a moto_server process, stopped at the end of the run."""
    port = _free_port()
    script = Path(sys.executable).parent / "moto_server"
    proc = subprocess.Popen(
        [str(script), "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto_server did not start") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


class Bucket:
    def __init__(self, endpoint, name):
        self.name = name
        self.client = boto3.client(
            "s3", endpoint_url=endpoint, region_name=REGION, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY
        )

    def keys(self, prefix=""):
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name, Prefix=prefix)
        return sorted(obj["Key"] for page in pages for obj in page.get("Contents", ()))

    def read(self, key):
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


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
