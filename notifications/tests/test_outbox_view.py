from django.utils import timezone

from notifications.gateways import GatewayError
from notifications.models import OutboxMessage, State
from notifications.outbox import enqueue, send_due

from .conftest import MemoryGateway

URL = "/staff/outbox/"


def message(world, n, community=None, **kwargs):
    return enqueue(community=community or world.a, recipient="+380671234567",
                   text=f"Повідомлення {n}", dedup_key=f"test:{n}", wake=False, **kwargs)[0]


def failed(world, n, **error):
    m = message(world, n)
    send_due(gateway=MemoryGateway(errors=[GatewayError(f"помилка {n}", retry=False, **error)]))
    m.refresh_from_db()
    assert m.state == State.FAILED
    return m


def test_coordinator_sees_own_community_messages_only(world, login):
    failed(world, 1)
    message(world, 2, related=world.req)
    message(world, 3, community=world.b)
    response = login(world.users["coordinator"]).get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Повідомлення 1" in page and "Повідомлення 2" in page and "Повідомлення 3" not in page
    assert "помилка 1" in page and "Надіслати ще раз" in page
    assert f"/staff/requests/{world.req.pk}/" in page
    assert "067 123 4567" in page or "067 123 45 67" in page or "+380 67 123 4567" in page


def test_the_list_filters_by_state(world, login):
    failed(world, 1)
    message(world, 2)
    page = login(world.users["coordinator"]).get(URL, {"state": "failed"}).content.decode()
    assert "Повідомлення 1" in page and "Повідомлення 2" not in page


def test_the_list_costs_the_same_queries_for_many_messages(world, login, django_assert_num_queries):
    client = login(world.users["coordinator"])
    for n in range(30):
        message(world, n, related=world.req)
    OutboxMessage.objects.filter(text__endswith="0").update(
        state=State.FAILED, last_error="помилка", retried_by=world.users["coordinator"],
        retried_at=timezone.now(),
    )
    # session, user, page count, page rows, state counts, the header's community
    with django_assert_num_queries(7):  # the 7th: the second factor's device (accounts/second_factor.py)
        assert client.get(URL).status_code == 200


def test_operator_and_other_roles_get_403(world, login, client):
    m = failed(world, 1)
    for role in ("operator", "field_admin", "partner", "technician", "sysadmin"):
        login(world.users[role])
        assert client.get(URL).status_code == 403, role
        assert client.post(f"{URL}{m.pk}/retry/").status_code == 403, role
    m.refresh_from_db()
    assert m.state == State.FAILED


def test_anonymous_is_sent_to_login(world, client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_nav_link_shows_for_the_coordinator_only(world, login, client):
    assert 'href="/staff/outbox/"' in login(world.users["coordinator"]).get("/staff/requests/").content.decode()
    assert 'href="/staff/outbox/"' not in login(world.users["operator"]).get("/staff/requests/").content.decode()


def test_coordinator_retries_a_failed_message(world, login):
    m = failed(world, 1)
    response = login(world.users["coordinator"]).post(f"{URL}{m.pk}/retry/", {"state": "failed"}, follow=True)
    assert response.redirect_chain[-1][0] == f"{URL}?state=failed"
    assert "знову в черзі" in response.content.decode()
    m.refresh_from_db()
    assert m.state == State.QUEUED and m.retried_by == world.users["coordinator"]


def test_retry_of_a_message_that_may_have_arrived_needs_the_tick(world, login):
    m = failed(world, 1, maybe_sent=True)
    client = login(world.users["coordinator"])
    page = client.get(URL).content.decode()
    assert "Можливо, вже надійшло" in page and f'name="m{m.pk}-confirm"' in page
    response = client.post(f"{URL}{m.pk}/retry/", follow=True)
    assert "Позначте, що ви перевірили" in response.content.decode()
    m.refresh_from_db()
    assert m.state == State.FAILED
    client.post(f"{URL}{m.pk}/retry/", {f"m{m.pk}-confirm": "on"})
    m.refresh_from_db()
    assert m.state == State.QUEUED


def test_retry_of_a_message_that_is_not_failed_changes_nothing(world, login):
    m = message(world, 1)
    response = login(world.users["coordinator"]).post(f"{URL}{m.pk}/retry/", follow=True)
    assert "лише ненадіслане" in response.content.decode()
    m.refresh_from_db()
    assert m.state == State.QUEUED and m.retried_by is None


def test_coordinator_of_other_community_gets_404_on_retry(world, login):
    m = failed(world, 1)
    assert login(world.b_coordinator).post(f"{URL}{m.pk}/retry/").status_code == 404
    m.refresh_from_db()
    assert m.state == State.FAILED


def test_retry_needs_post(world, login):
    m = failed(world, 1)
    assert login(world.users["coordinator"]).get(f"{URL}{m.pk}/retry/").status_code == 405
