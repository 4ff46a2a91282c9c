"""Pages of the project itself rather than of one app."""

from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.access import login_only
from accounts.roles import has_capability
from planning.models import Plan, Trip
from teams import rosters


@login_only
def home(request):
    """Send each role to its work; roles whose pages come later see what they can do now."""
    if has_capability(request.user, "requests.view"):
        return redirect("visits:list")
    if has_capability(request.user, "quality.survey"):
        return redirect("quality:queue")
    if has_capability(request.user, "starosta.submit"):
        return redirect("starosta:home")
    if has_capability(request.user, "campaign.manage"):
        return redirect("campaign:milestones")
    trips = []
    if has_capability(request.user, "planning.sheet"):
        trips = (
            # The trips the person travels with on their day: a substitute's too, not those on leave.
            Trip.objects.filter(rosters.travels_with_q(request.user), plan__state=Plan.State.PUBLISHED,
                                day__gte=timezone.localdate(), plan__week__community_id=request.user.community_id)
            .select_related("team").order_by("day")[:20]
        )
    return render(request, "home.html", {"trips": trips})
