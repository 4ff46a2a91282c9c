from django.contrib.auth.models import AbstractUser
from django.db import models
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

    class Meta:
        verbose_name = _("працівник")
        verbose_name_plural = _("працівники")

    def __str__(self):
        return self.get_full_name() or self.username
