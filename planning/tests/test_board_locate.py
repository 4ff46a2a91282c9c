"""The board lists the requests that cannot be placed or are placed roughly, with a link to fix each;
approximate stops are flagged on the board and the route sheet (issue 10)."""

import pytest

from planning import pdf
from planning.models import Stop
from planning.tests.test_plan_week import MONDAY, accepted, make_team, plan_now

BOARD = f"/staff/planning/?week={MONDAY.isoformat()}"


@pytest.fixture
def pool(world):
    exact = accepted(world)
    rough = accepted(world, street="вул. Невідома", latitude=None, longitude=None)  # the settlement's centre
    nowhere = accepted(world, settlement=world.village, latitude=None, longitude=None)  # no centre known
    return exact, rough, nowhere


@pytest.mark.django_db
def test_the_board_lists_each_request_to_locate_with_a_link_to_its_map(world, pool, client, login):
    exact, rough, nowhere = pool
    assert rough.location_approximate and nowhere.latitude is None
    login(world.users["coordinator"])
    page = client.get(BOARD).content.decode()
    section = page[page.index('id="to-locate"'):page.index("</section>", page.index('id="to-locate"'))]
    assert f'href="/staff/requests/{nowhere.pk}/#location"' in section
    assert f'href="/staff/requests/{rough.pk}/#location"' in section
    assert f"/staff/requests/{exact.pk}/" not in section
    assert 'data-located="no"' in section and "місця на мапі немає" in section and "не буде сплановано" in section
    assert 'data-located="approximate"' in section and "центр населеного пункту" in section
    # The unplaceable first: they are the ones that will be missing from the plan.
    assert section.index(str(nowhere.number)) < section.index(str(rough.number))


@pytest.mark.django_db
def test_no_list_when_every_request_is_placed(world, client, login):
    accepted(world)
    login(world.users["coordinator"])
    assert 'id="to-locate"' not in client.get(BOARD).content.decode()


@pytest.mark.django_db
@pytest.mark.solver
def test_an_approximate_stop_is_planned_and_flagged_on_the_board_and_the_route_sheet(world, pool, client, login):
    exact, rough, nowhere = pool
    make_team(world)
    plan = plan_now(world)
    stop = Stop.objects.get(trip__plan=plan, request=rough)
    assert Stop.objects.filter(trip__plan=plan, request=exact).exists()
    assert not Stop.objects.filter(trip__plan=plan, request=nowhere).exists()
    login(world.users["coordinator"])
    page = client.get(BOARD).content.decode()
    row = page[page.index(f'<tr data-request="{rough.pk}">', page.index('id="plan"')):]
    row = row[:row.index("</tr>")]
    assert 'class="flag flag--approximate"' in row and "місце приблизне" in row
    exact_row = page[page.index(f'<tr data-request="{exact.pk}">'):]
    assert "flag--approximate" not in exact_row[:exact_row.index("</tr>")]
    sheet = pdf.route_sheet_html(stop.trip)
    assert "Увага: місце приблизне: центр населеного пункту — уточніть дорогу телефоном." in sheet
