"""A plain HTTP client of the field API (ADR 7), for `bench_sync`: what the browser client does
over the wire — a day's outbox in batches, then photos in resumable chunks — without a browser,
so the figure is the server's and the network's, not the page's."""

import hashlib
import http.client
import io
import json
import os
import uuid
from urllib.parse import urlsplit

from PIL import Image


class SyncDriver:
    def __init__(self, base_url, session_key, *, session_cookie="sessionid"):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        # The laptop's device, as the server issues it on the first load of the day (field/sync/devices.py).
        self.device_id, self.token = None, None
        self.cookies = {session_cookie: session_key}
        self.csrf = None
        self.conn = None
        self.seq = 0

    def _connection(self):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        return self.conn

    def request(self, method, path, body=None, content_type="application/json"):
        headers = {"Host": f"{self.host}:{self.port}",
                   "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                   "Origin": f"http://{self.host}:{self.port}", "Referer": f"http://{self.host}:{self.port}/field/"}
        if self.csrf:
            headers["X-CSRFToken"] = self.csrf
        if self.token:
            headers["X-Valiza-Device-Token"] = self.token
        if body is not None:
            headers["Content-Type"] = content_type
        for attempt in (1, 2):
            reused = self.conn is not None
            try:
                conn = self._connection()
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                break
            except (OSError, http.client.HTTPException):
                self.conn = None
                # The server closes an idle keep-alive connection; only then is a second try right.
                if not reused or attempt == 2:
                    raise
        for header, value in resp.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return resp.status, data

    def json(self, method, path, payload=None):
        body = None if payload is None else json.dumps(payload, ensure_ascii=False).encode()
        status, data = self.request(method, path, body)
        try:
            return status, json.loads(data or b"null")
        except ValueError:
            return status, {"raw": data[:300].decode(errors="replace")}

    def load_day(self):
        status, day = self.json("GET", "/api/v1/field/day")
        if status != 200:
            raise RuntimeError(f"loading the day answered {status}: {day}")
        self.csrf = day.get("csrf_token") or self.cookies.get("csrftoken")
        if day["device"]["token"]:  # the first load of this "laptop": its token, given once
            self.device_id, self.token = day["device"]["id"], day["device"]["token"]
        return day

    def same_laptop(self):
        """A second connection of this laptop (its login and its device token)."""
        other = SyncDriver(f"http://{self.host}:{self.port}", "")
        other.cookies, other.csrf, other.device_id, other.token = dict(self.cookies), self.csrf, self.device_id, self.token
        return other

    def item(self, kind, stop_id, data, at):
        self.seq += 1
        return {"id": str(uuid.uuid4()), "seq": self.seq, "kind": kind, "stop_id": stop_id,
                "at": at.isoformat(), "data": data}

    def sync(self, items, sent_at):
        return self.json("POST", "/api/v1/field/sync",
                         {"device_id": self.device_id, "sent_at": sent_at.isoformat(), "items": items})

    def upload(self, attachment_id, blob, chunk_bytes, *, offset=None):
        """Upload `blob` from `offset` (what this client knows it sent) or, without one, from where
        the server says it stopped; a 409 moves to the server's offset. Returns the final state."""
        state = {}
        if offset is None:
            status, state = self.json("GET", f"/api/v1/field/attachments/{attachment_id}")
            if status != 200:
                raise RuntimeError(f"attachment {attachment_id}: {status} {state}")
            offset = state["received"]
        while offset < len(blob):
            status, data = self.request("PUT", f"/api/v1/field/attachments/{attachment_id}?offset={offset}",
                                        blob[offset:offset + chunk_bytes], "application/octet-stream")
            state = json.loads(data or b"{}")
            if status == 409:
                offset = state["received"]
                continue
            if status != 200:
                raise RuntimeError(f"chunk at {offset} of {attachment_id}: {status} {state}")
            offset = state["received"]
        return state


def noise_jpeg(target_bytes=1_500_000, seed=None):
    """A JPEG photo of about `target_bytes` (noise compresses as badly as a real document photo)."""
    rnd = os.urandom if seed is None else (lambda n: hashlib.shake_256(str(seed).encode()).digest(n))
    # About 0.78 bytes per pixel for this texture at quality 92: 1600×1200 makes ~1.5 MB.
    pixels = max(64 * 48, target_bytes / 0.78)
    width = max(64, int((pixels * 4 / 3) ** 0.5) // 2 * 2)
    height, quality = max(48, int(width * 3 / 4) // 2 * 2), 92
    image = Image.frombytes("RGB", (width // 2, height // 2), rnd(width * height * 3 // 4)).resize((width, height))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()
