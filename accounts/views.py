from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils import timezone

from .access import login_only, public
from .forms import LoginForm
from .roles import has_capability

login = public(auth_views.LoginView.as_view(
    template_name="accounts/login.html", authentication_form=LoginForm, redirect_authenticated_user=True
))
logout = public(auth_views.LogoutView.as_view())


@login_only
def home(request):
    """Send each role to its work; roles whose pages come later see what they can do now."""
    if has_capability(request.user, "requests.view"):
        return redirect("visits:list")
    trips = []
    if has_capability(request.user, "planning.sheet"):
        from planning.models import Plan, Trip

        trips = (
            Trip.objects.filter(team__members=request.user, plan__state=Plan.State.PUBLISHED,
                                day__gte=timezone.localdate(), plan__week__community_id=request.user.community_id)
            .select_related("team").order_by("day")[:20]
        )
    return render(request, "accounts/home.html", {"trips": trips})
