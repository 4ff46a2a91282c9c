"""Ratings of the staff who served (seed 003): each sees their own, the head of the CNAP sees everyone's."""

import pytest
import time_machine

from accounts.models import User
from quality import actions
from quality.models import SurveyTask
from quality.tests.helpers import TUESDAY, WEDNESDAY, moment, served_visit


@pytest.fixture
def rated(world):
    """Two administrators: Олена served twice (rated 4 by phone, 2 by the link), Ірина once (rated 5)."""
    other = User.objects.create_user(
        username="iryna", first_name="Ірина", last_name="Мельник", role="field_admin", community=world.a
    )
    with time_machine.travel(moment(TUESDAY, 11), tick=False):
        first = served_visit(world)
        second = served_visit(world)
        third = served_visit(world, user=other)
    tasks = {t.visit_id: t for t in SurveyTask.objects.all()}
    with time_machine.travel(moment(WEDNESDAY, 10, 30), tick=False):
        for visit, rating in ((first, 4), (third, 5)):
            t = tasks[visit.pk]
            actions.record_call(
                t.pk, version=t.version, outcome="answered", by=world.users["quality"], answers=actions.Answers(rating=rating)
            )
        actions.feedback_from_link(second.request, rating=2, text="")
    return world.users["field_admin"], other


def test_an_administrator_sees_only_their_own_rating(world, login, rated):
    olena, iryna = rated
    page = login(olena).get("/staff/quality/ratings/").content.decode()
    assert "Мої оцінки" in page and "Ірина" not in page
    assert "<td>3,0</td><td>2</td>" in page
    page = login(iryna).get("/staff/quality/ratings/").content.decode()
    assert "<td>5,0</td><td>1</td>" in page and str(olena) not in page


def test_the_head_of_the_cnap_sees_everyones_ratings(world, login, rated):
    olena, iryna = rated
    page = login(world.users["coordinator"]).get("/staff/quality/ratings/").content.decode()
    assert "Оцінки працівників" in page
    assert actions.ratings(world.users["coordinator"], everyone=True) == {
        olena.pk: {"n": 2, "average": 3.0},
        iryna.pk: {"n": 1, "average": 5.0},
    }
    assert "<td>3,0</td><td>2</td>" in page and "<td>5,0</td><td>1</td>" in page


def test_the_quality_officer_sees_no_ones_ratings_but_their_own(world, login, rated):
    page = login(world.users["quality"]).get("/staff/quality/ratings/").content.decode()
    assert 'id="no-ratings"' in page


def test_another_communitys_head_sees_none_of_them(world, login, rated):
    assert actions.ratings(world.b_coordinator, everyone=True) == {}
