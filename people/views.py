"""The coordinator's page of the mobile workplace's people (issue 16): orders (revoke one), training
and refreshers due, responsible persons, cards and crisis instructions (edit one: a new version)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import staff_required

from . import authorisation, instructions, training
from .forms import ConflictForm, InstructionForm, RevokeForm, TrainingForm
from .models import AuthorisationOrder, ConflictDeclaration, Instruction, ResponsiblePerson, StaffReminder, Training


def _state(order, today):
    if order.revoked_at is not None:
        return _("скасовано %(d)s") % {"d": timezone.localtime(order.revoked_at).strftime("%d.%m.%Y %H:%M")}
    if order.acknowledged_on is None:
        return _("не підписано")
    if order.valid_until is not None and order.valid_until < today:
        return _("строк закінчився")
    if order.issued_on > today:
        return _("ще не чинний")
    return _("чинний")


@staff_required("people.manage")
def index(request):
    community_id = request.user.community_id
    edited = None
    wanted = request.GET.get("instruction") or request.POST.get("instruction")
    if wanted and str(wanted).isdigit():
        edited = Instruction.objects.filter(community_id=community_id, pk=int(wanted)).first()
    revoke_form = RevokeForm(community_id=community_id)
    instruction_form = InstructionForm(instance=edited, community_id=community_id)
    training_form = TrainingForm(community_id=community_id)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "revoke":
            revoke_form = RevokeForm(request.POST, community_id=community_id)
            if revoke_form.is_valid():
                order = revoke_form.cleaned_data["order"]
                authorisation.revoke(order, request.user, revoke_form.cleaned_data["reason"])
                messages.success(
                    request,
                    _(
                        "Наказ скасовано. Ноутбук працівника більше не прийматиме від нього нової "
                        "роботи; зроблене раніше чекатиме вашого рішення."
                    ),
                )
                return redirect("people:index")
        elif action == "instruction":
            instance = edited or Instruction(community_id=community_id)
            instruction_form = InstructionForm(request.POST, instance=instance, community_id=community_id)
            if instruction_form.is_valid():
                saved = instructions.save_instruction(instruction_form.save(commit=False), request.user)
                messages.success(
                    request,
                    _("Інструкцію збережено (версія %(v)s). Ноутбуки отримають її з наступним завантаженням виїздів.")
                    % {"v": saved.version},
                )
                return redirect("people:index")
        elif action == "training":
            training_form = TrainingForm(request.POST, community_id=community_id)
            if training_form.is_valid():
                data = training_form.cleaned_data
                try:
                    training.record_training(community=request.user.community, **data)
                except ValidationError as exc:
                    for field, errors in exc.message_dict.items():
                        training_form.add_error(field if field in training_form.fields else None, errors)
                else:
                    messages.success(request, _("Навчання записано."))
                    return redirect("people:index")
        else:
            messages.error(request, _("Не зрозуміло, що зробити. Оберіть дію на сторінці ще раз."))
            return redirect("people:index")
    today = timezone.localdate()
    orders = list(
        AuthorisationOrder.objects.filter(community_id=community_id)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "-issued_on")[:300]
    )
    return render(
        request,
        "people/index.html",
        {
            "orders": [(o, _state(o, today)) for o in orders],
            "required": authorisation.required(request.user.community),
            "trainings": Training.objects.filter(community_id=community_id).select_related("trainee", "trainer")[:100],
            "reminders": StaffReminder.objects.filter(community_id=community_id, done_at__isnull=True).select_related("assignee")[
                :100
            ],
            "conflicts": ConflictDeclaration.objects.filter(community_id=community_id).select_related(
                "user", "settlement")[:300],
            "responsible": ResponsiblePerson.objects.filter(community_id=community_id).select_related("user"),
            "instructions": Instruction.objects.filter(community_id=community_id).select_related("service"),
            "revoke_form": revoke_form,
            "instruction_form": instruction_form,
            "training_form": training_form,
            "edited": edited,
        },
    )


@staff_required("people.declare")
def my_conflicts(request):
    """The staff member's own conflicts of interest: the planner does not send them there, the laptop warns.
    Only one's own declarations are shown and removed; the coordinator sees all on the people page."""
    mine = ConflictDeclaration.objects.filter(user=request.user, community_id=request.user.community_id)
    form = ConflictForm(user=request.user)
    if request.method == "POST":
        if request.POST.get("action") == "remove":
            pk = request.POST.get("pk", "")
            removed, _detail = mine.filter(pk=int(pk) if pk.isdigit() else None).delete()
            if removed:
                messages.success(request, _("Запис видалено."))
            else:
                messages.error(request, _("Такого запису немає серед ваших."))
            return redirect("people:my_conflicts")
        form = ConflictForm(request.POST, user=request.user)
        if form.is_valid():
            form.save()
            messages.success(request, _("Записано. Планувальник не направлятиме вас за цією адресою чи до цієї людини."))
            return redirect("people:my_conflicts")
    return render(request, "people/my_conflicts.html", {"form": form, "mine": mine.select_related("settlement")})
