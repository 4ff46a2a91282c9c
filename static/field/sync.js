// Sync with the server (ADR 7): the outbox in batches, then the files in chunks read from IndexedDB,
// resuming where the server says it stopped. Nothing is dropped: a failed send leaves the items
// waiting; a refused or held item stays on the laptop with the server's reason.
import * as DB from "./db.js";
import { SyncError, requestJson } from "./net.js";
import { isQuotaError } from "./storage.js";

const API = "/api/v1/field/";
// Items per request: small enough for a weak line, never more than the server takes.
const BATCH = 50;
const SERVER_STATES = {applied: "sent", resolved: "sent", quarantined: "quarantined", refused: "refused",
                       conflict: "conflict"};

function cookie(name) {
  const hit = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
  return hit ? decodeURIComponent(hit.slice(name.length + 1)) : "";
}

// The csrf cookie is the current token (it changes at login); the one from the day data is a fallback.
export async function csrfToken() {
  return cookie("csrftoken") || (await DB.getMeta("csrf", ""));
}

async function headers(extra) {
  const h = {"X-CSRFToken": await csrfToken(), "Accept": "application/json"};
  const grant = await DB.deviceGrant();
  if (grant) { h["X-Valiza-Device-Token"] = grant.token; }
  return Object.assign(h, extra || {});
}

// The HTTP answers that end a sync, turned into what to tell the user.
async function failure(status, body) {
  const detail = body && typeof body.detail === "string" ? body.detail : "";
  if (status === 403 && body && body.device) {
    // The laptop's device may not do this (no token yet, pending, revoked…): the server says what to do.
    await DB.noteDevice(body.device);
    if (body.device.state === "revoked") { await DB.erasePersonalData(); }
    return new SyncError("device", detail + " Нічого не втрачено: усе записане залишається на цьому комп'ютері.",
      status);
  }
  // No session or a stale CSRF token (the cookie went with the session): a new login fixes both.
  if (status === 401 || (status === 403 && /csrf/i.test(detail))) {
    return new SyncError("login", "Ви вийшли з системи або сеанс закінчився. Увійдіть знову — усе збережене " +
      "на цьому комп'ютері залишиться і буде надіслане після входу.", status);
  }
  if (status === 403) {
    const why = detail ? detail + " " : "";
    return new SyncError("forbidden", why + "Сервер не приймає дані від вашого облікового запису. Нічого не " +
      "втрачено: усе залишається на цьому комп'ютері. Зателефонуйте координатору.", status);
  }
  return new SyncError("server", "Сервер тимчасово не відповідає (" + status + ")" +
    (detail ? ": " + detail : "") + ". Спробуємо ще раз трохи згодом.", status);
}

// The day, and the device token with it: the first load without one is where the server issues it.
export async function fetchDay(date) {
  const q = date ? "?date=" + encodeURIComponent(date) : "";
  for (let attempt = 0; ; attempt++) {
    const answer = await requestJson(API + "day" + q, {headers: await headers()},
      "Завантажте виїзди, коли буде інтернет.");
    if (answer.ok && answer.body) {
      await DB.noteDevice(answer.body.device);
      return answer.body;
    }
    const device = answer.body && answer.body.device;
    const err = await failure(answer.status, answer.body);
    // Another person logged in on a shared laptop, or a token the server does not know: once more,
    // with that person's own token (or none, and the server issues one).
    if (device && attempt === 0 && (device.state === "other_user" || device.state === "unknown")) { continue; }
    throw err;
  }
}

// Apply the server's answer for each item to the outbox; returns the items as stored now.
function applyResults(results) {
  return DB.tx("outbox", "readwrite", async (t) => {
    const changed = [];
    for (const r of results) {
      const item = await t.objectStore("outbox").get(r.id);
      if (!item) { continue; }
      item.state = SERVER_STATES[r.state];
      item.code = r.code;
      item.message = r.message;
      item.result = r.result;
      item.replayed = r.replayed;
      item.synced_at = new Date().toISOString();
      await t.objectStore("outbox").put(item);
      changed.push(item);
    }
    return changed;
  });
}

async function markUnreadable(item) {
  await DB.tx("outbox", "readwrite", async (t) => {
    const row = await t.objectStore("outbox").get(item.id);
    row.state = "quarantined";
    row.code = "unreadable";
    row.message = "Запис завеликий для сервера. Він залишається на цьому комп'ютері; покажіть його координатору.";
    await t.objectStore("outbox").put(row);
  });
}

// An item as the server reads it: a person at a fixed-point reception is kept under the stop id
// "<stop>~<attendee>" (state.js) and sent as the stop's id and the person's `attendee_id`.
function wireItem(i) {
  const [stop, attendee] = String(i.stop_id).split("~");
  const item = {id: i.id, seq: i.seq, kind: i.kind, stop_id: Number(stop), at: i.at, data: i.data};
  if (attendee) { item.attendee_id = attendee; }
  return item;
}

async function sendBatch(items, progress) {
  const grant = await DB.deviceGrant();
  const body = JSON.stringify({
    device_id: grant ? grant.id : null, sent_at: new Date().toISOString(),
    items: items.map(wireItem),
  });
  const {status, body: answer} = await requestJson(API + "sync", {method: "POST",
    headers: await headers({"Content-Type": "application/json"}), body: body},
  "Дані чекають і підуть, щойно з'явиться інтернет.", body.length);
  if ((status === 200 || status === 422 || status === 403) && answer && answer.results) {
    const changed = await applyResults(answer.results);
    await DB.setMeta("last_sync", new Date().toISOString());
    await DB.setMeta("clock_offset_s", answer.clock_offset_s);
    await DB.setMeta("sync_notice", answer.notice);
    await DB.setMeta("device_state", {revoked: answer.device.revoked, state: answer.device.revoked ? "revoked" : "active",
      message: answer.device.message});
    if (answer.device.revoked) {
      // A revoked laptop may be in a stranger's hands: the day's personal data leaves it; what was not
      // applied stays, marked, as the coordinator's evidence.
      await DB.erasePersonalData();
      throw new SyncError("revoked", answer.device.message || "Доступ цього комп'ютера відкликано. Зателефонуйте " +
        "координатору.", 403);
    }
    progress.items += changed.length;
    return changed;
  }
  if (status === 413 && items.length > 1) {
    // One oversized item must not hold the others: send the halves apart.
    const half = Math.ceil(items.length / 2);
    const a = await sendBatch(items.slice(0, half), progress);
    const b = await sendBatch(items.slice(half), progress);
    return a.concat(b);
  }
  if (status === 413) {
    // The server cannot take this single item at all: keep it, marked, for the coordinator.
    await markUnreadable(items[0]);
    return [];
  }
  throw await failure(status, answer);
}

const LOST = "Зв'язок перервався під час надсилання файлів. Продовжимо з того ж місця.";

async function uploadFile(file, chunkSize, progress) {
  const url = API + "attachments/" + file.id;
  let answer = await requestJson(url, {headers: await headers()}, LOST);
  if (answer.status === 404) { return; }  // not declared yet (its item is still waiting or held)
  if (!answer.ok || !answer.body) { throw await failure(answer.status, answer.body); }
  let info = answer.body;
  const parts = await DB.fileParts(file.id);
  let offset = info.received;
  progress.bytesDone += offset;
  let rounds = 0;
  // Until the server says "complete" or "rejected": with every byte sent, an empty chunk at the
  // end asks the server to check the file (it may have stopped between the last byte and the check).
  while (info.state !== "complete" && rounds++ < 100000) {
    if (info.state === "rejected") {
      // Bytes damaged on the way are worth one more try from the start; a file that is not what it
      // says (not a photo) is not, and keeps the server's reason.
      if (file.retried) { break; }
      file.retried = true;
      await DB.updateFile(file.id, {retried: true});
      progress.bytesDone -= offset;
      offset = 0;
    }
    const end = Math.min(offset + chunkSize, file.size);
    const piece = DB.sliceParts(parts, offset, end, "application/octet-stream");
    try {
      answer = await requestJson(url + "?offset=" + offset, {method: "PUT",
        headers: await headers({"Content-Type": "application/octet-stream"}), body: piece}, LOST, piece.size);
    } catch (e) {
      await DB.updateFile(file.id, {uploaded: offset, state: "uploading"});
      throw e;
    }
    const {status, body} = answer;
    if (status === 409 && body && typeof body.received === "number") {
      progress.bytesDone += body.received - offset;
      offset = body.received;  // the server is elsewhere: go on from where it is
      info = body;
      continue;
    }
    if (!answer.ok || !body) {
      await DB.updateFile(file.id, {uploaded: offset, state: "uploading"});
      if (status === 400) {
        await DB.updateFile(file.id, {state: "rejected", reason: (body && body.detail) || "Сервер не прийняв файл."});
        return;
      }
      throw await failure(status, body);
    }
    info = body;
    progress.bytesDone += body.received - offset;
    offset = body.received;
    await DB.updateFile(file.id, {uploaded: offset, state: "uploading"});
  }
  if (info.state === "complete") {
    await DB.completeFile(file.id, {uploaded: file.size, state: "complete", reason: ""});
  } else if (info.state === "rejected") {
    await DB.updateFile(file.id, {state: "rejected", reason: info.reason || "Сервер не прийняв файл."});
  }
}

// What sync sends: files being recorded are not finished yet.
export const toUpload = (file) => !DB.FILE_DONE.includes(file.state) && file.state !== "recording";

let running = null;
let failures = 0;
let nextTry = 0;

// One sync at a time. `onProgress({items, itemsTotal, bytesDone, bytesTotal, phase})`.
export function syncNow(onProgress) {
  if (running) { return running; }
  document.body.dataset.syncing = "1";
  running = (async () => {
    const progress = {items: 0, itemsTotal: 0, bytesDone: 0, bytesTotal: 0, phase: "items"};
    const report = () => { if (onProgress) { onProgress(Object.assign({}, progress)); } };
    try {
      const limits = (await DB.getMeta("limits", null)) || {};
      const batch = Math.max(1, Math.min(BATCH, limits.batch_max_items || BATCH));
      let waiting = (await DB.outbox()).filter((i) => i.state === "waiting");
      progress.itemsTotal = waiting.length;
      report();
      const changedAll = [];
      while (waiting.length) {
        changedAll.push(...await sendBatch(waiting.slice(0, batch), progress));
        report();
        waiting = waiting.slice(batch);
      }
      progress.phase = "files";
      const files = (await DB.all("blobs")).filter(toUpload);
      progress.bytesTotal = files.reduce((n, b) => n + b.size, 0);
      report();
      // Before a day is loaded (an outbox kept from an earlier day) the server's chunk size is unknown:
      // the smallest it has ever taken is safe.
      const chunk = limits.chunk_bytes || 256 * 1024;
      for (const file of files) {
        await uploadFile(file, chunk, progress);
        report();
      }
      progress.phase = "done";
      report();
      failures = 0;
      nextTry = 0;
      await DB.setMeta("sync_problem", null);
      return {ok: true, changed: changedAll};
    } catch (e) {
      let err = e instanceof SyncError ? e : new SyncError("client", "Помилка під час надсилання: " + e.message);
      if (isQuotaError(e)) {
        // The answers could not be written down: the items stay waiting and are sent again (the
        // server answers a repeat with what it already did).
        err = new SyncError("disk", "На комп'ютері закінчилося місце, тож відповідь сервера не збережено. Нічого не " +
          "втрачено: записи надішлються ще раз. Попросіть техніка звільнити місце на диску.");
      }
      if (err.kind === "network" || err.kind === "server") {
        failures += 1;
        nextTry = Date.now() + Math.min(300000, 5000 * Math.pow(2, failures - 1));  // back off, up to 5 minutes
      }
      try {
        await DB.setMeta("sync_problem", {kind: err.kind, message: err.message, at: new Date().toISOString()});
      } catch (x) { /* a full disk: runSync still shows the message */ }
      return {ok: false, error: err};
    } finally {
      running = null;
      delete document.body.dataset.syncing;
    }
  })();
  return running;
}

export const dueForRetry = () => Date.now() >= nextTry;
export const isRunning = () => !!running;
