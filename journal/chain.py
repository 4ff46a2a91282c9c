"""The journal's hash chain: appending an entry and checking a chain end to end.

Each entry's hash covers the previous entry's hash, so changing, removing or reordering any
entry breaks every link after it; the chain head remembers the last hash, so cutting entries
off the end breaks it too. The hash is over text we build ourselves (canonical JSON, UTC time,
the sequence), never over what a database returns, so it verifies the same on SQLite and
PostgreSQL.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from django.db import transaction
from django.utils import timezone

from .models import JournalChainHead, JournalEntry


def canonical(payload):
    """The one text form of a payload: sorted keys, no spaces, Ukrainian letters as they are."""
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def timestamp(value):
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def entry_hash(prev_hash, payload, recorded_at, sequence):
    text = f"{prev_hash}\n{canonical(payload)}\n{timestamp(recorded_at)}\n{sequence}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def append(case, event, payload, *, by, at=None):
    """Append one entry to the case's community chain; call inside the action's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("journal entries are appended inside the action's transaction")
    # The head row may not exist yet: insert it if missing (no error if another process just
    # did), then lock it. Everyone appending to this chain queues on that lock.
    JournalChainHead.objects.bulk_create([JournalChainHead(community_id=case.community_id)],
                                         ignore_conflicts=True)
    head = JournalChainHead.objects.select_for_update().get(community_id=case.community_id)
    # Payloads pass through JSON once so what is hashed is exactly what the JSONField returns.
    payload = json.loads(canonical({"event": event, "case": case.number, **payload}))
    recorded_at = at or timezone.now()
    sequence = head.last_sequence + 1
    entry = JournalEntry(
        community_id=case.community_id, case=case, sequence=sequence, event=event, payload=payload,
        recorded_at=recorded_at, by=by, prev_hash=head.last_hash,
        hash=entry_hash(head.last_hash, payload, recorded_at, sequence),
    )
    entry.save(force_insert=True)
    head.last_sequence, head.last_hash = sequence, entry.hash
    head.save(update_fields=["last_sequence", "last_hash"])
    return entry


@dataclass
class Verdict:
    entries: int
    broken_at: int | None = None  # the entry's id
    why: str = ""

    @property
    def ok(self):
        return self.broken_at is None


def verify(community_id):
    """Walk one community's chain from its first entry; stop at the first broken link."""
    prev_hash, expected_sequence, count, last = "", 1, 0, None
    entries = (JournalEntry.objects.filter(community_id=community_id).order_by("sequence")
               .values_list("id", "sequence", "payload", "recorded_at", "prev_hash", "hash"))
    for pk, sequence, payload, recorded_at, stored_prev, stored_hash in entries.iterator(chunk_size=2000):
        if sequence != expected_sequence:
            return Verdict(count, pk, f"очікувався номер {expected_sequence}, а є {sequence} "
                                      "(запис вилучено або вставлено)")
        if stored_prev != prev_hash:
            return Verdict(count, pk, "посилання на попередній запис не збігається")
        if entry_hash(prev_hash, payload, recorded_at, sequence) != stored_hash:
            return Verdict(count, pk, "вміст запису змінено: хеш не збігається")
        prev_hash, expected_sequence, count, last = stored_hash, sequence + 1, count + 1, pk
    head = JournalChainHead.objects.filter(community_id=community_id).first()
    head_sequence, head_hash = (head.last_sequence, head.last_hash) if head else (0, "")
    if (head_sequence, head_hash) != (count, prev_hash):
        return Verdict(count, last, f"голова ланцюга вказує на запис {head_sequence}, а останній — "
                                    f"{count} (кінець журналу вилучено або змінено)")
    return Verdict(count)
