"""Fixed points and sessions are configured in the admin; bookings (personal data) are not there."""

import datetime

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError

from planning.models import FixedPoint, Session, SessionBooking
from teams.models import Team


def test_system_administrator_opens_fixed_points_and_sessions(client, world, session, django_user_model):
    root = django_user_model.objects.create_superuser(username="root", password="x-pass-123")
    client.force_login(root)
    for url in ("/admin/planning/fixedpoint/", "/admin/planning/fixedpoint/add/",
                f"/admin/planning/fixedpoint/{session.fixed_point_id}/change/", "/admin/planning/session/"):
        assert client.get(url).status_code == 200, url
    assert admin.site.is_registered(FixedPoint) and admin.site.is_registered(Session)
    assert not admin.site.is_registered(SessionBooking)


def test_session_must_end_after_it_starts_and_use_its_own_communitys_team(world, fixed_point):
    with pytest.raises(ValidationError, match="пізніше за початок"):
        Session(fixed_point=fixed_point, weekday=1, start=datetime.time(13), end=datetime.time(10)).full_clean()
    other = Team.objects.create(community=world.b, name="Чужа", office=world.b.offices.get())
    with pytest.raises(ValidationError, match="іншій громаді"):
        Session(fixed_point=fixed_point, weekday=1, start=datetime.time(10), end=datetime.time(13),
                team=other).full_clean()


def test_fixed_point_settlement_belongs_to_its_community(world):
    point = FixedPoint(community=world.a, settlement=world.b_city, name="X", address="Y",
                       latitude=48, longitude=35)
    with pytest.raises(ValidationError, match="іншій громаді"):
        point.full_clean()
