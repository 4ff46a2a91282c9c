"""The journal's hash chain: appending an entry and checking a chain end to end.

Each entry's hash covers the previous entry's hash, so changing, removing or reordering any
entry breaks every link after it; the chain head remembers the last hash, so cutting entries
off the end breaks it too. The hash is over text we build ourselves (canonical JSON, UTC time,
the sequence), never over what a database returns, so it verifies the same on SQLite and
PostgreSQL.

Content hashes (issue 11: the journal keeps hashes, not removed content). The link hashes a digest of the
payload, not the payload: each top-level value is hashed with its own random salt
(`field_hash`), the entry's `content_hash` is the hash of those field hashes, and the link covers
`content_hash`. When a person's data is removed after its term (`redact`), the value and its salt go and
the field hash stays in `removed`: the chain still verifies, the remaining values are still checked, and
without the salt the stored hash cannot be matched against guessed names. Entries made before content
hashes (`content_hash` empty) are checked by the old formula over the whole payload
(`legacy_entry_hash`); the migration that brought content hashes re-hashed every chain that verified.
"""

import hashlib
import json
import secrets
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


def _sha256(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def legacy_entry_hash(prev_hash, payload, recorded_at, sequence):
    """The link of an entry made before content hashes: over the whole payload."""
    return _sha256(f"{prev_hash}\n{canonical(payload)}\n{timestamp(recorded_at)}\n{sequence}")


def new_salts(payload):
    return {key: secrets.token_hex(16) for key in payload}


def field_hash(salt, key, value):
    return _sha256(f"{salt}\n{key}\n{canonical(value)}")


def content_hash(payload, salts, removed=None):
    """The digest the link covers: the field hashes of the values present and of the ones removed.
    None if the entry is not consistent (a value without its salt, a key both present and removed)."""
    removed = removed or {}
    if set(payload) - set(salts) or set(payload) & set(removed):
        return None
    fields = {key: field_hash(salts[key], key, value) for key, value in payload.items()}
    return _sha256(canonical({**fields, **removed}))


def link_hash(prev_hash, digest, recorded_at, sequence):
    return _sha256(f"{prev_hash}\n{digest}\n{timestamp(recorded_at)}\n{sequence}")


def entry_hash(prev_hash, payload, recorded_at, sequence, salts=None, removed=None):
    """An entry's link: over its content hash if it has salts, else by the legacy formula."""
    if salts is None:
        return legacy_entry_hash(prev_hash, payload, recorded_at, sequence)
    return link_hash(prev_hash, content_hash(payload, salts, removed), recorded_at, sequence)


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
    salts = new_salts(payload)
    digest = content_hash(payload, salts)
    entry = JournalEntry(
        community_id=case.community_id, case=case, sequence=sequence, event=event, payload=payload,
        recorded_at=recorded_at, by=by, prev_hash=head.last_hash, salts=salts, content_hash=digest,
        hash=link_hash(head.last_hash, digest, recorded_at, sequence),
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
               .values_list("id", "sequence", "payload", "recorded_at", "prev_hash", "hash", "content_hash", "salts",
                            "removed"))
    for pk, sequence, payload, recorded_at, stored_prev, stored_hash, digest, salts, removed in entries.iterator(
            chunk_size=2000):
        if sequence != expected_sequence:
            return Verdict(count, pk, f"очікувався номер {expected_sequence}, а є {sequence} "
                                      "(запис вилучено або вставлено)")
        if stored_prev != prev_hash:
            return Verdict(count, pk, "посилання на попередній запис не збігається")
        if digest:
            if content_hash(payload, salts, removed) != digest:
                return Verdict(count, pk, "вміст запису змінено: хеш вмісту не збігається")
            if link_hash(prev_hash, digest, recorded_at, sequence) != stored_hash:
                return Verdict(count, pk, "вміст запису змінено: хеш не збігається")
        elif removed or legacy_entry_hash(prev_hash, payload, recorded_at, sequence) != stored_hash:
            return Verdict(count, pk, "вміст запису змінено: хеш не збігається")
        prev_hash, expected_sequence, count, last = stored_hash, sequence + 1, count + 1, pk
    head = JournalChainHead.objects.filter(community_id=community_id).first()
    head_sequence, head_hash = (head.last_sequence, head.last_hash) if head else (0, "")
    if (head_sequence, head_hash) != (count, prev_hash):
        return Verdict(count, last, f"голова ланцюга вказує на запис {head_sequence}, а останній — "
                                    f"{count} (кінець журналу вилучено або змінено)")
    return Verdict(count)


def redact(entry_ids, keys):
    """Remove these top-level values (a person's data past its term) from the entries: each value and its
    salt go, its field hash stays in `removed`, so the chain verifies as before. Entries without content
    hashes (made before them, in a chain that did not verify when they came) are left as they are.
    Returns how many entries changed. The one place a stored entry is changed; call inside a transaction."""
    changed = 0
    for entry in JournalEntry.objects.select_for_update().filter(pk__in=list(entry_ids)).exclude(content_hash=""):
        gone = [key for key in keys if key in entry.payload]
        if not gone:
            continue
        removed = {**entry.removed, **{key: field_hash(entry.salts[key], key, entry.payload[key]) for key in gone}}
        payload = {key: value for key, value in entry.payload.items() if key not in gone}
        salts = {key: value for key, value in entry.salts.items() if key not in gone}
        if content_hash(payload, salts, removed) != entry.content_hash:
            continue  # not what was hashed: leave it for verify_journal to report
        JournalEntry.objects.filter(pk=entry.pk).update(payload=payload, salts=salts, removed=removed)
        changed += 1
    return changed
