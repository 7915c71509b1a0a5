// The worker's session as the sync API gives it (GET /sync/v1/session): a fresh CSRF token for
// the upload, the user, the upload's limits and the device secret the store's PIN key is made
// with. Throws Error("signed-out") on a 401, so callers can tell it from no network.
//
// A network that takes connections and answers nothing leaves the fetch waiting for ever: the
// PIN typed on a kept frame waited on it and the page never filled (a tablet probe). So an
// answer later than this is no network, as a failed fetch is. The server answers this in
// milliseconds (bench/: the signed-in read).
// Long enough for a slow connection that works (a new TLS connection on one bar of 3G), short
// enough that a worker is not left waiting on one that answers nothing. The PIN dialog asks
// with less (`session(PIN_WAIT_MS)`): the worker is looking at it.
const SESSION_WAIT_MS = 10000;
export const PIN_WAIT_MS = 4000;

/**
 * A signal that aborts a fetch after `ms` (none where the browser has no AbortSignal.timeout,
 * before Safari 16: there the fetch waits as it always did).
 * @param {number} ms
 */
export function giveUpAfter(ms) {
  return typeof AbortSignal.timeout === "function" ? AbortSignal.timeout(ms) : undefined;
}

/**
 * @typedef {{csrf_token: string, device_secret: string, user: {id: number},
 *            limits?: {max_items?: number}}} Session
 * @param {number} [waitMs] how long an answer may take before it counts as no network
 * @returns {Promise<Session>}
 */
export async function session(waitMs = SESSION_WAIT_MS) {
  const response = await fetch("/sync/v1/session", {
    credentials: "same-origin",
    cache: "no-store",
    signal: giveUpAfter(waitMs),
  });
  if (!response.ok) throw new Error(response.status === 401 ? "signed-out" : "session");
  return response.json();
}

export const isSignedOut = (error) => Boolean(error) && error.message === "signed-out";
