"""Photos of a draft post (issue 15): added and removed on the draft page, shown only to the
campaign's staff of the draft's community, never from a public address."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_POST

from accounts.access import staff_required
from audit.log import record_access
from core.files import private_file
from visits.models import VisitRequest

from . import photos
from .actions import CampaignError
from .forms import PhotoForm
from .models import Draft, DraftPhoto


def _photo(request, pk):
    return get_object_or_404(
        DraftPhoto.objects.select_related("draft__milestone", "person"),
        pk=pk,
        draft__milestone__community=request.user.community,
    )


@staff_required("campaign.manage")
@require_POST
def photo_add(request, pk):
    draft = get_object_or_404(Draft.objects.select_related("milestone"), pk=pk, milestone__community=request.user.community)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("campaign:draft", pk=draft.pk)
    person = None
    if form.cleaned_data["shows_person"]:
        pk_ = draft.person_id or draft.milestone.figures.get("request_id")
        person = VisitRequest.objects.filter(pk=pk_, community=request.user.community).first() if pk_ else None
    try:
        photos.add_photo(
            draft, form.cleaned_data["image"], person=person, caption=form.cleaned_data["caption"], user=request.user
        )
    except CampaignError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, "Фото додано.")
    return redirect("campaign:draft", pk=draft.pk)


@staff_required("campaign.manage")
@require_POST
def photo_remove(request, pk):
    photo = _photo(request, pk)
    draft_pk = photo.draft_id
    if request.POST.get("remove") != "1":  # only the page's own button removes
        messages.error(request, "Фото не видалено: натисніть кнопку «Видалити фото» під ним.")
        return redirect("campaign:draft", pk=draft_pk)
    try:
        photos.remove_photo(photo)
    except CampaignError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, "Фото видалено.")
    return redirect("campaign:draft", pk=draft_pk)


@staff_required("campaign.manage")
@require_GET
def photo_file(request, pk):
    photo = _photo(request, pk)
    if photo.person is not None:
        record_access(request, photo.person)
    return private_file(request, photo.file, content_type=photo.content_type, filename=photo.file.name.rsplit("/", 1)[-1])
