"""Reminders the worker raises for staff (issue 16): refresher training coming due. Each is a
`StaffReminder` with a `ref` naming its occasion, so any number of runs raises it once. It goes to
the community's responsible person for intake and schedule (who plans the people), else to the
coordinators (assignee empty)."""

import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ResponsibleArea, StaffReminder, Training
from .responsible import responsible

REFRESH_NOTICE_DAYS = 30


def due_refreshers(today):
    """Trainings whose refresher is due within REFRESH_NOTICE_DAYS (or overdue) and not yet repeated."""
    newer = Training.objects.filter(trainee=OuterRef("trainee"), topic=OuterRef("topic"), held_on__gt=OuterRef("held_on"))
    return (
        Training.objects.filter(refresh_by__isnull=False, refresh_by__lte=today + datetime.timedelta(days=REFRESH_NOTICE_DAYS))
        .exclude(Exists(newer))
        .select_related("trainee", "community")
        .order_by("refresh_by", "pk")
    )


def remind_refreshers(now=None):
    """The worker's check (VALIZA_WORKER_CHECKS): one reminder per training due. Returns how many were raised."""
    today = timezone.localdate(now or timezone.now())
    raised = 0
    assignees = {}
    for training in due_refreshers(today):
        community_id = training.community_id
        if community_id not in assignees:
            assignees[community_id] = responsible(community_id, ResponsibleArea.INTAKE)
        text = _("%(who)s: повторне навчання «%(topic)s» потрібне до %(d)s (попереднє — %(held)s).") % {
            "who": training.trainee.get_full_name() or training.trainee.username,
            "topic": training.get_topic_display(),
            "d": training.refresh_by.strftime("%d.%m.%Y"),
            "held": training.held_on.strftime("%d.%m.%Y"),
        }
        _row, created = StaffReminder.objects.get_or_create(
            ref=f"training:{training.pk}:refresh:{training.refresh_by.isoformat()}",
            defaults={"community_id": community_id, "assignee": assignees[community_id], "text": text[:500]},
        )
        raised += created
    return raised
