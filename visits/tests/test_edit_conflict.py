"""Two members of staff edit the same request: the first save is kept, the second is refused with a
message that says what happened and what to do, and what the second person typed stays on screen."""

import threading

import pytest
from django.db import connection
from django.test import Client

from conftest import intake_post_data
from visits import actions
from visits.models import StatusChange, VisitRequest
from visits.tests.test_intake_view import opened_version

EDITED = "Дані заявки змінено."


def _edit_url(req):
    return f"/staff/requests/{req.pk}/edit/"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _edits(req):
    return StatusChange.objects.filter(request=req, comment=EDITED).count()


def test_the_second_of_two_editors_is_refused_and_the_first_save_is_kept(world):
    req = world.req
    operator, coordinator = _client(world.users["operator"]), _client(world.users["coordinator"])
    # Both open the request before either saves.
    first_page = coordinator.get(_edit_url(req)).content.decode()
    second_page = operator.get(_edit_url(req)).content.decode()
    assert opened_version(first_page) == opened_version(second_page) == str(req.version)

    first = intake_post_data(world, applicant_name="Коваленко Марія Іванівна", intercom="15К",
                             version=opened_version(first_page))
    assert coordinator.post(_edit_url(req), first).status_code == 302

    second = intake_post_data(world, applicant_name="Коваленко Марія Іванівна", intercom="99Ж",
                              notes="Дзвонити онуці", version=opened_version(second_page))
    response = operator.post(_edit_url(req), second)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ваші зміни не збережено" in page and "Coordinator" in page
    assert "відкрийте заявку заново" in page
    # What the second person typed is still in the form, so nothing they wrote is lost.
    assert 'value="99Ж"' in page and "Дзвонити онуці" in page

    req.refresh_from_db()
    assert req.intercom == "15К" and req.notes == ""
    assert req.version == int(opened_version(first_page)) + 1
    assert _edits(req) == 1

    # Opened again, the page carries the new version and saves.
    fresh = operator.get(_edit_url(req)).content.decode()
    assert operator.post(_edit_url(req), {**second, "version": opened_version(fresh)}).status_code == 302
    req.refresh_from_db()
    assert req.intercom == "99Ж" and _edits(req) == 2


def test_a_stale_version_changes_nothing_through_the_action_either(world):
    req = world.req
    stale = VisitRequest.objects.get(pk=req.pk)
    choice = [actions.ServiceChoice(world.svc_cert, set())]
    req.intercom = "1А"
    actions.update_request(req, choice, by=world.users["operator"])
    stale.intercom = "2Б"
    with pytest.raises(actions.EditConflict, match="Ваші зміни не збережено"):
        actions.update_request(stale, choice, by=world.users["coordinator"])
    req.refresh_from_db()
    assert req.intercom == "1А" and _edits(req) == 1


def test_an_edit_page_posted_without_its_version_saves_nothing(world):
    client = _client(world.users["operator"])
    response = client.post(_edit_url(world.req), intake_post_data(world, intercom="77"))
    assert response.status_code == 200 and "відкрийте заявку заново" in response.content.decode()
    world.req.refresh_from_db()
    assert world.req.intercom == "" and _edits(world.req) == 0


@pytest.mark.django_db(transaction=True)
def test_two_saves_racing_from_the_same_version_keep_exactly_one(world):
    """Both editors read the request, then save at the same instant on their own database
    connections (as two web processes would): one save wins whole, the other is refused."""
    req = world.req
    read = threading.Barrier(2)
    outcome, errors = {}, []

    def edit(name, user):
        try:
            mine = VisitRequest.objects.get(pk=req.pk)
            mine.intercom, mine.notes = f"код {name}", f"записав {name}"
            read.wait()
            actions.update_request(mine, [actions.ServiceChoice(world.svc_cert, set())], by=user)
            outcome[name] = "saved"
        except actions.EditConflict:
            outcome[name] = "refused"
        except Exception as exc:  # reported below; a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(name, world.users[role]))
               for name, role in (("A", "operator"), ("B", "coordinator"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sorted(outcome.values()) == ["refused", "saved"], outcome
    winner = next(name for name, result in outcome.items() if result == "saved")
    req.refresh_from_db()
    assert (req.intercom, req.notes) == (f"код {winner}", f"записав {winner}")
    assert req.version == 2 and _edits(req) == 1
