from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import changes
from .models import AccessChange, User

# A device made here would let whoever made it pass someone's second factor, unrecorded: the admin only
# resets a person's second factor (an action below, recorded); the person sets up their app themselves.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


def _refusing_own_access(form_class, request):
    """The admin's user form, refusing a change to one's own role, community, provider or rights."""

    class Form(form_class):
        def clean(self):
            cleaned = super().clean()
            changes.check_not_own_access(request.user, self.instance, self.changed_data)
            # A starosta's settlements are of their own community (issue 12).
            community, settlements = cleaned.get("community"), cleaned.get("settlements") or []
            if any(community is None or s.community_id != community.pk for s in settlements):
                self.add_error("settlements", _("Оберіть населені пункти громади цього працівника."))
            return cleaned

    return Form


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "community", "role", "is_active"]
    list_filter = ["community", "role", "is_active"]
    fieldsets = BaseUserAdmin.fieldsets + (("Валіза", {"fields": ["community", "role", "provider", "phone", "settlements"]}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("Валіза", {"fields": ["community", "role", "provider"]}),)
    actions = ["reset_second_factor"]
    filter_horizontal = ["settlements"]

    def get_form(self, request, obj=None, **kwargs):
        return _refusing_own_access(super().get_form(request, obj, **kwargs), request)

    def save_model(self, request, obj, form, change):
        # Recorded as the administrator's, and checked again where the row is written.
        with changes.acting(request.user, obj):
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # A starosta's settlements are saved here (many-to-many), after the row: recorded like a role change.
        before = changes.settlement_names(form.instance) if change else ""
        super().save_related(request, form, formsets, change)
        changes.record_settlements(form.instance, before, by=request.user)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302 and response.url != request.get_full_path():
            changes.record_password_set(self.get_object(request, id), by=request.user)
        return response

    @admin.action(description=_("Скинути підтвердження входу (застосунок і резервні коди)"))
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            changes.reset_second_factor(user, by=request.user)
        self.message_user(request, _("Підтвердження входу скинуто. Під час наступного входу людина налаштує "
                                     "застосунок заново."), messages.SUCCESS)


@admin.register(AccessChange)
class AccessChangeAdmin(admin.ModelAdmin):
    """Read only: the record of who changed whose access."""

    list_display = ["at", "by_username", "username", "what", "before", "after"]
    list_filter = ["what"]
    search_fields = ["username", "by_username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
