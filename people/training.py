"""Training records (issue 16): who trained whom, when, on what."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Training


def check_dates(held_on, refresh_by=None, today=None):
    """The messages for dates that cannot be (a training in the future), keyed by field."""
    today = today or timezone.localdate()
    errors = {}
    if held_on is not None and held_on > today:
        errors["held_on"] = _(
            "Дата навчання %(d)s ще не настала. Записуйте навчання після того, як воно відбулося; вкажіть справжню дату."
        ) % {"d": held_on.strftime("%d.%m.%Y")}
    if held_on is not None and refresh_by is not None and refresh_by <= held_on:
        errors["refresh_by"] = _("Повторне навчання має бути пізніше за саме навчання.")
    return errors


def record_training(*, community, trainee, topic, held_on, trainer=None, trainer_name="", topic_note="", refresh_by=None):
    """Record a training; a date in the future or a person of another community is refused (nothing saved)."""
    errors = check_dates(held_on, refresh_by)
    if trainee.community_id != community.pk or (trainer is not None and trainer.community_id != community.pk):
        errors["trainee"] = _("Ця людина працює в іншій громаді.")
    if errors:
        raise ValidationError(errors)
    training = Training(
        community=community,
        trainee=trainee,
        trainer=trainer,
        trainer_name=trainer_name.strip(),
        topic=topic,
        topic_note=topic_note.strip(),
        held_on=held_on,
        refresh_by=refresh_by,
    )
    training.full_clean()
    training.save()
    return training
