// The server's limits (the day's `limits`), enforced where a person types or picks a file, with no
// network: they are told at the door, not back at the office when the sync refuses it.
import { bytes, h, money } from "./dom.js";
import { limits } from "./state.js";

// A text field (input or textarea) no longer than the server takes, with a counter under it.
// `field` names the limit: description, note, witness_name, witness_role, receipt; the counter's
// testid is "count-" + (`key` or the field).
export function textField(tag, field, attrs, key) {
  const max = limits().text_max[field];
  const input = h(tag, Object.assign({maxlength: String(max)}, attrs));
  const counter = h("span", {class: "counter", testid: "count-" + (key || field), "aria-live": "polite"});
  const update = () => {
    const n = input.value.length;
    counter.textContent = n >= max ? "Досягнуто найбільшої довжини: " + max + " знаків. Далі текст не додається."
      : n + " з " + max + " знаків";
    counter.classList.toggle("counter--full", n >= max);
  };
  input.addEventListener("input", update);
  // Restored after a re-render (main.js sets the value and sends "change").
  input.addEventListener("change", update);
  queueMicrotask(update);
  return {input: input, counter: counter};
}

// "" when the number of sheets is one the server takes, else why not.
export function sheetsProblem(value) {
  const max = limits().sheets_max;
  const n = Number(value);
  if (value === "" || !Number.isInteger(n) || n < 0 || n > max) {
    return "Кількість аркушів — ціле число від 0 до " + max + ".";
  }
  return "";
}

export function amountProblem(sum) {
  const max = Number(limits().amount_max);
  if (Number(sum) > max) { return "Сума завелика: можна не більше " + money(max) + "."; }
  return "";
}

export function photoProblem(file) {
  const max = limits().photo_max_bytes;
  if (file.size > max) {
    return "Фото «" + (file.name || "без назви") + "» завелике: " + bytes(file.size) + ", можна до " + bytes(max) +
      ". Зробіть знімок з меншою роздільністю.";
  }
  if (!file.size) { return "Файл «" + (file.name || "без назви") + "» порожній."; }
  return "";
}

export const videoMaxBytes = () => limits().video_max_bytes;
