// The fee of a paid service at the door: how the person pays, the NBU QR code for the bank app
// (made by the server, shown offline), the receipt and the amount.
import { h, money, notify } from "./dom.js";
import { amountProblem, textField } from "./limits.js";
import { choices, ensureStarted, hooks, label, record, serviceState } from "./state.js";
import { guard } from "./storage.js";

export function paymentBlock(stop, service, sstate) {
  const p = sstate.payment || {};
  const base = "pay-" + stop.id + "-" + service.id;
  const radios = choices("payment_methods").map((c) => h("span", {class: "choice"},
    h("input", {type: "radio", name: base + "-method", id: base + "-" + c.value, value: c.value,
      checked: (p.method || "") === c.value, testid: "pay-method-" + service.id + "-" + c.value,
      onchange: () => { qr.hidden = c.value !== "online"; }}),
    h("label", {for: base + "-" + c.value}, c.label)));
  const receipt = textField("input", "receipt", {type: "text", id: base + "-receipt", value: p.receipt || "",
    autocomplete: "off", testid: "pay-receipt-" + service.id}, "receipt-" + service.id);
  const amount = h("input", {type: "text", inputmode: "decimal", id: base + "-amount",
    value: String(p.amount ?? service.fee).replace(".", ","), testid: "pay-amount-" + service.id});
  const provider = service.provider;
  const qr = h("div", {class: "qr", hidden: p.method !== "online"},
    service.payment_qr ? h("img", {src: "data:image/svg+xml;charset=utf-8," + encodeURIComponent(service.payment_qr.svg),
      alt: "QR-код для оплати в застосунку банку", class: "qr-img", testid: "pay-qr-" + service.id}) :
      h("p", {}, service.payment_qr_problem || "QR-коду для цієї послуги немає: реквізити отримувача не заповнені."),
    service.payment_qr ? h("p", {}, h("a", {href: service.payment_qr.link, rel: "noopener",
      testid: "pay-link-" + service.id}, "Посилання для оплати")) : null,
    provider ? h("p", {class: "muted"}, "Отримувач: " + provider.recipient +
      (provider.iban ? ", IBAN " + provider.iban : "")) : null);
  const save = guard(async () => {
    const method = (radios.map((r) => r.querySelector("input")).find((i) => i.checked) || {}).value;
    const sum = amount.value.replace(/\s/g, "").replace(",", ".");
    if (!method) { notify("Виберіть, як людина платить.", "error"); return; }
    // No QR code could be made for this fee (no IBAN in the catalogue): the person cannot have paid by one.
    if (method === "online" && !service.payment_qr) {
      notify("За QR-кодом заплатити неможливо: " + (service.payment_qr_problem ||
        "реквізити отримувача не заповнені.") + " Оберіть інший спосіб оплати.", "error");
      return;
    }
    if (!/^\d+(\.\d{1,2})?$/.test(sum) || Number(sum) <= 0) { notify("Сума — число, наприклад 25,50.", "error"); return; }
    const tooMuch = amountProblem(sum);
    if (tooMuch) { notify(tooMuch, "error"); return; }
    const number = receipt.input.value.trim();
    if (method !== "online" && !number) { notify("Впишіть номер квитанції або чека.", "error"); return; }
    const visit = await ensureStarted(stop);
    const ss = serviceState(visit, service.id);
    ss.payment = {method: method, receipt: number, amount: sum, saved_at: new Date().toISOString()};
    await record("visit.payment", stop, {service_id: service.id, method: method, receipt: number, amount: sum},
      {visit: visit, what: "оплату"});
    notify("Оплату збережено: " + money(sum) + ".", "ok");
    hooks.render();
  });
  return h("fieldset", {class: "group payment", testid: "payment-" + service.id},
    h("legend", {}, "Оплата: " + money(service.fee)),
    h("div", {class: "choices"}, radios), qr,
    h("div", {class: "row"},
      h("div", {class: "field"}, h("label", {for: receipt.input.id}, "Номер квитанції або чека"), receipt.input,
        receipt.counter),
      h("div", {class: "field narrow"}, h("label", {for: amount.id}, "Сума, грн"), amount)),
    h("button", {type: "button", testid: "pay-save-" + service.id, onclick: save}, "Зберегти оплату"),
    p.saved_at ? h("p", {class: "saved", testid: "pay-saved-" + service.id}, "Збережено: " +
      label("payment_methods", p.method) + ", " + money(p.amount) + (p.receipt ? ", № " + p.receipt : "") + ".") : null);
}
