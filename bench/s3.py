"""A real S3-compatible server on this machine: moto's standalone server (ADR 11), a process of its own
on a free port, spoken to over HTTP as a production bucket is. The tests' fixture
(field/tests/s3_server.py) and `prod_check --s3` (bench/prod/layout.py) both start it from here.

moto[server] is a development dependency (requirements-dev.txt): its `moto_server` script sits next to
the Python that runs this.
"""

import socket
import subprocess
import sys
import time
from pathlib import Path

ACCESS_KEY, SECRET_KEY, REGION = "valiza-test", "valiza-test-secret", "us-east-1"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MotoServer:
    """`moto_server` on 127.0.0.1:<free port>; `url` once started. Use as a context manager or call
    start() and stop(); stop() is safe to call more than once and also after a failed start."""

    def __init__(self, *, log_path=None):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.process = None

    def start(self, wait_s=30):
        script = Path(sys.executable).parent / "moto_server"
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115 - the child keeps it
        try:
            self.process = subprocess.Popen(
                [str(script), "-H", "127.0.0.1", "-p", str(self.port)], stdout=out, stderr=subprocess.STDOUT
            )
        finally:
            if out is not subprocess.DEVNULL:
                out.close()
        deadline = time.monotonic() + wait_s
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("moto_server did not start") from None
                time.sleep(0.1)

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def bucket(self, name, *, create=True):
        bucket = Bucket(self.url, name)
        if create:
            bucket.client.create_bucket(Bucket=name)
        return bucket

    def env(self, bucket_name):
        """The settings' environment for VALIZA_STORAGE=s3 on this server's bucket (valiza/settings.py)."""
        return {
            "VALIZA_STORAGE": "s3",
            "VALIZA_S3_ENDPOINT_URL": self.url,
            "VALIZA_S3_BUCKET": bucket_name,
            "VALIZA_S3_REGION": REGION,
            "VALIZA_S3_ACCESS_KEY": ACCESS_KEY,
            "VALIZA_S3_SECRET_KEY": SECRET_KEY,
        }


class Bucket:
    """A boto3 client on one bucket, to look at what the app put there."""

    def __init__(self, endpoint, name):
        import boto3

        self.name = name
        self.client = boto3.client(
            "s3", endpoint_url=endpoint, region_name=REGION, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY
        )

    def keys(self, prefix=""):
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name, Prefix=prefix)
        return sorted(obj["Key"] for page in pages for obj in page.get("Contents", ()))

    def read(self, key):
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()
