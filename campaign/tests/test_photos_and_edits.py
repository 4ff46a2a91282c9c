"""Draft photos, the consents listed on the draft, and staff's own texts kept when consent changes
(issue 15)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from accounts.models import User
from campaign import actions, photos
from campaign.models import DraftPhoto, DraftState
from campaign.tests.test_consent import _first_service


def _png(size=(8, 8)):
    buf = io.BytesIO()
    Image.new("RGB", size, "red").save(buf, "PNG")
    return SimpleUploadedFile("photo.png", buf.getvalue(), content_type="image/png")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.django_db
def test_a_photo_of_a_person_needs_consent_and_goes_when_it_is_withdrawn(world, media):
    draft, person = _first_service(world)
    photo = photos.add_photo(draft, _png(), person=person, caption="Пані Олена з документами")
    stored = media / photo.file.name
    assert stored.exists() and photo.content_type == "image/png" and not photo.file.name.endswith("photo.png")
    with pytest.raises(actions.CampaignError, match="На фото є людина без згоди"):
        actions.mark_ready(draft)
    consent = actions.use_person(draft, person, purpose="сайт", given_on=timezone.localdate(), taken_by=None)
    draft.refresh_from_db()
    actions.mark_ready(draft)
    assert draft.state == DraftState.READY

    changed = actions.withdraw(consent)
    draft.refresh_from_db()
    assert changed == [draft] and not DraftPhoto.objects.exists() and draft.state == DraftState.DRAFT
    assert "фото прибрано" in draft.dropped_note and "історію прибрано" in draft.dropped_note


@pytest.mark.django_db(transaction=True)
def test_the_withdrawn_photos_file_is_deleted_after_commit(world, media):
    draft, person = _first_service(world)
    consent = actions.use_person(draft, person, purpose="сайт", given_on=timezone.localdate(), taken_by=None)
    photo = photos.add_photo(draft, _png(), person=person)
    stored = media / photo.file.name
    actions.withdraw(consent)
    assert not stored.exists()


@pytest.mark.django_db
def test_bad_uploads_are_refused(world, media, settings):
    draft, _person = _first_service(world)
    fake = SimpleUploadedFile("photo.jpg", b"<html>not a picture</html>", content_type="image/jpeg")
    with pytest.raises(actions.CampaignError, match="Це не фото"):
        photos.add_photo(draft, fake)
    buf = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buf, "GIF")
    with pytest.raises(actions.CampaignError, match="формат не підходить"):
        photos.add_photo(draft, SimpleUploadedFile("a.gif", buf.getvalue(), content_type="image/gif"))
    settings.VALIZA_CAMPAIGN_PHOTO_MAX_BYTES = 50
    with pytest.raises(actions.CampaignError, match="завелике"):
        photos.add_photo(draft, _png((64, 64)))
    assert not DraftPhoto.objects.exists()


@pytest.mark.django_db
def test_photo_pages_check_role_and_community(world, media):
    draft, person = _first_service(world)
    c = _client(world.users["communications"])
    page = c.post(f"/staff/campaign/drafts/{draft.pk}/photos/", {"image": _png(), "caption": "Виїзд", "shows_person": "on"})
    assert page.status_code == 302
    photo = DraftPhoto.objects.get()
    assert photo.person == person and photo.uploaded_by == world.users["communications"]
    got = c.get(f"/staff/campaign/photos/{photo.pk}/")
    assert got.status_code == 200 and got["Content-Type"] == "image/png" and "no-store" in got["Cache-Control"]
    page = c.get(f"/staff/campaign/drafts/{draft.pk}/").content.decode()
    assert f"/staff/campaign/photos/{photo.pk}/" in page and "Виїзд" in page
    other = User.objects.create_user(username="comm-b", password="x", role="communications", community=world.b)
    assert _client(other).get(f"/staff/campaign/photos/{photo.pk}/").status_code == 404
    assert _client(other).post(f"/staff/campaign/photos/{photo.pk}/remove/").status_code == 404
    assert _client(world.users["operator"]).get(f"/staff/campaign/photos/{photo.pk}/").status_code in (302, 403)
    bad = c.post(f"/staff/campaign/drafts/{draft.pk}/photos/", {"image": SimpleUploadedFile("x.png", b"nope")})
    assert bad.status_code == 302 and DraftPhoto.objects.count() == 1
    assert "Це не фото" in c.get(f"/staff/campaign/drafts/{draft.pk}/").content.decode()
    assert c.post(f"/staff/campaign/photos/{photo.pk}/remove/").status_code == 302
    assert DraftPhoto.objects.count() == 1  # not the page's button: nothing removed
    assert c.post(f"/staff/campaign/photos/{photo.pk}/remove/", {"remove": "1"}).status_code == 302
    assert not DraftPhoto.objects.exists()


@pytest.mark.django_db
def test_the_draft_lists_current_and_withdrawn_consents(world):
    draft, person = _first_service(world)
    user = world.users["communications"]
    first = actions.use_person(draft, person, purpose="допис на сайті", given_on=timezone.localdate(), taken_by=user)
    actions.withdraw(first)
    draft.refresh_from_db()
    actions.use_person(draft, person, purpose="інтерв'ю для газети", given_on=timezone.localdate(), taken_by=user)
    page = _client(user).get(f"/staff/campaign/drafts/{draft.pk}/").content.decode()
    table = page[page.index('id="consents"') :]
    assert "допис на сайті" in table and "інтерв&#x27;ю для газети" in table
    assert table.count(timezone.localdate().strftime("%d.%m.%Y")) >= 3 and "чинна" in table
    assert (user.get_full_name() or user.username) in table


@pytest.mark.django_db
def test_staff_edits_are_kept_and_a_named_person_blocks_readiness(world):
    draft, person = _first_service(world)
    actions.edit(draft, draft.site_text, draft.social_text, "")
    assert not draft.edited_by_staff  # saving the composed text unchanged is not an edit
    consent = actions.use_person(draft, person, purpose="сайт", given_on=timezone.localdate(), taken_by=None)
    draft.refresh_from_db()
    own = "Наша адміністраторка допомогла пані Олені Петрівні Коваль оформити субсидію."
    actions.edit(draft, own, "Коротко: допомогли пані Коваль.", "Пані Олена давно чекала.")
    assert draft.edited_by_staff
    actions.withdraw(consent)
    draft.refresh_from_db()
    # Not rebuilt silently: staff's text stays, the draft is blocked and says what to do.
    assert draft.site_text == own and draft.person is None and draft.remove_name == "Олена Петрівна Коваль"
    assert "приберіть" in draft.dropped_note
    with pytest.raises(actions.CampaignError, match="приберіть із тексту"):
        actions.mark_ready(draft)
    page = _client(world.users["communications"]).get(f"/staff/campaign/drafts/{draft.pk}/").content.decode()
    assert "Прибрати історію особи" in page
    actions.edit(draft, "Наша адміністраторка допомогла ще одній людині.", "Допомогли ще одній людині.", "")
    assert draft.remove_name == ""
    actions.mark_ready(draft)
    assert draft.state == DraftState.READY


@pytest.mark.django_db
def test_a_consent_recorded_on_an_edited_draft_keeps_the_text(world):
    draft, person = _first_service(world)
    actions.edit(draft, "Мій власний текст.", "Мій короткий текст.", "")
    actions.use_person(draft, person, purpose="сайт", given_on=timezone.localdate(), taken_by=None)
    draft.refresh_from_db()
    assert draft.site_text == "Мій власний текст." and draft.person == person


def test_published_form_assumes_https():
    from campaign.forms import PublishedForm

    form = PublishedForm({"url": "example.org/post"})
    assert form.is_valid() and form.cleaned_data["url"] == "https://example.org/post"
