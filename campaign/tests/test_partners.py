"""Partners, the mailing of the notice and the printed notice/flyer (issue 15, seed 000 §1.13 п.7, §2.1)."""

import io

import pypdf
import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from campaign import mailing, printed
from campaign.models import Mailing, MailingReason, MailingRecipient, Partner, PartnerKind
from notifications import outbox
from notifications.models import OutboxMessage, State


class Gateway:
    name, idempotent = "test", False

    def send(self, outgoing):
        return "id"


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _partners(world):
    union = Partner.objects.create(
        community=world.a, name="Спілка ветеранів", kind=PartnerKind.VETERANS, email="veterany@example.org"
    )
    parish = Partner.objects.create(community=world.a, name="Парафія св. Миколая", kind=PartnerKind.PARISH, phone="+380671112233")
    closed = Partner.objects.create(
        community=world.a, name="Стара школа", kind=PartnerKind.SCHOOL, email="school@example.org", is_active=False
    )
    foreign = Partner.objects.create(community=world.b, name="Чужа спілка", kind=PartnerKind.DISABILITY, email="b@example.org")
    return union, parish, closed, foreign


@pytest.mark.django_db
def test_partner_pages_validate_and_keep_communities_apart(world):
    c = _client(world.users["communications"])
    page = c.post("/staff/campaign/partners/new/", {"name": "", "kind": "", "phone": "123", "email": "ні"})
    body = page.content.decode()
    assert page.status_code == 400 and "Напишіть назву організації" in body and "Виберіть вид" in body
    assert "ел. пошти" in body and not Partner.objects.exists()
    page = c.post(
        "/staff/campaign/partners/new/",
        {
            "name": "Соцслужба",
            "kind": "social",
            "phone": "067 111 22 33",
            "email": "soc@example.org",
            "settlement": world.village.pk,
            "is_active": "on",
        },
    )
    assert page.status_code == 302
    partner = Partner.objects.get()
    assert partner.community == world.a and partner.phone == "+380671112233"
    assert "Соцслужба" in c.get("/staff/campaign/partners/").content.decode()
    # Another community's settlement is not a choice; another community's staff gets a 404.
    page = c.post(f"/staff/campaign/partners/{partner.pk}/", {"name": "X", "kind": "social", "settlement": world.b_city.pk})
    assert page.status_code == 400 and "зі списку" in page.content.decode()
    other = User.objects.create_user(username="comm-b", password="x", role="communications", community=world.b)
    assert _client(other).get(f"/staff/campaign/partners/{partner.pk}/").status_code == 404
    assert "Соцслужба" not in _client(other).get("/staff/campaign/partners/").content.decode()
    # A role without campaign.manage is refused.
    assert _client(world.users["operator"]).get("/staff/campaign/partners/").status_code in (302, 403)


@pytest.mark.django_db
def test_mailing_text_comes_from_the_communitys_facts(world, settings):
    settings.VALIZA_PUBLIC_URL = "https://valiza.example.org"
    subject, body = printed.mailing_text(world.a, MailingReason.SETTLEMENT)
    assert subject == "Мобільний ЦНАП тепер приїздить і у ваш населений пункт"
    assert f"https://valiza.example.org/{world.a.slug}/" in body and "Допоможи сусіду!" in body
    assert "люди з інвалідністю I групи" in body and "Громада А" in body
    age = world.cat["age"].age_threshold
    assert (f"люди віком від {age} років" in body) == bool(world.cat["age"].is_active and age)
    # Community B has only the mandatory categories: no age line.
    _s, body_b = printed.mailing_text(world.b, MailingReason.OTHER)
    assert "віком від" not in body_b and "люди з інвалідністю I групи" in body_b


@pytest.mark.django_db
def test_mailing_is_recorded_and_sent_through_the_outbox(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    union, parish, closed, foreign = _partners(world)
    c = _client(world.users["communications"])
    page = c.get("/staff/campaign/mailings/new/?reason=schedule")
    body = page.content.decode()
    assert page.status_code == 200 and "Новий графік виїздів мобільного ЦНАП" in body
    assert "veterany@example.org" in body and "school@example.org" not in body and "b@example.org" not in body
    # The partner without e-mail is listed to be called, with the phone.
    assert "Парафія св. Миколая" in body and "+380671112233" in body
    # Bad input: no recipients, another community's partner — refused, nothing recorded or queued.
    page = c.post("/staff/campaign/mailings/new/", {"reason": "schedule", "subject": "Тема", "body": "Текст"})
    assert page.status_code == 400 and "хоча б одну" in page.content.decode()
    page = c.post(
        "/staff/campaign/mailings/new/",
        {"reason": "schedule", "subject": "Тема", "body": "Текст", "partners": [foreign.pk]},
    )
    assert page.status_code == 400 and not Mailing.objects.exists() and not OutboxMessage.objects.exists()
    page = c.post(
        "/staff/campaign/mailings/new/",
        {"reason": "schedule", "subject": "Новий графік", "body": "Добрий день! Графік змінився.", "partners": [union.pk]},
    )
    assert page.status_code == 302
    sent = Mailing.objects.get()
    assert (sent.community, sent.sent_by, sent.reason) == (world.a, world.users["communications"], "schedule")
    recipient = MailingRecipient.objects.get()
    assert (recipient.partner, recipient.address, recipient.message.state) == (union, union.email, State.QUEUED)
    counts = outbox.send_due(gateway=Gateway())
    assert counts["sent"] == 1 and [m.to for m in mail.outbox] == [["veterany@example.org"]]
    assert mail.outbox[0].subject == "Новий графік" and "Графік змінився" in mail.outbox[0].body
    page = c.get(f"/staff/campaign/mailings/{sent.pk}/")
    assert "Надіслано" in page.content.decode() and "Спілка ветеранів" in page.content.decode()
    assert "Новий графік" in c.get("/staff/campaign/mailings/").content.decode()
    other = User.objects.create_user(username="comm-b", password="x", role="communications", community=world.b)
    assert _client(other).get(f"/staff/campaign/mailings/{sent.pk}/").status_code == 404


@pytest.mark.django_db
def test_a_failed_send_is_retried_and_shown(world, settings):
    union, *_rest = _partners(world)
    sent = mailing.send(world.a, reason="other", subject="Тема", body="Текст", partners=[union])

    class Broken(Gateway):
        def send(self, outgoing):
            raise ConnectionError("SMTP недоступний")

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from unittest import mock

    with mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=ConnectionError("down")):
        outbox.send_due(gateway=Broken())
    message = sent.recipients.get().message
    message.refresh_from_db()
    assert message.state in (State.QUEUED, State.FAILED) and message.attempts >= 1
    with pytest.raises(Exception, match="організації"):
        mailing.send(world.a, reason="other", subject="Тема", body="Текст", partners=[])


@pytest.mark.django_db
def test_notice_and_flyer(world, settings):
    c = _client(world.users["communications"])
    settings.VALIZA_PUBLIC_URL = ""
    page = c.get("/staff/campaign/printed/a4.html")
    body = page.content.decode()
    assert page.status_code == 200 and 'class="notice-a4"' in body and "<svg" in body and "Допоможи сусіду!" in body
    assert "Мобільний ЦНАП «Валіза» — Громада А" in body and "люди з інвалідністю I групи" in body
    # No public address set: the QR leads to the host this page was asked on.
    assert f"http://testserver/{world.a.slug}/" in body
    settings.VALIZA_PUBLIC_URL = "https://valiza.example.org"
    flyer = c.get("/staff/campaign/printed/a5.html").content.decode()
    assert 'class="notice-a5"' in flyer and f"https://valiza.example.org/{world.a.slug}/" in flyer
    pdf = c.get("/staff/campaign/printed/a5.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # A5 and A4, in points; the text is in the PDF (its fonts were found).
    flyer_pdf = pypdf.PdfReader(io.BytesIO(pdf.content))
    assert [round(float(x)) for x in flyer_pdf.pages[0].mediabox[2:]] == [420, 595]
    assert "Допоможи сусіду!" in flyer_pdf.pages[0].extract_text()
    a4 = pypdf.PdfReader(io.BytesIO(c.get("/staff/campaign/printed/a4.pdf").content))
    assert [round(float(x)) for x in a4.pages[0].mediabox[2:]] == [595, 842]
    assert c.get("/staff/campaign/printed/a3.pdf").status_code == 404
    assert _client(world.users["operator"]).get("/staff/campaign/printed/a4.pdf").status_code in (302, 403)
