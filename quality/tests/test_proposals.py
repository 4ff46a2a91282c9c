"""Proposals: registered, discussed by the team on a date, accepted or rejected with the reason, whether a
procedure changed; only accepted ones are marked for publication."""

from quality import actions
from quality.models import Proposal
from quality.tests.helpers import MONDAY, moment

PAST = moment(MONDAY, 0, weeks=-1).strftime("%d.%m.%Y")


def _register(client):
    response = client.post(
        "/staff/quality/proposals/",
        {
            "channel": "questionnaire",
            "received_on": PAST,
            "author": "Мешканка с. Далеке",
            "text": "Телефонувати за день до візиту, а не лише надсилати SMS",
        },
    )
    assert response.status_code == 302
    return Proposal.objects.get()


def _decide(client, proposal, **data):
    values = {"discussed_on": PAST, "decision": "accepted", "reason": "", "change": ""}
    values.update(data)
    return client.post(f"/staff/quality/proposals/{proposal.pk}/", values)


def test_an_accepted_proposal_that_changed_a_procedure_is_published(world, login):
    client = login(world.users["quality"])
    proposal = _register(client)
    assert proposal.decision == "pending" and proposal.author == "Мешканка с. Далеке"
    response = _decide(
        client,
        proposal,
        procedure_changed="on",
        change="Оператор телефонує напередодні",
        publish="on",
        reason="Люди похилого віку не читають SMS",
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.decision, proposal.procedure_changed, proposal.publish) == ("accepted", True, True)
    assert proposal.discussed_on.strftime("%d.%m.%Y") == PAST and proposal.decided_by == world.users["quality"]
    assert list(actions.published_proposals(world.a)) == [proposal]
    assert list(actions.published_proposals(world.b)) == []


def test_a_rejected_proposal_says_why_and_is_never_published(world, login):
    client = login(world.users["quality"])
    proposal = _register(client)
    page = _decide(client, proposal, decision="rejected").content.decode()
    assert "Напишіть, чому пропозицію відхилено." in page
    page = _decide(client, proposal, decision="rejected", reason="Немає автомобіля", publish="on").content.decode()
    assert "Оприлюднити можна лише прийняту пропозицію." in page
    proposal.refresh_from_db()
    assert proposal.decision == "pending" and not proposal.publish
    assert _decide(client, proposal, decision="rejected", reason="Немає автомобіля").status_code == 302
    proposal.refresh_from_db()
    assert proposal.decision == "rejected" and list(actions.published_proposals(world.a)) == []


def test_a_decision_needs_the_discussion_date_and_a_changed_procedure_says_what(world, login):
    client = login(world.users["quality"])
    proposal = _register(client)
    assert "Укажіть дату, коли команда обговорила пропозицію." in _decide(client, proposal, discussed_on="").content.decode()
    assert "Напишіть, що саме змінено в порядку роботи." in _decide(client, proposal, procedure_changed="on").content.decode()
    assert "Текст задовгий" in _decide(client, proposal, reason="x" * 100_000).content.decode()
    proposal.refresh_from_db()
    assert proposal.decision == "pending" and proposal.discussed_on is None


def test_another_communitys_proposal_is_not_found(world, login):
    proposal = _register(login(world.users["quality"]))
    client = login(world.b_coordinator)
    assert client.get(f"/staff/quality/proposals/{proposal.pk}/").status_code == 404
    assert _decide(client, proposal).status_code == 404
