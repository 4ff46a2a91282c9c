"""Background tasks of the requests, run by `manage.py worker` (ADR 5)."""

from django_tasks import task

from . import location


@task()
def geocode_request(request_id, key):
    """Ask the geocoder server for a request's point (visits/location.py); never fails on its answer."""
    return {"request": request_id, "result": location.geocode_in_background(request_id, key)}
