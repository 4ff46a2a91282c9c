// The field client (ADR 7): the day's stops, the work at each door, the outbox and the print views.
// Everything is kept in IndexedDB (db.js) and sent by sync.js; the page works with no network.
// Stable `data-testid` attributes are the automation hooks (browser test, soak_sync): keep them.
//   shell: nav-day, nav-outbox, outbox-badge, net-status (data-online 1/0), notice, logout,
//         app (data-ready=1; data-route = the route drawn, e.g. "stop/12", absent while a new one is drawn),
//         offline-ready (data-ready 1 once the service worker controls the page and keeps the shell)
//   day: load-day, day-loaded, stop-N, open-stop-N, stop-status-N (N = 1-based order of the day)
//   stop: visit-start, visit-started, service-S, doc-S-D, sheets-S-D, delivery-S, accept-S, number-S,
//         print-inventory-S, photo-S (file input), thumbs-S (img per photo), payment-S, pay-method-S-M,
//         pay-receipt-S, pay-amount-S, pay-qr-S, pay-link-S, pay-save-S, pay-saved-S, extra-service,
//         extra-service-add, act-open, act-kind, act-description, act-witness-name, act-witness-role,
//         act-save, act-print-K, video-consent, video-start, video-stop, video-status, videos,
//         outcome-VALUE (radio), outcome-note, outcome-save, outcome-saved   (S service id, D document id)
//   outbox: sync-now, sync-progress, sync-problem, outbox-summary, outbox-items, outbox-item
//         (data-state waiting|sent|quarantined|refused|conflict, data-kind, data-id), item-state, outbox-file,
//         replace-photo (file input beside a refused photo)
//   print: inventory, inventory-number, act, print
"use strict";
(function () {
  const DB = window.FieldDB;
  const Sync = window.FieldSync;
  const app = document.getElementById("app");

  // -- small helpers -----------------------------------------------------------------------------

  // h("p", {class: "x", testid: "y"}, "text", child…): builds DOM with text nodes only (no HTML
  // from data ever reaches innerHTML).
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) { continue; }
      if (k === "testid") { el.dataset.testid = v; }
      else if (k === "class") { el.className = v; }
      else if (k.startsWith("on")) { el.addEventListener(k.slice(2), v); }
      else if (k === "checked" || k === "selected" || k === "disabled" || k === "value") { el[k] = v; }
      else { el.setAttribute(k, v === true ? "" : v); }
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) { continue; }
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  function pick(obj, ...names) {
    if (!obj) { return undefined; }
    for (const n of names) {
      if (obj[n] !== undefined && obj[n] !== null && obj[n] !== "") { return obj[n]; }
    }
    return undefined;
  }

  const pad = (n) => String(n).padStart(2, "0");
  function time(iso) {
    if (!iso) { return ""; }
    const d = new Date(iso);
    return isNaN(d) ? String(iso) : pad(d.getHours()) + ":" + pad(d.getMinutes());
  }
  function date(iso) {
    if (!iso) { return ""; }
    const d = new Date(iso.length === 10 ? iso + "T12:00:00" : iso);
    return isNaN(d) ? String(iso) : pad(d.getDate()) + "." + pad(d.getMonth() + 1) + "." + d.getFullYear();
  }
  function money(v) {
    const n = Number(v);
    return isNaN(n) ? String(v) : n.toFixed(2).replace(".", ",") + " грн";
  }
  function bytes(n) {
    if (n >= 1024 * 1024) { return (n / 1024 / 1024).toFixed(1).replace(".", ",") + " МБ"; }
    return Math.max(1, Math.round(n / 1024)) + " КБ";
  }
  async function sha256Hex(buffer) {
    const digest = await crypto.subtle.digest("SHA-256", buffer);
    return Array.from(new Uint8Array(digest)).map((b) => b.toString(16).padStart(2, "0")).join("");
  }

  function notify(message, kind) {
    const box = document.getElementById("notice");
    box.textContent = message || "";
    box.className = "notice" + (kind ? " notice--" + kind : "");
    box.hidden = !message;
  }

  // -- choices (from the day data; these are the fallbacks of ADR 7) ------------------------------

  const DEFAULT_CHOICES = {
    outcomes: [["served", "Обслуговано"], ["partly_served", "Обслуговано частково"],
      ["not_at_home", "Людини не було вдома"], ["refused", "Людина відмовилася"],
      ["capacity_doubt", "Зупинено: сумнів щодо дієздатності"], ["technical_failure", "Технічний збій"]],
    delivery: [["post", "Поштою"], ["courier", "Кур'єром"], ["repeat_visit", "Повторним виїздом"], ["office", "У ЦНАП"]],
    payment_methods: [["prepaid", "Оплачено заздалегідь (квитанція)"], ["online", "Онлайн / швидка оплата за QR-кодом"],
      ["terminal", "Карткою через термінал під час візиту"]],
    act_kinds: [["capacity_doubt", "Сумнів щодо дієздатності"], ["aggression", "Агресивна поведінка"],
      ["refusal", "Відмова"], ["other", "Інше"]],
  };
  const CHOICE_ALIASES = {outcomes: ["outcomes", "outcome"], delivery: ["delivery", "deliveries"],
    payment_methods: ["payment_methods", "payment_method", "payments"], act_kinds: ["act_kinds", "acts", "act_kind"]};

  function asPairs(list) {
    if (!list) { return null; }
    if (!Array.isArray(list)) { return Object.entries(list).map(([v, l]) => [v, String(l)]); }
    return list.map((c) => Array.isArray(c) ? [c[0], c[1]] : [c.value, c.label || c.name || c.value]);
  }
  function choices(name) {
    const fromDay = state.info && state.info.choices;
    for (const alias of CHOICE_ALIASES[name]) {
      const pairs = fromDay && asPairs(fromDay[alias]);
      if (pairs && pairs.length) { return pairs; }
    }
    return DEFAULT_CHOICES[name];
  }
  const label = (name, value) => (choices(name).find((c) => c[0] === value) || [value, value])[1];

  // -- the day data, as the server sends it, made into one shape ------------------------------

  function normService(s) {
    const provider = pick(s, "provider") || {};
    const qr = pick(s, "payment_qr", "qr", "payment") || {};
    return {
      id: pick(s, "id", "service_id"),
      name: pick(s, "name", "name_uk", "title") || "",
      is_paid: !!pick(s, "is_paid", "paid"),
      fee: pick(s, "fee", "amount") || "0",
      documents: (pick(s, "documents", "checklist") || []).map((d) => ({
        id: pick(d, "id", "document_id"), name: pick(d, "name", "title") || "", has: !!pick(d, "has", "present"),
      })),
      provider: typeof provider === "string" ? {name: provider} : provider,
      qr_link: pick(qr, "link", "url", "qr_link") || pick(s, "qr_link", "payment_link"),
      qr_svg: pick(qr, "svg", "qr_svg") || pick(s, "qr_svg"),
      qr_error: pick(qr, "error") || pick(s, "payment_qr_problem"),
    };
  }

  function normStop(raw, trip) {
    const r = pick(raw, "person", "request") || pick(raw, "place") || raw;
    const address = pick(raw, "address") || pick(r, "address") ||
      [pick(r, "settlement", "settlement_name"), pick(r, "street"), pick(r, "building"),
        pick(r, "flat") ? "кв. " + r.flat : null].filter(Boolean).join(", ");
    return {
      key: "stop:" + raw.id, type: "stop", id: raw.id, trip_id: trip.id,
      position: pick(raw, "position") !== undefined ? raw.position : 0,
      arrival: pick(raw, "arrival", "start"), window_start: pick(raw, "window_start"), window_end: pick(raw, "window_end"),
      request_id: pick(r, "id", "request_id"), request_number: pick(r, "number", "request_number"),
      name: pick(r, "applicant_name", "name", "person_name") || "",
      phone: pick(r, "applicant_phone", "contact_phone", "phone") || "",
      requester: pick(r, "requester_name") || "", requester_phone: pick(r, "requester_phone") || "",
      address: address || "",
      entrance: pick(r, "entrance") || "", floor: pick(r, "floor"), lift: pick(r, "lift_display", "lift") || "",
      intercom: pick(r, "intercom") || "", access_notes: pick(r, "access_notes") || "",
      notes: pick(r, "notes") || "",
      services: (pick(raw, "services") || pick(r, "services") || []).map(normService),
      server_visit: pick(raw, "visit") || null,
      cases: pick(raw, "cases") || (pick(raw, "visit") || {}).cases || [],
      status: pick(raw, "status") || pick(r, "status") || "",
    };
  }

  // Returns the records for the "day" store: one "info" and a record per trip and stop.
  function normDay(body) {
    const trips = pick(body, "trips") || [];
    const records = [];
    const info = {
      key: "info", type: "info", date: pick(body, "date", "day") || (trips[0] && trips[0].day) || "",
      loaded_at: new Date().toISOString(), user: pick(body, "user") || {},
      choices: pick(body, "choices") || {}, limits: pick(body, "limits") || {},
      office: pick(body, "office") || null,
      extra_services: (pick(body, "extra_services") || []).map(normService),
    };
    records.push(info);
    trips.forEach((t, i) => {
      const team = pick(t, "team");
      records.push({key: "trip:" + t.id, type: "trip", id: t.id, order: i, day: pick(t, "day") || info.date,
        team: typeof team === "object" ? pick(team, "name") : team || "",
        leave_at: pick(t, "leave_at"), return_at: pick(t, "return_at")});
      (pick(t, "stops") || []).forEach((s) => records.push(normStop(s, t)));
    });
    return {info, records};
  }

  // -- state ----------------------------------------------------------------------------------

  const state = {info: null, trips: [], stops: [], visits: new Map(), outbox: [], blobs: [], deviceId: "",
    progress: null};

  async function loadState() {
    const day = await DB.all("day");
    state.info = day.find((r) => r.type === "info") || null;
    state.trips = day.filter((r) => r.type === "trip").sort((a, b) => a.order - b.order);
    const tripOrder = new Map(state.trips.map((t) => [t.id, t.order]));
    state.stops = day.filter((r) => r.type === "stop")
      .sort((a, b) => (tripOrder.get(a.trip_id) - tripOrder.get(b.trip_id)) || (a.position - b.position));
    state.visits = new Map((await DB.all("visits")).map((v) => [v.stop_id, v]));
    state.outbox = await DB.outbox();
    state.blobs = await DB.all("blobs");
    state.deviceId = await DB.deviceId();
    updateBadge();
  }

  const stopById = (id) => state.stops.find((s) => String(s.id) === String(id));
  const stopNumber = (stop) => state.stops.indexOf(stop) + 1;

  function visitOf(stopId) {
    return state.visits.get(stopId) || {stop_id: stopId, services: {}, acts: []};
  }
  async function saveVisit(visit) {
    await DB.put("visits", visit);
    state.visits.set(visit.stop_id, visit);
  }
  function serviceState(visit, sid) {
    visit.services[sid] = visit.services[sid] || {docs: {}};
    return visit.services[sid];
  }

  // The registered number once the server has it (from the sync result or the day data).
  function registeredNumber(stop, sid) {
    const fromList = (list) => {
      for (const c of list || []) {
        if (String(pick(c, "service_id", "service")) === String(sid)) {
          return pick(c, "number", "registration_number", "case_number");
        }
      }
      return undefined;
    };
    for (const item of state.outbox) {
      if (item.kind !== "visit.accept" || item.stop_id !== stop.id || item.state !== "sent" || !item.result) { continue; }
      const n = fromList(item.result.cases) || (item.result.numbers || {})[sid];
      if (n) { return n; }
    }
    return fromList(stop.cases);
  }

  // -- outbox ---------------------------------------------------------------------------------

  let syncSoon = null;
  // A copy of the stop's visit to change: the screen shows the change only once it is stored.
  function draft(stopId) {
    return structuredClone(visitOf(stopId));
  }

  async function record(kind, stop, data, visit, blob, id) {
    const item = await DB.addItem(kind, stop.id, data, {visit: visit, blob: blob, id: id});
    if (visit) { state.visits.set(visit.stop_id, visit); }
    if (blob) { state.blobs.push(blob); }
    state.outbox.push(item);
    updateBadge();
    if (navigator.onLine) {
      clearTimeout(syncSoon);
      syncSoon = setTimeout(() => runSync(false), 1500);
    }
    return item;
  }

  // Every action at a stop implies the visit started: record the start first if it was skipped.
  // A second action pressed while the start is still being saved waits for that start (one start per visit).
  const starting = new Map();
  async function ensureStarted(stop) {
    if (visitOf(stop.id).started_at) { return draft(stop.id); }
    if (!starting.has(stop.id)) {
      starting.set(stop.id, (async () => {
        const visit = draft(stop.id);
        visit.started_at = new Date().toISOString();
        visit.start_item = crypto.randomUUID();
        await record("visit.start", stop, {}, visit, null, visit.start_item);
        askPosition(visit.start_item, stop.id);
      })().finally(() => starting.delete(stop.id)));
    }
    await starting.get(stop.id);
    return draft(stop.id);
  }

  // Optional and never waited for: the position is added to the start item if it comes in time.
  function askPosition(itemId, stopId) {
    if (!("geolocation" in navigator)) { return; }
    try {
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
    } catch (e) { /* no position */ }
  }

  async function nextProvisional() {
    const n = await DB.nextCounter("provisional_seq");
    return "Т-" + state.deviceId.slice(0, 4).toUpperCase() + "-" + n;
  }

  function waitingCount() {
    return state.outbox.filter((i) => i.state === "waiting").length +
      state.blobs.filter((b) => b.state !== "complete" && b.state !== "rejected").length;
  }
  function updateBadge() {
    const badge = document.getElementById("outbox-badge");
    if (badge) {
      const n = waitingCount();
      badge.textContent = n ? String(n) : "";
      badge.setAttribute("aria-label", n ? "не надіслано: " + n : "усе надіслано");
    }
  }

  // -- sync -----------------------------------------------------------------------------------

  async function runSync(userAsked) {
    if (!navigator.onLine && !userAsked) { return; }
    // A revoked laptop stops sending by itself; the button still tries (the coordinator may restore it).
    const device = await DB.getMeta("device_state", null);
    if (device && device.revoked && !userAsked) { return; }
    const result = await Sync.syncNow((p) => { state.progress = p; showProgress(); });
    state.progress = null;
    const acceptsApplied = result.ok && result.changed.some((i) => i.kind === "visit.accept" && i.state === "sent");
    await loadState();
    if (!result.ok) {
      if (userAsked || result.error.kind !== "network") { notify(result.error.message, "error"); }
    } else if (userAsked) {
      notify(syncSummary(), "ok");
    }
    if (acceptsApplied && state.info) { await refreshDay(); }
    render();
  }

  function syncSummary() {
    const held = state.outbox.filter((i) => ["quarantined", "refused", "conflict"].includes(i.state)).length;
    const n = waitingCount();
    if (!n && !held) { return "Усе надіслано."; }
    return (n ? "Не надіслано: " + n + ". " : "") + (held ? "Потребують уваги: " + held + " — дивіться нижче." : "");
  }

  // Updates trips and stops from the server (registered numbers, the server's view of the
  // visits) without touching what was done on the laptop.
  async function refreshDay() {
    try {
      const body = await Sync.fetchDay(state.info.date);
      await storeDay(body, false);
    } catch (e) { /* the stops stay as they were */ }
  }

  async function storeDay(body, replace) {
    const {info, records} = normDay(body);
    const keepStops = replace ? [] : state.stops.filter((s) => state.visits.has(s.id));
    const newKeys = new Set(records.map((r) => r.key));
    await DB.tx(["day", "meta"], "readwrite", async (s) => {
      await DB.req(s.day.clear());
      for (const r of records) { await DB.req(s.day.put(r)); }
      // A stop worked on this laptop stays even if the new plan no longer has it.
      for (const stop of keepStops) {
        if (!newKeys.has(stop.key)) {
          await DB.req(s.day.put(Object.assign({}, stop, {gone: true})));
          if (!newKeys.has("trip:" + stop.trip_id)) {
            const trip = state.trips.find((t) => t.id === stop.trip_id);
            if (trip) { await DB.req(s.day.put(trip)); newKeys.add(trip.key); }
          }
        }
      }
      await DB.req(s.meta.put({key: "limits", value: info.limits}));
      const token = pick(body, "csrf_token", "csrf");
      if (token) { await DB.req(s.meta.put({key: "csrf", value: token})); }
    });
    await loadState();
  }

  async function loadDay() {
    if (!navigator.onLine) {
      notify("Немає інтернету. Виїзди можна завантажити лише з інтернетом.", "error");
      return;
    }
    notify("Завантажуємо виїзди…", "info");
    // What is waiting goes first, so the laptop holds as little as possible.
    if (waitingCount()) { await Sync.syncNow(); await loadState(); }
    let body;
    try {
      body = await Sync.fetchDay();
    } catch (e) {
      notify(e.message, "error");
      return;
    }
    const newDate = pick(body, "date", "day") || "";
    const another = state.info && state.info.date && newDate && state.info.date !== newDate;
    if (another) {
      const unsent = waitingCount();
      const ok = window.confirm("Завантажити інший день? Дані попереднього дня буде стерто з цього комп'ютера." +
        (unsent ? " Ще не надіслано записів: " + unsent + ". Вони не зникнуть і будуть надіслані, щойно буде зв'язок." : ""));
      if (!ok) { notify(""); return; }
      await DB.erasePersonalData();
      await loadState();
    }
    await storeDay(body, another);
    notify(state.stops.length ? "Виїзди завантажено: зупинок " + state.stops.length + "." :
      "На сьогодні у вашої команди немає оприлюднених виїздів.", "ok");
    location.hash = "#/";
    render();
  }

  async function logout() {
    const unsent = waitingCount();
    const msg = "Вийти? Персональні дані дня буде стерто з цього комп'ютера." +
      (unsent ? " Ще не надіслано записів: " + unsent + ". Вони залишаться на комп'ютері і будуть надіслані після " +
        "наступного входу." : "");
    if (!window.confirm(msg)) { return; }
    if (navigator.onLine && unsent) { await Sync.syncNow(); }
    await DB.erasePersonalData();
    await loadState();
    const form = h("form", {method: "post", action: "/staff/logout/", class: "no-print"},
      h("input", {type: "hidden", name: "csrfmiddlewaretoken", value: await Sync.csrfToken()}));
    document.body.append(form);
    if (navigator.onLine) { form.submit(); } else {
      notify("Дані дня стерто. Без інтернету вихід із системи завершиться, коли відкриєте сторінку з інтернетом.", "info");
      render();
    }
  }

  // -- views ----------------------------------------------------------------------------------

  function stopSummary(stop) {
    const visit = state.visits.get(stop.id);
    if (visit && visit.outcome) { return "Завершено: " + label("outcomes", visit.outcome); }
    if (visit && visit.started_at) { return "Розпочато о " + time(visit.started_at); }
    return "Ще не розпочато";
  }

  function contactLines(stop) {
    return [
      h("p", {class: "stop-address"}, h("strong", {}, "Адреса: "), stop.address,
        stop.entrance ? ", під'їзд " + stop.entrance : "", stop.floor !== undefined && stop.floor !== null && stop.floor !== ""
          ? ", поверх " + stop.floor : ""),
      stop.phone ? h("p", {}, h("strong", {}, "Телефон: "), h("a", {href: "tel:" + stop.phone}, stop.phone)) : null,
      stop.requester ? h("p", {}, h("strong", {}, "Звернувся: "), stop.requester,
        stop.requester_phone ? " — " : "", stop.requester_phone ? h("a", {href: "tel:" + stop.requester_phone}, stop.requester_phone) : null) : null,
      stop.intercom ? h("p", {}, h("strong", {}, "Домофон: "), stop.intercom) : null,
      stop.access_notes ? h("p", {}, h("strong", {}, "Як потрапити: "), stop.access_notes) : null,
      stop.notes ? h("p", {}, h("strong", {}, "Примітки: "), stop.notes) : null,
    ];
  }

  function viewDay() {
    const parts = [h("h1", {}, "Виїзди дня")];
    parts.push(h("p", {}, h("button", {type: "button", class: "big", testid: "load-day", onclick: loadDay},
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
        return h("li", {class: "stop-card" + (stop.gone ? " stop-card--gone" : ""), testid: "stop-" + n, "data-stop-id": stop.id},
          h("h3", {}, h("a", {href: "#/stop/" + stop.id, testid: "open-stop-" + n, "aria-label": "Відкрити зупинку " + n + ": " + stop.name},
            n + ". " + stop.name)),
          h("p", {class: "window"}, h("strong", {}, "Час: "), time(stop.window_start) + "–" + time(stop.window_end),
            stop.arrival ? " (прибуття о " + time(stop.arrival) + ")" : ""),
          contactLines(stop),
          h("p", {}, h("strong", {}, "Послуги: "), stop.services.map((s) => s.name).join("; ") || "—"),
          stop.gone ? h("p", {class: "warning-text"}, "Цієї зупинки вже немає в новому плані — дані візиту збережено.") : null,
          h("p", {class: "stop-status", testid: "stop-status-" + n}, stopSummary(stop)));
      })));
    }
    return parts;
  }

  function docRow(stop, service, doc, sstate) {
    const d = sstate.docs[doc.id] || {present: false, sheets: 1};
    const id = "doc-" + stop.id + "-" + service.id + "-" + doc.id;
    const save = async () => {
      const visit = visitOf(stop.id);
      const ss = serviceState(visit, service.id);
      ss.docs[doc.id] = {present: box.checked, sheets: Math.max(0, parseInt(sheets.value, 10) || 0)};
      await saveVisit(visit);
    };
    const box = h("input", {type: "checkbox", id: id, checked: !!d.present, testid: "doc-" + service.id + "-" + doc.id, onchange: save});
    const sheets = h("input", {type: "number", id: id + "-sheets", min: "0", max: "999", value: String(d.sheets ?? 1),
      class: "sheets", testid: "sheets-" + service.id + "-" + doc.id, onchange: save});
    return h("li", {class: "doc-row"},
      h("span", {class: "choice"}, box, h("label", {for: id}, doc.name)),
      h("label", {for: id + "-sheets", class: "sheets-label"}, "аркушів"), sheets);
  }

  function acceptBlock(stop, service, sstate) {
    const number = registeredNumber(stop, service.id);
    const sel = h("select", {id: "delivery-" + stop.id + "-" + service.id, testid: "delivery-" + service.id},
      choices("delivery").map(([v, l]) => h("option", {value: v, selected: (sstate.delivery || "office") === v}, l)));
    const accept = async () => {
      const visit = await ensureStarted(stop);
      const ss = serviceState(visit, service.id);
      ss.delivery = sel.value;
      if (!ss.provisional_number) { ss.provisional_number = await nextProvisional(); }
      ss.accepted_at = new Date().toISOString();
      const documents = service.documents.map((d) => ({
        document_id: d.id, present: !!(ss.docs[d.id] && ss.docs[d.id].present),
        sheets: ss.docs[d.id] ? ss.docs[d.id].sheets : 0,
      }));
      await record("visit.accept", stop, {services: [{service_id: service.id, provisional_number: ss.provisional_number,
        delivery: ss.delivery, documents: documents}]}, visit);
      notify("Послугу «" + service.name + "» прийнято. Номер: " + ss.provisional_number + ".", "ok");
      render();
    };
    return h("div", {class: "accept"},
      h("div", {class: "field"}, h("label", {for: sel.id}, "Як людина хоче отримати результат"), sel),
      h("button", {type: "button", testid: "accept-" + service.id, onclick: accept},
        sstate.accepted_at ? "Зберегти зміни (послугу прийнято)" : "Послугу прийнято"),
      sstate.provisional_number ? h("p", {class: "number", testid: "number-" + service.id},
        number ? "Реєстраційний номер: " : "Тимчасовий номер: ", h("strong", {}, number || sstate.provisional_number),
        number ? " (тимчасовий " + sstate.provisional_number + ")" : " — справжній номер прийде після надсилання.") : null,
      sstate.provisional_number ? h("p", {}, h("a", {href: "#/print/inventory/" + stop.id + "/" + service.id,
        testid: "print-inventory-" + service.id}, "Опис вхідного пакета документів — друк")) : null);
  }

  function photoBlock(stop, service) {
    const input = h("input", {type: "file", accept: "image/*", capture: "environment", multiple: true,
      id: "photo-" + stop.id + "-" + service.id, testid: "photo-" + service.id, class: "file-input"});
    input.addEventListener("change", async () => {
      const files = Array.from(input.files || []);
      for (const f of files) { await addFile(stop, service.id, f, "photo"); }
      input.value = "";
      render();
    });
    const mine = state.blobs.filter((b) => b.stop_id === stop.id && String(b.service_id) === String(service.id) && b.kind === "photo");
    return h("div", {class: "photos"},
      h("label", {for: input.id, class: "button secondary"}, "Додати фото документа"), input,
      h("ul", {class: "thumbs", testid: "thumbs-" + service.id}, mine.map((b) =>
        h("li", {testid: "thumb", "data-state": b.state},
          b.thumb ? h("img", {src: b.thumb, alt: "Фото документа, " + bytes(b.size)}) : h("span", {}, b.name || "файл"),
          h("span", {class: "thumb-state"}, blobStateText(b))))));
  }

  function blobStateText(b) {
    if (b.state === "complete") { return "надіслано"; }
    if (b.state === "rejected") { return "не прийнято: " + (b.reason || ""); }
    if (b.uploaded) { return "надіслано " + bytes(b.uploaded) + " з " + bytes(b.size); }
    return "чекає надсилання";
  }

  async function thumbnail(file) {
    try {
      const bitmap = await createImageBitmap(file);
      const scale = Math.min(1, 200 / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return canvas.toDataURL("image/jpeg", 0.7);
    } catch (e) { return null; }
  }

  // A photo or video: hash it on the laptop, keep the bytes, declare it in the outbox.
  async function addFile(stop, serviceId, file, kind) {
    await ensureStarted(stop);
    const buffer = await file.arrayBuffer();
    const sha = await sha256Hex(buffer);
    const id = crypto.randomUUID();
    const type = (file.type || (kind === "video" ? "video/webm" : "image/jpeg")).split(";")[0].trim().toLowerCase();
    const blob = new Blob([buffer], {type: type});
    const row = {id: id, stop_id: stop.id, service_id: serviceId || null, kind: kind, blob: blob, type: type,
      size: blob.size, sha256: sha, uploaded: 0, state: "waiting", name: file.name || "",
      taken_at: new Date().toISOString(), thumb: kind === "photo" ? await thumbnail(blob) : null};
    const data = {attachment_id: id, kind: kind, content_type: type, size: blob.size, sha256: sha, taken_at: row.taken_at};
    if (serviceId) { data.service_id = serviceId; }
    await record("attachment.declare", stop, data, null, row);
  }

  // A photo the server could not accept (not a picture, damaged on the laptop): choose another one
  // of the same document; it goes as a new file, the refused one stays in the list as it was.
  function replacePhoto(stop, refused) {
    const input = h("input", {type: "file", accept: "image/*", id: "replace-" + refused.id, class: "file-input",
      testid: "replace-photo"});
    input.addEventListener("change", async () => {
      const file = (input.files || [])[0];
      if (!file) { return; }
      await addFile(stop, refused.service_id, file, "photo");
      notify("Нове фото додано й буде надіслане.", "ok");
      render();
    });
    return h("span", {class: "replace"}, " ",
      h("label", {for: input.id, class: "button secondary"}, "Вибрати інше фото"), input);
  }

  function paymentBlock(stop, service, sstate) {
    const p = sstate.payment || {};
    const base = "pay-" + stop.id + "-" + service.id;
    const methods = choices("payment_methods");
    const radios = methods.map(([v, l]) => h("span", {class: "choice"},
      h("input", {type: "radio", name: base + "-method", id: base + "-" + v, value: v, checked: (p.method || "") === v,
        testid: "pay-method-" + service.id + "-" + v, onchange: () => qr.hidden = v !== "online"}),
      h("label", {for: base + "-" + v}, l)));
    const receipt = h("input", {type: "text", id: base + "-receipt", value: p.receipt || "", autocomplete: "off",
      testid: "pay-receipt-" + service.id});
    const amount = h("input", {type: "text", inputmode: "decimal", id: base + "-amount",
      value: String(p.amount ?? service.fee).replace(".", ","), testid: "pay-amount-" + service.id});
    const qr = h("div", {class: "qr", hidden: p.method !== "online"},
      service.qr_svg ? h("img", {src: "data:image/svg+xml;charset=utf-8," + encodeURIComponent(service.qr_svg),
        alt: "QR-код для оплати в застосунку банку", class: "qr-img", testid: "pay-qr-" + service.id}) :
        h("p", {}, service.qr_error || "QR-коду для цієї послуги немає: реквізити отримувача не заповнені."),
      service.qr_link ? h("p", {}, h("a", {href: service.qr_link, rel: "noopener", testid: "pay-link-" + service.id},
        "Посилання для оплати")) : null,
      service.provider && service.provider.name ? h("p", {class: "muted"}, "Отримувач: " +
        (service.provider.payment_recipient || service.provider.name) +
        (service.provider.iban ? ", IBAN " + service.provider.iban : "")) : null);
    const save = async () => {
      const method = (radios.map((r) => r.querySelector("input")).find((i) => i.checked) || {}).value;
      const sum = amount.value.replace(/\s/g, "").replace(",", ".");
      if (!method) { notify("Виберіть, як людина платить.", "error"); return; }
      if (!/^\d+(\.\d{1,2})?$/.test(sum) || Number(sum) <= 0) { notify("Сума — число, наприклад 25,50.", "error"); return; }
      if (method !== "online" && !receipt.value.trim()) { notify("Впишіть номер квитанції або чека.", "error"); return; }
      const visit = await ensureStarted(stop);
      const ss = serviceState(visit, service.id);
      ss.payment = {method: method, receipt: receipt.value.trim(), amount: sum, saved_at: new Date().toISOString()};
      await record("visit.payment", stop, {service_id: service.id, method: method, receipt: ss.payment.receipt, amount: sum},
        visit);
      notify("Оплату збережено: " + money(sum) + ".", "ok");
      render();
    };
    return h("fieldset", {class: "group payment", testid: "payment-" + service.id},
      h("legend", {}, "Оплата: " + money(service.fee)),
      h("div", {class: "choices"}, radios), qr,
      h("div", {class: "row"},
        h("div", {class: "field"}, h("label", {for: receipt.id}, "Номер квитанції або чека"), receipt),
        h("div", {class: "field narrow"}, h("label", {for: amount.id}, "Сума, грн"), amount)),
      h("button", {type: "button", testid: "pay-save-" + service.id, onclick: save}, "Зберегти оплату"),
      p.saved_at ? h("p", {class: "saved", testid: "pay-saved-" + service.id}, "Збережено: " + label("payment_methods", p.method) +
        ", " + money(p.amount) + (p.receipt ? ", № " + p.receipt : "") + ".") : null);
  }

  function actBlock(stop, visit) {
    const kind = h("select", {id: "act-kind-" + stop.id, testid: "act-kind"},
      choices("act_kinds").map(([v, l]) => h("option", {value: v}, l)));
    const desc = h("textarea", {id: "act-desc-" + stop.id, rows: "4", testid: "act-description"});
    const wname = h("input", {type: "text", id: "act-wname-" + stop.id, testid: "act-witness-name", autocomplete: "off"});
    const wrole = h("input", {type: "text", id: "act-wrole-" + stop.id, testid: "act-witness-role", autocomplete: "off"});
    const save = async () => {
      if (!desc.value.trim() || !wname.value.trim() || !wrole.value.trim()) {
        notify("Для акта потрібні: що сталося, ім'я свідка і хто він.", "error");
        return;
      }
      const v = await ensureStarted(stop);
      const act = {act_id: crypto.randomUUID(), kind: kind.value, description: desc.value.trim(),
        witness_name: wname.value.trim(), witness_role: wrole.value.trim()};
      v.acts = v.acts || [];
      v.acts.push(Object.assign({at: new Date().toISOString()}, act));
      await record("visit.act", stop, act, v);
      notify("Акт складено. Його можна надрукувати.", "ok");
      lastRoute = null;  // the saved act's text must not come back into the empty form
      render();
    };
    return h("details", {class: "group", open: (visit.acts || []).length ? true : null},
      h("summary", {testid: "act-open"}, "Акт (сумнів щодо дієздатності, агресія, відмова)"),
      (visit.acts || []).length ? h("ul", {testid: "acts"}, visit.acts.map((a, i) => h("li", {},
        label("act_kinds", a.kind) + ", " + time(a.at) + " — ",
        h("a", {href: "#/print/act/" + stop.id + "/" + a.act_id, testid: "act-print-" + (i + 1)}, "друк акта")))) : null,
      h("div", {class: "field"}, h("label", {for: kind.id}, "Підстава"), kind),
      h("div", {class: "field"}, h("label", {for: desc.id}, "Що сталося"), desc),
      h("div", {class: "row"},
        h("div", {class: "field"}, h("label", {for: wname.id}, "Свідок: прізвище та ім'я"), wname),
        h("div", {class: "field"}, h("label", {for: wrole.id}, "Хто свідок (наприклад, сусід, соцпрацівник)"), wrole)),
      h("button", {type: "button", testid: "act-save", onclick: save}, "Скласти акт"));
  }

  let recorder = null;
  function videoBlock(stop, visit) {
    const consent = h("input", {type: "checkbox", id: "video-consent-" + stop.id, checked: !!visit.video_consent,
      testid: "video-consent"});
    consent.addEventListener("change", async () => {
      const v = visitOf(stop.id);
      v.video_consent = consent.checked;
      await saveVisit(v);
      render();
    });
    const status = h("p", {class: "video-status", testid: "video-status", role: "status"});
    const preview = h("video", {class: "video-preview", muted: true, playsinline: true, hidden: true});
    const mine = state.blobs.filter((b) => b.stop_id === stop.id && b.kind === "video");
    const canRecord = !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder);
    const start = async () => {
      if (!consent.checked) { notify("Спершу запитайте згоду людини на відеозапис.", "error"); return; }
      try {
        const stream = await navigator.mediaDevices.getUserMedia({video: true, audio: true})
          .catch(() => navigator.mediaDevices.getUserMedia({video: true}));
        const chunks = [];
        const rec = new MediaRecorder(stream);
        rec.ondataavailable = (e) => { if (e.data && e.data.size) { chunks.push(e.data); } };
        rec.onstop = async () => {
          stream.getTracks().forEach((t) => t.stop());
          preview.srcObject = null;
          const blob = new Blob(chunks, {type: (rec.mimeType || "video/webm").split(";")[0]});
          recorder = null;
          if (!blob.size) { notify("Відеозапис порожній — камера нічого не передала.", "error"); render(); return; }
          status.textContent = "Обчислюємо контрольну суму…";
          await addFile(stop, null, blob, "video");
          notify("Відео збережено на комп'ютері (" + bytes(blob.size) + "). Буде надіслано пізніше.", "ok");
          render();
        };
        preview.srcObject = stream;
        preview.hidden = false;
        preview.play().catch(() => {});
        rec.start(1000);
        recorder = rec;
        status.textContent = "Іде запис…";
        startBtn.disabled = true;
        stopBtn.disabled = false;
      } catch (e) {
        notify("Камера недоступна: відео не записується. Працюйте далі без відео.", "error");
      }
    };
    const stopRec = () => { if (recorder && recorder.state !== "inactive") { recorder.stop(); } };
    const startBtn = h("button", {type: "button", class: "secondary", testid: "video-start", onclick: start,
      disabled: !canRecord || !visit.video_consent || !!recorder}, "Почати відеозапис");
    const stopBtn = h("button", {type: "button", class: "secondary", testid: "video-stop", onclick: stopRec,
      disabled: !recorder}, "Зупинити запис");
    return h("details", {class: "group", open: mine.length || recorder || visit.video_consent ? true : null},
      h("summary", {}, "Відеозапис візиту (лише за згодою людини)"),
      h("p", {class: "choice"}, consent, h("label", {for: consent.id}, "Людина погодилася на відеозапис")),
      canRecord ? h("p", {class: "buttons"}, startBtn, " ", stopBtn) :
        h("p", {}, "На цьому комп'ютері немає камери або браузер не дозволяє запис — працюйте без відео."),
      preview, status,
      mine.length ? h("ul", {testid: "videos"}, mine.map((b) => h("li", {}, "Відео " + bytes(b.size) + ", " +
        time(b.taken_at) + " — " + blobStateText(b)))) : null);
  }

  function outcomeBlock(stop, visit) {
    const radios = choices("outcomes").map(([v, l]) => h("span", {class: "choice"},
      h("input", {type: "radio", name: "outcome-" + stop.id, id: "outcome-" + stop.id + "-" + v, value: v,
        checked: visit.outcome === v, testid: "outcome-" + v}),
      h("label", {for: "outcome-" + stop.id + "-" + v}, l)));
    const note = h("textarea", {id: "outcome-note-" + stop.id, rows: "3", testid: "outcome-note"});
    note.value = visit.outcome_note || "";
    const save = async () => {
      const chosen = radios.map((r) => r.querySelector("input")).find((i) => i.checked);
      if (!chosen) { notify("Виберіть результат візиту.", "error"); return; }
      const v = await ensureStarted(stop);
      v.outcome = chosen.value;
      v.outcome_note = note.value.trim();
      v.outcome_at = new Date().toISOString();
      await record("visit.outcome", stop, {outcome: v.outcome, note: v.outcome_note, video_consent: !!v.video_consent}, v);
      notify("Результат візиту збережено: " + label("outcomes", v.outcome) + ".", "ok");
      location.hash = "#/";
    };
    return h("fieldset", {class: "group outcome", testid: "outcome"},
      h("legend", {}, "Результат візиту"),
      h("div", {class: "choices"}, radios),
      h("div", {class: "field"}, h("label", {for: note.id}, "Примітка (необов'язково)"), note),
      h("button", {type: "button", testid: "outcome-save", onclick: save},
        visit.outcome ? "Зберегти зміни результату" : "Зберегти результат"),
      visit.outcome ? h("p", {class: "saved", testid: "outcome-saved"}, "Збережено: " + label("outcomes", visit.outcome) +
        " о " + time(visit.outcome_at) + ".") : null);
  }

  // The request's services, and any the person asked for at the door (the day's extra_services).
  function servicesOf(stop, visit) {
    const extra = ((state.info && state.info.extra_services) || [])
      .filter((s) => (visit.extra_services || []).includes(s.id) && !stop.services.some((x) => x.id === s.id));
    return stop.services.concat(extra);
  }

  function extraServiceBlock(stop, visit) {
    const shown = new Set(servicesOf(stop, visit).map((s) => s.id));
    const options = ((state.info && state.info.extra_services) || []).filter((s) => !shown.has(s.id));
    if (!options.length) { return null; }
    const sel = h("select", {id: "extra-service-" + stop.id, testid: "extra-service"},
      options.map((s) => h("option", {value: String(s.id)}, s.name + (s.is_paid ? " (" + money(s.fee) + ")" : ""))));
    const add = async () => {
      const v = visitOf(stop.id);
      v.extra_services = (v.extra_services || []).concat([Number(sel.value)]);
      await saveVisit(v);
      render();
    };
    return h("details", {class: "group"}, h("summary", {}, "Людина просить ще одну послугу"),
      h("div", {class: "field"}, h("label", {for: sel.id}, "Послуга"), sel),
      h("button", {type: "button", class: "secondary", testid: "extra-service-add", onclick: add}, "Додати послугу"));
  }

  function viewStop(id) {
    const stop = stopById(id);
    if (!stop) { return [h("h1", {}, "Зупинку не знайдено"), h("p", {}, h("a", {href: "#/"}, "До списку зупинок"))]; }
    const visit = visitOf(stop.id);
    const n = stopNumber(stop);
    const start = async () => {
      await ensureStarted(stop);
      render();
    };
    const parts = [
      h("p", {class: "no-print"}, h("a", {href: "#/", testid: "back"}, "← До списку зупинок")),
      h("h1", {testid: "stop-title"}, "Зупинка " + n + ": " + stop.name),
      h("p", {class: "window"}, h("strong", {}, "Час: "), time(stop.window_start) + "–" + time(stop.window_end)),
      contactLines(stop),
      visit.started_at ? h("p", {class: "saved", testid: "visit-started"}, "Візит розпочато о " + time(visit.started_at) +
        (visit.latitude ? " (місце записано)" : "") + ".") :
        h("p", {}, h("button", {type: "button", class: "big", testid: "visit-start", onclick: start}, "Почати візит")),
    ];
    for (const service of servicesOf(stop, visit)) {
      const sstate = (visit.services || {})[service.id] || {docs: {}};
      parts.push(h("section", {class: "field-service", testid: "service-" + service.id, "aria-labelledby": "svc-" + service.id},
        h("h2", {id: "svc-" + service.id}, service.name),
        h("fieldset", {class: "doc-checklist"}, h("legend", {}, "Документи (позначте подані і кількість аркушів)"),
          service.documents.length ? h("ul", {class: "doc-list"}, service.documents.map((d) => docRow(stop, service, d, sstate))) :
            h("p", {class: "muted"}, "Для цієї послуги перелік документів не задано.")),
        photoBlock(stop, service),
        acceptBlock(stop, service, sstate),
        service.is_paid ? paymentBlock(stop, service, sstate) : null));
    }
    parts.push(extraServiceBlock(stop, visit));
    parts.push(actBlock(stop, visit));
    parts.push(videoBlock(stop, visit));
    parts.push(outcomeBlock(stop, visit));
    return parts;
  }

  const STATE_TEXT = {waiting: "Чекає надсилання", sent: "Надіслано", quarantined: "Не прийнято: помилка в даних",
    refused: "Відхилено", conflict: "Чекає рішення координатора"};
  const KIND_TEXT = {"visit.start": "Початок візиту", "visit.accept": "Прийнято послугу", "visit.payment": "Оплата",
    "visit.act": "Акт", "visit.outcome": "Результат візиту", "attachment.declare": "Фото або відео"};

  function viewOutbox() {
    const items = state.outbox.slice().reverse();
    const files = state.blobs.filter((b) => b.state !== "complete");
    const counts = {};
    for (const i of state.outbox) { counts[i.state] = (counts[i.state] || 0) + 1; }
    const problem = state.syncProblem;
    const parts = [
      h("h1", {}, "Надсилання"),
      h("p", {class: "lead", testid: "outbox-summary"}, syncSummary()),
      h("p", {}, h("button", {type: "button", class: "big", testid: "sync-now", onclick: () => runSync(true)}, "Надіслати зараз")),
      h("div", {id: "sync-progress", class: "progress", testid: "sync-progress", role: "status", "aria-live": "polite"}),
      state.lastSync ? h("p", {class: "muted", testid: "last-sync"}, "Востаннє надіслано: " + date(state.lastSync) + " о " + time(state.lastSync)) : null,
      problem && problem.message ? h("p", {class: "message message--error", testid: "sync-problem"}, problem.message) : null,
      state.deviceState && state.deviceState.revoked ? h("p", {class: "message message--error", testid: "device-revoked"},
        state.deviceState.message || "Доступ цього комп'ютера відкликано. Зателефонуйте координатору.") : null,
      state.syncNotice ? h("p", {class: "message message--warning", testid: "sync-notice"}, state.syncNotice) :
      state.clockOffset && Math.abs(state.clockOffset) > 600 ? h("p", {class: "message message--warning"},
        "Годинник цього комп'ютера відстає або поспішає на " + Math.round(Math.abs(state.clockOffset) / 60) +
        " хв. Час дій виправлено на сервері; попросіть техніка налаштувати годинник.") : null,
      h("p", {}, Object.entries(STATE_TEXT).filter(([k]) => counts[k]).map(([k, t]) => t + ": " + counts[k]).join(" · ") || "Записів немає."),
    ];
    if (files.length) {
      parts.push(h("h2", {}, "Файли"));
      parts.push(h("ul", {testid: "outbox-files"}, files.map((b) => {
        const stop = stopById(b.stop_id);
        return h("li", {testid: "outbox-file", "data-state": b.state},
          (b.kind === "video" ? "Відео " : "Фото ") + bytes(b.size) +
          (stop ? " (зупинка " + stopNumber(stop) + ", " + stop.name + ")" : "") + " — " + blobStateText(b),
          b.state === "rejected" && b.kind === "photo" && stop ? replacePhoto(stop, b) : null);
      })));
    }
    parts.push(h("h2", {}, "Записи"));
    parts.push(h("ol", {class: "outbox", reversed: true, testid: "outbox-items"}, items.map((i) => {
      const stop = stopById(i.stop_id);
      return h("li", {class: "outbox-item outbox-item--" + i.state, testid: "outbox-item", "data-state": i.state,
        "data-kind": i.kind, "data-id": i.id},
        h("strong", {}, KIND_TEXT[i.kind] || i.kind), " — ",
        stop ? "зупинка " + stopNumber(stop) + " (" + stop.name + ")" : "зупинка " + i.stop_id,
        ", " + time(i.at) + ". ",
        h("span", {class: "item-state", testid: "item-state"}, STATE_TEXT[i.state] || i.state),
        i.message ? h("span", {class: "item-message"}, ": " + i.message) : null,
        i.state === "refused" || i.state === "conflict" ? h("span", {class: "item-message"},
          " Запис збережено; координатор його бачить.") : null);
    })));
    return parts;
  }

  function showProgress() {
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

  // -- print views (work offline: everything comes from IndexedDB) ------------------------------

  function adminName() {
    const u = (state.info && state.info.user) || {};
    return typeof u === "string" ? u : pick(u, "full_name", "name") || "";
  }

  function printToolbar(backTo) {
    return h("p", {class: "no-print toolbar"},
      h("button", {type: "button", testid: "print", onclick: () => window.print()}, "Друкувати"), " ",
      h("a", {href: backTo, class: "button secondary"}, "Назад"));
  }

  function viewInventory(stopId, sid) {
    const stop = stopById(stopId);
    const visit = stop && visitOf(stop.id);
    const service = stop && servicesOf(stop, visit).find((s) => String(s.id) === String(sid));
    const ss = visit && (visit.services || {})[sid];
    if (!ss || !ss.provisional_number) { return [h("p", {}, "Послугу ще не прийнято."), h("a", {href: "#/"}, "Назад")]; }
    const number = registeredNumber(stop, sid) || ss.provisional_number;
    let total = 0;
    const rows = service.documents.map((d, i) => {
      const x = ss.docs[d.id] || {present: false, sheets: 0};
      if (x.present) { total += Number(x.sheets) || 0; }
      return h("tr", {}, h("td", {}, String(i + 1)), h("td", {}, d.name), h("td", {}, x.present ? "так" : "ні"),
        h("td", {class: "num"}, x.present ? String(x.sheets) : "—"));
    });
    return [printToolbar("#/stop/" + stop.id), h("article", {class: "print-sheet", testid: "inventory"},
      h("h1", {}, "Опис вхідного пакета документів"),
      h("p", {}, "№ ", h("strong", {testid: "inventory-number"}, number), " від " + date(ss.accepted_at),
        number === ss.provisional_number ? " (тимчасовий номер, присвоєно на виїзді)" : ""),
      h("p", {}, h("strong", {}, "Послуга: "), service.name),
      h("p", {}, h("strong", {}, "Суб'єкт звернення: "), stop.name),
      h("p", {}, h("strong", {}, "Адреса: "), stop.address),
      h("table", {class: "docs-table"},
        h("thead", {}, h("tr", {}, h("th", {}, "№"), h("th", {}, "Документ"), h("th", {}, "Подано"), h("th", {}, "Аркушів"))),
        h("tbody", {}, rows),
        h("tfoot", {}, h("tr", {}, h("td", {}), h("td", {}, "Усього аркушів"), h("td", {}), h("td", {class: "num"}, String(total))))),
      h("p", {}, h("strong", {}, "Спосіб отримання результату: "), label("delivery", ss.delivery)),
      h("p", {}, h("strong", {}, "Адміністратор: "), adminName()),
      h("div", {class: "signatures"},
        h("p", {}, "Підпис адміністратора ____________________"),
        h("p", {}, "Підпис суб'єкта звернення ____________________")))];
  }

  function viewAct(stopId, actId) {
    const stop = stopById(stopId);
    const visit = stop && visitOf(stop.id);
    const act = visit && (visit.acts || []).find((a) => a.act_id === actId);
    if (!act) { return [h("p", {}, "Акт не знайдено."), h("a", {href: "#/"}, "Назад")]; }
    return [printToolbar("#/stop/" + stop.id), h("article", {class: "print-sheet", testid: "act"},
      h("h1", {}, "Акт"),
      h("p", {}, "№ " + act.act_id.slice(0, 8).toUpperCase() + " від " + date(act.at) + ", " + time(act.at)),
      h("p", {}, h("strong", {}, "Підстава: "), label("act_kinds", act.kind)),
      h("p", {}, h("strong", {}, "Місце: "), stop.address),
      h("p", {}, h("strong", {}, "Суб'єкт звернення: "), stop.name),
      h("h2", {}, "Що сталося"), h("p", {class: "pre"}, act.description),
      h("p", {}, h("strong", {}, "Свідок: "), act.witness_name + " (" + act.witness_role + ")"),
      h("p", {}, h("strong", {}, "Адміністратор: "), adminName()),
      h("div", {class: "signatures"},
        h("p", {}, "Підпис адміністратора ____________________"),
        h("p", {}, "Підпис свідка ____________________")))];
  }

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
    }
    app.querySelectorAll("details").forEach((d, i) => { if (kept.open[i]) { d.open = true; } });
    const focus = kept.focused && document.getElementById(kept.focused);
    if (focus && app.contains(focus)) { focus.focus({preventScroll: true}); }
  }

  async function render() {
    state.syncProblem = await DB.getMeta("sync_problem", null);
    state.lastSync = await DB.getMeta("last_sync", null);
    state.deviceState = await DB.getMeta("device_state", null);
    state.clockOffset = await DB.getMeta("clock_offset_s", 0);
    state.syncNotice = await DB.getMeta("sync_notice", "");
    const route = (location.hash || "#/").slice(1).split("/").filter(Boolean);
    let parts;
    document.body.classList.toggle("printing", route[0] === "print");
    if (route[0] === "stop" && route[1]) { parts = viewStop(route[1]); }
    else if (route[0] === "outbox") { parts = viewOutbox(); }
    else if (route[0] === "print" && route[1] === "inventory") { parts = viewInventory(route[2], route[3]); }
    else if (route[0] === "print" && route[1] === "act") { parts = viewAct(route[2], route[3]); }
    else { parts = viewDay(); }
    // A render caused by something in the background (a sync finishing, the network coming or
    // going) must not wipe what the person is typing or has ticked but not saved yet.
    const key = route.join("/");
    const kept = key === lastRoute ? captureControls() : null;
    lastRoute = key;
    app.replaceChildren(...parts.flat().filter(Boolean));
    if (kept) { restoreControls(kept); }
    app.dataset.route = key;
    app.inert = false;
    app.dataset.ready = "1";
    showProgress();
    updateBadge();
  }

  function showNetwork() {
    const el = document.getElementById("net-status");
    el.textContent = navigator.onLine ? "Є зв'язок з інтернетом." : "Немає зв'язку. Працюйте далі — усе зберігається на цьому комп'ютері.";
    el.className = "net-status " + (navigator.onLine ? "net-status--online" : "net-status--offline");
    el.dataset.online = navigator.onLine ? "1" : "0";
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

  async function boot() {
    try {
      await DB.open();
      await loadState();
    } catch (e) {
      app.replaceChildren(h("p", {class: "message message--error"}, "Браузер не дозволяє зберігати дані на цьому " +
        "комп'ютері (можливо, приватний режим). Робота без інтернету неможлива."));
      return;
    }
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/field/sw.js", {scope: "/field/"}).catch(() => { /* works online anyway */ });
    }
    showOfflineReady();
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
    setInterval(() => { if (navigator.onLine && Sync.dueForRetry() && !Sync.isRunning()) { runSync(false); } }, 60000);
    showNetwork();
    await render();
    if (navigator.onLine && waitingCount()) { runSync(false); }
  }

  document.addEventListener("DOMContentLoaded", boot);
})();
