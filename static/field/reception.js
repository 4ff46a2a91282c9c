// A fixed-point reception (a session's stop, issue 12): the people booked, in slot order, and those
// who came without booking; each opens as a stop of its own (stop.js), served like a home visit.
// A booked person who did not come is marked so; a walk-in is registered here, offline, with the
// same check for a duplicate the operator has, over what this laptop knows (the server checks the
// whole community when it arrives).
import { h, notify, time } from "./dom.js";
import {
  hooks, label, peopleOf, personId, record, state, stopAddress, stopName, stopNumber, visitOf,
} from "./state.js";
import { guard } from "./storage.js";

// As the server compares names (core.text.match_key): case, spaces and apostrophes do not matter.
function nameKey(name) {
  return String(name || "").toLowerCase().replace(/[\u2019\u02bc'`ʼ]/g, "").replace(/\s+/g, " ").trim();
}

function digits(phone) {
  const d = String(phone || "").replace(/\D/g, "");
  return d.length >= 9 ? d.slice(-9) : "";  // the subscriber's nine digits: 067… and +38067… alike
}

// The people on this laptop like the one being registered: same name and birth date, or same phone.
function lookAlikes(name, birth, phone) {
  const key = nameKey(name);
  const tel = digits(phone);
  const everyone = state.stops.filter((s) => s.person).concat(state.people);
  return everyone.filter((s) => {
    const p = s.person;
    return (key && birth && nameKey(p.applicant_name) === key && String(p.applicant_birth_date) === birth) ||
      (tel && [p.applicant_phone, p.contact_phone, p.requester_phone].some((x) => digits(x) === tel));
  });
}

function personState(person) {
  const visit = state.visits.get(person.id);
  if (visit && visit.no_show_at) { return "Людина не прийшла"; }
  if (visit && visit.outcome) { return "Завершено: " + label("outcomes", visit.outcome); }
  if (visit && visit.started_at) { return "Обслуговується з " + time(visit.started_at); }
  if (person.visit && person.visit.outcome) { return "Уже завершено: " + person.visit.outcome_label; }
  if (person.attendee && person.attendee.no_show_at) { return "Людина не прийшла"; }
  if (person.attendee && person.attendee.cancelled) { return "Запис скасовано, але людина прийшла"; }
  return "Чекає";
}

function personRow(person, i) {
  const a = person.attendee || {};
  const visit = visitOf(person.id);
  const untouched = !visit.started_at && !visit.outcome && !visit.no_show_at && !(person.visit && person.visit.outcome);
  const noShow = guard(async () => {
    const v = structuredClone(visitOf(person.id));
    v.no_show_at = new Date().toISOString();
    await record("session.no_show", person, {}, {visit: v, what: "позначку «не прийшла»"});
    notify(person.person.applicant_name + ": записано, що людина не прийшла.", "ok");
    hooks.render();
  });
  return h("li", {class: "stop-card person-card", testid: "person-" + (i + 1), "data-person-id": person.id},
    h("h3", {}, h("a", {href: "#/stop/" + person.id, testid: "open-person-" + (i + 1)},
      (a.kind === "walk_in" ? "Без запису" : time(person.window_start)) + " — " + person.person.applicant_name)),
    a.booking_number ? h("p", {class: "muted"}, "Запис " + a.booking_number) : null,
    h("p", {}, h("strong", {}, "Послуги: "), person.services.map((s) => s.name).join("; ") || "—"),
    h("p", {class: "stop-status", testid: "person-status-" + (i + 1)}, personState(person)),
    a.kind === "booking" && untouched ? h("button", {type: "button", class: "secondary", testid: "no-show-" + (i + 1),
      onclick: noShow}, "Людина не прийшла") : null);
}

function walkInForm(stop) {
  const id = "walkin-" + stop.id;
  const name = h("input", {type: "text", id: id + "-name", maxlength: "200", testid: "walkin-name", autocomplete: "off"});
  const phone = h("input", {type: "tel", id: id + "-phone", maxlength: "20", testid: "walkin-phone", autocomplete: "off"});
  const birth = h("input", {type: "date", id: id + "-birth", testid: "walkin-birth", max: state.info ? state.info.date : ""});
  const how = [["laptop", "Людина погодилася на обробку її даних, я позначаю це тут"],
    ["signed", "Людина підписала згоду на папері"]].map(([value, text]) =>
    h("span", {class: "choice"}, h("input", {type: "radio", name: id + "-how", id: id + "-how-" + value, value: value,
      testid: "walkin-consent-" + value}), h("label", {for: id + "-how-" + value}, text)));
  const same = h("div", {class: "warning-text", role: "status", testid: "walkin-duplicates"});
  const another = h("input", {type: "checkbox", id: id + "-another", testid: "walkin-another"});
  const anotherRow = h("p", {hidden: true}, another, h("label", {for: another.id}, " Це інша людина — зареєструвати"));
  const check = () => {
    const alike = lookAlikes(name.value, birth.value, phone.value);
    same.textContent = alike.length ? "Схожа людина вже є на сьогодні: " +
      alike.map((s) => s.person.applicant_name + " (зупинка " + stopNumber(s) + ")").join("; ") +
      ". Якщо це та сама людина, відкрийте її зі списку." : "";
    anotherRow.hidden = !alike.length;
    return alike;
  };
  for (const input of [name, phone, birth]) { input.addEventListener("change", check); }
  const save = guard(async () => {
    const who = name.value.trim();
    if (!who) { notify("Напишіть прізвище, ім'я та по батькові людини.", "error"); name.focus(); return; }
    if (!birth.value) { notify("Вкажіть дату народження людини.", "error"); birth.focus(); return; }
    if (state.info && birth.value > state.info.date) {
      notify("Дата народження ще не настала. Перевірте рік, місяць і день.", "error"); birth.focus(); return;
    }
    if (birth.value < "1900-01-01") { notify("Перевірте рік народження.", "error"); birth.focus(); return; }
    if (phone.value.trim() && !digits(phone.value)) {
      notify("Телефон неповний: потрібно 10 цифр, наприклад 067 123 45 67. Або залиште поле порожнім.", "error");
      phone.focus(); return;
    }
    const chosen = how.map((c) => c.querySelector("input")).find((i) => i.checked);
    if (!chosen) { notify("Позначте, як людина дала згоду на обробку її даних. Без згоди зареєструвати не можна.", "error"); return; }
    const alike = check();
    if (alike.length && !another.checked) {
      notify("Схожа людина вже є на сьогодні. Відкрийте її зі списку або позначте «Це інша людина».", "error");
      return;
    }
    const now = new Date().toISOString();
    const pid = personId(stop, crypto.randomUUID());
    const walk = {name: who, phone: phone.value.trim(), birth_date: birth.value, consent_how: chosen.value,
      registered_at: now};
    const visit = {stop_id: pid, session_stop_id: stop.id, walk_in: walk, services: {}, acts: [],
      person_consent_at: now, person_consent_name: who, person_consent_how: chosen.value};
    await record("session.walk_in", {id: pid}, {name: who, phone: walk.phone, birth_date: walk.birth_date,
      consent_how: walk.consent_how, not_a_duplicate: alike.length > 0}, {visit: visit, what: "реєстрацію людини"});
    notify(who + ": зареєстровано. Обслуговуйте як звичайно.", "ok");
    location.hash = "#/stop/" + pid;
  });
  return h("details", {class: "group walk-in", testid: "walk-in"},
    h("summary", {}, "Людина прийшла без запису — зареєструвати"),
    h("div", {class: "field"}, h("label", {for: name.id}, "Прізвище, ім'я, по батькові"), name),
    h("div", {class: "field"}, h("label", {for: birth.id}, "Дата народження"), birth),
    h("div", {class: "field"}, h("label", {for: phone.id}, "Телефон (необов'язково)"), phone),
    h("fieldset", {class: "choices"}, h("legend", {}, "Згода людини на обробку персональних даних"), how),
    same, anotherRow,
    h("button", {type: "button", testid: "walkin-save", onclick: save}, "Зареєструвати людину"));
}

export function viewReception(stop) {
  const people = peopleOf(stop);
  const served = people.filter((p) => {
    const v = state.visits.get(p.id);
    return (v && v.outcome) || (p.visit && p.visit.outcome);
  }).length;
  return [
    h("p", {class: "no-print"}, h("a", {href: "#/", testid: "back"}, "← До списку зупинок")),
    h("h1", {testid: "stop-title"}, "Зупинка " + stopNumber(stop) + ": " + stopName(stop)),
    h("p", {class: "window"}, h("strong", {}, "Прийом: "), time(stop.window_start) + "–" + time(stop.window_end)),
    h("p", {class: "stop-address"}, h("strong", {}, "Адреса: "), stopAddress(stop)),
    h("p", {testid: "reception-summary"}, "Людей: " + people.length + ", завершено: " + served + "."),
    people.length ? h("ol", {class: "stops", testid: "people"}, people.map(personRow)) :
      h("p", {class: "lead"}, "На цей прийом ніхто не записався."),
    walkInForm(stop),
  ];
}
