"""Private stored files sent to staff (photos, videos, case PDFs), and the page that says why a file is
not there yet. Files go with HTTP Range (RFC 9110 §14) so a video can be sought without
downloading it whole — or handed to nginx (X-Accel-Redirect), which does the same itself.

Neither django-sendfile2's "simple" backend nor Django's FileResponse answers a Range, and
django-ranged-response has had no release since 2017 (ADR 9); this is the small part we need: one
range per request. A request for several ranges gets the whole file (a server may ignore Range), so
nobody can make us build a multipart body of many tiny pieces.

The caller checks permissions and writes the access log first; every request, each range of a
seeking player too, goes through the view and is logged.

With object storage (VALIZA_STORAGE=s3, ADR 11) a range is asked of the bucket as a ranged GET, so a
seek in a long video fetches only the bytes wanted, and a whole file is streamed from the bucket
(django-storages' S3File would download the whole object to this server before the first read);
nginx's X-Accel is then off (settings refuse the pair).
"""

import logging
import re
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header

from .logs import Safe

logger = logging.getLogger(__name__)

CHUNK = 64 * 1024
# bytes=<first>-[<last>] or bytes=-<suffix length>; 18 digits keep the numbers sane (an exabyte).
_ONE_RANGE = re.compile(r"(?P<first>\d{1,18})-(?P<last>\d{1,18})?|-(?P<suffix>\d{1,18})")



def missing_page(request, title, message, *, status=404, back_url=None, back_label=""):
    """A plain page saying why a file is not here (not yet built, purged …)."""
    return render(request, "file_missing.html", {
        "title": title, "message": message, "back_url": back_url, "back_label": back_label,
    }, status=status)


class Unsatisfiable(Exception):
    """The range starts past the end of the file: answered with 416."""


def parse_range(header, size):
    """The (first, last) byte positions, both included, of a single Range, clamped to the file;
    None to send the whole file (no header, another unit, several ranges, bad syntax); raises
    Unsatisfiable when the range lies wholly past the end."""
    if not header:
        return None
    unit, _sep, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or not _sep:
        return None
    specs = [s.strip() for s in spec.split(",")]
    if len(specs) != 1:
        return None
    match = _ONE_RANGE.fullmatch(specs[0])
    if match is None:
        return None
    if match["suffix"] is not None:
        length = int(match["suffix"])
        if length == 0 or size == 0:
            raise Unsatisfiable
        return max(0, size - length), size - 1
    first = int(match["first"])
    last = int(match["last"]) if match["last"] is not None else None
    if last is not None and last < first:
        return None  # not a valid range-spec: ignored, like any other bad syntax
    if first >= size:
        raise Unsatisfiable
    return first, size - 1 if last is None else min(last, size - 1)


def _if_range_allows(request, etag):
    """If-Range (RFC 9110 §13.1.5): ranges only of the very version the client holds. We compare
    strong entity tags only; a date or no tag of ours means the whole file."""
    condition = request.headers.get("If-Range")
    if condition is None:
        return True
    return etag is not None and condition.strip() == f'"{etag}"'


def _slice(handle, first, length):
    try:
        if first:
            handle.seek(first)
        left = length
        while left > 0:
            data = handle.read(min(CHUNK, left))
            if not data:
                break
            left -= len(data)
            yield data
    finally:
        handle.close()


def _ranged_object(file, first, length):
    """The streaming body of bytes first..first+length-1 of a file in an S3 storage (from the bucket,
    nothing kept on this server), or None for a storage that is not one (read with open + seek)."""
    storage = file.storage
    if not hasattr(storage, "bucket") or not hasattr(storage, "_normalize_name"):
        return None
    from storages.utils import clean_name

    key = storage._normalize_name(clean_name(file.name))
    return storage.bucket.Object(key).get(Range=f"bytes={first}-{first + length - 1}")["Body"]


def _accel(file, *, content_type, filename, as_attachment):
    """nginx sends the file (Range, sendfile and all) from its internal location; see README."""
    response = HttpResponse(content_type=content_type)
    response["X-Accel-Redirect"] = settings.VALIZA_SENDFILE_URL.rstrip("/") + "/" + quote(file.name)
    response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    return response


def private_file(request, file, *, content_type, filename, as_attachment=False, etag=None):
    """A stored file for this request: the whole of it (200), the one range asked for (206), or 416
    for a range past its end. `etag` is a strong validator of the content (e.g. its SHA-256). The
    browser keeps no copy either way."""
    if settings.VALIZA_SENDFILE == "nginx":
        response = _accel(file, content_type=content_type, filename=filename, as_attachment=as_attachment)
    else:
        response = _served_here(request, file, content_type=content_type, filename=filename,
                                as_attachment=as_attachment, etag=etag)
    if etag:
        response["ETag"] = f'"{etag}"'
    patch_cache_control(response, private=True, no_store=True)
    return response


def _served_here(request, file, *, content_type, filename, as_attachment, etag):
    try:
        handle = file.open("rb")
        size = file.size
    except (FileNotFoundError, OSError):
        logger.exception("stored file %s is missing", Safe(file.name))  # our own name: folder/uuid
        raise Http404 from None
    header = request.headers.get("Range") if request.method in ("GET", "HEAD") else None
    try:
        wanted = parse_range(header, size) if _if_range_allows(request, etag) else None
    except Unsatisfiable:
        handle.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response
    body = _ranged_object(file, 0, size) if wanted is None and size else None
    if body is not None:
        handle.close()
        response = StreamingHttpResponse(_slice(body, 0, size), content_type=content_type)
        response["Content-Length"] = str(size)
        response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    elif wanted is None:
        response = FileResponse(handle, content_type=content_type, as_attachment=as_attachment, filename=filename)
    else:
        first, last = wanted
        body = _ranged_object(file, first, last - first + 1)
        if body is not None:
            handle.close()
            handle = body
            first_in_handle = 0  # the body starts at the range's first byte
        else:
            first_in_handle = first
        response = StreamingHttpResponse(_slice(handle, first_in_handle, last - first + 1), status=206,
                                         content_type=content_type)
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Content-Length"] = str(last - first + 1)
        response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    response["Accept-Ranges"] = "bytes"
    return response
