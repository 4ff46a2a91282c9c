// Sync of the field client with the server (ADR 7): the outbox in batches, then the files in
// chunks, resuming where the server says it stopped. Nothing is dropped: a failed send leaves the
// items waiting; a refused or held item stays on the laptop with the server's reason.
"use strict";
(function () {
  const DB = window.FieldDB;
  const API = "/api/v1/field/";
  const BATCH = 50;
  const DEFAULT_CHUNK = 512 * 1024;
  const SERVER_STATES = {applied: "sent", resolved: "sent", quarantined: "quarantined", refused: "refused",
                         conflict: "conflict"};

  class SyncError extends Error {
    constructor(kind, message, status) { super(message); this.kind = kind; this.status = status; }
  }

  function cookie(name) {
    const hit = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
    return hit ? decodeURIComponent(hit.slice(name.length + 1)) : "";
  }

  // The csrf cookie is the current token (it changes at login); the one from the day data is a fallback.
  async function csrfToken() {
    return cookie("csrftoken") || (await DB.getMeta("csrf", ""));
  }

  async function headers(extra) {
    const h = {"X-Valiza-Device": await DB.deviceId(), "X-CSRFToken": await csrfToken(), "Accept": "application/json"};
    return Object.assign(h, extra || {});
  }

  async function readJson(response) {
    try { return await response.json(); } catch (e) { return null; }
  }

  // The HTTP answers that end a sync, turned into what to tell the user.
  function failure(status, body) {
    const detail = body && typeof body.detail === "string" ? body.detail : "";
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

  async function fetchDay(date) {
    let response;
    try {
      const q = date ? "?date=" + encodeURIComponent(date) : "";
      response = await fetch(API + "day" + q, {headers: await headers(), credentials: "same-origin", cache: "no-store"});
    } catch (e) {
      throw new SyncError("network", "Немає зв'язку з сервером. Завантажте виїзди, коли буде інтернет.");
    }
    const body = await readJson(response);
    if (!response.ok || !body) { throw failure(response.status, body); }
    return body;
  }

  // Apply the server's answer for each item to the outbox; returns the items as stored now.
  async function applyResults(results) {
    return DB.tx("outbox", "readwrite", async (s) => {
      const changed = [];
      for (const r of results || []) {
        const item = await DB.req(s.outbox.get(r.id));
        if (!item) { continue; }
        item.state = SERVER_STATES[r.state] || item.state;
        item.code = r.code || "";
        item.message = r.message || "";
        item.result = r.result || null;
        item.replayed = !!r.replayed;
        item.synced_at = new Date().toISOString();
        await DB.req(s.outbox.put(item));
        changed.push(item);
      }
      return changed;
    });
  }

  async function sendBatch(items, progress) {
    const body = JSON.stringify({
      device_id: await DB.deviceId(), sent_at: new Date().toISOString(),
      items: items.map((i) => ({id: i.id, seq: i.seq, kind: i.kind, stop_id: i.stop_id, at: i.at, data: i.data})),
    });
    let response;
    try {
      response = await fetch(API + "sync", {method: "POST", credentials: "same-origin",
        headers: await headers({"Content-Type": "application/json"}), body: body});
    } catch (e) {
      throw new SyncError("network", "Немає зв'язку з сервером. Дані чекають і підуть, щойно з'явиться інтернет.");
    }
    const answer = await readJson(response);
    if ((response.status === 200 || response.status === 422 || response.status === 403) && answer && answer.results) {
      const changed = await applyResults(answer.results);
      await DB.setMeta("last_sync", new Date().toISOString());
      if (typeof answer.clock_offset_s === "number") { await DB.setMeta("clock_offset_s", answer.clock_offset_s); }
      await DB.setMeta("sync_notice", typeof answer.notice === "string" ? answer.notice : "");
      const device = answer.device || {};
      await DB.setMeta("device_state", {revoked: !!device.revoked, message: device.message || ""});
      if (device.revoked) {
        throw new SyncError("revoked", device.message || "Доступ цього комп'ютера відкликано. Зателефонуйте координатору.", 403);
      }
      progress.items += changed.length;
      return changed;
    }
    if (response.status === 413 && items.length > 1) {
      // One oversized item must not hold the others: send the halves apart.
      const half = Math.ceil(items.length / 2);
      const a = await sendBatch(items.slice(0, half), progress);
      const b = await sendBatch(items.slice(half), progress);
      return a.concat(b);
    }
    if (response.status === 413) {
      // The server cannot take this single item at all: keep it, marked, for the coordinator.
      const item = items[0];
      await DB.tx("outbox", "readwrite", async (s) => {
        const row = await DB.req(s.outbox.get(item.id));
        row.state = "quarantined";
        row.code = "unreadable";
        row.message = "Запис завеликий для сервера. Він залишається на цьому комп'ютері; покажіть його координатору.";
        await DB.req(s.outbox.put(row));
      });
      return [];
    }
    throw failure(response.status, answer);
  }

  async function uploadBlob(blob, chunkSize, progress) {
    const url = API + "attachments/" + blob.id;
    let response;
    try {
      response = await fetch(url, {headers: await headers(), credentials: "same-origin", cache: "no-store"});
    } catch (e) { throw new SyncError("network", "Зв'язок перервався під час надсилання файлів. Продовжимо згодом."); }
    if (response.status === 404) { return; }  // not declared yet (its item is still waiting or held)
    let info = await readJson(response);
    if (!response.ok || !info) { throw failure(response.status, info); }
    const mark = (fields) => DB.tx("blobs", "readwrite", async (s) => {
      const row = await DB.req(s.blobs.get(blob.id));
      if (row) { Object.assign(row, fields); await DB.req(s.blobs.put(row)); }
    });
    let offset = info.received || 0;
    progress.bytesDone += offset;
    let rounds = 0;
    // Until the server says "complete" or "rejected": with every byte sent, an empty chunk at the
    // end asks the server to check the file (it may have stopped between the last byte and the check).
    while (info.state !== "complete" && rounds++ < 100000) {
      if (info.state === "rejected") {
        // Bytes damaged on the way are worth one more try from the start; a file that is not what it
        // says (not a photo) is not, and keeps the server's reason.
        if (blob.retried) { break; }
        blob.retried = true;
        await mark({retried: true});
        progress.bytesDone -= offset;
        offset = 0;
      }
      const end = Math.min(offset + chunkSize, blob.size);
      try {
        response = await fetch(url + "?offset=" + offset, {method: "PUT", credentials: "same-origin",
          headers: await headers({"Content-Type": "application/octet-stream"}), body: blob.blob.slice(offset, end)});
      } catch (e) {
        await mark({uploaded: offset, state: "uploading"});
        throw new SyncError("network", "Зв'язок перервався під час надсилання файлів. Продовжимо з того ж місця.");
      }
      const answer = await readJson(response);
      if (response.status === 409 && answer && typeof answer.received === "number") {
        progress.bytesDone += answer.received - offset;
        offset = answer.received;  // the server is elsewhere: go on from where it is
        info = answer;
        continue;
      }
      if (!response.ok || !answer) {
        await mark({uploaded: offset, state: "uploading"});
        if (response.status === 400 || response.status === 422) {
          await mark({state: "rejected", reason: (answer && (answer.reason || answer.detail || answer.message)) ||
            "Сервер не прийняв файл."});
          return;
        }
        throw failure(response.status, answer);
      }
      info = answer;
      const received = typeof answer.received === "number" ? answer.received : end;
      progress.bytesDone += received - offset;
      offset = received;
      await mark({uploaded: offset, state: "uploading"});
    }
    if (info.state === "complete") {
      await mark({uploaded: blob.size, state: "complete", reason: ""});
    } else if (info.state === "rejected") {
      await mark({state: "rejected", reason: info.reason || "Сервер не прийняв файл."});
    }
  }

  let running = null;
  let failures = 0;
  let nextTry = 0;

  // One sync at a time. `onProgress({items, itemsTotal, bytesDone, bytesTotal, phase})`.
  function syncNow(onProgress) {
    if (running) { return running; }
    running = (async () => {
      const progress = {items: 0, itemsTotal: 0, bytesDone: 0, bytesTotal: 0, phase: "items"};
      const report = () => { if (onProgress) { onProgress(Object.assign({}, progress)); } };
      try {
        let waiting = (await DB.outbox()).filter((i) => i.state === "waiting");
        progress.itemsTotal = waiting.length;
        report();
        const changedAll = [];
        while (waiting.length) {
          const batch = waiting.slice(0, BATCH);
          const changed = await sendBatch(batch, progress);
          changedAll.push(...changed);
          report();
          waiting = waiting.slice(BATCH);
        }
        progress.phase = "files";
        const limits = (await DB.getMeta("limits", {})) || {};
        const chunk = Math.max(16 * 1024, Number(limits.chunk_bytes) || DEFAULT_CHUNK);
        const blobs = (await DB.all("blobs")).filter((b) => b.state !== "complete" && b.state !== "rejected");
        progress.bytesTotal = blobs.reduce((n, b) => n + b.size, 0);
        report();
        for (const b of blobs) {
          await uploadBlob(b, Math.min(chunk, 1024 * 1024), progress);
          report();
        }
        progress.phase = "done";
        report();
        failures = 0;
        nextTry = 0;
        await DB.setMeta("sync_problem", null);
        return {ok: true, changed: changedAll};
      } catch (e) {
        const err = e instanceof SyncError ? e : new SyncError("client", "Помилка під час надсилання: " + e.message);
        if (err.kind === "network" || err.kind === "server") {
          failures += 1;
          nextTry = Date.now() + Math.min(300000, 5000 * Math.pow(2, failures - 1));  // back off, up to 5 minutes
        }
        await DB.setMeta("sync_problem", {kind: err.kind, message: err.message, at: new Date().toISOString()});
        return {ok: false, error: err};
      } finally {
        running = null;
      }
    })();
    return running;
  }

  function dueForRetry() { return Date.now() >= nextTry; }

  window.FieldSync = {syncNow, fetchDay, dueForRetry, SyncError, csrfToken, isRunning: () => !!running};
})();
