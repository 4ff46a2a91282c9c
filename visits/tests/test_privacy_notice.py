"""Issue 11, Law «Про захист персональних даних» art. 12: when data is collected, the person is told
who processes it (the community's CNAP: name, address), why, who receives it (the providers of the
services) and their rights (art. 8), in plain Ukrainian, with a link to the full notice."""

from django.test import Client

from communities.models import Community

SHORT = ("Ваші дані обробляє", "щоб надати замовлені послуги", "Їх отримають лише ті органи",
         "Ви маєте право знати", "Повне повідомлення про обробку персональних даних")


def _text(response):
    return " ".join(response.content.decode().split())


def test_the_public_form_tells_who_processes_the_data_why_who_receives_it_and_the_rights(world):
    Community.objects.filter(pk=world.a.pk).update(address="м. Кам'янське, вул. Соборна, 1")
    page = _text(Client().get(f"/{world.a.slug}/request/"))
    for words in SHORT:
        assert words in page, words
    assert "Громада А" in page and "м. Кам&#x27;янське, вул. Соборна, 1" in page
    assert f'href="/{world.a.slug}/privacy/"' in page


def test_the_staff_intake_page_carries_the_notice_to_read_to_the_person(world, login):
    page = _text(login(world.users["operator"]).get("/staff/requests/new/"))
    for words in SHORT:
        assert words in page, words
    assert f'href="/{world.a.slug}/privacy/"' in page


def test_the_staff_edit_page_carries_the_notice_too(world, login):
    page = _text(login(world.users["operator"]).get(f"/staff/requests/{world.req.pk}/edit/"))
    assert "Ваші дані обробляє" in page and f'href="/{world.a.slug}/privacy/"' in page


def test_the_full_notice_page_names_the_controller_purpose_recipients_terms_and_the_rights_of_art_8(world):
    page = _text(Client().get(f"/{world.a.slug}/privacy/"))
    for words in ("Громада А", "вул. Соборна, 1", "Мета обробки", "Хто отримує ваші дані", "суб'єкти надання",
                  "Ваші права (стаття 8 Закону", "відкликати згоду", "Уповноваженого Верховної Ради України з прав людини",
                  "Скільки зберігаються дані", "Закону України «Про захист персональних даних»"):
        assert words in page, words
