// The bar (#tablet-bar in base.html): always says what is on the tablet and not yet sent, and
// sends it (upload.js) when the network is back: at once, every minute, and after a failure
// with growing waits. Also asks before signing out with work not yet sent.

import { forgetResolved, openInterview, showChoices } from "./choices.js";
import { askPin } from "./pin-dialog.js";
import { plural } from "./plural.js";
import { draftId, isUnsentWork, isWaiting, parseId } from "./records.js";
import { isSignedOut, session } from "./session.js";
import * as store from "./store.js";
import { lastSent, upload } from "./upload.js";
import { wipeNote } from "./wiped.js";

const OLD_AFTER_DAYS = 3;
const SIGNED_OUT =
  "Sign in to send what is kept on this tablet. Nothing on this tablet has been removed.";

let sending = false;
let backoff = 0;
let retryTimer = null;
// The server answered 401 (the session is gone, e.g. after the browser restarted): sending
// waits for the worker to sign in, with nothing removed and no retry timer. A page load after
// signing in starts afresh; on this page, "Send now" asks the server again.
let signedOut = false;

// What the server said, before sending, of work here for children whose return is now with
// someone else (askWhichAreMoving): said in the bar until it is sent. In this page's memory
// only, never kept: the ids the tablet holds in clear name no child.
let moving = [];
let askedAbout = null;

function bar() {
  return document.getElementById("tablet-bar");
}

function age(savedAt) {
  const hours = Math.floor((Date.now() - new Date(savedAt).getTime()) / 3600000);
  if (hours < 1) return "less than an hour ago";
  if (hours < 48) return plural(hours, "hour", "hours") + " ago";
  return plural(Math.floor(hours / 24), "day", "days") + " ago";
}

/**
 * Say again what the tablet holds (ids and times only: no PIN needed).
 * @param {string} [message] the bar's message; left as it is when not given
 */
export async function refreshBar(message) {
  const el = bar();
  if (!el) return;
  const state = await store.state().catch(() => "empty");
  const kept = state === "empty" ? [] : await store.ids().catch(() => []);
  const waiting = kept.filter((item) => isWaiting(item.id));
  const versions = kept.filter((item) => parseId(item.id).kind === "versions");
  const choices = kept.filter((item) => parseId(item.id).kind === "conflict");
  // One line per interview, however many of its fields wait.
  const interviews = new Map();
  for (const item of waiting) {
    const uuid = parseId(item.id).key;
    const seen = interviews.get(uuid);
    if (!seen || item.savedAt < seen) interviews.set(uuid, item.savedAt);
  }
  // Refused by the server and not changed since. Why, and for which child, is said once the
  // store is open (upload.js).
  const refused = new Set();
  const drafts = new Map(
    kept.filter((d) => parseId(d.id).kind === "draft").map((d) => [parseId(d.id).key, d]),
  );
  for (const item of kept) {
    const { kind, key } = parseId(item.id);
    if (kind !== "held") continue;
    const draft = drafts.get(key);
    if (draft && draft.savedAt <= item.savedAt) refused.add(key);
  }
  const online = navigator.onLine;
  el.querySelector("[data-online]").textContent = online ? "Online" : "Offline: no connection";
  el.classList.toggle("is-offline", !online);
  el.querySelector("[data-waiting]").textContent = interviews.size
    ? `${plural(interviews.size, "interview", "interviews")} on this tablet waiting to send`
    : "Nothing waiting to send";
  const last = lastSent();
  el.querySelector("[data-last]").textContent = last
    ? `Last sent ${new Date(last).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" })}`
    : "";
  const list = el.querySelector("[data-items]");
  list.textContent = "";
  let old = false;
  for (const [uuid, savedAt] of interviews) {
    const li = document.createElement("li");
    li.textContent =
      `An interview, kept since ${age(savedAt)}` +
      (refused.has(uuid)
        ? ": not sent, the server did not accept it as it stands. It waits here until it is changed."
        : "");
    list.appendChild(li);
    old = old || Date.now() - new Date(savedAt).getTime() > OLD_AFTER_DAYS * 86400000;
  }
  const warn = el.querySelector("[data-warning]");
  warn.textContent = old ? "Something has waited over 3 days. Connect to send it soon." : "";
  if (waiting.length) warn.textContent += moving.map((m) => ` ${m}`).join("");
  const open = openInterview();
  const here = choices.filter((item) => parseId(item.id).key === open);
  const choose = el.querySelector("[data-choose]");
  choose.hidden = !here.length;
  if (versions.length) {
    warn.textContent += ` ${plural(versions.length, "interview", "interviews")} changed somewhere else too: both versions are kept on the server. Open the interview to choose what to keep.`;
  }
  if (choices.length) {
    warn.textContent +=
      ` ${plural(choices.length, "change kept on this tablet needs", "changes kept on this tablet need")} your choice: it changed somewhere else too.` +
      (here.length ? "" : " Open that interview to choose.");
  }
  if (kept.length && !(await store.isPersisted())) {
    warn.textContent += " This browser may clear what is kept here: add rhi to the home screen.";
  }
  // Wiped after too many wrong PINs: said until a PIN is set again (wiped.js).
  if (message === undefined && state === "empty" && wipeNote()) message = wipeNote();
  if (message !== undefined) el.querySelector("[data-message]").textContent = message;
  // Setting a PIN needs the server: offered online, on the Returns list and writing pages.
  const writingPage =
    !document.querySelector("[data-shell-page], #main[data-shell]") &&
    (Boolean(document.querySelector("[data-autosave]")) || window.location.pathname === "/returns");
  const offerSetUp = state === "empty" && writingPage;
  el.querySelector("[data-send]").hidden = !waiting.length || !online;
  el.querySelector("[data-setup]").hidden = !offerSetUp;
  const shown = el.querySelector("[data-message]").textContent;
  // Quiet when there is nothing to say: online, nothing waiting, nothing to set up.
  el.hidden =
    online && !waiting.length && !choices.length && !versions.length && !offerSetUp && !shown;
}

/**
 * Send what waits, if anything does and the network is there.
 * @param {boolean} askForPin true when the worker asked (a button): the PIN may be asked for;
 *   false for timers and the signal coming back, which never interrupt the worker.
 */
export async function sendNow(askForPin) {
  if (sending || !navigator.onLine) return;
  if (signedOut) {
    if (!askForPin) return refreshBar(); // the timers and the signal coming back: still waiting
    // Ask the server before the PIN: a PIN cannot help while signed out.
    const still = await session().then(() => false, isSignedOut);
    if (still) return showSignedOut();
    signedOut = false;
  }
  const ids = await store.ids().catch(() => []);
  const waiting = ids.filter((item) => isWaiting(item.id));
  if (!waiting.length) return refreshBar();
  await askWhichAreMoving(waiting);
  // Work for a child whose return moved is sent only when the worker taps, having been told:
  // a timer or the signal coming back never sends it behind their back.
  if (moving.length && !askForPin) return refreshBar();
  if ((await store.state()) === "locked") {
    if (!askForPin) return refreshBar();
    if (!(await askPin("unlock"))) return refreshBar();
    // Unlocked, the tablet can name the returns of interviews it started itself, which the
    // server has never seen. If one of them has moved, say so and wait for another tap: the
    // worker hears it before anything is sent.
    const before = moving.length;
    await askWhichAreMoving(waiting);
    if (moving.length > before) return;
  }
  const run = () =>
    send().catch((error) => (isSignedOut(error) ? showSignedOut() : scheduleRetry()));
  sending = true; // one send at a time in this tab
  try {
    // And one at a time across every open tab (and not while the Returns page is keeping
    // copies). The next in line reads the store afresh: what another tab sent is gone.
    await (navigator.locks ? navigator.locks.request("rhi-upload", run) : run());
  } finally {
    sending = false;
  }
}

// Before sending: is any of this work for a child whose return moved to someone else? Then
// the worker is told by the child's name now (the server holds such work for the managers when
// it is sent), not only afterwards. Asked with the interviews' UUIDs only; the server answers
// only for children this worker once had. Not asked when it cannot be: the upload's answer
// still says it.
async function askWhichAreMoving(waiting) {
  const uuids = [...new Set(waiting.map((item) => parseId(item.id).key))].sort();
  // An interview started on this tablet is unknown to the server until sent: its return
  // (episode ids, inside the sealed draft) is named too when the store is open.
  const episodes = await startedHere(uuids);
  const asking = uuids.join() + JSON.stringify(episodes);
  if (asking === askedAbout) return; // asked once per page for the same work
  try {
    const info = await session();
    const response = await fetch("/sync/v1/moving", {
      method: "POST",
      body: JSON.stringify({ uuids, episodes }),
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": info.csrf_token },
    });
    if (!response.ok) return;
    moving = (await response.json()).moving.map((m) => m.message);
    askedAbout = asking;
  } catch {
    return; // signed out or no network: sending says what it needs to
  }
  if (moving.length) await refreshBar();
}

/**
 * The returns of interviews begun on this tablet (drafts with no server version), by UUID.
 * Read only when the store is already open: never asks for the PIN.
 * @param {string[]} uuids
 * @returns {Promise<Record<string, number[]>>}
 */
async function startedHere(uuids) {
  const out = {};
  if ((await store.state().catch(() => "empty")) !== "unlocked") return out;
  for (const uuid of uuids) {
    const draft = await store.get(draftId(uuid)).catch(() => null);
    if (draft && draft.base_version == null && Array.isArray(draft.episode_ids)) {
      out[uuid] = draft.episode_ids.map(Number);
    }
  }
  return out;
}

async function send() {
  const { done, problems, replayed } = await upload({ report: refreshBar });
  backoff = 0;
  moving = []; // sent: the upload's answer says what became of it
  await refreshBar(
    problems.length
      ? problems.join(" ")
      : done
        ? `Sent ${plural(done, "item", "items")}. The server has everything.`
        : "",
  );
  // An open page shows a field replayed by the upload in its saved state after a reload. A
  // shell page is not reloaded: the worker may be typing, and what they type next is kept on
  // top of what the server now has (drafts.js changeDraft starts from the fresh copy).
  const outOfDate = [...replayed].some((uuid) => window.location.pathname.includes(uuid));
  if (outOfDate && !problems.length) window.location.reload();
}

// Signed out: say so, with the way to sign in; keep everything; stop the retry timer.
async function showSignedOut() {
  signedOut = true;
  backoff = 0;
  window.clearTimeout(retryTimer);
  retryTimer = null;
  await refreshBar(SIGNED_OUT);
  const message = bar() && bar().querySelector("[data-message]");
  if (!message || message.querySelector("[data-sign-in]")) return;
  const link = document.createElement("a");
  link.href = "/sign-in";
  link.className = "button";
  link.dataset.signIn = "";
  link.textContent = "Sign in";
  message.append(" ", link);
}

function scheduleRetry() {
  backoff = Math.min(backoff ? backoff * 2 : 2000, 300000);
  window.clearTimeout(retryTimer);
  retryTimer = window.setTimeout(() => sendNow(false), backoff);
  return refreshBar("Could not send just now. rhi will try again.");
}

// Signing out with changes not yet sent: offer to send, never throw them away silently.
function askBeforeSigningOut(signOut) {
  signOut.addEventListener("submit", async (event) => {
    if (signOut.dataset.confirmed) return;
    event.preventDefault(); // decide first: counting what is waiting takes a moment
    const ids = await store.ids().catch(() => []);
    // Copies of what is on the server may go; changes and choices not yet sent may not.
    const waiting = ids.filter((item) => isUnsentWork(item.id)).length;
    if (waiting) {
      const ok = window.confirm(
        `${plural(waiting, "piece of work is", "pieces of work are")} on this tablet and not sent yet. Press OK to sign out and keep them here, locked, until you sign in again; Cancel to stay and send them.`,
      );
      if (!ok) return sendNow(true);
      const keepIt = document.createElement("input");
      keepIt.type = "hidden";
      keepIt.name = "keep_device";
      keepIt.value = "1";
      signOut.appendChild(keepIt);
    }
    signOut.dataset.confirmed = "1";
    signOut.submit();
  });
}

/** Wire the bar up, once per page load. Does nothing on a page without the bar. */
export function startBar() {
  const el = bar();
  if (!el) return;
  const idle = Number(document.body.getAttribute("data-device-idle-minutes"));
  if (idle > 0) store.setIdleLock(idle); // RHI_DEVICE_IDLE_MINUTES
  el.querySelector("[data-send]").addEventListener("click", () => sendNow(true));
  el.querySelector("[data-choose]").addEventListener("click", () =>
    showChoices(() => refreshBar("")),
  );
  el.querySelector("[data-setup]").addEventListener("click", async () => {
    if (!(await askPin("setup"))) return;
    await refreshBar("This tablet now keeps your notes safe if the signal drops.");
    // The button that opened the dialog is hidden now, so focus would fall to the page: put it
    // on what the bar just said, for a keyboard or screen-reader user to carry on from.
    const said = el.querySelector("[data-message]");
    said.setAttribute("tabindex", "-1");
    said.focus();
  });
  window.addEventListener("online", () => {
    refreshBar();
    sendNow(false);
  });
  window.addEventListener("offline", () => refreshBar());
  window.addEventListener("rhi:device-wiped", () => refreshBar(wipeNote()));
  window.setInterval(() => navigator.onLine && sendNow(false), 60000);
  forgetResolved()
    .then(() => refreshBar())
    .then(() => sendNow(false));
  store.state().then(
    (state) => state !== "empty" && store.askToPersist(),
    () => undefined,
  );
  const signOut = document.querySelector("form.sign-out");
  if (signOut) askBeforeSigningOut(signOut);
}
