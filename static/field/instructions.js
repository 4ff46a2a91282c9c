// Technological cards and crisis instructions (issue 16): loaded with the day (state.info.instructions)
// and kept in IndexedDB with it, so they open with no network. Each shows the version the laptop got.
import { h } from "./dom.js";
import { state } from "./state.js";

function all() {
  return (state.info && state.info.instructions) || [];
}

function link(i) {
  const id = i.kind === "crisis" ? "crisis-" + i.crisis : "card-" + i.service_id;
  return h("li", {}, h("a", {href: "#/instruction/" + i.id, testid: id}, i.title));
}

export function viewInstructions() {
  const parts = [h("h1", {}, "Інструкції")];
  if (!state.info) {
    parts.push(h("p", {class: "lead"}, "Інструкції завантажуються разом із виїздами дня. Поки є інтернет, " +
      "завантажте виїзди — після цього інструкції відкриваються й без зв'язку."));
    return parts;
  }
  const crises = all().filter((i) => i.kind === "crisis");
  const cards = all().filter((i) => i.kind === "card");
  parts.push(h("h2", {}, "Кризові ситуації"));
  parts.push(crises.length ? h("ul", {class: "instructions", testid: "crisis-list"}, crises.map(link))
    : h("p", {}, "Кризових інструкцій громада ще не внесла. Телефонуйте координатору."));
  parts.push(h("h2", {}, "Технологічні картки послуг"));
  parts.push(cards.length ? h("ul", {class: "instructions", testid: "card-list"}, cards.map(link))
    : h("p", {}, "Технологічних карток ще немає."));
  return parts;
}

function section(title, text, testid) {
  if (!text) { return null; }
  return [h("h2", {}, title), ...String(text).split("\n").filter((line) => line.trim())
    .map((line) => h("p", {testid: testid}, line))];
}

export function viewInstruction(id) {
  const i = all().find((x) => String(x.id) === String(id));
  if (!i) {
    return [h("h1", {}, "Інструкцію не знайдено"),
      h("p", {}, h("a", {href: "#/instructions"}, "До списку інструкцій"))];
  }
  return [
    h("p", {}, h("a", {href: "#/instructions"}, "← Усі інструкції")),
    h("article", {class: "instruction", testid: "instruction"},
      h("h1", {}, i.title),
      h("p", {class: "muted", testid: "instruction-version"}, "Версія " + i.version + ", завантажена з виїздами дня."),
      section(i.kind === "crisis" ? "Що робити" : "Кроки", i.steps, "instruction-steps"),
      section("Кому телефонувати", i.contacts, "instruction-contacts"),
      section("Документи", i.documents, "instruction-documents"),
      section("Реєстр", i.registry, "instruction-registry"),
      section("Типові помилки", i.mistakes, "instruction-mistakes")),
  ];
}
