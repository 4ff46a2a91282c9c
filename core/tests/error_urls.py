"""A page that fails on purpose, for the error reporter's test (core/tests/test_error_reporter.py)."""

import logging

from django.urls import path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt  # posted by a script, not a page of ours
def fail(request):
    logging.getLogger("visits.actions").warning("calling %s back", request.POST.get("phone"))
    raise RuntimeError(
        f"could not save the request of {request.POST['applicant_name']} ({request.POST['phone']}), {_neighbour()}"
    )


urlpatterns = [path("fail/", fail)]
handler500 = "core.views.server_error"


def _neighbour():
    # Personal data not typed into the failing request (as if read from the database). Far from the
    # `raise`: the reporter sends a few lines of source around each frame, and those lines are code.
    return "neighbour Шевчук Іван Петрович, ivan.shevchuk@example.com, 050 999 88 77"
