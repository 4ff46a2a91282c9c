import re

from conftest import intake_post_data
from visits.models import VisitRequest

URL = "/staff/requests/new/"


def opened_version(page):
    """The request version an edit page was opened with (its hidden field), as the browser posts it."""
    return re.search(r'<input type="hidden" name="version" value="(\d+)"', page).group(1)


def test_operator_saves_request_with_services_documents_and_consent(world, login):
    client = login(world.users["operator"])
    response = client.post(URL, intake_post_data(world))
    req = VisitRequest.objects.get(applicant_name="Бондаренко Ганна Олексіївна")
    assert response.status_code == 302 and response["Location"] == f"/staff/requests/{req.pk}/"
    assert req.applicant_phone == "+380677654321"
    assert req.channel == "phone" and req.created_by == world.users["operator"]
    assert req.preferred_weekdays == [1, 3] and req.window_start.hour == 10
    assert req.consent_by == "Бондаренко Ганна Олексіївна" and req.warning_acknowledged_at
    docs = {d.name: d.has for d in req.services.get().documents.all()}
    assert docs == {"Паспорт": True, "Квитанція": False}
    assert req.eligibility == "eligible"


def test_form_with_errors_keeps_typed_values_and_saves_nothing(world, login):
    client = login(world.users["operator"])
    before = VisitRequest.objects.count()
    data = intake_post_data(world, applicant_phone="12", applicant_birth_date="01.01.2999",
                            consent=None)
    response = client.post(URL, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert VisitRequest.objects.count() == before
    assert 'value="Бондаренко Ганна Олексіївна"' in html
    assert 'value="12"' in html
    assert "Дата народження не може бути в майбутньому." in html
    assert "Без згоди на обробку персональних даних" in html
    assert 'aria-invalid="true"' in html


def test_paid_service_requires_payment_method(world, login):
    client = login(world.users["operator"])
    response = client.post(URL, intake_post_data(world, payment_method=""))
    assert "оберіть спосіб оплати" in response.content.decode()


def test_service_not_available_at_home_is_refused(world, login):
    client = login(world.users["operator"])
    response = client.post(URL, intake_post_data(world, services=[str(world.svc_bio.pk)]))
    assert "лише в ЦНАП" in response.content.decode()
    assert not VisitRequest.objects.filter(applicant_name="Бондаренко Ганна Олексіївна").exists()


def test_request_for_someone_else_needs_requester_details(world, login):
    client = login(world.users["operator"])
    response = client.post(URL, intake_post_data(world, for_someone_else="1"))
    html = response.content.decode()
    assert "Напишіть, хто звертається." in html
    assert "Потрібен телефон того, хто звертається." in html
    response = client.post(URL, intake_post_data(
        world, for_someone_else="1", requester_name="Сусідка Олена", requester_phone="050 111 22 33",
        requester_relation="neighbour", applicant_phone=""))
    assert response.status_code == 302
    req = VisitRequest.objects.get(requester_name="Сусідка Олена")
    assert req.requester_phone == "+380501112233" and req.consent_by == "Сусідка Олена"


def test_duplicate_is_shown_before_saving_and_saved_only_when_confirmed(world, login):
    client = login(world.users["operator"])
    data = intake_post_data(world, applicant_phone="067 123 45 67")  # world.req's phone
    response = client.post(URL, data)
    assert response.status_code == 200
    assert world.req.number in response.content.decode()
    assert not VisitRequest.objects.filter(applicant_name="Бондаренко Ганна Олексіївна").exists()
    response = client.post(URL, {**data, "not_duplicate": "1"})
    assert response.status_code == 302
    assert VisitRequest.objects.filter(applicant_name="Бондаренко Ганна Олексіївна").exists()


def test_live_check_shows_verdict_missing_documents_and_duplicates(world, login):
    client = login(world.users["operator"])
    data = intake_post_data(world, applicant_birth_date="01.01.1990", evidence_available=None,
                            applicant_phone="0671234567")
    html = client.post("/staff/requests/check/", data).content.decode()
    assert 'data-verdict="needs_evidence"' in html
    assert "Квитанція" in html  # not ticked
    assert world.req.number in html


def test_live_check_with_empty_form_does_not_fail(world, login):
    client = login(world.users["operator"])
    response = client.post("/staff/requests/check/", {})
    assert response.status_code == 200
    assert 'data-verdict="not_eligible"' in response.content.decode()


def test_edit_keeps_history_and_returns_needs_info_to_new(world, login):
    from visits import actions

    actions.ask_for_info(world.req, by=world.users["coordinator"], comment="Довідка?")
    client = login(world.users["operator"])
    page = client.get(f"/staff/requests/{world.req.pk}/edit/").content.decode()
    assert 'value="Коваленко Марія Іванівна"' in page
    data = intake_post_data(world, applicant_name="Коваленко Марія Іванівна",
                            applicant_phone="067 123 45 67", street="вул. Шевченка", building="10",
                            flat="5", applicant_birth_date="01.05.1940", version=opened_version(page))
    response = client.post(f"/staff/requests/{world.req.pk}/edit/", data)
    assert response.status_code == 302
    world.req.refresh_from_db()
    assert world.req.status == "new"
    assert world.req.history.last().by == world.users["operator"]


def test_a_neighbours_agreement_is_the_neighbours_not_the_persons_consent(world, login):
    response = login(world.users["operator"]).post(URL, intake_post_data(
        world, for_someone_else="1", requester_name="Сусідка Олена", requester_phone="050 111 22 33",
        requester_relation="neighbour"))
    assert response.status_code == 302
    req = VisitRequest.objects.get(requester_name="Сусідка Олена")
    assert req.consent_by == "Сусідка Олена" and req.consent_at and req.consent_text
    assert req.person_consent_at is None  # asked at the visit


def test_the_persons_own_consent_given_when_filing_counts(world, login):
    from visits.models import ConsentHow

    response = login(world.users["operator"]).post(URL, intake_post_data(world))
    assert response.status_code == 302
    req = VisitRequest.objects.latest("created_at")
    assert req.person_consent_at == req.consent_at and req.person_consent_how == ConsentHow.FILED
    assert req.person_consent_name == req.applicant_name


def test_the_request_page_says_whose_agreement_it_is_and_that_the_persons_consent_is_missing(world, login):
    client = login(world.users["operator"])
    client.post(URL, intake_post_data(world, for_someone_else="1", requester_name="Сусідка Олена",
                                      requester_phone="050 111 22 33", requester_relation="neighbour"))
    req = VisitRequest.objects.get(requester_name="Сусідка Олена")
    page = " ".join(client.get(f"/staff/requests/{req.pk}/").content.decode().split())
    assert "Погодився(-лася) на обробку даних, подаючи заявку: Сусідка Олена" in page
    assert "згоди самої людини ще немає — її запитають під час візиту" in page


def test_the_migration_keeps_the_consent_of_self_filed_requests_and_gives_none_to_others(world):
    import importlib

    from django.apps import apps

    from conftest import make_request

    migration = importlib.import_module("visits.migrations.0009_consent_of_the_person")
    own = make_request(world, applicant_name="Сама Подала")
    other = make_request(world, applicant_name="За Неї Подали", requester_name="Сусідка Олена",
                         requester_phone="+380501112233", requester_relation="neighbour", consent_by="Сусідка Олена")
    VisitRequest.objects.update(person_consent_at=None, person_consent_how="", person_consent_name="")
    migration.own_consent_of_self_filed(apps, None)
    own.refresh_from_db(), other.refresh_from_db()
    assert own.person_consent_at == own.consent_at and own.person_consent_how == "filed"
    assert own.person_consent_name == "Сама Подала"
    assert other.person_consent_at is None and other.person_consent_how == ""
