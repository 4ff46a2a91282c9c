# Issue 17: the journal's "due today" and "late" counts and pages read the open cases of a community from this
# index alone instead of a sequential scan of a million cases (or thousands of open cases in the heap).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0011_indicator_periods"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("state__in", ("accepted", "handed_over"))),
                fields=["community", "-accepted_at", "-id"],
                include=["state", "handover_due", "provider_due"],
                name="journal_case_open_newest",
            ),
        ),
    ]
