// IndexedDB of the field client, through the vendored `idb` wrapper, with a versioned schema.
//   day:     the day as the server sent it (GET /api/v1/field/day): "info", "trip:ID", "stop:ID" records
//   visits:  what was done at each stop on this laptop (the screen's own state)
//   outbox:  every action to send, with its state (seq unique, state indexed)
//   blobs:   photos and videos: id, stop, kind, size, SHA-256, upload state (no bytes since version 2)
//   chunks:  the bytes of each file, [file, n] → Blob: a photo is one chunk, a video one per few seconds
//   meta:    the device tokens the server issued (one per person), counters, limits, CSRF token, sync state
// A new version adds a step to `upgrade` below and never drops what the laptop has not sent.
import { openDB } from "../vendor/idb-8.0.4/index.js";
import { notify } from "./dom.js";

export const NAME = "valiza-field";
export const VERSION = 3;

// Records of the day as version 1 kept them (names of its own) → as the server sends them.
function v1Service(s) {
  const provider = s.provider || {};
  return {
    id: s.id, name: s.name || "", is_paid: !!s.is_paid, fee: s.fee || "0", documents: s.documents || [],
    provider: Object.assign({recipient: provider.payment_recipient || provider.name || ""}, provider),
    payment_qr: s.qr_svg || s.qr_link ? {link: s.qr_link || "", svg: s.qr_svg || ""} : null,
    payment_qr_problem: s.qr_error || "",
  };
}

function v1Record(r) {
  if (r.type === "info") {
    return Object.assign({}, r, {extra_services: (r.extra_services || []).map(v1Service)});
  }
  if (r.type !== "stop") { return r; }
  const visit = !!r.request_id;
  return {
    key: r.key, type: "stop", id: r.id, trip_id: r.trip_id, position: r.position, gone: r.gone,
    kind: visit ? "visit" : "session", arrival: r.arrival, start: r.arrival, window_start: r.window_start,
    window_end: r.window_end, services: (r.services || []).map(v1Service), visit: r.server_visit || null,
    cases: r.cases || [],
    person: visit ? {
      request_id: r.request_id, number: r.request_number, status: r.status, applicant_name: r.name,
      applicant_phone: r.phone, contact_phone: r.phone, requester_name: r.requester,
      requester_phone: r.requester_phone, address: r.address, entrance: r.entrance, floor: r.floor, lift: r.lift,
      intercom: r.intercom, access_notes: r.access_notes, notes: r.notes,
    } : null,
    place: visit ? null : {name: r.name, address: r.address},
  };
}

async function upgrade(db, oldVersion, newVersion, tx) {
  if (oldVersion < 1) {
    db.createObjectStore("day", {keyPath: "key"});
    db.createObjectStore("visits", {keyPath: "stop_id"});
    const outbox = db.createObjectStore("outbox", {keyPath: "id"});
    outbox.createIndex("seq", "seq", {unique: true});
    outbox.createIndex("state", "state");
    db.createObjectStore("blobs", {keyPath: "id"}).createIndex("stop_id", "stop_id");
    db.createObjectStore("meta", {keyPath: "key"});
  }
  if (oldVersion < 2) {
    // Files move to chunks (a video is written while it records); the day keeps the server's names.
    const chunks = db.createObjectStore("chunks", {keyPath: ["file", "n"]});
    for await (const cursor of tx.objectStore("blobs").iterate()) {
      const row = cursor.value;
      if (row.blob) {
        await chunks.put({file: row.id, n: 0, data: row.blob});
        delete row.blob;
        await cursor.update(row);
      }
    }
    if (oldVersion >= 1) {
      for await (const cursor of tx.objectStore("day").iterate()) {
        await cursor.update(v1Record(cursor.value));
      }
    }
  }
  if (oldVersion < 3) {
    // The server issues the device now (a token from the first load of the day): the id the laptop
    // made up itself goes. The outbox stays as it is and is sent once the day has given a token.
    await tx.objectStore("meta").delete("device_id");
  }
}

let dbPromise = null;

export function open() {
  if (!dbPromise) {
    dbPromise = openDB(NAME, VERSION, {
      upgrade,
      // A tab of an older client holds the database open: the new one waits until it is closed.
      blocked() { notify("Закрийте інші вкладки з програмою виїзду — тоді ця відкриється.", "error"); },
      // This tab is the older one: it lets go and reloads into the new client.
      blocking() {
        dbPromise.then((db) => db.close());
        dbPromise = null;
        location.reload();
      },
    }).catch((e) => { dbPromise = null; throw e; });
  }
  return dbPromise;
}

export const get = async (store, key) => (await open()).get(store, key);
export const all = async (store) => (await open()).getAll(store);
export const put = async (store, value) => (await open()).put(store, value);

// `fn(tx)` inside one transaction over `stores`; resolves with fn's result once it has committed
// (a full disk surfaces here, as the transaction's error). Only IndexedDB work may be awaited in fn.
export async function tx(stores, mode, fn) {
  const t = (await open()).transaction(stores, mode);
  const done = t.done;
  done.catch(() => { /* awaited below; a failed request rejects it first */ });
  let result;
  try {
    result = await fn(t);
  } catch (e) {
    try { t.abort(); } catch (x) { /* already finished */ }
    throw e;
  }
  await done;
  return result;
}

export async function getMeta(key, fallback) {
  const row = await get("meta", key);
  return row === undefined ? fallback : row.value;
}
export const setMeta = (key, value) => put("meta", {key: key, value: value});

// The device token the server issued to this laptop for the person logged in (field/sync/devices.py):
// {id, token}, or null before the first load of the day. A laptop the team shares keeps one per person;
// the server says who is logged in (`user_id`) in every answer about the device.
export async function deviceGrant() {
  const user = await getMeta("user_id", null);
  const grants = await getMeta("device_grants", {});
  return user === null ? null : grants[String(user)] || null;
}

// What the server said about the device (the day's `device`, or a refusal's): who is logged in, the
// token when it issued one, and a token it does not know is dropped (the next load of the day gets a
// new one). A revoked or pending token is kept: it is what the server recognises this laptop by.
export function noteDevice(device) {
  return tx("meta", "readwrite", async (t) => {
    const meta = t.objectStore("meta");
    const user = String(device.user_id);
    const row = await meta.get("device_grants");
    const grants = row ? row.value : {};
    if (device.token) { grants[user] = {id: device.id, token: device.token}; }
    if (device.state === "unknown") { delete grants[user]; }
    await meta.put({key: "device_grants", value: grants});
    await meta.put({key: "user_id", value: user});
    await meta.put({key: "device_state", value: {revoked: device.state === "revoked", state: device.state,
      message: device.message || ""}});
  });
}

// Next value of a counter kept in meta, atomically.
export function nextCounter(key) {
  return tx("meta", "readwrite", async (t) => {
    const row = await t.objectStore("meta").get(key);
    const value = (row ? row.value : 0) + 1;
    await t.objectStore("meta").put({key: key, value: value});
    return value;
  });
}

// Append an action to the outbox with the next device sequence number. The item, the visit's new
// state and a file's record (and its bytes) are written in ONE transaction: a reload, a crash or a
// full disk in between never leaves the screen saying "done" with nothing to send.
export function addItem(kind, stopId, data, extra = {}) {
  const stores = ["meta", "outbox", "visits", "blobs"].concat(extra.chunk ? ["chunks"] : []);
  return tx(stores, "readwrite", async (t) => {
    const row = await t.objectStore("meta").get("seq");
    const seq = (row ? row.value : 0) + 1;
    await t.objectStore("meta").put({key: "seq", value: seq});
    const item = {
      id: extra.id || crypto.randomUUID(), seq: seq, kind: kind, stop_id: stopId, at: new Date().toISOString(),
      data: data, state: "waiting", code: "", message: "", result: null, label: extra.label || "",
    };
    await t.objectStore("outbox").put(item);
    if (extra.visit) { await t.objectStore("visits").put(extra.visit); }
    if (extra.blob) { await t.objectStore("blobs").put(extra.blob); }
    if (extra.chunk) { await t.objectStore("chunks").put(extra.chunk); }
    return item;
  });
}

// Change a waiting item before it leaves (e.g. the position arrives after "start"); false if sent.
export function amendWaiting(id, change) {
  return tx("outbox", "readwrite", async (t) => {
    const item = await t.objectStore("outbox").get(id);
    if (!item || item.state !== "waiting") { return false; }
    change(item);
    await t.objectStore("outbox").put(item);
    return true;
  });
}

export async function outbox() {
  return (await open()).getAllFromIndex("outbox", "seq");
}

// -- files: a record in "blobs", the bytes in "chunks" ---------------------------------------------

const chunkRange = (fileId) => IDBKeyRange.bound([fileId, 0], [fileId, Infinity]);

// One more piece of a file being recorded, and its record's new size, together.
export function appendChunk(fileId, n, data, fields) {
  return tx(["blobs", "chunks"], "readwrite", async (t) => {
    await t.objectStore("chunks").put({file: fileId, n: n, data: data});
    const row = await t.objectStore("blobs").get(fileId);
    if (row) { await t.objectStore("blobs").put(Object.assign(row, fields)); }
  });
}

// The file's pieces in order, as Blob handles: the bytes stay on disk until read.
export async function fileParts(fileId) {
  const rows = await (await open()).getAll("chunks", chunkRange(fileId));
  return rows.sort((a, b) => a.n - b.n).map((r) => r.data);
}

// Bytes [start, end) of a file made of `parts`, as one Blob of slices (nothing is copied here).
export function sliceParts(parts, start, end, type) {
  const out = [];
  let at = 0;
  for (const part of parts) {
    const from = Math.max(start, at);
    const to = Math.min(end, at + part.size);
    if (from < to) { out.push(part.slice(from - at, to - at)); }
    at += part.size;
    if (at >= end) { break; }
  }
  return new Blob(out, {type: type || ""});
}

export function updateFile(fileId, fields) {
  return tx("blobs", "readwrite", async (t) => {
    const row = await t.objectStore("blobs").get(fileId);
    if (row) { await t.objectStore("blobs").put(Object.assign(row, fields)); }
    return row;
  });
}

// The server has the whole file: its bytes leave the laptop's disk; the record (and thumbnail) stays.
export function completeFile(fileId, fields) {
  return tx(["blobs", "chunks"], "readwrite", async (t) => {
    const row = await t.objectStore("blobs").get(fileId);
    if (row) { await t.objectStore("blobs").put(Object.assign(row, fields)); }
    await t.objectStore("chunks").delete(chunkRange(fileId));
  });
}

export function deleteFile(fileId) {
  return tx(["blobs", "chunks"], "readwrite", async (t) => {
    await t.objectStore("blobs").delete(fileId);
    await t.objectStore("chunks").delete(chunkRange(fileId));
  });
}

export const UNSENT = ["waiting"];
export const KEPT = ["waiting", "quarantined", "refused", "conflict"];
export const FILE_DONE = ["complete", "rejected"];

// Erase the personal data of the day: trips, stops, local visit state, sent items and uploaded
// files. Items the server has not accepted and files not yet uploaded are never dropped.
export function erasePersonalData() {
  return tx(["day", "visits", "outbox", "blobs", "chunks"], "readwrite", async (t) => {
    await t.objectStore("day").clear();
    await t.objectStore("visits").clear();
    for (const item of await t.objectStore("outbox").getAll()) {
      if (!KEPT.includes(item.state)) { await t.objectStore("outbox").delete(item.id); }
    }
    // A photo or video still to upload stays: it is the evidence of an act already recorded.
    for (const b of await t.objectStore("blobs").getAll()) {
      if (FILE_DONE.includes(b.state)) {
        await t.objectStore("blobs").delete(b.id);
        await t.objectStore("chunks").delete(chunkRange(b.id));
      }
    }
  });
}
