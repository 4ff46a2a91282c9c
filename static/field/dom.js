// The DOM builder and the small formatters of the field client. No HTML from data ever reaches
// innerHTML: every text goes in as a text node.

// h("p", {class: "x", testid: "y"}, "text", child…)
export function h(tag, attrs, ...children) {
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

const pad = (n) => String(n).padStart(2, "0");

// Times are shown in the community's zone (the day's time_zone, Europe/Kyiv), whatever zone the
// laptop's clock is set to; until a day is loaded, in the laptop's own.
let zone;
let clock = null;
let calendar = null;
export function setTimeZone(name) {
  if (!name || name === zone) { return; }
  try {
    clock = new Intl.DateTimeFormat("uk-UA", {timeZone: name, hour: "2-digit", minute: "2-digit", hourCycle: "h23"});
    calendar = new Intl.DateTimeFormat("uk-UA", {timeZone: name, day: "2-digit", month: "2-digit", year: "numeric"});
    zone = name;
  } catch (e) { /* an unknown zone: keep the laptop's */ }
}

function parts(formatter, d) {
  return Object.fromEntries(formatter.formatToParts(d).map((p) => [p.type, p.value]));
}

export function time(iso) {
  if (!iso) { return ""; }
  const d = new Date(iso);
  if (isNaN(d)) { return String(iso); }
  if (clock) {
    const p = parts(clock, d);
    return p.hour + ":" + p.minute;
  }
  return pad(d.getHours()) + ":" + pad(d.getMinutes());
}

export function date(iso) {
  if (!iso) { return ""; }
  if (iso.length === 10) {  // a calendar date: no zone to apply
    const [y, m, day] = iso.split("-");
    return day + "." + m + "." + y;
  }
  const d = new Date(iso);
  if (isNaN(d)) { return String(iso); }
  if (calendar) {
    const p = parts(calendar, d);
    return p.day + "." + p.month + "." + p.year;
  }
  return pad(d.getDate()) + "." + pad(d.getMonth() + 1) + "." + d.getFullYear();
}

export function money(v) {
  const n = Number(v);
  return isNaN(n) ? String(v) : n.toFixed(2).replace(".", ",").replace(/\B(?=(\d{3})+,)/g, " ") + " грн";
}

export function bytes(n) {
  const mb = 1024 * 1024;
  if (n >= 1024 * mb) { return (n / 1024 / mb).toFixed(1).replace(".", ",") + " ГБ"; }
  if (n >= mb) { return (n / mb).toFixed(1).replace(".", ",") + " МБ"; }
  return Math.max(1, Math.round(n / 1024)) + " КБ";
}

// The line under the menu that tells the person what just happened ("" hides it).
export function notify(message, kind) {
  const box = document.getElementById("notice");
  box.textContent = message || "";
  box.className = "notice" + (kind ? " notice--" + kind : "");
  box.hidden = !message;
}
