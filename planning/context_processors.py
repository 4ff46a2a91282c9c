"""The coordinator's reminders for the coming week, shown on every staff page (issue 10)."""

from django.utils.functional import SimpleLazyObject

from accounts.roles import has_capability


def coordinator_reminders(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "community_id", None) \
            or not has_capability(user, "planning.manage"):
        return {}
    from . import actions

    # Read only when a page shows it (base.html does, for those who plan).
    return {"planning_reminders": SimpleLazyObject(lambda: actions.coordinator_reminders(user.community))}
