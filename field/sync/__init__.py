"""The server side of the field client's sync (docs/adr/0007-field-client-and-sync.md).

`process_batch` applies a device's outbox items one by one in `seq` order. Each item is applied in
its own transaction together with its `SyncItem` (primary key = the UUID the device made), so:

- a replay finds the stored item and returns its stored result, changing nothing;
- an item that cannot be applied is stored anyway (quarantined, refused or held as a conflict) with a
  message in Ukrainian, and never blocks the items after it;
- nothing is half-applied: an item's effects and its SyncItem commit together or not at all.

The coordinator resolves what is held with `review.resolve_apply` / `review.resolve_close`, and
revokes a lost laptop with `devices.revoke_device`.

One module each: `batch` (the engine: exactly once, in `seq` order), one per item kind (`start`,
`accept`, `payment`, `act`, `outcome`, `attachment`) with `rules` they share, `clock` (when a device time
is believed), `devices` (issued, approved, revoked), `review`.

Decisions beyond the ADR, in one place:
- Services a visit may accept or take payment for: those of the request, and also any active
  catalogue service allowed for the mobile suitcase from a provider of the community or a national
  one (a person often asks for one more certificate at the door); a service needing a partner
  specialist only if the trip's team has one from that provider. Any other id is "not found".
- `visit.start`, `visit.act` and `attachment.declare` are facts about the visit and are recorded even
  when the request was withdrawn meanwhile (the act and the photos are evidence); `visit.accept`,
  `visit.payment` and `visit.outcome` on a withdrawn request are held as `request_withdrawn`.
- `resolve_apply` of a withdrawn request's acceptance registers the cases and leaves the request's
  status as the coordinator set it (rejected / needs_info): the journal records what was accepted
  at the door, the request's status records the coordinator's own decision, and the history of the
  sync item says who applied it and when.
- Issue 16 (people/authorisation.py): where the community requires orders, an item of a trip day no
  order of the user covers is refused (`not_authorised`, or `outside_scope` for a service the order does
  not allow); an item whose corrected time is before its order's revocation is held (`authorisation_revoked`).
- A not-served outcome on a request that a newer plan already put on another trip leaves it
  scheduled there instead of sending it back to the pool.
"""
