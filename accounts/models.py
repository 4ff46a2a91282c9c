from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import roles


class User(AbstractUser):
    """A member of staff. Citizens have no accounts."""

    community = models.ForeignKey(
        "communities.Community",
        verbose_name=_("громада"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("Порожньо лише для системного адміністратора."),
    )
    role = models.CharField(_("роль"), max_length=20, choices=roles.ROLE_CHOICES)
    provider = models.ForeignKey(
        "catalogue.Provider",
        verbose_name=_("суб'єкт надання (для фахівця-партнера)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    phone = models.CharField(_("телефон"), max_length=20, blank=True)
    # A starosta (village head) files requests for the people of these settlements of their community
    # and sees their published schedule (issue 12); other roles leave it empty.
    settlements = models.ManyToManyField(
        "communities.Settlement", verbose_name=_("населені пункти (для старости)"), blank=True,
        related_name="starostas",
    )

    class Meta:
        verbose_name = _("працівник")
        verbose_name_plural = _("працівники")

    def __str__(self):
        return self.get_full_name() or self.username

    def save(self, *args, **kwargs):
        # Who may see what changes here, by whatever path (the admin site, a script, the shell): the
        # change is recorded (accounts/changes.py) and, when the caller says who acts, granting oneself a
        # role, a community or admin rights is refused.
        from . import changes

        tracked = changes.touches_access(kwargs.get("update_fields"))
        before = changes.stored_access(self) if tracked else None
        by = getattr(self, "_access_changed_by", None)
        if tracked and by is not None:
            changes.check_not_own_access(by, self, changes.changed_fields(self, before))
        super().save(*args, **kwargs)
        if tracked:
            changes.record(self, before, by=by)


class AccessChange(models.Model):
    """A change to a staff account that decides what it may see or do: created, its role, community,
    provider, admin rights or activity changed, its password set or its second factor reset by someone
    else. Shown to the community's coordinator (`/staff/team-changes/`); never edited."""

    class What(models.TextChoices):
        CREATED = "created", _("обліковий запис створено")
        ROLE = "role", _("роль")
        COMMUNITY = "community", _("громада")
        PROVIDER = "provider", _("суб'єкт надання")
        STAFF = "is_staff", _("доступ до налаштувань (адмін-сайт)")
        SUPERUSER = "is_superuser", _("усі права в налаштуваннях")
        ACTIVE = "is_active", _("обліковий запис діє")
        PASSWORD = "password", _("пароль задано іншою людиною")
        SECOND_FACTOR = "second_factor", _("підтвердження входу скинуто")
        SETTLEMENTS = "settlements", _("населені пункти старости")

    at = models.DateTimeField(_("коли"), default=timezone.now, db_index=True)
    by = models.ForeignKey(User, verbose_name=_("хто змінив"), null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")
    by_username = models.CharField(max_length=150, blank=True)
    user = models.ForeignKey(User, verbose_name=_("чий обліковий запис"), null=True, on_delete=models.SET_NULL,
                             related_name="access_changes")
    username = models.CharField(max_length=150)
    what = models.CharField(_("що"), max_length=20, choices=What.choices)
    before = models.CharField(_("було"), max_length=200, blank=True)
    after = models.CharField(_("стало"), max_length=200, blank=True)
    # Both communities see a move between them.
    community_before = models.ForeignKey("communities.Community", null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="+")
    community_after = models.ForeignKey("communities.Community", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("зміна доступу")
        verbose_name_plural = _("зміни доступу")
        indexes = [models.Index(fields=["community_after", "-at"]), models.Index(fields=["community_before", "-at"])]
