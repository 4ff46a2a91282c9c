"""Technological cards and crisis instructions (issue 16, "What the administrator carries"): edited by
staff, every edit a new version, carried offline on the laptop with the day (field/day.py), and the
version each administrator got that day recorded."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Instruction, InstructionDelivery, InstructionVersion

CONTENT_FIELDS = ("kind", "crisis", "service_id", "title", "steps", "documents", "registry", "mistakes", "contacts")


def content(instruction):
    return {f: getattr(instruction, f) for f in CONTENT_FIELDS}


@transaction.atomic
def save_instruction(instruction, by):
    """Save `instruction` as edited; a changed content is a new version, kept with who saved it."""
    previous = None
    if instruction.pk:
        previous = Instruction.objects.select_for_update().filter(pk=instruction.pk).first()
    if previous is not None and content(previous) == content(instruction) and previous.is_active == instruction.is_active:
        return instruction
    if previous is not None and content(previous) != content(instruction):
        instruction.version = previous.version + 1
    instruction.updated_at, instruction.updated_by = timezone.now(), by
    instruction.full_clean()
    instruction.save()
    InstructionVersion.objects.get_or_create(
        instruction=instruction,
        version=instruction.version,
        defaults={"content": content(instruction), "saved_by": by, "saved_at": instruction.updated_at},
    )
    return instruction


def for_day(community_id, service_ids=None):
    """The active crisis instructions of the community, and the cards of the services (all the
    community's cards when `service_ids` is None)."""
    cards = Q(kind=Instruction.Kind.CARD)
    if service_ids is not None:
        cards &= Q(service_id__in=list(service_ids))
    return list(
        Instruction.objects.filter(community_id=community_id, is_active=True)
        .filter(Q(kind=Instruction.Kind.CRISIS) | cards)
        .order_by("kind", "title", "pk")
    )


def record_delivery(user, day, instructions):
    """Record which version of each instruction `user`'s laptop got for `day` (once per version)."""
    existing = set(
        InstructionDelivery.objects.filter(user=user, day=day, instruction__in=instructions).values_list(
            "instruction_id", "version"
        )
    )
    new = [
        InstructionDelivery(user=user, day=day, instruction=i, version=i.version)
        for i in instructions
        if (i.pk, i.version) not in existing
    ]
    InstructionDelivery.objects.bulk_create(new, ignore_conflicts=True)


def had_on(user, day, instruction):
    """The instruction's content as `user` had it on `day` (the last version delivered), or None."""
    delivered = InstructionDelivery.objects.filter(user=user, day=day, instruction=instruction).order_by("-version").first()
    if delivered is None:
        return None
    row = InstructionVersion.objects.filter(instruction=instruction, version=delivered.version).first()
    return row.content if row else None
