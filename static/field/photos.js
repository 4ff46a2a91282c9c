// Photos of documents: checked against the server's size limit, hashed piece by piece, kept in
// IndexedDB (the file itself, stored once) and declared in the outbox in the same transaction.
import { bytes, h, notify } from "./dom.js";
import { hashParts } from "./hash.js";
import { photoProblem } from "./limits.js";
import { ensureStarted, hooks, record, state } from "./state.js";
import { guard } from "./storage.js";

export function fileStateText(f) {
  if (f.state === "complete") { return "надіслано"; }
  if (f.state === "rejected") { return "не прийнято: " + (f.reason || ""); }
  if (f.state === "recording") { return "записується"; }
  if (f.uploaded) { return "надіслано " + bytes(f.uploaded) + " з " + bytes(f.size); }
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
    bitmap.close();
    return canvas.toDataURL("image/jpeg", 0.7);
  } catch (e) { return null; }
}

// Keep a photo and declare it; false (and the person told why) if it is not taken.
export async function addPhoto(stop, serviceId, file) {
  const problem = photoProblem(file);
  if (problem) { notify(problem, "error"); return false; }
  await ensureStarted(stop);
  const sha = await hashParts([file]);
  const id = crypto.randomUUID();
  const type = (file.type || "image/jpeg").split(";")[0].trim().toLowerCase();
  const row = {id: id, stop_id: stop.id, service_id: serviceId || null, kind: "photo", type: type, size: file.size,
    sha256: sha, uploaded: 0, state: "waiting", name: file.name || "", taken_at: new Date().toISOString(),
    thumb: await thumbnail(file)};
  const data = {attachment_id: id, kind: "photo", content_type: type, size: file.size, sha256: sha,
    taken_at: row.taken_at};
  if (serviceId) { data.service_id = serviceId; }
  await record("attachment.declare", stop, data, {file: row, chunk: {file: id, n: 0, data: file},
    what: "фото «" + (file.name || "без назви") + "» (" + bytes(file.size) + ")"});
  return true;
}

// Several photos chosen at once: each is taken or refused on its own.
async function addPhotos(stop, serviceId, files) {
  let taken = 0;
  for (const f of files) {
    if (await addPhoto(stop, serviceId, f)) { taken += 1; }
  }
  return taken;
}

export function photoBlock(stop, service) {
  const input = h("input", {type: "file", accept: "image/*", capture: "environment", multiple: true,
    id: "photo-" + stop.id + "-" + service.id, testid: "photo-" + service.id, class: "file-input"});
  input.addEventListener("change", guard(async () => {
    const files = Array.from(input.files || []);
    input.value = "";
    try {
      await addPhotos(stop, service.id, files);
    } finally {
      hooks.render();
    }
  }));
  const mine = state.files.filter((f) => f.stop_id === stop.id && String(f.service_id) === String(service.id) &&
    f.kind === "photo");
  return h("div", {class: "photos"},
    h("label", {for: input.id, class: "button secondary"}, "Додати фото документа"), input,
    h("ul", {class: "thumbs", testid: "thumbs-" + service.id}, mine.map((f) =>
      h("li", {testid: "thumb", "data-state": f.state},
        f.thumb ? h("img", {src: f.thumb, alt: "Фото документа, " + bytes(f.size)}) : h("span", {}, f.name || "файл"),
        h("span", {class: "thumb-state"}, fileStateText(f))))));
}

// A photo the server could not accept (not a picture, damaged on the laptop): choose another one
// of the same document; it goes as a new file, the refused one stays in the list as it was.
export function replacePhoto(stop, refused) {
  const input = h("input", {type: "file", accept: "image/*", id: "replace-" + refused.id, class: "file-input",
    testid: "replace-photo"});
  input.addEventListener("change", guard(async () => {
    const file = (input.files || [])[0];
    if (!file) { return; }
    if (await addPhoto(stop, refused.service_id, file)) {
      notify("Нове фото додано й буде надіслане.", "ok");
    }
    hooks.render();
  }));
  return h("span", {class: "replace"}, " ",
    h("label", {for: input.id, class: "button secondary"}, "Вибрати інше фото"), input);
}
