// What the screens show, loaded from IndexedDB, and the one way an action is recorded (`record`).
// The day's records carry the server's names (day_schemas.py): stop.person.applicant_name,
// service.payment_qr.svg, info.choices.outcomes[i].value…
import * as DB from "./db.js";
import { setTimeZone } from "./dom.js";
import { setTimeoutSeconds } from "./net.js";
import { saving } from "./storage.js";

export const state = {info: null, trips: [], stops: [], people: [], visits: new Map(), outbox: [], files: [],
  deviceId: "", progress: null};

// Set by main.js: draw the current route again; send the outbox soon.
export const hooks = {render: () => {}, syncSoon: () => {}};

export async function loadState() {
  const day = await DB.all("day");
  state.info = day.find((r) => r.type === "info") || null;
  state.trips = day.filter((r) => r.type === "trip").sort((a, b) => a.order - b.order);
  const tripOrder = new Map(state.trips.map((t) => [t.id, t.order]));
  state.stops = day.filter((r) => r.type === "stop")
    .sort((a, b) => (tripOrder.get(a.trip_id) - tripOrder.get(b.trip_id)) || (a.position - b.position));
  state.visits = new Map((await DB.all("visits")).map((v) => [v.stop_id, v]));
  rebuildPeople();
  state.outbox = await DB.outbox();
  state.files = await DB.all("blobs");
  const grant = await DB.deviceGrant();
  state.deviceId = grant ? grant.id : "";
  if (state.info) {
    setTimeoutSeconds(state.info.limits.request_timeout_s);
    setTimeZone(state.info.time_zone);
  }
  updateBadge();
}

// -- the day's choices and limits (none before a day is loaded: there is nothing to choose) --------

export const choices = (name) => (state.info && state.info.choices[name]) || [];
export function label(name, value) {
  const hit = choices(name).find((c) => c.value === value);
  return hit ? hit.label : value;
}
export const limits = () => (state.info ? state.info.limits : null);

// -- stops -----------------------------------------------------------------------------------------

export const stopById = (id) => state.stops.find((s) => String(s.id) === String(id)) ||
  state.people.find((s) => s.id === String(id));

// -- the people at a fixed-point reception (issue 12) ---------------------------------------------------
// Each person at a session's stop is worked like a stop of their own: a "person stop" with the id
// "<stop id>~<attendee id>", which the sync sends as the stop's id and the person's `attendee_id`.
// Booked people come with the day (in slot order); a walk-in registered here lives in its visit
// record (`walk_in`) until the day's next load lists them.
export const PERSON_SEP = "~";

export function personId(stop, attendeeId) { return stop.id + PERSON_SEP + attendeeId; }

function placeText(stop) {
  return stop.place ? stop.place.name + ", " + stop.place.address : "";
}

function personStop(stop, fields) {
  return Object.assign({type: "person", parent_id: stop.id, trip_id: stop.trip_id, position: stop.position,
    kind: "person", place: stop.place, gone: stop.gone}, fields);
}

function bookedPerson(stop, a) {
  return personStop(stop, {
    id: personId(stop, a.attendee_id), attendee_id: a.attendee_id, attendee: a,
    window_start: a.slot_start || stop.window_start, window_end: a.slot_end || stop.window_end,
    person: a.person || {applicant_name: a.applicant_name, applicant_birth_date: a.applicant_birth_date,
      contact_phone: a.applicant_phone, applicant_phone: a.applicant_phone, address: placeText(stop),
      person_consent_at: a.person_consent_at, requester_name: "", evidence_check: null},
    services: a.services || [], visit: a.visit, cases: a.cases || [],
  });
}

function walkInPerson(stop, visit) {
  const w = visit.walk_in;
  const attendeeId = visit.stop_id.split(PERSON_SEP)[1];
  return personStop(stop, {
    id: visit.stop_id, attendee_id: attendeeId,
    attendee: {kind: "walk_in", booking_number: "", applicant_name: w.name, no_show_at: null},
    window_start: stop.window_start, window_end: stop.window_end,
    person: {applicant_name: w.name, applicant_birth_date: w.birth_date, contact_phone: w.phone,
      applicant_phone: w.phone, address: placeText(stop), person_consent_at: w.registered_at, requester_name: "",
      evidence_check: null},
    services: [], visit: null, cases: [],
  });
}

export function rebuildPeople() {
  const people = [];
  for (const stop of state.stops.filter((s) => s.kind === "session")) {
    const rows = (stop.attendees || []).map((a) => bookedPerson(stop, a));
    const known = new Set(rows.map((r) => r.id));
    for (const visit of state.visits.values()) {
      if (visit.walk_in && visit.session_stop_id === stop.id && !known.has(visit.stop_id)) {
        rows.push(walkInPerson(stop, visit));
      }
    }
    people.push(...rows);
  }
  state.people = people;
}

export const peopleOf = (stop) => state.people.filter((p) => p.parent_id === stop.id);
// The planner's number (from 1 in each trip): the same on the board, the route sheet and the map.
export const stopNumber = (stop) => stop.position;

// The person's name, or the fixed point's.
export function stopName(stop) {
  if (stop.person) { return stop.person.applicant_name; }
  return stop.place ? stop.place.name : "Прийом за графіком";
}

export function stopAddress(stop) {
  if (stop.person) { return stop.person.address; }
  return stop.place ? stop.place.address : "";
}

// The request's services, and any the person asked for at the door (the day's extra_services).
export function servicesOf(stop, visit) {
  const extra = ((state.info && state.info.extra_services) || [])
    .filter((s) => (visit.extra_services || []).includes(s.id) && !stop.services.some((x) => x.id === s.id));
  return stop.services.concat(extra);
}

// The registered number once the server has it (from the sync result or the day data).
export function registeredNumber(stop, sid) {
  const fromList = (list) => {
    const hit = (list || []).find((c) => String(c.service_id) === String(sid));
    return hit ? hit.number : undefined;
  };
  for (const item of state.outbox) {
    if (item.kind !== "visit.accept" || item.stop_id !== stop.id || item.state !== "sent" || !item.result) { continue; }
    const n = fromList(item.result.cases);
    if (n) { return n; }
  }
  return fromList(stop.cases);
}

// -- what another laptop already did at a stop (the server's state, from the day's load) -----------------

// The server's state of a stop finished before this laptop did anything there (another laptop, or
// this one before its data was erased): shown, and no second, conflicting entry is invited.
export function finishedElsewhere(stop) {
  const server = stop.visit;
  if (!server || !server.outcome) { return null; }
  const local = state.visits.get(stop.id);
  if (local && (local.started_at || local.outcome)) { return null; }
  return server;
}

export function finishedText(server, time) {
  const by = server.worked_by ? ", " + server.worked_by : "";
  const at = server.finished_at ? " о " + time(server.finished_at) : "";
  return "Уже завершено" + by + at + ": " + server.outcome_label + ".";
}

// -- what was done at a stop, on this laptop ----------------------------------------------------------

export function visitOf(stopId) {
  return state.visits.get(stopId) || {stop_id: stopId, services: {}, acts: []};
}

// A copy of the stop's visit to change: the screen shows the change only once it is stored.
export const draft = (stopId) => structuredClone(visitOf(stopId));

export async function saveVisit(visit, what) {
  await saving(what || "зміну", () => DB.put("visits", visit));
  state.visits.set(visit.stop_id, visit);
}

export function serviceState(visit, sid) {
  visit.services[sid] = visit.services[sid] || {docs: {}};
  return visit.services[sid];
}

// -- the outbox -------------------------------------------------------------------------------------

// An action, stored with the visit's new state (and a file) in one transaction; `what` names it
// in the message if the disk is full.
export async function record(kind, stop, data, {visit, file, chunk, id, what} = {}) {
  const kindLabel = label("item_kinds", kind);
  const item = await saving(what || kindLabel.toLowerCase(), () => DB.addItem(kind, stop.id, data,
    {visit: visit, blob: file, chunk: chunk, id: id, label: kindLabel === kind ? "" : kindLabel}));
  if (visit) {
    state.visits.set(visit.stop_id, visit);
    if (visit.walk_in) { rebuildPeople(); }
  }
  if (file) {
    state.files = state.files.filter((f) => f.id !== file.id).concat([file]);
    document.dispatchEvent(new CustomEvent("field:storage"));  // the free space shown changed
  }
  state.outbox.push(item);
  updateBadge();
  hooks.syncSoon();
  return item;
}

// Every action at a stop implies the visit started: record the start first if it was skipped.
// A second action pressed while the start is still being saved waits for that start (one start per visit).
const starting = new Map();
export async function ensureStarted(stop) {
  if (visitOf(stop.id).started_at) { return draft(stop.id); }
  if (!starting.has(stop.id)) {
    starting.set(stop.id, (async () => {
      const visit = draft(stop.id);
      visit.started_at = new Date().toISOString();
      visit.start_item = crypto.randomUUID();
      await record("visit.start", stop, {}, {visit: visit, id: visit.start_item});
      askPosition(visit.start_item, stop.id);
    })().finally(() => starting.delete(stop.id)));
  }
  await starting.get(stop.id);
  return draft(stop.id);
}

// Optional and never waited for: the position is added to the start item if it comes in time.
function askPosition(itemId, stopId) {
  if (!("geolocation" in navigator)) { return; }
  navigator.geolocation.getCurrentPosition(async (pos) => {
    const lat = Number(pos.coords.latitude.toFixed(6));
    const lon = Number(pos.coords.longitude.toFixed(6));
    const ok = await DB.amendWaiting(itemId, (item) => { item.data.latitude = lat; item.data.longitude = lon; });
    if (ok) {
      const visit = visitOf(stopId);
      visit.latitude = lat; visit.longitude = lon;
      await saveVisit(visit);
      state.outbox = await DB.outbox();
    }
  }, () => { /* no position: the visit goes on without it */ }, {timeout: 8000, maximumAge: 120000});
}

export async function nextProvisional() {
  const n = await DB.nextCounter("provisional_seq");
  // The server's id of this laptop (from the day's load) keeps two laptops' numbers apart.
  return "Т-" + (state.deviceId || "0000").slice(0, 4).toUpperCase() + "-" + n;
}

export function waitingCount() {
  return state.outbox.filter((i) => i.state === "waiting").length +
    state.files.filter((f) => !DB.FILE_DONE.includes(f.state)).length;
}

export function updateBadge() {
  const badge = document.getElementById("outbox-badge");
  if (badge) {
    const n = waitingCount();
    badge.textContent = n ? String(n) : "";
    badge.setAttribute("aria-label", n ? "не надіслано: " + n : "усе надіслано");
  }
}
