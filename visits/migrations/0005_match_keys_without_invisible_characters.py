"""Match keys computed again now that core.text.match_key drops invisible characters (issue 9): a
request stored with a zero-width space in its name must match the same name typed without one.
The names themselves are left as they were stored."""

from django.db import migrations


def recompute(apps, schema_editor):
    from core.text import match_key
    from visits.models import address_key

    VisitRequest = apps.get_model("visits", "VisitRequest")
    for req in VisitRequest.objects.only("pk", "applicant_name", "settlement_id", "street", "building", "flat",
                                         "name_key", "address_key").iterator(chunk_size=500):
        name = match_key(req.applicant_name)
        address = address_key(req.settlement_id, req.street, req.building, req.flat)
        if (name, address) != (req.name_key, req.address_key):
            VisitRequest.objects.filter(pk=req.pk).update(name_key=name, address_key=address)


class Migration(migrations.Migration):
    dependencies = [("visits", "0004_request_version")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
