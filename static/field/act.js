// The incident act (doubt of legal capacity, aggression, refusal), drawn up at the door with a
// witness, and printed from the laptop with no network.
import { date, h, notify, time } from "./dom.js";
import { textField } from "./limits.js";
import { choices, ensureStarted, hooks, label, record, stopAddress, stopById, stopName, visitOf } from "./state.js";
import { guard } from "./storage.js";

export function actBlock(stop, visit) {
  const kind = h("select", {id: "act-kind-" + stop.id, testid: "act-kind"},
    choices("act_kinds").map((c) => h("option", {value: c.value}, c.label)));
  const desc = textField("textarea", "description", {id: "act-desc-" + stop.id, rows: "4", testid: "act-description"});
  const wname = textField("input", "witness_name", {type: "text", id: "act-wname-" + stop.id,
    testid: "act-witness-name", autocomplete: "off"});
  const wrole = textField("input", "witness_role", {type: "text", id: "act-wrole-" + stop.id,
    testid: "act-witness-role", autocomplete: "off"});
  const save = guard(async () => {
    const [d, n, r] = [desc, wname, wrole].map((f) => f.input.value.trim());
    if (!d || !n || !r) {
      notify("Для акта потрібні: що сталося, ім'я свідка і хто він.", "error");
      return;
    }
    const v = await ensureStarted(stop);
    const act = {act_id: crypto.randomUUID(), kind: kind.value, description: d, witness_name: n, witness_role: r};
    v.acts = v.acts || [];
    v.acts.push(Object.assign({at: new Date().toISOString()}, act));
    await record("visit.act", stop, act, {visit: v, what: "акт"});
    notify("Акт складено. Його можна надрукувати.", "ok");
    hooks.render({fresh: true});  // the saved act's text must not come back into the empty form
  });
  const acts = visit.acts || [];
  return h("details", {class: "group", open: acts.length ? true : null},
    h("summary", {testid: "act-open"}, "Акт (сумнів щодо дієздатності, агресія, відмова)"),
    acts.length ? h("ul", {testid: "acts"}, acts.map((a, i) => h("li", {},
      label("act_kinds", a.kind) + ", " + time(a.at) + " — ",
      h("a", {href: "#/print/act/" + stop.id + "/" + a.act_id, testid: "act-print-" + (i + 1)}, "друк акта")))) : null,
    h("div", {class: "field"}, h("label", {for: kind.id}, "Підстава"), kind),
    h("div", {class: "field"}, h("label", {for: desc.input.id}, "Що сталося"), desc.input, desc.counter),
    h("div", {class: "row"},
      h("div", {class: "field"}, h("label", {for: wname.input.id}, "Свідок: прізвище та ім'я"), wname.input,
        wname.counter),
      h("div", {class: "field"}, h("label", {for: wrole.input.id}, "Хто свідок (наприклад, сусід, соцпрацівник)"),
        wrole.input, wrole.counter)),
    h("button", {type: "button", testid: "act-save", onclick: save}, "Скласти акт"));
}

export function printToolbar(backTo) {
  return h("p", {class: "no-print toolbar"},
    h("button", {type: "button", testid: "print", onclick: () => window.print()}, "Друкувати"), " ",
    h("a", {href: backTo, class: "button secondary"}, "Назад"));
}

export function adminName(info) {
  return (info && info.user) || "";
}

export function viewAct(info, stopId, actId) {
  const stop = stopById(stopId);
  const act = stop && (visitOf(stop.id).acts || []).find((a) => a.act_id === actId);
  if (!act) { return [h("p", {}, "Акт не знайдено."), h("a", {href: "#/"}, "Назад")]; }
  return [printToolbar("#/stop/" + stop.id), h("article", {class: "print-sheet", testid: "act"},
    h("h1", {}, "Акт"),
    h("p", {}, "№ " + act.act_id.slice(0, 8).toUpperCase() + " від " + date(act.at) + ", " + time(act.at)),
    h("p", {}, h("strong", {}, "Підстава: "), label("act_kinds", act.kind)),
    h("p", {}, h("strong", {}, "Місце: "), stopAddress(stop)),
    h("p", {}, h("strong", {}, "Суб'єкт звернення: "), stopName(stop)),
    h("h2", {}, "Що сталося"), h("p", {class: "pre"}, act.description),
    h("p", {}, h("strong", {}, "Свідок: "), act.witness_name + " (" + act.witness_role + ")"),
    h("p", {}, h("strong", {}, "Адміністратор: "), adminName(info)),
    h("div", {class: "signatures"},
      h("p", {}, "Підпис адміністратора ____________________"),
      h("p", {}, "Підпис свідка ____________________")))];
}
