"""The coordinator's view of the SMS outbox: what was sent, what waits, what failed and why."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import staff_required
from accounts.roles import has_capability

from . import outbox
from .forms import RetryForm
from .models import OutboxMessage, State

PAGE_SIZE = 50


@staff_required("outbox.view")
def outbox_list(request):
    messages_qs = OutboxMessage.objects.for_user(request.user).select_related("retried_by")
    state = request.GET.get("state", "")
    if state not in State.values:
        state = ""
    shown = messages_qs.filter(state=state) if state else messages_qs
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    can_retry = has_capability(request.user, "outbox.retry")
    rows = [(m, RetryForm(message=m) if can_retry and m.can_retry else None) for m in page.object_list]
    counts = dict(messages_qs.order_by().values_list("state").annotate(n=Count("id")))
    return render(request, "notifications/outbox.html", {
        "page": page, "rows": rows, "state": state, "query": f"state={state}" if state else "",
        "tabs": [(value, label, counts.get(value, 0)) for value, label in State.choices],
    })


@staff_required("outbox.retry")
@require_POST
def outbox_retry(request, pk):
    # Another community's message answers 404, exactly like one that does not exist.
    message = get_object_or_404(OutboxMessage.objects.for_user(request.user), pk=pk)
    form = RetryForm(request.POST, message=message)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("confirm", [])))
    else:
        try:
            outbox.retry(message, by=request.user, confirm=form.cleaned_data.get("confirm", False))
        except outbox.OutboxError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Повідомлення для %(phone)s знову в черзі.")
                             % {"phone": message.recipient})
    url = reverse("notifications:outbox")
    state = request.POST.get("state", "")
    return redirect(f"{url}?state={state}" if state in State.values else url)
