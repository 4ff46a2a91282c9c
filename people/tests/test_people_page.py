"""/staff/people/: the coordinator revokes an order and edits an instruction; bad input changes nothing."""

from people.models import AuthorisationOrder, Instruction
from people.tests.helpers import order


def test_the_coordinator_revokes_an_order_with_a_reason(world, login):
    the_order = order(world.users["field_admin"])
    client = login(world.users["coordinator"])
    assert "чинний" in client.get("/staff/people/").content.decode()
    response = client.post("/staff/people/", {"action": "revoke", "order": the_order.pk, "reason": "Звільнення"})
    assert response.status_code == 302
    the_order.refresh_from_db()
    assert the_order.revoked_at is not None and the_order.revoked_by == world.users["coordinator"]


def test_a_revocation_without_a_reason_changes_nothing_and_says_so(world, login):
    the_order = order(world.users["field_admin"])
    response = login(world.users["coordinator"]).post("/staff/people/", {"action": "revoke", "order": the_order.pk})
    assert response.status_code == 200 and "Вкажіть причину скасування" in response.content.decode()
    assert AuthorisationOrder.objects.get().revoked_at is None


def test_another_communitys_order_cannot_be_revoked(world, login):
    from accounts import roles
    from accounts.models import User

    outsider = User.objects.create_user(username="b-admin", role=roles.FIELD_ADMIN, community=world.b)
    theirs = order(outsider)
    response = login(world.users["coordinator"]).post("/staff/people/", {"action": "revoke", "order": theirs.pk, "reason": "х"})
    assert response.status_code == 200 and "Такого наказу немає" in response.content.decode()
    assert AuthorisationOrder.objects.get().revoked_at is None


def test_an_instruction_is_written_and_edited_into_a_new_version(world, login):
    client = login(world.users["coordinator"])
    data = {
        "action": "instruction",
        "kind": "crisis",
        "crisis": "aggression",
        "title": "Агресія",
        "steps": "Зберігайте спокій.",
        "contacts": "Поліція: 102",
        "is_active": "on",
    }
    assert client.post("/staff/people/", data).status_code == 302
    row = Instruction.objects.get()
    assert row.version == 1 and row.community == world.a
    data.update(instruction=row.pk, steps="Зберігайте спокій і вийдіть.")
    assert client.post("/staff/people/", data).status_code == 302
    row.refresh_from_db()
    assert row.version == 2


def test_a_card_without_a_service_is_refused(world, login):
    response = login(world.users["coordinator"]).post(
        "/staff/people/", {"action": "instruction", "kind": "card", "title": "Картка", "steps": "Кроки"}
    )
    assert response.status_code == 200 and "Оберіть послугу" in response.content.decode()
    assert not Instruction.objects.exists()


def test_an_order_signed_in_the_future_or_ending_before_it_begins_is_refused(world):
    import datetime

    import pytest
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    today = timezone.localdate()
    signed_later = AuthorisationOrder(
        community=world.a,
        user=world.users["field_admin"],
        number="1",
        issued_on=today,
        acknowledged_on=today + datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as refused:
        signed_later.full_clean()
    assert "ще не настала" in str(refused.value)
    backwards = AuthorisationOrder(
        community=world.a,
        user=world.users["field_admin"],
        number="2",
        issued_on=today,
        valid_until=today - datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as refused:
        backwards.full_clean()
    assert "раніше, ніж його видано" in str(refused.value)
