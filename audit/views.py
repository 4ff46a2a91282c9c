from django.shortcuts import render

from accounts.access import staff_required
from core.paging import CappedPaginator

from .log import ACTION_LABELS
from .models import AccessLog


@staff_required("audit.view")
def access_log(request):
    qs = AccessLog.objects.filter(community_id=request.user.community_id).select_related("user")
    page = CappedPaginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "audit/access_log.html", {"page": page, "labels": ACTION_LABELS})
