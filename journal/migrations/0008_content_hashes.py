"""Content hashes for the journal (issue 11): the link covers a digest of the payload's salted field hashes,
so a person's data can be removed after its term and the chain still verifies (journal/chain.py).

Existing chains: each community's chain is first checked by the old formula; only a chain that verifies is
re-hashed (salts, content hashes, links and the head). A chain that does not verify is left exactly as it
was, so `verify_journal` still reports the same broken entry. The formulas are copied here on purpose: a
migration must not change when journal/chain.py does.
"""

import hashlib
import json
import secrets
from datetime import UTC

from django.db import migrations, models


def _canonical(payload):
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _sha256(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _ts(value):
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def rehash(apps, schema_editor):
    Entry = apps.get_model("journal", "JournalEntry")
    Head = apps.get_model("journal", "JournalChainHead")
    for community_id in Entry.objects.values_list("community_id", flat=True).distinct().order_by("community_id"):
        entries = list(Entry.objects.filter(community_id=community_id).order_by("sequence"))
        prev, ok = "", True
        for n, e in enumerate(entries, 1):
            text = f"{prev}\n{_canonical(e.payload)}\n{_ts(e.recorded_at)}\n{e.sequence}"
            if e.sequence != n or e.prev_hash != prev or _sha256(text) != e.hash:
                ok = False
                break
            prev = e.hash
        head = Head.objects.filter(community_id=community_id).first()
        if not ok or head is None or (head.last_sequence, head.last_hash) != (len(entries), prev):
            continue
        prev = ""
        for e in entries:
            salts = {key: secrets.token_hex(16) for key in e.payload}
            fields = {key: _sha256(f"{salts[key]}\n{key}\n{_canonical(value)}") for key, value in e.payload.items()}
            digest = _sha256(_canonical(fields))
            link = _sha256(f"{prev}\n{digest}\n{_ts(e.recorded_at)}\n{e.sequence}")
            Entry.objects.filter(pk=e.pk).update(salts=salts, content_hash=digest, prev_hash=prev, hash=link)
            prev = link
        Head.objects.filter(community_id=community_id).update(last_hash=prev)


class Migration(migrations.Migration):

    dependencies = [
        ('journal', '0007_true_dates_terms_and_register'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='anonymised_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='journalentry',
            name='content_hash',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name='journalentry',
            name='removed',
            field=models.JSONField(default=dict),
        ),
        migrations.AddField(
            model_name='journalentry',
            name='salts',
            field=models.JSONField(default=dict),
        ),
        migrations.RunPython(rehash, migrations.RunPython.noop),
    ]
