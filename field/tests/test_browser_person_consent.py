"""Issue 11 on the laptop: a request a neighbour filed shows the "person's own consent" block; the
service cannot be accepted until the consent (the person's name, how) is recorded; then it syncs."""

import pytest
from playwright.sync_api import expect

from field.tests.browser_client import by, load_first_stop, until
from journal.models import Case
from visits.models import VisitRequest

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_laptop_asks_for_the_persons_own_consent_before_accepting(field_day, page, staff_login):
    w, trip, reqs = field_day
    VisitRequest.objects.filter(pk=reqs[0].pk).update(
        requester_name="Сусідка Олена", requester_phone="+380501112233", requester_relation="neighbour",
        person_consent_at=None, person_consent_how="", person_consent_name="")
    reg = w.svc_reg.pk
    load_first_stop(page, staff_login, w)
    expect(by(page, "person-consent")).to_contain_text("Заявку подала інша людина (Сусідка Олена)")
    by(page, f"accept-{reg}").click()
    expect(by(page, "notice")).to_contain_text("Спершу запитайте згоду самої людини")
    expect(by(page, f"number-{reg}")).to_have_count(0)

    expect(by(page, "consent-name")).to_have_value(reqs[0].applicant_name)
    by(page, "consent-how-signed").check()
    by(page, "consent-save").click()
    expect(by(page, "consent-saved")).to_be_visible()
    by(page, f"accept-{reg}").click()
    expect(by(page, f"number-{reg}")).to_be_visible()

    page.context.set_offline(False)
    by(page, "nav-outbox").click()
    by(page, "sync-now").click()
    until(page, "!document.body.dataset.syncing", 20_000)
    req = VisitRequest.objects.get(pk=reqs[0].pk)
    assert req.person_consent_how == "signed" and req.person_consent_name == reqs[0].applicant_name
    assert Case.objects.filter(request=req, service=w.svc_reg).exists()
