from django import forms
from django.contrib import admin

from . import instructions, training
from .models import (
    AuthorisationOrder,
    ConflictDeclaration,
    Instruction,
    InstructionVersion,
    ResponsiblePerson,
    StaffReminder,
    Training,
)


@admin.register(AuthorisationOrder)
class AuthorisationOrderAdmin(admin.ModelAdmin):
    list_display = ["user", "number", "issued_on", "acknowledged_on", "valid_until", "revoked_at", "community"]
    list_filter = ["community"]
    filter_horizontal = ["scope"]
    readonly_fields = ["revoked_by"]

    def save_model(self, request, obj, form, change):
        if obj.revoked_at is not None and obj.revoked_by_id is None:
            obj.revoked_by = request.user
        super().save_model(request, obj, form, change)


class TrainingForm(forms.ModelForm):
    class Meta:
        model = Training
        fields = ["community", "trainee", "trainer", "trainer_name", "topic", "topic_note", "held_on", "refresh_by"]

    def clean(self):
        cleaned = super().clean()
        for name, message in training.check_dates(cleaned.get("held_on"), cleaned.get("refresh_by")).items():
            self.add_error(name, message)
        return cleaned


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    form = TrainingForm
    list_display = ["trainee", "topic", "held_on", "trainer", "trainer_name", "refresh_by", "community"]
    list_filter = ["community", "topic"]


@admin.register(ResponsiblePerson)
class ResponsiblePersonAdmin(admin.ModelAdmin):
    list_display = ["area", "user", "community"]
    list_filter = ["community"]


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "__str__", "declared_on", "community"]
    list_filter = ["community", "kind"]


class InstructionVersionInline(admin.TabularInline):
    model = InstructionVersion
    fields = ["version", "saved_at", "saved_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Instruction)
class InstructionAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "service", "crisis", "version", "updated_at", "is_active", "community"]
    list_filter = ["community", "kind"]
    readonly_fields = ["version", "updated_at", "updated_by"]
    inlines = [InstructionVersionInline]

    def save_model(self, request, obj, form, change):
        # Every edit is a version the laptops may have carried: through the action, never a plain save.
        instructions.save_instruction(obj, request.user)


@admin.register(StaffReminder)
class StaffReminderAdmin(admin.ModelAdmin):
    list_display = ["text", "assignee", "created_at", "done_at", "community"]
    list_filter = ["community"]
