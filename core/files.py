"""Stored files shown to staff (case PDFs, photos, videos): streamed privately, and the page that
says why a file is not there yet."""

import logging

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)


def missing_page(request, title, message, *, status=404, back_url=None, back_label=""):
    """A plain page saying why a file is not here (not yet built, purged …)."""
    return render(request, "file_missing.html", {
        "title": title, "message": message, "back_url": back_url, "back_label": back_label,
    }, status=status)


def private_file(file, *, content_type, filename, as_attachment=False):
    """Stream a stored file; the browser keeps no copy of it."""
    try:
        handle = file.open("rb")
    except (FileNotFoundError, OSError):
        logger.exception("stored file %s is missing", file.name)
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type, as_attachment=as_attachment, filename=filename)
    patch_cache_control(response, private=True, no_store=True)
    return response
