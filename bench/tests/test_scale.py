"""seed_scale and bench_pages (issue 17) at a tiny size: the set is consistent, every page answers."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from communities.models import Community
from core.text import match_key
from journal.models import Case, JournalSequence
from visits.models import OPEN_STATUSES, RequestedService, VisitRequest, address_key

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scale_set(capsys):
    call_command("seed_scale", communities=30, requests=600)
    return capsys.readouterr().out


def test_seed_scale_puts_85_percent_in_one_city_with_the_keys_the_models_compute(scale_set):
    assert "done requests=600" in scale_set
    big = Community.objects.get(slug="scale-0000")
    assert VisitRequest.objects.filter(community=big).count() == 510
    assert Community.objects.filter(slug__startswith="scale-").count() == 30
    for req in VisitRequest.objects.select_related("settlement")[:200]:
        assert req.name_key == match_key(req.applicant_name)
        assert req.address_key == address_key(req.settlement_id, req.street, req.building, req.flat)
        assert req.settlement.community_id == req.community_id
    assert VisitRequest.objects.values("number").distinct().count() == 600
    assert RequestedService.objects.count() >= 600
    # Cases of served services, numbered as the journal numbers them, and the numbering goes on.
    case = Case.objects.order_by("-pk").first()
    office_id, year, _seq = case.number.split("-")
    assert int(office_id) == case.office_id
    last = JournalSequence.objects.get(office_id=case.office_id, year=int(year)).last
    assert last == Case.objects.filter(office_id=case.office_id, number__startswith=f"{office_id}-{year}-").count()


def test_seed_scale_keeps_only_recent_requests_open(scale_set):
    old = timezone.now() - timedelta(days=61)
    assert not VisitRequest.objects.filter(status__in=OPEN_STATUSES, created_at__lt=old).exists()
    assert VisitRequest.objects.filter(status__in=OPEN_STATUSES).exists()


def test_seed_scale_refuses_to_run_twice(scale_set):
    with pytest.raises(CommandError):
        call_command("seed_scale", communities=2, requests=10)


def test_bench_pages_measures_every_page_and_ends_with_the_summary(scale_set, capsys):
    call_command("bench_pages", rounds=2)
    out = capsys.readouterr().out.strip().splitlines()
    assert re.fullmatch(r"pages=(\d+) worst_p95_ms=[\d.]+ worst_page=\S+ bare_p95_ms=[\d.]+", out[-1])
    pages = int(out[-1].split()[0].split("=")[1])
    rows = [line for line in out if line.endswith(" 200")]
    assert len(rows) == pages >= 20
    assert any(line.startswith("field day ") for line in rows) and any(line.startswith("sync batch ") for line in rows)
    mem = next(line for line in out if line.startswith("api_mem_large_kb="))
    large, small = (int(v) for v in re.findall(r"api_mem_\w+_kb=(\d+)", mem))
    assert large > 0 and small > 0


def test_bench_pages_only_measures_the_pages_named(scale_set, capsys):
    call_command("bench_pages", rounds=1, only=["sync batch", "journal, late"])
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1].startswith("pages=2 ")
    assert sorted(line.split("  ")[0] for line in out if line.endswith(" 200")) == ["journal, late", "sync batch"]
    with pytest.raises(CommandError, match="no page named like"):
        call_command("bench_pages", rounds=1, only=["no such page"])


def test_the_bench_sync_batch_reaches_the_visits_of_todays_trip(scale_set):
    from bench.scale import pages
    from field.models import Visit

    community = Community.objects.get(slug="scale-0000")
    client, stops = pages._field(community.pk)
    assert 1 <= len(stops) <= pages.TRIP_STOPS  # the oldest accepted requests (few at this size)
    assert client.get("/api/v1/field/day").status_code == 200
    response = pages._sync_batch(stops)(client)
    assert response.status_code == 200, response.content
    assert Visit.objects.filter(stop_id__in=stops[:5], started_at__isnull=False).count() == len(stops[:5])
    # A second run finds the same team, trip and laptop.
    again, same = pages._field(community.pk)
    assert same == stops and again.get("/api/v1/field/day").status_code == 200
