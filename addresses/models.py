from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Ukraine with a margin (44.38–52.38 N, 22.14–40.23 E): a point outside is a typo, and as the two
# ranges do not overlap, a point whose latitude and longitude fall in each other's range was swapped.
LAT_RANGE = (44.0, 52.5)
LON_RANGE = (22.0, 40.5)


def in_ukraine(lat, lon):
    return LAT_RANGE[0] <= float(lat) <= LAT_RANGE[1] and LON_RANGE[0] <= float(lon) <= LON_RANGE[1]


class LocationSource(models.TextChoices):
    """Where a request's point came from (visits.VisitRequest.location_source)."""

    NONE = "", _("Не визначено")
    REGISTER = "register", _("Адресний реєстр громади")
    GEOCODER = "geocoder", _("Геокодер")
    SETTLEMENT = "settlement", _("Центр населеного пункту (приблизно)")
    MANUAL = "manual", _("Позначено вручну")


class AddressPointQuerySet(models.QuerySet):
    def for_user(self, user):
        if not getattr(user, "community_id", None):
            return self.none()
        return self.filter(community_id=user.community_id)


class AddressPoint(models.Model):
    """One house of the community's address register (`manage.py import_addresses`), with its point."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="+")
    settlement = models.ForeignKey(
        "communities.Settlement", verbose_name=_("населений пункт"), on_delete=models.CASCADE, related_name="+"
    )
    street = models.CharField(_("вулиця"), max_length=200)
    house = models.CharField(_("будинок"), max_length=40)
    # addresses.normalise.address_key: settlement | street type | street name | house.
    key = models.CharField(max_length=300, editable=False)
    # The street's name without its type, for a request that names no type ("Шевченка, 5").
    street_key = models.CharField(max_length=200, editable=False)
    house_key = models.CharField(max_length=40, editable=False)
    latitude = models.DecimalField(_("широта"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("довгота"), max_digits=9, decimal_places=6)
    source = models.CharField(_("джерело"), max_length=200, blank=True)
    imported_at = models.DateTimeField(_("імпортовано"), default=timezone.now)

    objects = AddressPointQuerySet.as_manager()

    class Meta:
        verbose_name = _("адреса реєстру")
        verbose_name_plural = _("адресний реєстр")
        constraints = [models.UniqueConstraint(fields=["community", "key"], name="address_point_unique_key")]
        indexes = [models.Index(fields=["settlement", "street_key", "house_key"])]

    def __str__(self):
        return f"{self.settlement}, {self.street}, {self.house}"
