// Every request of the field client has a deadline (AbortController): a line that stalls gives up
// with a message and the next sync tries again; it never freezes the sync until a reload.

// Until the day brings the server's own figure (limits.request_timeout_s).
let baseMs = 30000;
// An upload chunk gets time for its bytes too, as if the line carried at least this much.
const SLOWEST_BYTES_PER_S = 16 * 1024;

export function setTimeoutSeconds(seconds) {
  if (Number(seconds) > 0) { baseMs = Number(seconds) * 1000; }
}

export class SyncError extends Error {
  constructor(kind, message, status) { super(message); this.kind = kind; this.status = status; }
}

// fetch + its JSON answer within the deadline: {status, ok, body} (body null if not JSON).
// `failed` is the message when no answer comes (no network, or none in time).
export async function requestJson(url, options, failed, sendBytes = 0) {
  const ms = baseMs + Math.ceil(sendBytes * 1000 / SLOWEST_BYTES_PER_S);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  try {
    const response = await fetch(url, Object.assign({credentials: "same-origin", cache: "no-store"}, options,
      {signal: controller.signal}));
    let body = null;
    try { body = await response.json(); } catch (e) {
      if (controller.signal.aborted) { throw e; }
    }
    return {status: response.status, ok: response.ok, body: body};
  } catch (e) {
    if (controller.signal.aborted) {
      throw new SyncError("network", "Сервер не відповів за " + Math.round(ms / 1000) + " с (повільний або " +
        "перерваний зв'язок). " + failed);
    }
    throw new SyncError("network", "Немає зв'язку з сервером. " + failed);
  } finally {
    clearTimeout(timer);
  }
}
