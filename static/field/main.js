// The field client (ADR 7): routes, the shell's status lines, start-up. The modules, one job each:
//   dom.js (DOM builder, formatters) · db.js (IndexedDB schema and its upgrade ladder, via vendored idb)
//   net.js (requests with a deadline) · sync.js (outbox batches, resumable uploads) · hash.js (SHA-256)
//   storage.js (persistent storage, free space, full disk) · state.js (what the screens show, `record`)
//   limits.js (the server's limits at input time) · day.js (load and list the day) · stop.js (a stop)
//   payment.js · act.js · photos.js · video.js · outbox.js (the outbox screen and `runSync`)
//   · reception.js (a fixed-point reception: its people, no-shows, walk-ins)
//   · instructions.js (technological cards and crisis instructions, offline with the day)
// Stable `data-testid` attributes are the automation hooks (browser tests, soak_sync): keep them.
//   shell: nav-day, nav-outbox, outbox-badge, net-status (data-online 1/0), notice, logout,
//         app (data-ready=1; data-route = the route drawn, e.g. "stop/12", absent while a new one is drawn),
//         offline-ready (data-ready 1 once the service worker controls the page and keeps the shell),
//         storage-status (data-free: bytes free for the app's data); body[data-syncing] while a sync runs
//   day: load-day, day-loaded, stop-N, open-stop-N, stop-status-N (N = 1-based order of the day)
//   stop: visit-start, visit-started, service-S, doc-S-D, sheets-S-D, delivery-S, accept-S, number-S,
//         print-inventory-S, photo-S (file input), thumbs-S (img per photo), payment-S, pay-method-S-M,
//         pay-receipt-S, pay-amount-S, pay-qr-S, pay-link-S, pay-save-S, pay-saved-S, extra-service,
//         extra-service-add, act-open, act-kind, act-description, act-witness-name, act-witness-role,
//         act-save, act-print-K, video-consent, video-start, video-stop, video-status, videos,
//         outcome-VALUE (radio), outcome-note, outcome-save, outcome-saved, count-FIELD (the counter of a
//         text field: description, note, witness_name, witness_role, receipt-S)
//         (S service id, D document id)
//   instructions: nav-instructions, crisis-list, card-list, crisis-KIND, card-S, instruction,
//         instruction-version, instruction-steps, instruction-contacts; a stop's conflict warning: conflict-N
//   outbox: sync-now, sync-progress, sync-problem, outbox-summary, outbox-items, outbox-item
//         (data-state waiting|sent|quarantined|refused|conflict, data-kind, data-id), item-state, outbox-file,
//         replace-photo (file input beside a refused photo)
//   print: inventory, inventory-number, act, print
import { viewAct } from "./act.js";
import * as DB from "./db.js";
import { loadDay, viewDay } from "./day.js";
import { h, notify } from "./dom.js";
import { viewInstruction, viewInstructions } from "./instructions.js";
import { runSync, showProgress, syncSoon, syncWhenDue, viewOutbox } from "./outbox.js";
import { hooks, limits, loadState, state, updateBadge, waitingCount } from "./state.js";
import { askPersistence, guard, showStorage } from "./storage.js";
import { viewInventory, viewStop } from "./stop.js";
import { csrfToken, syncNow } from "./sync.js";
import { recoverRecordings } from "./video.js";

const app = document.getElementById("app");

// -- routing --------------------------------------------------------------------------------

let lastRoute = null;

function captureControls() {
  const values = new Map();
  for (const el of app.querySelectorAll("input[id], select[id], textarea[id]")) {
    if (el.type === "file") { continue; }
    values.set(el.id, el.type === "checkbox" || el.type === "radio" ? el.checked : el.value);
  }
  const open = Array.from(app.querySelectorAll("details"), (d) => d.open);
  const focused = document.activeElement && document.activeElement.id;
  return {values: values, open: open, focused: focused};
}

function restoreControls(kept) {
  for (const [id, value] of kept.values) {
    const el = document.getElementById(id);
    if (!el || !app.contains(el)) { continue; }
    if (el.type === "checkbox" || el.type === "radio") { el.checked = value; } else { el.value = value; }
    if (el.type === "radio" && value) { el.dispatchEvent(new Event("change")); }
    if (el.type !== "checkbox" && el.type !== "radio") { el.dispatchEvent(new Event("input")); }
  }
  app.querySelectorAll("details").forEach((d, i) => { if (kept.open[i]) { d.open = true; } });
  const focus = kept.focused && document.getElementById(kept.focused);
  if (focus && app.contains(focus)) { focus.focus({preventScroll: true}); }
}

async function onLoadDay() {
  if (await loadDay()) { location.hash = "#/"; }
  render();
  showStorageNow();
}

// `fresh`: draw the route anew, not keeping what was typed (e.g. a form just saved).
async function render({fresh = false} = {}) {
  const meta = {syncProblem: await DB.getMeta("sync_problem", null), lastSync: await DB.getMeta("last_sync", null),
    deviceState: await DB.getMeta("device_state", null), syncNotice: await DB.getMeta("sync_notice", "")};
  const route = (location.hash || "#/").slice(1).split("/").filter(Boolean);
  let parts;
  document.body.classList.toggle("printing", route[0] === "print");
  if (route[0] === "stop" && route[1]) { parts = viewStop(route[1]); }
  else if (route[0] === "outbox") { parts = viewOutbox(meta); }
  else if (route[0] === "instructions") { parts = viewInstructions(); }
  else if (route[0] === "instruction" && route[1]) { parts = viewInstruction(route[1]); }
  else if (route[0] === "print" && route[1] === "inventory") { parts = viewInventory(route[2], route[3]); }
  else if (route[0] === "print" && route[1] === "act") { parts = viewAct(state.info, route[2], route[3]); }
  else { parts = viewDay(guard(onLoadDay)); }
  // A render caused by something in the background (a sync finishing, the network coming or
  // going) must not wipe what the person is typing or has ticked but not saved yet.
  const key = route.join("/");
  const kept = key === lastRoute && !fresh ? captureControls() : null;
  lastRoute = key;
  app.replaceChildren(...parts.flat().filter(Boolean));
  if (kept) { restoreControls(kept); }
  app.dataset.route = key;
  app.inert = false;
  app.dataset.ready = "1";
  showProgress();
  updateBadge();
}

// -- the shell's status lines ------------------------------------------------------------------

function showNetwork() {
  const el = document.getElementById("net-status");
  el.textContent = navigator.onLine ? "Є зв'язок з інтернетом." : "Немає зв'язку. Працюйте далі — усе зберігається на цьому комп'ютері.";
  el.className = "net-status " + (navigator.onLine ? "net-status--online" : "net-status--offline");
  el.dataset.online = navigator.onLine ? "1" : "0";
}

// Below this the person is warned: room for a few more photos, or a minute of video.
function showStorageNow() {
  const l = limits();
  return showStorage(Math.max(100 * 1024 * 1024, l ? 4 * l.photo_max_bytes : 0));
}

// The administrator must know before leaving the office whether the laptop can open the app with
// no network: only once the service worker controls this page and holds a copy of the shell.
async function shellSaved() {
  try { return Boolean(await caches.match("/field/")); } catch (e) { return false; }
}

async function showOfflineReady() {
  const el = document.getElementById("offline-ready");
  let ready = false;
  if ("serviceWorker" in navigator && "caches" in window) {
    try {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) {
        await new Promise((resolve) => navigator.serviceWorker.addEventListener("controllerchange", resolve, {once: true}));
      }
      ready = await shellSaved();
      // Installed while the server did not answer: ask the worker to save the shell now.
      for (let i = 0; !ready && navigator.onLine && i < 20; i++) {
        navigator.serviceWorker.controller.postMessage("cache-shell");
        await new Promise((resolve) => setTimeout(resolve, 1500));
        ready = await shellSaved();
      }
    } catch (e) { ready = false; }
  }
  el.textContent = ready
    ? "Програму збережено на цьому комп'ютері: її можна відкрити й без інтернету."
    : "Програму ще не збережено для роботи без інтернету. Не вимикайте інтернет, поки тут не з'явиться «збережено».";
  el.className = "offline-ready " + (ready ? "offline-ready--yes" : "offline-ready--no");
  el.dataset.ready = ready ? "1" : "0";
}

async function logout() {
  const unsent = waitingCount();
  const msg = "Вийти? Персональні дані дня буде стерто з цього комп'ютера." +
    (unsent ? " Ще не надіслано записів: " + unsent + ". Вони залишаться на комп'ютері і будуть надіслані після " +
      "наступного входу." : "");
  if (!window.confirm(msg)) { return; }
  if (navigator.onLine && unsent) { await syncNow(); }
  await DB.erasePersonalData();
  await loadState();
  const form = h("form", {method: "post", action: "/staff/logout/", class: "no-print"},
    h("input", {type: "hidden", name: "csrfmiddlewaretoken", value: await csrfToken()}));
  document.body.append(form);
  if (navigator.onLine) { form.submit(); } else {
    notify("Дані дня стерто. Без інтернету вихід із системи завершиться, коли відкриєте сторінку з інтернетом.", "info");
    render();
  }
}

// A fault nobody caught still reaches the person: silence would leave them thinking it was saved.
function onUnhandled(event) {
  const reason = event.reason || event.error || {};
  notify("Сталася помилка в програмі: " + (reason.message || String(reason)) + ". Усе, що збережено раніше, не " +
    "втрачено. Перевірте останню дію і повторіть її; якщо помилка повториться — перезавантажте сторінку й " +
    "повідомте техніка.", "error");
}

async function boot() {
  window.addEventListener("unhandledrejection", onUnhandled);
  window.addEventListener("error", onUnhandled);
  try {
    await DB.open();
    await loadState();
  } catch (e) {
    app.replaceChildren(h("p", {class: "message message--error"}, "Браузер не дозволяє зберігати дані на цьому " +
      "комп'ютері (можливо, приватний режим, або на диску немає місця). Робота без інтернету неможлива. " +
      "(" + (e.message || e.name || e) + ")"));
    return;
  }
  hooks.render = render;
  hooks.syncSoon = syncSoon;
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/field/sw.js", {scope: "/field/"})
      .catch(() => { /* works online anyway */ });
  }
  showOfflineReady();
  askPersistence().then(showStorageNow);
  document.addEventListener("field:storage", showStorageNow);
  // Until the new screen is drawn, the old one (perhaps another person's stop) takes no clicks.
  window.addEventListener("hashchange", () => {
    notify("");
    app.inert = true;
    delete app.dataset.route;
    render().then(() => app.focus()).finally(() => { app.inert = false; });
  });
  window.addEventListener("online", () => {
    showNetwork(); runSync(false);
    if (document.getElementById("offline-ready").dataset.ready !== "1") { showOfflineReady(); }
  });
  window.addEventListener("offline", showNetwork);
  document.getElementById("logout").addEventListener("click", logout);
  setInterval(syncWhenDue, 60000);
  showNetwork();
  try {
    await recoverRecordings();
  } catch (e) {
    notify("Перерваний відеозапис не вдалося завершити: " + e.message + ". Він залишається на комп'ютері; " +
      "програма спробує ще раз при наступному відкритті.", "error");
  }
  await render();
  if (navigator.onLine && waitingCount()) { runSync(false); }
}

boot();
