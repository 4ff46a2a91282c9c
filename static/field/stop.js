// One stop at the door: start, the documents of each service with their sheets, the services
// accepted (provisional number, intake inventory to print), photos, payment, act, video, outcome.
import { actBlock, adminName, printToolbar } from "./act.js";
import { date, h, money, notify, time } from "./dom.js";
import { sheetsProblem, textField } from "./limits.js";
import { paymentBlock } from "./payment.js";
import { photoBlock } from "./photos.js";
import { viewReception } from "./reception.js";
import {
  choices, ensureStarted, finishedElsewhere, finishedText, hooks, label, nextProvisional, record, registeredNumber, saveVisit, serviceState, servicesOf,
  state, stopAddress, stopById, stopName, stopNumber, visitOf,
} from "./state.js";
import { guard } from "./storage.js";
import { videoBlock } from "./video.js";

// Where the result goes when the person says nothing else.
const DEFAULT_DELIVERY = "office";

export function contactLines(stop) {
  const p = stop.person;
  if (!p) {
    return [h("p", {class: "stop-address"}, h("strong", {}, "Адреса: "), stopAddress(stop))];
  }
  return [
    h("p", {class: "stop-address"}, h("strong", {}, "Адреса: "), p.address,
      p.entrance ? ", під'їзд " + p.entrance : "", p.floor !== null && p.floor !== undefined ? ", поверх " + p.floor : ""),
    p.contact_phone ? h("p", {}, h("strong", {}, "Телефон: "), h("a", {href: "tel:" + p.contact_phone}, p.contact_phone))
      : null,
    p.requester_name ? h("p", {}, h("strong", {}, "Звернувся: "), p.requester_name,
      p.requester_phone ? " — " : "", p.requester_phone ? h("a", {href: "tel:" + p.requester_phone}, p.requester_phone)
        : null) : null,
    p.location_note ? h("p", {class: "stop-location-note", "data-testid": "location-note"},
      h("strong", {}, "Увага: "), p.location_note, " — уточніть будинок на місці.") : null,
    p.intercom ? h("p", {}, h("strong", {}, "Домофон: "), p.intercom) : null,
    p.access_notes ? h("p", {}, h("strong", {}, "Як потрапити: "), p.access_notes) : null,
    p.notes ? h("p", {}, h("strong", {}, "Примітки: "), p.notes) : null,
  ];
}

function docRow(stop, service, doc, sstate) {
  const d = sstate.docs[doc.id] || {present: false, sheets: 1};
  const id = "doc-" + stop.id + "-" + service.id + "-" + doc.id;
  const max = state.info.limits.sheets_max;
  const save = guard(async () => {
    const problem = sheetsProblem(sheets.value.trim());
    if (problem) {
      notify(problem, "error");
      sheets.value = String(d.sheets ?? 1);
      return;
    }
    const visit = visitOf(stop.id);
    const ss = serviceState(visit, service.id);
    ss.docs[doc.id] = {present: box.checked, sheets: Number(sheets.value)};
    await saveVisit(visit, "позначку документа");
  });
  const box = h("input", {type: "checkbox", id: id, checked: !!d.present, testid: "doc-" + service.id + "-" + doc.id,
    onchange: save});
  const sheets = h("input", {type: "number", id: id + "-sheets", min: "0", max: String(max), step: "1",
    value: String(d.sheets ?? 1), class: "sheets", testid: "sheets-" + service.id + "-" + doc.id, onchange: save});
  return h("li", {class: "doc-row"},
    h("span", {class: "choice"}, box, h("label", {for: id}, doc.name)),
    h("label", {for: id + "-sheets", class: "sheets-label"}, "аркушів (до " + max + ")"), sheets);
}

// The person's OWN consent to processing (issue 11). A neighbour's agreement when filing is not it:
// without it nothing is accepted (the server holds such an acceptance too, field/sync/rules.py).
export function hasPersonConsent(stop) {
  const visit = visitOf(stop.id);
  return !stop.person || !!stop.person.person_consent_at || !!visit.person_consent_at;
}

function consentBlock(stop, visit) {
  if (!stop.person || stop.person.person_consent_at) { return null; }
  const name = h("input", {type: "text", id: "consent-name-" + stop.id, maxlength: "200", testid: "consent-name",
    value: visit.person_consent_name || stop.person.applicant_name || ""});
  const how = [["laptop", "Людина погодилася, я позначаю це тут"],
    ["signed", "Людина підписала рядок згоди в описі документів (підписаний рядок взято)"]].map(([value, text]) =>
    h("span", {class: "choice"}, h("input", {type: "radio", name: "consent-how-" + stop.id,
      id: "consent-how-" + stop.id + "-" + value, value: value, checked: (visit.person_consent_how || "laptop") === value,
      testid: "consent-how-" + value}), h("label", {for: "consent-how-" + stop.id + "-" + value}, text)));
  const save = guard(async () => {
    const who = name.value.trim();
    if (!who) { notify("Напишіть ім'я людини, яка дає згоду.", "error"); return; }
    const chosen = how.map((c) => c.querySelector("input")).find((i) => i.checked);
    const v = await ensureStarted(stop);
    v.person_consent_at = new Date().toISOString();
    v.person_consent_name = who;
    v.person_consent_how = chosen ? chosen.value : "laptop";
    await record("person.consent", stop, {name: who, how: v.person_consent_how}, {visit: v, what: "згоду людини"});
    notify("Згоду людини записано.", "ok");
    hooks.render();
  });
  return h("fieldset", {class: "group consent", testid: "person-consent"},
    h("legend", {}, "Згода самої людини на обробку даних"),
    h("p", {}, "Заявку подала інша людина (" + (stop.person.requester_name || "не сама людина") + "). Перш ніж " +
      "приймати документи, запитайте згоду самої людини на обробку її персональних даних, зокрема про здоров'я " +
      "(категорія, інвалідність). Без її згоди послуги прийняти не можна."),
    h("div", {class: "field"}, h("label", {for: name.id}, "Ім'я людини, яка дає згоду"), name),
    h("div", {class: "choices"}, how),
    visit.person_consent_at ? h("p", {class: "saved", testid: "consent-saved"}, "Згоду записано о " +
      time(visit.person_consent_at) + ".") :
      h("button", {type: "button", testid: "consent-save", onclick: save}, "Записати згоду людини"));
}

function acceptBlock(stop, service, sstate) {
  const number = registeredNumber(stop, service.id);
  const options = choices("delivery");
  const chosen = sstate.delivery || (options.some((c) => c.value === DEFAULT_DELIVERY) ? DEFAULT_DELIVERY : "");
  const sel = h("select", {id: "delivery-" + stop.id + "-" + service.id, testid: "delivery-" + service.id},
    options.map((c) => h("option", {value: c.value, selected: chosen === c.value}, c.label)));
  const accept = guard(async () => {
    if (!hasPersonConsent(stop)) {
      notify("Спершу запитайте згоду самої людини на обробку її даних і запишіть її вище.", "error");
      return;
    }
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
      delivery: ss.delivery, documents: documents}]}, {visit: visit, what: "прийняття послуги"});
    notify("Послугу «" + service.name + "» прийнято. Номер: " + ss.provisional_number + ".", "ok");
    hooks.render();
  });
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

// The category's document was missing at intake: the administrator checks it at the door and says what was seen.
function evidenceCheck(stop, visit) {
  const c = stop.person && stop.person.evidence_check;
  if (!c) { return null; }
  const was = visit.evidence || {document: c.documents[0] || "", reference: "", seen: false};
  const doc = h("select", {id: "evidence-doc-" + stop.id, testid: "evidence-document"},
    c.documents.map((d) => h("option", {value: d, selected: d === was.document}, d)));
  const ref = h("input", {type: "text", id: "evidence-ref-" + stop.id, maxlength: "200", testid: "evidence-reference",
    value: was.reference || ""});
  const seen = h("input", {type: "checkbox", id: "evidence-seen-" + stop.id, checked: !!was.seen, testid: "evidence-seen"});
  return {
    node: h("div", {class: "group evidence-check", "data-testid": "evidence-check"},
      h("p", {}, h("strong", {}, "Перевірити документ на місці: "), c.category + "."),
      h("div", {class: "field"}, h("label", {for: doc.id}, "Документ"), doc),
      h("div", {class: "field"}, h("label", {for: ref.id}, "Номер і дата документа"), ref),
      h("div", {class: "field"}, seen, h("label", {for: seen.id}, "Документ побачили"))),
    read: () => ({document: doc.value, reference: ref.value.trim(), seen: seen.checked}),
  };
}

function outcomeBlock(stop, visit) {
  const radios = choices("outcomes").map((c) => h("span", {class: "choice"},
    h("input", {type: "radio", name: "outcome-" + stop.id, id: "outcome-" + stop.id + "-" + c.value, value: c.value,
      checked: visit.outcome === c.value, testid: "outcome-" + c.value}),
    h("label", {for: "outcome-" + stop.id + "-" + c.value}, c.label)));
  const note = textField("textarea", "note", {id: "outcome-note-" + stop.id, rows: "3", testid: "outcome-note"});
  note.input.value = visit.outcome_note || "";
  const check = evidenceCheck(stop, visit);
  const save = guard(async () => {
    const chosen = radios.map((r) => r.querySelector("input")).find((i) => i.checked);
    if (!chosen) { notify("Виберіть результат візиту.", "error"); return; }
    const v = await ensureStarted(stop);
    v.outcome = chosen.value;
    v.outcome_note = note.input.value.trim();
    v.outcome_at = new Date().toISOString();
    const data = {outcome: v.outcome, note: v.outcome_note, video_consent: !!v.video_consent};
    if (check) { v.evidence = check.read(); data.evidence = v.evidence; }
    await record("visit.outcome", stop, data, {visit: v, what: "результат візиту"});
    notify("Результат візиту збережено: " + label("outcomes", v.outcome) + ".", "ok");
    // A person at a reception goes back to the reception's list, a home visit to the day's.
    location.hash = stop.parent_id ? "#/stop/" + stop.parent_id : "#/";
  });
  return h("fieldset", {class: "group outcome", testid: "outcome"},
    h("legend", {}, "Результат візиту"),
    h("div", {class: "choices"}, radios),
    check ? check.node : null,
    h("div", {class: "field"}, h("label", {for: note.input.id}, "Примітка (необов'язково)"), note.input, note.counter),
    h("button", {type: "button", testid: "outcome-save", onclick: save},
      visit.outcome ? "Зберегти зміни результату" : "Зберегти результат"),
    visit.outcome ? h("p", {class: "saved", testid: "outcome-saved"}, "Збережено: " + label("outcomes", visit.outcome) +
      " о " + time(visit.outcome_at) + ".") : null);
}

function extraServiceBlock(stop, visit) {
  const shown = new Set(servicesOf(stop, visit).map((s) => s.id));
  const options = ((state.info && state.info.extra_services) || []).filter((s) => !shown.has(s.id));
  if (!options.length) { return null; }
  const sel = h("select", {id: "extra-service-" + stop.id, testid: "extra-service"},
    options.map((s) => h("option", {value: String(s.id)}, s.name + (s.is_paid ? " (" + money(s.fee) + ")" : ""))));
  const add = guard(async () => {
    const v = visitOf(stop.id);
    v.extra_services = (v.extra_services || []).concat([Number(sel.value)]);
    await saveVisit(v, "послугу");
    hooks.render();
  });
  return h("details", {class: "group"}, h("summary", {}, "Людина просить ще одну послугу"),
    h("div", {class: "field"}, h("label", {for: sel.id}, "Послуга"), sel),
    h("button", {type: "button", class: "secondary", testid: "extra-service-add", onclick: add}, "Додати послугу"));
}

export function viewStop(id) {
  const stop = stopById(id);
  if (!stop) { return [h("h1", {}, "Зупинку не знайдено"), h("p", {}, h("a", {href: "#/"}, "До списку зупинок"))]; }
  if (stop.kind === "session") { return viewReception(stop); }
  const visit = visitOf(stop.id);
  const n = stopNumber(stop);
  const start = guard(async () => {
    await ensureStarted(stop);
    hooks.render();
  });
  const parts = [
    h("p", {class: "no-print"}, stop.parent_id ?
      h("a", {href: "#/stop/" + stop.parent_id, testid: "back"}, "← До списку людей на прийомі") :
      h("a", {href: "#/", testid: "back"}, "← До списку зупинок")),
    h("h1", {testid: "stop-title"}, "Зупинка " + n + ": " + stopName(stop) +
      (stop.parent_id && stop.place ? " (прийом у пункті «" + stop.place.name + "»)" : "")),
    h("p", {class: "window"}, h("strong", {}, "Час: "), time(stop.window_start) + "–" + time(stop.window_end)),
    contactLines(stop),
    stop.conflict ? h("p", {class: "warning-text", role: "alert", testid: "stop-conflict"}, stop.conflict) : null,
    visit.started_at ? h("p", {class: "saved", testid: "visit-started"}, "Візит розпочато о " + time(visit.started_at) +
      (visit.latitude ? " (місце записано)" : "") + ".") :
      h("p", {}, h("button", {type: "button", class: "big", testid: "visit-start", onclick: start}, "Почати візит")),
  ];
  const elsewhere = finishedElsewhere(stop);
  if (elsewhere) {
    // Worked already: say by whom and when, and keep every action off (the fieldset disables them).
    parts[parts.length - 1] = h("p", {class: "warning-text", testid: "finished-elsewhere", role: "status"},
      finishedText(elsewhere, time) + " Повторно вносити нічого не потрібно.");
  }
  const actions = [consentBlock(stop, visit)];
  for (const service of servicesOf(stop, visit)) {
    const sstate = (visit.services || {})[service.id] || {docs: {}};
    actions.push(h("section", {class: "field-service", testid: "service-" + service.id, "aria-labelledby": "svc-" + service.id},
      h("h2", {id: "svc-" + service.id}, service.name),
      h("fieldset", {class: "doc-checklist"}, h("legend", {}, "Документи (позначте подані і кількість аркушів)"),
        service.documents.length ? h("ul", {class: "doc-list"}, service.documents.map((d) => docRow(stop, service, d, sstate))) :
          h("p", {class: "muted"}, "Для цієї послуги перелік документів не задано.")),
      photoBlock(stop, service),
      acceptBlock(stop, service, sstate),
      service.is_paid ? paymentBlock(stop, service, sstate) : null));
  }
  actions.push(extraServiceBlock(stop, visit));
  actions.push(actBlock(stop, visit));
  actions.push(videoBlock(stop, visit));
  actions.push(outcomeBlock(stop, visit));
  if (elsewhere) {
    parts.push(h("fieldset", {class: "finished-elsewhere", disabled: true, testid: "stop-actions"},
      h("legend", {class: "visually-hidden"}, "Дії на зупинці вимкнено: її вже завершено"), actions));
  } else {
    parts.push(...actions);
  }
  return parts;
}

export function viewInventory(stopId, sid) {
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
    h("p", {}, h("strong", {}, "Суб'єкт звернення: "), stopName(stop)),
    h("p", {}, h("strong", {}, "Адреса: "), stopAddress(stop)),
    h("table", {class: "docs-table"},
      h("thead", {}, h("tr", {}, h("th", {}, "№"), h("th", {}, "Документ"), h("th", {}, "Подано"), h("th", {}, "Аркушів"))),
      h("tbody", {}, rows),
      h("tfoot", {}, h("tr", {}, h("td", {}), h("td", {}, "Усього аркушів"), h("td", {}), h("td", {class: "num"}, String(total))))),
    h("p", {}, h("strong", {}, "Спосіб отримання результату: "), label("delivery", ss.delivery)),
    h("p", {}, h("strong", {}, "Адміністратор: "), adminName(state.info)),
    // The person's own consent, signed on paper (issue 11): the laptop then marks the line as taken.
    h("p", {class: "consent-line", testid: "inventory-consent"}, "Я, ", stopName(stop), ", даю згоду на обробку моїх " +
      "персональних даних, зокрема даних про здоров'я (категорія, інвалідність), для надання цих послуг. " +
      "Підпис ____________________"),
    h("div", {class: "signatures"},
      h("p", {}, "Підпис адміністратора ____________________"),
      h("p", {}, "Підпис суб'єкта звернення ____________________")))];
}
