// The session video (with the person's consent). Written to IndexedDB every few seconds while it
// records and hashed as it goes: a crash, a reload or a flat battery keeps what was recorded, and
// the next start of the app finishes it (`recoverRecordings`) — hashed again from the stored pieces.
import * as DB from "./db.js";
import { bytes, h, notify, time } from "./dom.js";
import { hashParts, hasher } from "./hash.js";
import { videoMaxBytes } from "./limits.js";
import { fileStateText } from "./photos.js";
import { ensureStarted, hooks, record, saveVisit, state, stopById, visitOf } from "./state.js";
import { StorageFull, guard, isQuotaError } from "./storage.js";

const SLICE_MS = 2000;  // how much a crash may lose at most

// The recording in progress (one at a time): it outlives the screens drawn while it runs.
let active = null;

const mimeOf = (type) => (type || "video/webm").split(";")[0].trim().toLowerCase();

function declaration(row) {
  return {attachment_id: row.id, kind: "video", content_type: row.type, size: row.size, sha256: row.sha256,
    taken_at: row.taken_at};
}

async function declare(stop, row, sha) {
  const done = Object.assign({}, row, {sha256: sha, state: "waiting"});
  // The server takes a video only with the person's consent for this visit, at the consent's own time.
  const v = visitOf(stop.id);
  const data = Object.assign(declaration(done),
    {video_consent_at: v.video_consent ? (v.video_consent_at || row.taken_at) : null});
  await record("attachment.declare", stop, data, {file: done, what: "відео (" + bytes(row.size) + ")"});
  return done;
}

async function start(stop, preview, status) {
  await ensureStarted(stop);
  const stream = await navigator.mediaDevices.getUserMedia({video: true, audio: true})
    .catch(() => navigator.mediaDevices.getUserMedia({video: true}));
  const rec = new MediaRecorder(stream);
  const row = {id: crypto.randomUUID(), stop_id: stop.id, service_id: null, kind: "video", type: mimeOf(rec.mimeType),
    size: 0, sha256: "", uploaded: 0, state: "recording", name: "", taken_at: new Date().toISOString()};
  try {
    await DB.put("blobs", row);
  } catch (e) {
    stream.getTracks().forEach((t) => t.stop());
    if (isQuotaError(e)) { throw new StorageFull("відео", e); }
    throw e;
  }
  const max = videoMaxBytes();
  const rec_ = {stopId: stop.id, rec: rec, stream: stream, preview: preview, status: status, row: row, n: 0,
    hash: hasher(), queue: Promise.resolve(), problem: ""};
  active = rec_;
  state.files.push(row);

  // Each piece: stored with the record's new size in one transaction, then added to the hash.
  const keep = async (data) => {
    if (!data || !data.size || rec_.problem) { return; }
    if (row.size + data.size > max) {
      rec_.problem = "Відео досягло найбільшого розміру, який приймає сервер (" + bytes(max) + "): запис зупинено, " +
        "записане збережено.";
      stopRecording();
      return;
    }
    const type = mimeOf(data.type || row.type);
    try {
      await DB.appendChunk(row.id, rec_.n, data, {size: row.size + data.size, type: type});
    } catch (e) {
      rec_.problem = isQuotaError(e) ? "На комп'ютері закінчилося місце: запис зупинено. Записане до цієї хвилини " +
        "збережено." : "Запис зупинено: відео не вдалося зберегти (" + e.message + "). Записане раніше збережено.";
      stopRecording();
      return;
    }
    rec_.n += 1;
    row.size += data.size;
    row.type = type;
    rec_.hash.update(await data.arrayBuffer());
    rec_.status.textContent = "Іде запис… збережено " + bytes(row.size) + ".";
  };
  rec.ondataavailable = (e) => { rec_.queue = rec_.queue.then(() => keep(e.data)); };
  rec.onstop = () => {
    rec_.queue = rec_.queue.then(() => finish(stop, rec_)).catch((e) => {
      notify("Відео не вдалося завершити: " + e.message + ". Записане збережено; програма спробує ще раз при " +
        "наступному відкритті.", "error");
    }).finally(() => { if (active === rec_) { active = null; } hooks.render(); });
  };
  preview.srcObject = stream;
  preview.hidden = false;
  preview.play().catch(() => {});
  rec.start(SLICE_MS);
  status.textContent = "Іде запис…";
}

async function finish(stop, rec_) {
  rec_.stream.getTracks().forEach((t) => t.stop());
  rec_.preview.srcObject = null;
  const row = rec_.row;
  if (!row.size) {
    await DB.deleteFile(row.id);
    state.files = state.files.filter((f) => f.id !== row.id);
    notify(rec_.problem || "Відеозапис порожній — камера нічого не передала.", "error");
    return;
  }
  rec_.status.textContent = "Зберігаємо відео…";
  await declare(stop, row, rec_.hash.hex());
  notify(rec_.problem || "Відео збережено на комп'ютері (" + bytes(row.size) + "). Буде надіслано пізніше.",
    rec_.problem ? "error" : "ok");
}

function stopRecording() {
  if (active && active.rec.state !== "inactive") { active.rec.stop(); }
}

// Recordings cut short (a crash, a reload, a flat battery): what was stored is hashed from its
// pieces and declared, so it is sent like any other video. Run once the app has started.
export async function recoverRecordings() {
  const found = [];
  for (const row of state.files.filter((f) => f.state === "recording" && (!active || active.row.id !== f.id))) {
    const parts = await DB.fileParts(row.id);
    const size = parts.reduce((n, p) => n + p.size, 0);
    const stop = stopById(row.stop_id) || {id: row.stop_id};
    if (!size) {
      await DB.deleteFile(row.id);
      continue;
    }
    row.size = size;
    found.push(await declare(stop, row, await hashParts(parts)));
  }
  state.files = await DB.all("blobs");
  if (found.length) {
    notify("Відеозапис, перерваний " + found.map((r) => "о " + time(r.taken_at) + " (" + bytes(r.size) + ")")
      .join(", ") + ", збережено. Його буде надіслано разом з іншими файлами.", "ok");
  }
  return found;
}

export function videoBlock(stop, visit) {
  const consent = h("input", {type: "checkbox", id: "video-consent-" + stop.id, checked: !!visit.video_consent,
    testid: "video-consent"});
  consent.addEventListener("change", guard(async () => {
    const v = visitOf(stop.id);
    v.video_consent = consent.checked;
    v.video_consent_at = consent.checked ? new Date().toISOString() : null;
    await saveVisit(v, "згоду на відеозапис");
    hooks.render();
  }));
  const mineActive = active && active.stopId === stop.id ? active : null;
  const status = h("p", {class: "video-status", testid: "video-status", role: "status"},
    mineActive ? "Іде запис… збережено " + bytes(mineActive.row.size) + "." : "");
  const preview = mineActive ? mineActive.preview : h("video", {class: "video-preview", muted: true, playsinline: true,
    hidden: true});
  if (mineActive) { mineActive.status = status; }
  const mine = state.files.filter((f) => f.stop_id === stop.id && f.kind === "video" && f.state !== "recording");
  const canRecord = !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder);
  const onStart = guard(async () => {
    if (!consent.checked) { notify("Спершу запитайте згоду людини на відеозапис.", "error"); return; }
    if (active) { notify("Уже йде інший відеозапис — спершу зупиніть його.", "error"); return; }
    startBtn.disabled = true;
    try {
      await start(stop, preview, status);
    } catch (e) {
      startBtn.disabled = false;
      if (e instanceof StorageFull) { throw e; }
      notify("Камера недоступна: відео не записується. Працюйте далі без відео.", "error");
      return;
    }
    stopBtn.disabled = false;
  });
  const startBtn = h("button", {type: "button", class: "secondary", testid: "video-start", onclick: onStart,
    disabled: !canRecord || !visit.video_consent || !!active}, "Почати відеозапис");
  const stopBtn = h("button", {type: "button", class: "secondary", testid: "video-stop", onclick: stopRecording,
    disabled: !mineActive}, "Зупинити запис");
  return h("details", {class: "group", open: mine.length || mineActive || visit.video_consent ? true : null},
    h("summary", {}, "Відеозапис візиту (лише за згодою людини)"),
    h("p", {class: "choice"}, consent, h("label", {for: consent.id}, "Людина погодилася на відеозапис")),
    canRecord ? h("p", {class: "buttons"}, startBtn, " ", stopBtn) :
      h("p", {}, "На цьому комп'ютері немає камери або браузер не дозволяє запис — працюйте без відео."),
    preview, status,
    mine.length ? h("ul", {testid: "videos"}, mine.map((f) => h("li", {}, "Відео " + bytes(f.size) + ", " +
      time(f.taken_at) + " — " + fileStateText(f)))) : null);
}
