"""Issue 16: training records (who trained whom, when, on what) and refresher reminders, raised once."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from people import reminders, training
from people.admin import TrainingForm
from people.models import ResponsiblePerson, StaffReminder, Training


def test_a_training_is_recorded_with_who_trained_whom(world):
    today = timezone.localdate()
    row = training.record_training(
        community=world.a,
        trainee=world.users["field_admin"],
        trainer=world.users["coordinator"],
        topic=Training.Topic.SIGN_LANGUAGE,
        held_on=today,
        refresh_by=today + datetime.timedelta(days=365),
    )
    assert row.trainer == world.users["coordinator"] and row.get_topic_display() == "жестова мова"


def test_a_training_date_in_the_future_is_refused_and_nothing_saved(world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        training.record_training(
            community=world.a, trainee=world.users["field_admin"], topic=Training.Topic.FIRST_AID, held_on=tomorrow
        )
    assert "ще не настала" in str(refused.value.message_dict["held_on"])
    assert not Training.objects.exists()


def test_the_admin_form_refuses_a_future_date_too(world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    form = TrainingForm(
        data={
            "community": world.a.pk,
            "trainee": world.users["field_admin"].pk,
            "topic": "safety",
            "held_on": tomorrow.isoformat(),
        }
    )
    assert not form.is_valid() and "ще не настала" in str(form.errors["held_on"])


def test_a_trainee_of_another_community_is_refused(world):
    with pytest.raises(ValidationError):
        training.record_training(community=world.a, trainee=world.b_coordinator, topic="safety", held_on=timezone.localdate())


def test_a_refresher_due_is_reminded_once_to_the_responsible_person(world):
    today = timezone.localdate()
    ResponsiblePerson.objects.create(community=world.a, area="intake", user=world.users["operator"])
    due = Training.objects.create(
        community=world.a,
        trainee=world.users["field_admin"],
        topic="first_aid",
        held_on=today - datetime.timedelta(days=350),
        refresh_by=today + datetime.timedelta(days=15),
    )
    Training.objects.create(
        community=world.a,
        trainee=world.users["partner"],
        topic="first_aid",
        held_on=today - datetime.timedelta(days=10),
        refresh_by=today + datetime.timedelta(days=355),
    )
    assert reminders.remind_refreshers() == 1
    assert reminders.remind_refreshers() == 0  # the worker runs again: nothing new
    reminder = StaffReminder.objects.get()
    assert reminder.assignee == world.users["operator"] and "домедична допомога" in reminder.text
    assert due.refresh_by.strftime("%d.%m.%Y") in reminder.text


def test_a_refresher_already_taken_is_not_reminded(world):
    today = timezone.localdate()
    Training.objects.create(
        community=world.a,
        trainee=world.users["field_admin"],
        topic="safety",
        held_on=today - datetime.timedelta(days=400),
        refresh_by=today - datetime.timedelta(days=35),
    )
    Training.objects.create(
        community=world.a, trainee=world.users["field_admin"], topic="safety", held_on=today - datetime.timedelta(days=30)
    )
    assert reminders.remind_refreshers() == 0


def test_without_a_responsible_person_the_reminder_is_for_the_coordinators(world):
    today = timezone.localdate()
    Training.objects.create(
        community=world.a,
        trainee=world.users["field_admin"],
        topic="safety",
        held_on=today - datetime.timedelta(days=400),
        refresh_by=today,
    )
    reminders.remind_refreshers()
    assert StaffReminder.objects.get().assignee is None


def test_the_responsible_person_is_shown_where_their_work_is(world, login):
    ResponsiblePerson.objects.create(community=world.a, area="results", user=world.users["operator"])
    client = login(world.users["coordinator"])
    journal = client.get("/staff/journal/").content.decode()
    assert "Відповідальна особа (результати послуг): Operator" in journal
    assert "Відповідальна особа" not in client.get("/staff/planning/").content.decode()  # nobody named for intake
