"""The dashboard's weekly roll-up (issue 14: a community-year in ≤ 1 s at 200,000 cases).

A closed week's partial counts of the figures that read a year of cases and visits are kept in
`WeekPartial`; a change to a case, a visit, an accepted service or a request's settlement or category
writes a `StaleWeek` mark for each week it touches (old and new dates), in the same transaction as the
change, and the next dashboard counts those weeks again (indicators/rollup.py).
"""

from django.db import models


class WeekPartial(models.Model):
    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="+")
    monday = models.DateField()
    # {figure key: that figure's partial counts for the week} (indicators.rollup.FIGURES).
    data = models.JSONField()
    computed_at = models.DateTimeField()

    class Meta:
        constraints = (models.UniqueConstraint(fields=["community", "monday"], name="indicators_one_partial_per_week"),)

    def __str__(self):
        return f"{self.community_id} {self.monday}"


class StaleWeek(models.Model):
    """A week whose stored partial no longer holds: counted again at the next dashboard. The reader
    deletes only the marks it read before counting, so a change committed meanwhile keeps its mark."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="+")
    monday = models.DateField()

    class Meta:
        indexes = (models.Index(fields=["community", "monday"], name="indicators_stale_week"),)

    def __str__(self):
        return f"{self.community_id} {self.monday}"
