"""The quality officer's lists ask the database the same number of times for two rows as for six (no
query per row), and no more than pinned here."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quality import actions
from quality.tests.helpers import TUESDAY, WEDNESDAY, at, moment, served_visit

# Session and user, the page's own counts and rows, the access log's one insert; the base template.
# The survey queue's summary counts ratings per settlement (quality.stats.rating_rows, shared with the
# indicators): surveys and feedback in one grouped query each, beside the punctuality answers.
# The responsible person for quality is named on these pages (issue 16): one query each. The officer
# logs in with a second factor: its device is read once per page.
PINNED = {"survey queue": 15, "complaints": 10, "feedback": 7, "proposals": 5}


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _check(name, client, url, add):
    add(2)
    _count(client, url)
    few = _count(client, url)
    add(4)
    many = _count(client, url)
    assert few == many, f"{name}: {few} queries with 2 rows, {many} with 6 (a query per row)"
    assert many == PINNED[name], f"{name}: {many} queries, {PINNED[name]} pinned"


@pytest.fixture
def officer(world, login):
    return world.users["quality"]


def test_the_survey_queue(world, login, officer):
    def add(n):
        with time_machine.travel(moment(TUESDAY, 11), tick=False):
            for _ in range(n):
                served_visit(world)

    with at(moment(WEDNESDAY, 11), login, officer) as client:
        _check("survey queue", client, "/staff/quality/", add)


def test_the_complaints(world, login, officer):
    def add(n):
        for i in range(n):
            c = actions.register_complaint(
                world.a,
                channel="phone",
                received_on=moment(TUESDAY, 0, weeks=-1).date(),
                text="Скарга",
                person_name="А",
                request=world.req,
                assigned_to=officer,
                by=officer,
            )
            if i % 2:
                actions.answer_complaint(c.pk, text="Відповідь", via="letter", answered_on=c.received_on, by=officer)

    _check("complaints", login(officer), "/staff/quality/complaints/", add)


def test_the_feedback(world, login, officer):
    def add(n):
        for _ in range(n):
            actions.enter_feedback(
                world.a,
                channel="social",
                received_on=moment(TUESDAY, 0, weeks=-1).date(),
                text="Відгук",
                request=world.req,
                by=officer,
            )

    _check("feedback", login(officer), "/staff/quality/feedback/", add)


def test_the_proposals(world, login, officer):
    def add(n):
        for _ in range(n):
            actions.register_proposal(
                world.a, channel="phone", received_on=moment(TUESDAY, 0, weeks=-1).date(), text="Пропозиція", by=officer
            )

    _check("proposals", login(officer), "/staff/quality/proposals/", add)
