"""Issue 16, "Done when": the administrator opens a crisis instruction on the laptop with no network
(it came with the day), sees the version they got, and sees the warning on a stop they declared a
conflict of interest with."""

import pytest
from playwright.sync_api import expect

from field.tests.browser_client import by, go_offline, open_client
from people import instructions
from people.models import ConflictDeclaration, Instruction

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_crisis_instruction_opens_offline_with_its_version(field_day, page, staff_login):
    w, trip, reqs = field_day
    coordinator = w.users["coordinator"]
    row = instructions.save_instruction(
        Instruction(
            community=w.a,
            kind="crisis",
            crisis="air_raid",
            title="Повітряна тривога",
            steps="Припиніть прийом і збережіть дані.\nПроведіть людину до найближчого укриття.",
            contacts="Координатор: 0 800 111 111",
        ),
        coordinator,
    )
    row.steps += "\nПісля відбою повідомте координатора."
    instructions.save_instruction(row, coordinator)  # version 2 is what the laptop gets
    instructions.save_instruction(
        Instruction(
            community=w.a,
            kind="card",
            service=w.svc_reg,
            title="Реєстрація місця проживання",
            steps="Перевірте паспорт.",
            registry="Реєстр територіальної громади",
        ),
        coordinator,
    )
    ConflictDeclaration.objects.create(
        community=w.a, user=w.users["field_admin"], kind="relative", person_name=reqs[1].applicant_name
    )

    open_client(page, staff_login, w.users["field_admin"])
    by(page, "load-day").click()
    by(page, "stop-3").wait_for()
    expect(by(page, "conflict-2")).to_contain_text("конфлікт інтересів")
    expect(by(page, "conflict-1")).to_have_count(0)

    go_offline(page)
    page.reload()  # the shell and the day come from the laptop alone
    page.wait_for_selector("[data-testid=app][data-ready='1']")
    by(page, "nav-instructions").click()
    by(page, "crisis-air_raid").click()
    expect(by(page, "instruction")).to_contain_text("Повітряна тривога")
    expect(by(page, "instruction-version")).to_contain_text("Версія 2")
    expect(by(page, "instruction-steps")).to_have_count(3)
    expect(by(page, "instruction-contacts")).to_contain_text("0 800 111 111")
    page.go_back()
    by(page, f"card-{w.svc_reg.pk}").click()
    expect(by(page, "instruction")).to_contain_text("Реєстр територіальної громади")
    assert not page.problems, page.problems
