"""The information campaign's pages (issue 15): milestones with their drafts, a draft with the
person whose story it tells and their consent, and the preparation events staff enter."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.access import staff_required
from audit.log import record_access
from visits.models import VisitRequest

from . import actions
from .forms import ConsentForm, DraftForm, PhotoForm, PreparationForm, PublishedForm
from .models import Draft, Milestone, PublicityConsent


@staff_required("campaign.manage")
@require_http_methods(["GET", "POST"])
def milestones(request):
    community = request.user.community
    form = PreparationForm(request.POST if request.method == "POST" else None, initial={"day": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            milestone = actions.record_preparation(community, d["what"], d["day"], number=d["number"], note=d["note"])
        except actions.CampaignError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, "Подію записано, чернетку допису підготовлено.")
            return redirect("campaign:draft", pk=milestone.draft.pk)
    rows = Milestone.objects.filter(community=community).select_related("draft")
    return render(request, "campaign/milestones.html", {"rows": rows, "form": form}, status=400 if form.errors else 200)


def _candidate(draft):
    """The person of the milestone's case, whose story the draft may tell with their consent."""
    pk = draft.milestone.figures.get("request_id")
    if draft.person_id or not pk:
        return None
    return VisitRequest.objects.filter(pk=pk, community=draft.milestone.community).first()


@staff_required("campaign.manage")
@require_http_methods(["GET", "POST"])
def draft(request, pk):
    draft = get_object_or_404(
        Draft.objects.select_related("milestone", "person__settlement"), pk=pk, milestone__community=request.user.community
    )
    candidate = _candidate(draft)
    edit_form = DraftForm(initial={"site_text": draft.site_text, "social_text": draft.social_text, "story": draft.story})
    consent_form = ConsentForm(initial={"given_on": timezone.localdate()})
    published_form = PublishedForm()
    action = request.POST.get("action", "")
    error = ""
    if request.method == "POST":
        try:
            if action == "save":
                edit_form = DraftForm(request.POST)
                if edit_form.is_valid():
                    d = edit_form.cleaned_data
                    actions.edit(draft, d["site_text"], d["social_text"], d["story"])
                    return _done(request, draft, "Зміни збережено.")
            elif action == "consent" and candidate:
                consent_form = ConsentForm(request.POST)
                if consent_form.is_valid():
                    d = consent_form.cleaned_data
                    actions.use_person(draft, candidate, purpose=d["purpose"], given_on=d["given_on"], taken_by=request.user)
                    if draft.edited_by_staff:
                        return _done(request, draft, "Згоду записано. Текст ви змінювали вручну, тож допишіть історію самі.")
                    return _done(request, draft, "Згоду записано, історію додано до допису.")
            elif action == "withdraw" and draft.person_id:
                consent = actions.valid_consent(draft.person)
                if consent is None:
                    raise actions.CampaignError("Чинної згоди цієї людини немає.")
                actions.withdraw(consent)
                return _done(request, draft, "Згоду відкликано.")
            elif action == "ready":
                actions.mark_ready(draft)
                return _done(request, draft, "Допис позначено як готовий.")
            elif action == "published":
                published_form = PublishedForm(request.POST)
                if published_form.is_valid():
                    actions.mark_published(draft, published_form.cleaned_data["url"])
                    return _done(request, draft, "Допис позначено як опублікований.")
            else:
                error = "Цю дію зараз виконати не можна. Оновіть сторінку."
        except actions.CampaignError as e:
            error = str(e)
        if not error:
            error = "Перевірте поля, позначені червоним."
        draft.refresh_from_db()
    for person in (draft.person, candidate):
        if person is not None:
            record_access(request, person)
    consent = actions.valid_consent(draft.person)
    consents = PublicityConsent.objects.filter(community=draft.milestone.community, person__in=_people(draft, candidate))
    consents = consents.select_related("person", "taken_by")
    return render(
        request,
        "campaign/draft.html",
        {
            "draft": draft,
            "m": draft.milestone,
            "candidate": candidate,
            "consent": consent,
            "consents": consents,
            "edit_form": edit_form,
            "consent_form": consent_form,
            "published_form": published_form,
            "photos": draft.photos.select_related("person"),
            "photo_form": PhotoForm(),
            "error": error,
        },
        status=400 if error else 200,
    )


def _people(draft, candidate):
    """Everyone the draft tells or told about: its person, the milestone's, those on its photos and
    those taken out of it (a withdrawn consent stays listed)."""
    pks = {draft.person_id, draft.milestone.figures.get("request_id")}
    pks |= set(draft.photos.values_list("person_id", flat=True))
    if candidate is not None:
        pks.add(candidate.pk)
    return [pk for pk in pks if pk]


def _done(request, draft, text):
    messages.success(request, text)
    return redirect("campaign:draft", pk=draft.pk)
