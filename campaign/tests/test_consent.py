"""Consent to publicity (issue 15): a story only with a valid consent; withdrawn, the draft falls back
to figures only and says why; the pages refuse bad input with a clear message and change nothing."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from audit.models import AccessLog
from campaign import actions, milestones
from campaign.models import Draft, DraftState, Milestone, PublicityConsent
from indicators.tests.dataset import at, case, request


def _first_service(world):
    day = timezone.localdate() - datetime.timedelta(days=3)
    req = request(world, at(day, 9), settlement=world.village)
    req.applicant_name = "Олена Петрівна Коваль"
    req.save()
    case(
        world,
        service=world.svc_cert,
        accepted=at(day, 10),
        req=req,
        handover_due=day,
        provider_due=day + datetime.timedelta(days=10),
    )
    milestones.detect(world.a)
    return Milestone.objects.get(community=world.a, key="services:1").draft, req


@pytest.mark.django_db
def test_a_story_with_consent_then_withdrawn(world):
    draft, person = _first_service(world)
    assert "Коваль" not in draft.site_text
    consent = actions.use_person(
        draft, person, purpose="допис на сайті", given_on=timezone.localdate(), taken_by=world.users["communications"]
    )
    draft.refresh_from_db()
    assert draft.person == person and "Олена Петрівна Коваль, Далеке" in draft.site_text
    actions.mark_ready(draft)
    assert draft.state == DraftState.READY
    changed = actions.withdraw(consent)
    draft.refresh_from_db()
    assert changed == [draft] and draft.person is None and draft.state == DraftState.DRAFT
    assert "Коваль" not in draft.site_text and "Коваль" not in draft.social_text
    assert "відкликала згоду" in draft.dropped_note and "надано 1 послугу" in draft.site_text
    with pytest.raises(actions.CampaignError):
        actions.withdraw(consent)


@pytest.mark.django_db
def test_a_draft_with_a_person_and_no_consent_cannot_be_ready(world):
    draft, person = _first_service(world)
    draft.person = person  # e.g. attached by hand, without a consent
    draft.save()
    with pytest.raises(actions.CampaignError, match="згоди на публікацію немає"):
        actions.mark_ready(draft)
    assert Draft.objects.get(pk=draft.pk).state == DraftState.DRAFT


@pytest.mark.django_db
def test_bad_consent_input_changes_nothing(world):
    draft, person = _first_service(world)
    future = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(actions.CampaignError, match="майбутньому"):
        actions.use_person(draft, person, purpose="сайт", given_on=future, taken_by=None)
    other = request(world, timezone.now(), community=world.b, settlement=world.b_city)
    with pytest.raises(actions.CampaignError, match="немає у вашій громаді"):
        actions.use_person(draft, other, purpose="сайт", given_on=timezone.localdate(), taken_by=None)
    assert not PublicityConsent.objects.exists()


@pytest.mark.django_db
def test_published_only_when_ready_and_with_a_link(world):
    draft, _person = _first_service(world)
    with pytest.raises(actions.CampaignError, match="готовий"):
        actions.mark_published(draft, "https://example.org/post")
    actions.mark_ready(draft)
    with pytest.raises(actions.CampaignError, match="посилання"):
        actions.mark_published(draft, "not a link")
    actions.mark_published(draft, "https://example.org/post")
    assert draft.state == DraftState.PUBLISHED and draft.published_url == "https://example.org/post"


@pytest.mark.django_db
def test_preparation_events_once(world):
    day = timezone.localdate() - datetime.timedelta(days=30)
    m = actions.record_preparation(world.a, "decision", day, number="45/2")
    assert "№ 45/2" in m.title and m.draft.site_text
    with pytest.raises(actions.CampaignError, match="вже записано"):
        actions.record_preparation(world.a, "decision", day, number="45/2")
    with pytest.raises(actions.CampaignError, match="номер"):
        actions.record_preparation(world.a, "decision", day, number=" ")
    with pytest.raises(actions.CampaignError, match="майбутньому"):
        actions.record_preparation(world.a, "suitcase", timezone.localdate() + datetime.timedelta(days=2))


def _client(world):
    c = Client()
    c.force_login(world.users["communications"])
    return c


@pytest.mark.django_db
def test_the_pages(world):
    draft, person = _first_service(world)
    c = _client(world)
    page = c.get("/staff/campaign/")
    assert page.status_code == 200 and "Перша послуга" in page.content.decode()
    before = AccessLog.objects.count()
    page = c.get(f"/staff/campaign/drafts/{draft.pk}/")
    assert "Олена Петрівна Коваль" in page.content.decode() and AccessLog.objects.count() == before + 1
    # Bad input: a date in the future; a clear message, nothing recorded.
    page = c.post(f"/staff/campaign/drafts/{draft.pk}/", {"action": "consent", "purpose": "сайт", "given_on": "2999-01-01"})
    assert page.status_code == 400 and "майбутньому" in page.content.decode()
    assert not PublicityConsent.objects.exists()
    page = c.post(f"/staff/campaign/drafts/{draft.pk}/", {"action": "consent", "purpose": "сайт", "given_on": "вчора"})
    assert page.status_code == 400 and "Вкажіть дату" in page.content.decode()
    page = c.post(
        f"/staff/campaign/drafts/{draft.pk}/",
        {"action": "consent", "purpose": "сайт", "given_on": timezone.localdate().isoformat()},
    )
    assert page.status_code == 302
    page = c.post("/staff/campaign/", {"what": "decision", "day": timezone.localdate().isoformat()})
    assert page.status_code == 400 and "номер рішення" in page.content.decode()
    # Another community's staff cannot open the draft.
    other = Client()
    from accounts.models import User

    other.force_login(User.objects.create_user(username="comm-b", password="x", role="communications", community=world.b))
    assert other.get(f"/staff/campaign/drafts/{draft.pk}/").status_code == 404
