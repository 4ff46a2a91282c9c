// IndexedDB for the field client: a small promise wrapper and the stores the day needs.
// day: trips and stops as loaded; visits: what was done at each stop on this laptop;
// outbox: every action to send; blobs: photos and videos with their hash; meta: device id, counters.
"use strict";
(function () {
  const NAME = "valiza-field";
  const VERSION = 1;
  let dbPromise = null;

  function req(r) {
    return new Promise((resolve, reject) => {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
  }

  function open() {
    if (dbPromise) { return dbPromise; }
    dbPromise = new Promise((resolve, reject) => {
      const r = indexedDB.open(NAME, VERSION);
      r.onupgradeneeded = () => {
        const db = r.result;
        if (!db.objectStoreNames.contains("day")) { db.createObjectStore("day", {keyPath: "key"}); }
        if (!db.objectStoreNames.contains("visits")) { db.createObjectStore("visits", {keyPath: "stop_id"}); }
        if (!db.objectStoreNames.contains("outbox")) {
          const s = db.createObjectStore("outbox", {keyPath: "id"});
          s.createIndex("seq", "seq", {unique: true});
          s.createIndex("state", "state");
        }
        if (!db.objectStoreNames.contains("blobs")) {
          const b = db.createObjectStore("blobs", {keyPath: "id"});
          b.createIndex("stop_id", "stop_id");
        }
        if (!db.objectStoreNames.contains("meta")) { db.createObjectStore("meta", {keyPath: "key"}); }
      };
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
      r.onblocked = () => reject(new Error("blocked"));
    });
    return dbPromise;
  }

  // Run `fn(stores)` in one transaction; resolves with fn's result once the transaction commits.
  async function tx(names, mode, fn) {
    const db = await open();
    const list = Array.isArray(names) ? names : [names];
    return new Promise((resolve, reject) => {
      const t = db.transaction(list, mode);
      const stores = {};
      for (const n of list) { stores[n] = t.objectStore(n); }
      let result;
      Promise.resolve(fn(stores)).then((v) => { result = v; }, (e) => { try { t.abort(); } catch (x) { /* done */ } reject(e); });
      t.oncomplete = () => resolve(result);
      t.onerror = () => reject(t.error);
      t.onabort = () => reject(t.error || new Error("aborted"));
    });
  }

  const get = (store, key) => tx(store, "readonly", (s) => req(s[store].get(key)));
  const all = (store) => tx(store, "readonly", (s) => req(s[store].getAll()));
  const put = (store, value) => tx(store, "readwrite", (s) => req(s[store].put(value)));
  const del = (store, key) => tx(store, "readwrite", (s) => req(s[store].delete(key)));
  const clear = (store) => tx(store, "readwrite", (s) => req(s[store].clear()));

  async function getMeta(key, fallback) {
    const row = await get("meta", key);
    return row === undefined ? fallback : row.value;
  }
  const setMeta = (key, value) => put("meta", {key: key, value: value});

  // The device id is made once and kept for the life of this browser profile.
  async function deviceId() {
    let id = await getMeta("device_id", null);
    if (!id) {
      id = crypto.randomUUID();
      await setMeta("device_id", id);
    }
    return id;
  }

  // Next value of a counter kept in meta, atomically (one transaction).
  function nextCounter(key) {
    return tx("meta", "readwrite", async (s) => {
      const row = await req(s.meta.get(key));
      const value = (row ? row.value : 0) + 1;
      await req(s.meta.put({key: key, value: value}));
      return value;
    });
  }

  // Append an action to the outbox with the next device sequence number (one transaction).
  // The outbox item, the visit's new state and a new file are written in ONE transaction: a reload,
  // a crash or a flat battery in between must never leave the screen saying "done" with nothing to send.
  function addItem(kind, stopId, data, with_ = {}) {
    return tx(["meta", "outbox", "visits", "blobs"], "readwrite", async (s) => {
      const row = await req(s.meta.get("seq"));
      const seq = (row ? row.value : 0) + 1;
      await req(s.meta.put({key: "seq", value: seq}));
      const item = {
        id: with_.id || crypto.randomUUID(), seq: seq, kind: kind, stop_id: stopId, at: new Date().toISOString(),
        data: data, state: "waiting", code: "", message: "", result: null,
      };
      await req(s.outbox.put(item));
      if (with_.visit) { await req(s.visits.put(with_.visit)); }
      if (with_.blob) { await req(s.blobs.put(with_.blob)); }
      return item;
    });
  }

  // Change a waiting item before it leaves (e.g. the position arrives after "start"); false if
  // it was already sent.
  function amendWaiting(id, change) {
    return tx("outbox", "readwrite", async (s) => {
      const item = await req(s.outbox.get(id));
      if (!item || item.state !== "waiting") { return false; }
      change(item);
      await req(s.outbox.put(item));
      return true;
    });
  }

  async function outbox() {
    const items = await all("outbox");
    return items.sort((a, b) => a.seq - b.seq);
  }

  const UNSENT = ["waiting"];
  const KEPT = ["waiting", "quarantined", "refused", "conflict"];

  // Erase the personal data of the day: trips, stops, local visit state, sent items and uploaded
  // files. Items not yet accepted by the server and files not yet uploaded are never dropped.
  function erasePersonalData() {
    return tx(["day", "visits", "outbox", "blobs"], "readwrite", async (s) => {
      await req(s.day.clear());
      await req(s.visits.clear());
      const items = await req(s.outbox.getAll());
      for (const item of items) {
        if (!KEPT.includes(item.state)) { await req(s.outbox.delete(item.id)); }
      }
      // A photo or video still to upload stays: it is the evidence of an act already recorded.
      const blobs = await req(s.blobs.getAll());
      for (const b of blobs) {
        if (b.state === "complete" || b.state === "rejected") { await req(s.blobs.delete(b.id)); }
      }
    });
  }

  window.FieldDB = {
    open, tx, req, get, all, put, del, clear, getMeta, setMeta, deviceId, nextCounter, addItem,
    amendWaiting, outbox, erasePersonalData, UNSENT, KEPT,
  };
})();
