"""Issue 16: technological cards and crisis instructions, edited by staff, each edit a version, carried
with the day and the version each administrator had that day recorded."""

import pytest
from django.db import IntegrityError
from django.utils import timezone

from field.tests.factories import published_trip
from field.tests.syncing import day
from people import instructions
from people.models import Instruction, InstructionDelivery


def crisis(world, **fields):
    values = dict(
        community=world.a,
        kind="crisis",
        crisis="air_raid",
        title="Повітряна тривога",
        steps="1. Припиніть прийом.\n2. Проведіть людину в укриття.",
        contacts="Координатор: 0 800 111 111",
    )
    values.update(fields)
    return instructions.save_instruction(Instruction(**values), world.users["coordinator"])


def test_an_edit_is_a_new_version_and_the_old_one_is_kept(world):
    row = crisis(world)
    assert row.version == 1
    row.steps = "1. Припиніть прийом.\n2. Укриття — підвал школи."
    instructions.save_instruction(row, world.users["coordinator"])
    assert row.version == 2 and [v.version for v in row.versions.all()] == [1, 2]
    instructions.save_instruction(row, world.users["coordinator"])  # saved unchanged: no new version
    assert row.versions.count() == 2


def test_a_card_belongs_to_a_service_and_a_crisis_to_a_situation(world):
    with pytest.raises(IntegrityError):
        Instruction.objects.create(community=world.a, kind="card", title="Без послуги", steps="…")


def test_the_day_carries_the_instructions_and_records_the_version_each_administrator_had(world, login):
    published_trip(world)
    row = crisis(world)
    card = instructions.save_instruction(
        Instruction(
            community=world.a,
            kind="card",
            service=world.svc_reg,
            title="Реєстрація місця проживання",
            steps="Перевірте паспорт.",
            registry="Реєстр територіальної громади",
            mistakes="Не та адреса.",
        ),
        world.users["coordinator"],
    )
    crisis(world, community=world.b, title="Чужа")  # another community's: never on this laptop
    client = login(world.users["field_admin"])
    body = day(client).json()
    shown = {i["title"]: i for i in body["instructions"]}
    assert set(shown) == {"Повітряна тривога", "Реєстрація місця проживання"}
    assert shown["Реєстрація місця проживання"]["service_id"] == world.svc_reg.pk
    assert shown["Повітряна тривога"]["version"] == 1
    row.steps = "Нова редакція."
    instructions.save_instruction(row, world.users["coordinator"])
    day(client)
    today = timezone.localdate()
    delivered = set(
        InstructionDelivery.objects.filter(user=world.users["field_admin"], day=today).values_list("instruction_id", "version")
    )
    assert delivered == {(row.pk, 1), (row.pk, 2), (card.pk, 1)}
    assert instructions.had_on(world.users["field_admin"], today, row)["steps"] == "Нова редакція."
