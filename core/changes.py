"""Changes to tracked rows, told to whoever keeps numbers derived from them (indicators' weekly roll-up).

A model lists in `TRACKED` the attnames whose values a higher layer derives figures from, inherits
`TrackedModel` and uses a `TrackedQuerySet`; every ORM write then sends `rows_changed` with
`sender=<model class>, rows=[{"pk": …, attname: value, …}, …]`: the rows' values before and after the
change (a new row: after only; a deleted row: before only). The signal is sent inside the write's
transaction, so a change never commits without what its receivers wrote. A write that touches no tracked
field, or a model nobody listens to, costs no query at all.

Not covered (they bypass the ORM's save/update/delete): raw SQL, `save_base(raw=True)` (loaddata),
`_raw_delete` and cascades (the Collector's batch deletes).
"""

import django.dispatch
from django.db import connections, models, router, transaction

rows_changed = django.dispatch.Signal(use_caching=True)  # as Django's model signals: per sender


def _is_expression(value):
    return hasattr(value, "resolve_expression")


def _chunks(items, size):
    size = size or len(items) or 1
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _attnames(model, names):
    return {model._meta.get_field(name).attname for name in names}


def _select(model, db, pks):
    """The tracked values of rows `pks`, {pk: row}: chunked under the database's parameter limit."""
    rows = {}
    plain = models.QuerySet(model, using=db)
    for chunk in _chunks(list(pks), connections[db].features.max_query_params):
        for row in plain.filter(pk__in=chunk).values("pk", *model.TRACKED):
            rows[row["pk"]] = row
    return rows


def _send(model, rows):
    if rows:
        rows_changed.send(sender=model, rows=rows)


class TrackedQuerySet(models.QuerySet):
    """update(), delete(), bulk_create() and bulk_update() that send `rows_changed` (see the module)."""

    def _listened(self):
        return rows_changed.has_listeners(self.model)

    def update(self, **kwargs):
        if self.query.is_sliced or not self._listened() or not (_attnames(self.model, kwargs) & set(self.model.TRACKED)):
            return super().update(**kwargs)
        self._for_write = True
        # Before and after, by pk: the values may be expressions (F(), Case/When of bulk_update) and the
        # filter may no longer match the rows once they are updated.
        with transaction.atomic(using=self.db, savepoint=False):
            before = {row["pk"]: row for row in self.values("pk", *self.model.TRACKED)}
            count = super().update(**kwargs)
            after = _select(self.model, self.db, before) if before else {}
            rows = []
            for pk, old in before.items():
                new = after.get(pk)
                if new != old:
                    rows += [old, new] if new else [old]
            _send(self.model, rows)
        return count

    update.alters_data = True

    def bulk_update(self, objs, fields, batch_size=None):
        count = super().bulk_update(objs, fields, batch_size=batch_size)  # through update() above
        # The objects now hold what the database holds: a later save() compares with these.
        written = _attnames(self.model, fields) & set(self.model.TRACKED)
        for obj in objs:
            loaded = obj._tracked_loaded()
            if loaded is not None:
                loaded.update({a: getattr(obj, a) for a in written if not _is_expression(getattr(obj, a))})
        return count

    bulk_update.alters_data = True

    def delete(self):
        if self.query.is_sliced or self._fields is not None or not self._listened():
            return super().delete()
        self._for_write = True
        with transaction.atomic(using=self.db, savepoint=False):
            rows = list(self.values("pk", *self.model.TRACKED))
            result = super().delete()
            _send(self.model, rows)
        return result

    delete.alters_data = True
    delete.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        if not self._listened():
            return super().bulk_create(objs, *args, **kwargs)
        with transaction.atomic(using=router.db_for_write(self.model), savepoint=False):
            objs = super().bulk_create(objs, *args, **kwargs)
            for obj in objs:
                obj._tracked_remember()
            _send(self.model, [obj._tracked_now(self.model.TRACKED) for obj in objs])
        return objs

    bulk_create.alters_data = True


class TrackedModel:
    """Mixin (before models.Model) whose save() and delete() send `rows_changed` (see the module).

    The values loaded from the database are kept (from_db, refresh_from_db, after a save) so that a save
    knows, without a query, whether a tracked field changed."""

    TRACKED = ()

    @classmethod
    def from_db(cls, db, field_names, values):
        obj = super().from_db(db, field_names, values)
        # The row as read, kept as is (no copy per row: the dashboard may load many); see _tracked_loaded.
        # One attribute, so that copying another instance's __dict__ (journal.actions) copies what it read.
        obj.__dict__["_tracked_db"] = (field_names, values)
        return obj

    def _tracked_loaded(self):
        """The tracked values as the database holds them (those that were loaded), or None if unknown."""
        loaded = self.__dict__.get("_tracked_db")
        if isinstance(loaded, tuple):
            names, values = loaded
            tracked = set(self.TRACKED)
            loaded = self.__dict__["_tracked_db"] = {n: v for n, v in zip(names, values, strict=False) if n in tracked}
        return loaded

    def _tracked_now(self, attnames):
        return {"pk": self.pk} | {a: getattr(self, a) for a in attnames}

    def _tracked_remember(self):
        self.__dict__["_tracked_db"] = {a: self.__dict__[a] for a in self.TRACKED
                                        if a in self.__dict__ and not _is_expression(self.__dict__[a])}

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        loaded = self._tracked_loaded()
        if loaded is None:
            loaded = self.__dict__["_tracked_db"] = {}
        read = set(self.TRACKED) if fields is None else {
            f.attname for f in self._meta.concrete_fields if f.name in fields or f.attname in fields}
        loaded.update({a: self.__dict__[a] for a in read & set(self.TRACKED) if a in self.__dict__})

    def save(self, *args, **kwargs):
        model = type(self)
        update_fields = kwargs.get("update_fields")
        if not rows_changed.has_listeners(model) or (update_fields is not None and not update_fields):
            return super().save(*args, **kwargs)
        # The tracked fields this save writes: Django writes only the loaded ones of a deferred instance.
        written = set(self.TRACKED) if update_fields is None else _attnames(model, update_fields) & set(self.TRACKED)
        written &= self.__dict__.keys()
        if not written:
            return super().save(*args, **kwargs)
        db = kwargs.get("using") or router.db_for_write(model, instance=self)
        old = None
        if not kwargs.get("force_insert") and self.pk is not None:
            loaded = self._tracked_loaded()
            if loaded is not None and written <= loaded.keys() and all(
                    loaded[a] == getattr(self, a) for a in written):
                return super().save(*args, **kwargs)  # nothing tracked changed: no query more
            if loaded is not None and set(self.TRACKED) <= loaded.keys():
                old = {"pk": self.pk} | loaded
            else:
                # Built with a pk, or loaded with deferred tracked fields: what the row holds now.
                old = _select(model, db, [self.pk]).get(self.pk)
                if old is not None and old == old | {a: getattr(self, a) for a in written}:
                    return super().save(*args, **kwargs)
        with transaction.atomic(using=db, savepoint=False):
            result = super().save(*args, **kwargs)
            now = self._tracked_now(self.TRACKED) if old is None else old | self._tracked_now(written)
            if any(_is_expression(v) for v in now.values()):  # an F() saved: read what it became
                now = _select(model, db, [self.pk])[self.pk]
            _send(model, [now] if old is None else [old, now])
        # What the database holds now (not the unsaved edits of fields outside update_fields).
        self.__dict__["_tracked_db"] = {a: v for a, v in now.items() if a != "pk"}
        return result

    def delete(self, *args, **kwargs):
        model = type(self)
        if not rows_changed.has_listeners(model):
            return super().delete(*args, **kwargs)
        loaded = self._tracked_loaded() or {}
        row = self._tracked_now(self.TRACKED) | loaded | {"pk": self.pk}  # as the database holds it
        with transaction.atomic(using=kwargs.get("using") or router.db_for_write(model, instance=self),
                                savepoint=False):
            result = super().delete(*args, **kwargs)
            _send(model, [row])
        return result
