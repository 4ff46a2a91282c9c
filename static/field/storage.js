// The laptop's room for the day's evidence: ask the browser to keep it (persistent storage), show
// the free space, and turn a full disk into words a person can act on.
import { bytes, notify } from "./dom.js";

let persisted = false;

// Asked once per load: a persisted origin is not cleared by the browser when the disk runs low.
export async function askPersistence() {
  if (!(navigator.storage && navigator.storage.persist)) { return false; }
  try {
    persisted = (await navigator.storage.persisted()) || (await navigator.storage.persist());
  } catch (e) { persisted = false; }
  return persisted;
}

export async function estimate() {
  if (!(navigator.storage && navigator.storage.estimate)) { return null; }
  try {
    const {usage, quota} = await navigator.storage.estimate();
    return {usage: usage || 0, quota: quota || 0, free: Math.max(0, (quota || 0) - (usage || 0))};
  } catch (e) { return null; }
}

// `low`: below this many free bytes the person is warned before the disk is full.
export async function showStorage(low) {
  const el = document.getElementById("storage-status");
  if (!el) { return; }
  const room = await estimate();
  if (!room) { el.textContent = ""; return; }
  const tight = room.free < low;
  el.textContent = "Вільне місце для даних виїзду: " + bytes(room.free) + ". " +
    (tight ? "Місця майже немає: надішліть записи, щойно буде інтернет, і не знімайте зайвого відео. "
      : "") +
    (persisted ? "Браузер не стиратиме збережене." :
      "Браузер може стерти дані, якщо на диску забракне місця, — надсилайте записи, щойно буде інтернет.");
  el.className = "storage-status" + (tight ? " storage-status--low" : "");
  el.dataset.free = String(room.free);
  el.dataset.persisted = persisted ? "1" : "0";
}

// A full disk, as IndexedDB reports it: on the request, or as the transaction's own error.
export function isQuotaError(e) {
  for (let x = e; x; x = x.cause) {
    if (x.name === "QuotaExceededError" || /quota/i.test(x.message || "")) { return true; }
  }
  return false;
}

export class StorageFull extends Error {
  constructor(what, cause) {
    super("На цьому комп'ютері закінчилося місце для даних: " + what + " не збережено. Усе, що збережено " +
      "раніше, на місці. Надішліть записи, коли буде інтернет (тоді місце звільниться), або попросіть техніка " +
      "звільнити місце на диску — і спробуйте ще раз.");
    this.name = "StorageFull";
    this.cause = cause;
  }
}

// Run a save; a full disk becomes StorageFull saying what was not saved.
export async function saving(what, fn) {
  try {
    return await fn();
  } catch (e) {
    if (isQuotaError(e)) { throw new StorageFull(what, e); }
    throw e;
  }
}

// An event handler that tells the person when the disk is full (and nothing else went wrong);
// any other error goes on to the page's unhandled-rejection message.
export function guard(fn) {
  return async (...args) => {
    try {
      return await fn(...args);
    } catch (e) {
      if (!(e instanceof StorageFull)) { throw e; }
      notify(e.message, "error");
      document.dispatchEvent(new CustomEvent("field:storage"));
      return undefined;
    }
  };
}
