"""The starosta's pages (issue 12): file a request for a person of their settlements, see the state of the
requests they filed with the published date, and the published schedule of their settlements — nothing
else. Every other staff page refuses them (accounts.roles: `starosta.submit` only)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import staff_required
from audit.log import VIEW, record_access_many
from communities.models import Settlement
from core.forms import parse_id
from visits import actions
from visits.forms import StarostaRequestForm
from visits.models import Channel, VisitRequest

from . import schedule
from .notices import starosta_settlements


def own_requests(user):
    """The requests this starosta filed, newest first (never anyone else's)."""
    return (
        VisitRequest.objects.for_user(user)
        .filter(created_by=user, channel=Channel.STAROSTA)
        .select_related("settlement")
        .order_by("-created_at")
    )


@staff_required("starosta.submit")
def home(request):
    settlements = starosta_settlements(request.user)
    requests = list(own_requests(request.user)[:100])
    # The page shows the names of the people they filed for: logged like any view of a person's record.
    record_access_many(request, requests, VIEW)
    dates = schedule.request_dates(requests)
    for req in requests:
        req.published_stop = dates.get(req.pk)
    return render(
        request,
        "planning/starosta/home.html",
        {
            "community": request.user.community,
            "settlements": settlements,
            "requests": requests,
            "schedules": schedule.settlement_schedules(request.user.community, settlements),
        },
    )


def _foreign_settlement(request, settlements):
    """A settlement id that exists but is not one of the starosta's: a question of access."""
    pk = parse_id(request.POST.get("settlement"))
    return pk is not None and pk not in {s.pk for s in settlements} and Settlement.objects.filter(pk=pk).exists()


@staff_required("starosta.submit")
@require_http_methods(["GET", "POST"])
def new_request(request):
    user = request.user
    settlements = starosta_settlements(user)
    if not settlements:
        messages.error(request, _("Вам ще не призначено населених пунктів. Зверніться до координатора ЦНАП."))
        return redirect("starosta:home")
    form = StarostaRequestForm(request.POST or None, starosta=user, settlements=settlements)
    status, duplicate = 200, False
    if request.method == "POST":
        if _foreign_settlement(request, settlements):
            status = 403  # the form says why; nothing is saved
        if form.is_valid():
            data = form.cleaned_data
            # The operator's duplicate check (visits.actions.find_duplicates), on the same fields.
            duplicate = bool(
                list(
                    actions.find_duplicates(
                        user.community_id,
                        name=data.get("applicant_name"),
                        birth_date=data.get("applicant_birth_date"),
                        phone=data.get("applicant_phone"),
                        settlement_id=data["settlement"].pk,
                        street=data.get("street"),
                        building=data.get("building"),
                        flat=data.get("flat"),
                    )
                )
            )
            if duplicate and not request.POST.get("not_duplicate"):
                # Whose request it is stays with the CNAP: the starosta is told only that one may exist.
                messages.warning(
                    request,
                    _(
                        "Схоже, заявка для цієї людини вже є в ЦНАП. Якщо ви впевнені, що це "
                        "інша заявка, позначте це внизу і надішліть ще раз."
                    ),
                )
            else:
                req = form.build_request(channel=Channel.STAROSTA)
                actions.create_request(req, form.service_choices(), by=user)
                messages.success(
                    request, _("Заявку %(number)s подано. Її стан і дату візиту видно на цій сторінці.") % {"number": req.number}
                )
                return redirect("starosta:home")
        else:
            messages.error(request, _("Заявку не подано: виправте позначені поля."))
    return render(
        request,
        "planning/starosta/new.html",
        {
            "form": form,
            "community": user.community,
            "settlements": settlements,
            "duplicate": duplicate,
        },
        status=status,
    )
