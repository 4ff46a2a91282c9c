// The outbox screen: what waits, what went, what the server refused or holds and why; the files
// and the sync's progress; and `runSync`, which sends it all.
import * as DB from "./db.js";
import { bytes, date, h, notify, time } from "./dom.js";
import { refreshDay } from "./day.js";
import { replacePhoto, fileStateText } from "./photos.js";
import { hooks, label, loadState, state, stopById, stopName, stopNumber, waitingCount } from "./state.js";
import { dueForRetry, isRunning, syncNow } from "./sync.js";

const STATE_TEXT = {waiting: "Чекає надсилання", sent: "Надіслано", quarantined: "Не прийнято: помилка в даних",
  refused: "Відхилено", conflict: "Чекає рішення координатора"};

export function syncSummary() {
  const held = state.outbox.filter((i) => ["quarantined", "refused", "conflict"].includes(i.state)).length;
  const n = waitingCount();
  if (!n && !held) { return "Усе надіслано."; }
  return (n ? "Не надіслано: " + n + ". " : "") + (held ? "Потребують уваги: " + held + " — дивіться нижче." : "");
}

export async function runSync(userAsked) {
  if (!navigator.onLine && !userAsked) { return; }
  // A revoked laptop stops sending by itself; the button still tries (the coordinator may restore it).
  const device = await DB.getMeta("device_state", null);
  if (device && device.revoked && !userAsked) { return; }
  const result = await syncNow((p) => { state.progress = p; showProgress(); });
  state.progress = null;
  const acceptsApplied = result.ok && result.changed.some((i) => i.kind === "visit.accept" && i.state === "sent");
  await loadState();
  if (!result.ok) {
    if (userAsked || result.error.kind !== "network") { notify(result.error.message, "error"); }
  } else if (userAsked) {
    notify(syncSummary(), "ok");
  }
  if (acceptsApplied && state.info) { await refreshDay(); }
  document.dispatchEvent(new CustomEvent("field:storage"));
  hooks.render();
}

// Automatic tries: when the network returns, every minute, soon after an action.
let soon = null;
export function syncSoon() {
  if (!navigator.onLine) { return; }
  clearTimeout(soon);
  soon = setTimeout(() => runSync(false), 1500);
}
export function syncWhenDue() {
  if (navigator.onLine && dueForRetry() && !isRunning()) { runSync(false); }
}

export function showProgress() {
  const box = document.getElementById("sync-progress");
  const p = state.progress;
  if (!box) { return; }
  box.replaceChildren();
  if (!p) { return; }
  box.append(
    h("p", {}, "Записи: " + p.items + " з " + p.itemsTotal),
    h("progress", {max: String(Math.max(1, p.itemsTotal)), value: String(p.items), "aria-label": "Надіслані записи"}),
    p.bytesTotal ? h("p", {}, "Файли: " + bytes(Math.min(p.bytesDone, p.bytesTotal)) + " з " + bytes(p.bytesTotal)) : null,
    p.bytesTotal ? h("progress", {max: String(p.bytesTotal), value: String(Math.min(p.bytesDone, p.bytesTotal)),
      "aria-label": "Надіслані файли"}) : null);
}

// The item's kind as the day named it when it was recorded.
const kindText = (item) => item.label || label("item_kinds", item.kind);

export function viewOutbox(meta) {
  const items = state.outbox.slice().reverse();
  const files = state.files.filter((f) => f.state !== "complete");
  const counts = {};
  for (const i of state.outbox) { counts[i.state] = (counts[i.state] || 0) + 1; }
  const problem = meta.syncProblem;
  const parts = [
    h("h1", {}, "Надсилання"),
    h("p", {class: "lead", testid: "outbox-summary"}, syncSummary()),
    h("p", {}, h("button", {type: "button", class: "big", testid: "sync-now", onclick: () => runSync(true)}, "Надіслати зараз")),
    h("div", {id: "sync-progress", class: "progress", testid: "sync-progress", role: "status", "aria-live": "polite"}),
    meta.lastSync ? h("p", {class: "muted", testid: "last-sync"}, "Востаннє надіслано: " + date(meta.lastSync) + " о " +
      time(meta.lastSync)) : null,
    problem && problem.message ? h("p", {class: "message message--error", testid: "sync-problem"}, problem.message) : null,
    problem && problem.kind === "login" ? h("p", {}, h("a", {class: "button", testid: "login-again",
      href: "/staff/login/?next=/field/%23/outbox"}, "Увійти знову")) : null,
    meta.deviceState && meta.deviceState.revoked ? h("p", {class: "message message--error", testid: "device-revoked"},
      meta.deviceState.message || "Доступ цього комп'ютера відкликано. Зателефонуйте координатору.") : null,
    meta.syncNotice ? h("p", {class: "message message--warning", testid: "sync-notice"}, meta.syncNotice) : null,
    h("p", {}, Object.entries(STATE_TEXT).filter(([k]) => counts[k]).map(([k, t]) => t + ": " + counts[k]).join(" · ") ||
      "Записів немає."),
  ];
  if (files.length) {
    parts.push(h("h2", {}, "Файли"));
    parts.push(h("ul", {testid: "outbox-files"}, files.map((f) => {
      const stop = stopById(f.stop_id);
      return h("li", {testid: "outbox-file", "data-state": f.state},
        (f.kind === "video" ? "Відео " : "Фото ") + bytes(f.size) +
        (stop ? " (зупинка " + stopNumber(stop) + ", " + stopName(stop) + ")" : "") + " — " + fileStateText(f),
        f.state === "rejected" && f.kind === "photo" && stop ? replacePhoto(stop, f) : null);
    })));
  }
  parts.push(h("h2", {}, "Записи"));
  parts.push(h("ol", {class: "outbox", reversed: true, testid: "outbox-items"}, items.map((i) => {
    const stop = stopById(i.stop_id);
    return h("li", {class: "outbox-item outbox-item--" + i.state, testid: "outbox-item", "data-state": i.state,
      "data-kind": i.kind, "data-id": i.id},
      h("strong", {}, kindText(i)), " — ",
      stop ? "зупинка " + stopNumber(stop) + " (" + stopName(stop) + ")" : "зупинка " + i.stop_id,
      ", " + time(i.at) + ". ",
      h("span", {class: "item-state", testid: "item-state"}, STATE_TEXT[i.state] || i.state),
      i.message ? h("span", {class: "item-message"}, ": " + i.message) : null,
      i.state === "refused" || i.state === "conflict" ? h("span", {class: "item-message"},
        " Запис збережено; координатор його бачить.") : null);
  })));
  return parts;
}
