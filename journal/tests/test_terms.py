"""Issue 13: provider terms escalate. A case approaching its term is on the coordinator's list with
the days left; past the term the worker's check marks it for the head of the CNAP and queues one e-mail
to the provider's contact in the outbox (several checks, several workers: still once; the outbox's
sender delivers and retries it); the per-provider overview
counts open and late cases and the average days to a decision."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from journal import actions, chain, terms
from journal.models import Case, JournalEntry
from notifications import outbox
from notifications.models import OutboxMessage, State

from .factories import make_case


@pytest.fixture
def provider(world):
    provider = world.svc_cert.provider
    provider.contact_email = "reg@rada.example"
    provider.save(update_fields=["contact_email"])
    return provider


def handed_over_due(world, days_from_today):
    case = make_case(world)
    actions.hand_over(case, by=world.users["coordinator"])
    Case.objects.filter(pk=case.pk).update(provider_due=timezone.localdate() + timedelta(days=days_from_today))
    case.refresh_from_db()
    return case


def test_the_list_shows_cases_whose_term_ends_within_the_warning_days_with_days_left(world, settings):
    settings.VALIZA_TERM_WARNING_DAYS = 3
    today_case, in_three, in_four, past = (handed_over_due(world, d) for d in (0, 3, 4, -1))
    rows = terms.approaching(Case.objects.for_user(world.users["coordinator"]), timezone.localdate())
    assert [(c.number, c.days_left) for c in rows] == [(today_case.number, 0), (in_three.number, 3)]
    overdue = terms.overdue(Case.objects.for_user(world.users["coordinator"]), timezone.localdate())
    assert [(c.number, c.days_late) for c in overdue] == [(past.number, 1)]


def test_past_the_term_the_check_marks_the_case_and_emails_the_provider_once(world, provider):
    late = handed_over_due(world, -2)
    on_time = handed_over_due(world, 1)
    assert terms.escalate() == 1
    assert terms.escalate() == 0  # the next check (or another worker) changes nothing
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert late.escalated_at is not None and late.provider_reminded_to == "reg@rada.example"
    assert on_time.escalated_at is None
    [queued] = OutboxMessage.objects.filter(recipient="reg@rada.example")
    assert queued.state == State.QUEUED and mail.outbox == []
    outbox.send_due()  # the person's SMS of the world's requests go too; one e-mail among them
    queued.refresh_from_db()
    assert queued.state == State.SENT and len(mail.outbox) == 1
    [email] = mail.outbox
    assert email.to == ["reg@rada.example"] and late.number in email.subject
    # No personal data in the e-mail: the number says which case.
    assert late.applicant_name not in email.body
    assert late.entries.filter(event=JournalEntry.ESCALATED).count() == 1
    assert chain.verify(world.a.pk).ok


def test_a_provider_without_an_email_still_gets_the_case_marked_for_the_head(world):
    late = handed_over_due(world, -1)
    assert terms.escalate() == 1
    late.refresh_from_db()
    assert late.escalated_at is not None and late.provider_reminded_to == ""
    assert mail.outbox == []


def test_a_failed_email_is_tried_again_by_the_outbox_and_then_sent_once(world, provider, monkeypatch):
    late = handed_over_due(world, -1)
    assert terms.escalate() == 1

    def broken(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    outbox.send_due()
    [message] = OutboxMessage.objects.filter(recipient="reg@rada.example")
    assert message.state == State.QUEUED and "SMTP down" in message.last_error
    monkeypatch.undo()
    terms.escalate()  # the check again: the case is claimed, nothing queued twice
    later = timezone.now() + timedelta(hours=1)
    outbox.send_due(now=later)
    outbox.send_due(now=later)
    late.refresh_from_db()
    assert late.provider_reminded_to == "reg@rada.example" and len(mail.outbox) == 1
    assert OutboxMessage.objects.filter(recipient="reg@rada.example").count() == 1


def test_a_decided_case_is_never_escalated(world, provider):
    case = handed_over_due(world, 0)
    actions.record_decision(case, by=world.users["coordinator"], granted=True)
    Case.objects.filter(pk=case.pk).update(provider_due=timezone.localdate() - timedelta(days=5))
    assert terms.escalate() == 0 and mail.outbox == []


def test_the_escalation_is_a_worker_check(settings):
    assert "journal.terms.escalate" in settings.VALIZA_WORKER_CHECKS


def test_the_provider_overview_counts_open_late_and_average_days_to_decision(world):
    today = timezone.localdate()
    handed_over_due(world, 2)
    handed_over_due(world, -1)
    decided = handed_over_due(world, 5)
    actions.record_decision(decided, by=world.users["coordinator"], granted=True)
    Case.objects.filter(pk=decided.pk).update(accepted_at=timezone.now() - timedelta(days=4))
    make_case(world, community=world.b)  # another community's: not counted
    [row] = terms.provider_overview(Case.objects.for_user(world.users["coordinator"]), today)
    assert (row["open"], row["late"], row["decided"], row["average_days"]) == (2, 1, 1, 4.0)


def test_the_pages_show_the_lists(world, login, provider):
    soon = handed_over_due(world, 1)
    late = handed_over_due(world, -3)
    terms.escalate()
    client = login(world.users["coordinator"])
    page = client.get("/staff/journal/terms/")
    assert [c.number for c in page.context["approaching"]] == [soon.number]
    assert [c.number for c in page.context["overdue"]] == [late.number]
    assert "передано керівнику" in page.content.decode()
    page = client.get("/staff/journal/providers/")
    assert [(r["open"], r["late"]) for r in page.context["rows"]] == [(2, 1)]
    # The operator reads the lists too; another community's coordinator sees none of it.
    assert login(world.users["operator"]).get("/staff/journal/terms/").status_code == 200
    other = login(world.b_coordinator).get("/staff/journal/terms/")
    assert other.context["approaching"] == [] and other.context["overdue"] == []


@pytest.mark.parametrize("url", ["/staff/journal/terms/", "/staff/journal/providers/", "/staff/journal/refusals/"])
def test_the_lists_take_as_many_queries_for_six_rows_as_for_two(world, login, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(world.users["coordinator"])

    def add(n):
        for i in range(n):
            case = handed_over_due(world, 1 if i % 2 else -1)
            if "refusals" in url:
                actions.record_decision(case, by=world.users["coordinator"], granted=False, reason=f"Підстава {i}")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    add(2)
    two = count()
    add(4)
    assert count() == two
