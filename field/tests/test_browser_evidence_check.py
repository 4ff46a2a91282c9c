"""Issue 11 on the laptop: a request accepted without the document that proves its category shows «Перевірити
документ на місці»; the administrator picks the document, writes its number and date, ticks «побачили», saves
the visit's outcome offline, and once synced the server holds what was seen."""

import pytest
from playwright.sync_api import expect

from field.models import Visit
from field.tests.browser_client import by, load_first_stop, until
from visits.models import VisitRequest

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_administrator_records_on_the_laptop_the_document_seen_at_the_door(field_day, page, staff_login):
    w, trip, reqs = field_day
    VisitRequest.objects.filter(pk=reqs[0].pk).update(evidence_available=False)
    load_first_stop(page, staff_login, w)
    check = by(page, "evidence-check")
    expect(check).to_contain_text("Перевірити документ на місці")
    document = by(page, "evidence-document").locator("option").first.get_attribute("value")
    by(page, "evidence-document").select_option(document)
    by(page, "evidence-reference").fill("серія 12 АА № 345678 від 01.03.2019")
    by(page, "evidence-seen").check()
    by(page, "outcome-served").check()
    by(page, "outcome-save").click()
    page.wait_for_selector("[data-testid=stop-status-1]:has-text('Обслуговано')")

    page.context.set_offline(False)
    by(page, "nav-outbox").click()
    by(page, "sync-now").click()
    until(page, "!document.body.dataset.syncing", 20_000)
    visit = Visit.objects.get(stop__request=reqs[0])
    assert (visit.evidence_document, visit.evidence_reference, visit.evidence_seen) == (
        document, "серія 12 АА № 345678 від 01.03.2019", True)
