// The day: loaded from the server while there is internet (GET /api/v1/field/day) and kept in
// IndexedDB as the server sent it, one record per trip and stop; and the list of the day's stops.
import * as DB from "./db.js";
import { date, h, notify, time } from "./dom.js";
import {
  finishedElsewhere, finishedText, hooks, label, loadState, peopleOf, state, stopName, stopNumber, waitingCount,
} from "./state.js";
import { contactLines } from "./stop.js";
import { fetchDay, syncNow } from "./sync.js";

// The "day" store's records: one "info", and one per trip and per stop (stops keep their trip's id).
function dayRecords(body) {
  // The device (and its token, once) is kept apart, in meta: it is the laptop's, not the day's.
  const {trips, csrf_token: _csrf, device: _device, ...rest} = body;
  const records = [Object.assign({key: "info", type: "info", loaded_at: new Date().toISOString()}, rest)];
  trips.forEach((trip, order) => {
    const {stops, ...fields} = trip;
    records.push(Object.assign({key: "trip:" + trip.id, type: "trip", order: order}, fields));
    for (const stop of stops) {
      records.push(Object.assign({key: "stop:" + stop.id, type: "stop", trip_id: trip.id}, stop));
    }
  });
  return records;
}

async function storeDay(body, replace) {
  const records = dayRecords(body);
  const keepStops = replace ? [] : state.stops.filter((s) => state.visits.has(s.id));
  const newKeys = new Set(records.map((r) => r.key));
  await DB.tx(["day", "meta"], "readwrite", async (t) => {
    const day = t.objectStore("day");
    await day.clear();
    for (const r of records) { await day.put(r); }
    // A stop worked on this laptop stays even if the new plan no longer has it.
    for (const stop of keepStops) {
      if (newKeys.has(stop.key)) { continue; }
      await day.put(Object.assign({}, stop, {gone: true}));
      const tripKey = "trip:" + stop.trip_id;
      const trip = state.trips.find((x) => x.key === tripKey);
      if (!newKeys.has(tripKey) && trip) {
        await day.put(trip);
        newKeys.add(tripKey);
      }
    }
    await t.objectStore("meta").put({key: "limits", value: body.limits});
    await t.objectStore("meta").put({key: "csrf", value: body.csrf_token});
  });
  await loadState();
}

// Updates trips and stops from the server (registered numbers, the server's view of the visits)
// without touching what was done on the laptop.
export async function refreshDay() {
  try {
    await storeDay(await fetchDay(state.info.date), false);
  } catch (e) { /* the stops stay as they were */ }
}

export async function loadDay() {
  if (!navigator.onLine) {
    notify("Немає інтернету. Виїзди можна завантажити лише з інтернетом.", "error");
    return false;
  }
  notify("Завантажуємо виїзди…", "info");
  // What is waiting goes first, so the laptop holds as little as possible (once it has its token:
  // until then the server takes nothing, and this load is what gets the token).
  if (waitingCount() && await DB.deviceGrant()) { await syncNow(); await loadState(); }
  let body;
  try {
    body = await fetchDay();
  } catch (e) {
    notify(e.message, "error");
    return false;
  }
  const another = state.info && state.info.date !== body.date;
  if (another) {
    const unsent = waitingCount();
    const ok = window.confirm("Завантажити інший день? Дані попереднього дня буде стерто з цього комп'ютера." +
      (unsent ? " Ще не надіслано записів: " + unsent + ". Вони не зникнуть і будуть надіслані, щойно буде зв'язок." : ""));
    if (!ok) { notify(""); return false; }
    await DB.erasePersonalData();
    await loadState();
  }
  await storeDay(body, another);
  // What waited for the laptop's first token (or for its approval) goes now.
  if (waitingCount()) { hooks.syncSoon(); }
  notify(state.stops.length ? "Виїзди завантажено: зупинок " + state.stops.length + "." :
    "На сьогодні у вашої команди немає оприлюднених виїздів.", "ok");
  return true;
}

function stopSummary(stop) {
  if (stop.kind === "session") {
    const people = peopleOf(stop);
    const done = people.filter((p) => (state.visits.get(p.id) || {}).outcome || (p.visit && p.visit.outcome)).length;
    return "Людей: " + people.length + ", завершено: " + done;
  }
  const elsewhere = finishedElsewhere(stop);
  if (elsewhere) { return finishedText(elsewhere, time); }
  const visit = state.visits.get(stop.id);
  if (visit && visit.outcome) { return "Завершено: " + label("outcomes", visit.outcome); }
  if (visit && visit.started_at) { return "Розпочато о " + time(visit.started_at); }
  return "Ще не розпочато";
}

export function viewDay(onLoad) {
  const parts = [h("h1", {}, "Виїзди дня")];
  parts.push(h("p", {}, h("button", {type: "button", class: "big", testid: "load-day", onclick: onLoad},
    "Завантажити виїзди на сьогодні")));
  if (!state.info) {
    parts.push(h("p", {class: "lead"}, "На цьому комп'ютері ще немає виїздів. Поки є інтернет, натисніть " +
      "«Завантажити виїзди на сьогодні» — після цього можна працювати без зв'язку."));
    return parts;
  }
  parts.push(h("p", {class: "muted", testid: "day-loaded"}, "День: " + date(state.info.date) + ". Завантажено " +
    date(state.info.loaded_at) + " о " + time(state.info.loaded_at) + "."));
  if (!state.stops.length) {
    parts.push(h("p", {class: "lead"}, "На цей день у вашої команди немає зупинок."));
  }
  for (const trip of state.trips) {
    const stops = state.stops.filter((s) => s.trip_id === trip.id);
    parts.push(h("h2", {}, (trip.team || "Виїзд") + (trip.leave_at ? ", виїзд о " + time(trip.leave_at) : "")));
    parts.push(h("ol", {class: "stops", testid: "stops"}, stops.map((stop) => {
      const n = stopNumber(stop);
      const name = stopName(stop);
      return h("li", {class: "stop-card" + (stop.gone ? " stop-card--gone" : ""), testid: "stop-" + n, "data-stop-id": stop.id},
        h("h3", {}, h("a", {href: "#/stop/" + stop.id, testid: "open-stop-" + n, "aria-label": "Відкрити зупинку " + n + ": " + name},
          n + ". " + name)),
        h("p", {class: "window"}, h("strong", {}, "Час: "), time(stop.window_start) + "–" + time(stop.window_end),
          stop.arrival ? " (прибуття о " + time(stop.arrival) + ")" : ""),
        contactLines(stop),
        stop.conflict ? h("p", {class: "warning-text", testid: "conflict-" + n}, stop.conflict) : null,
        stop.kind === "session" ? h("p", {testid: "people-count-" + n}, h("strong", {}, "Записано: "),
          String((stop.attendees || []).filter((a) => a.kind === "booking").length)) :
          h("p", {}, h("strong", {}, "Послуги: "), stop.services.map((s) => s.name).join("; ") || "—"),
        stop.gone ? h("p", {class: "warning-text"}, "Цієї зупинки вже немає в новому плані — дані візиту збережено.") : null,
        h("p", {class: "stop-status", testid: "stop-status-" + n}, stopSummary(stop)));
    })));
  }
  return parts;
}
