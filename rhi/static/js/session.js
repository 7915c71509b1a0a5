// The worker's session as the sync API gives it (GET /sync/v1/session): a fresh CSRF token for
// the upload, the user, the upload's limits and the device secret the store's PIN key is made
// with. Throws Error("signed-out") on a 401, so callers can tell it from no network.
//
// A network that takes connections and answers nothing leaves the fetch waiting for ever: the
// PIN typed on a kept frame waited on it and the page never filled (a tablet probe). So an
// answer later than this is no network, as a failed fetch is. The server answers this in
// milliseconds (bench/: the signed-in read).
const SESSION_WAIT_MS = 4000;

/**
 * @typedef {{csrf_token: string, device_secret: string, user: {id: number},
 *            limits?: {max_items?: number}}} Session
 * @returns {Promise<Session>}
 */
export async function session() {
  const response = await fetch("/sync/v1/session", {
    credentials: "same-origin",
    cache: "no-store",
    signal: AbortSignal.timeout(SESSION_WAIT_MS),
  });
  if (!response.ok) throw new Error(response.status === 401 ? "signed-out" : "session");
  return response.json();
}

export const isSignedOut = (error) => Boolean(error) && error.message === "signed-out";
