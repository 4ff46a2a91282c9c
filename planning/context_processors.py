"""The coordinator's reminders for the coming week, shown on the staff home and the board (issue 10)."""

from django.utils.functional import SimpleLazyObject

from accounts.roles import has_capability

# The pages a coordinator starts from: their staff home (the requests list) and the planning board.
# Not every page: the banner costs a few queries.
SHOWN_ON = {"visits:list", "planning:board", "accounts:home"}


def coordinator_reminders(request):
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name not in SHOWN_ON:
        return {}
    if user is None or not user.is_authenticated or not getattr(user, "community_id", None) \
            or not has_capability(user, "planning.manage"):
        return {}
    from . import actions

    # Read only when a page shows it (base.html does, for those who plan).
    return {"planning_reminders": SimpleLazyObject(lambda: actions.coordinator_reminders(user.community))}
