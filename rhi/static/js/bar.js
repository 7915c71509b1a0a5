// The bar (#tablet-bar in base.html): always says what is on the tablet and not yet sent, and
// sends it (upload.js) when the network is back: at once, every minute, and after a failure
// with growing waits. Also asks before signing out with work not yet sent.

import { fieldsAtRisk, isAutosave, signedOut as sentToSignIn, statusFor } from "./autosave.js";
import { forgetResolved, openInterview, showChoices } from "./choices.js";
import {
  OTHER_WORKERS,
  anotherWorkersStore,
  anotherWorkersWaiting,
  askPin,
  notTheirs,
} from "./pin-dialog.js";
import { plural } from "./plural.js";
import { draftId, heldId, isUnsentWork, isWaiting, parseId } from "./records.js";
import { linkFollowed } from "./router.js";
import { isSignedOut, session } from "./session.js";
import { localStamp, whenSaid } from "./shell-fill.js";
import * as store from "./store.js";
import { lastSent, upload } from "./upload.js";
import { wipeNote } from "./wiped.js";

const OLD_AFTER_DAYS = 3;
const SIGNED_OUT =
  "Sign in to send what is kept on this tablet. Nothing on this tablet has been removed.";
// Words in a box of this page that are neither on the server nor kept on the tablet (with no PIN
// set nothing is kept: autosave.js fieldsAtRisk). The bar said "Nothing waiting to send" while
// they were there, and a tap on the next part lost them (a probe).
const NOT_SAVED_OFFLINE =
  "Words on this page are not saved yet: stay on this page until you are back online.";
const NOT_SAVED = "Words on this page are not saved yet: the note beside the box says why.";
// Said when a link is held back for them (stayForWords).
const STAYED =
  "You are still on this page: words on it are not saved yet. Stay on this page until you are back online.";

let sending = false;
let backoff = 0;
let retryTimer = null;
// The server answered 401 (the session is gone, e.g. after the browser restarted): sending
// waits for the worker to sign in, with nothing removed and no retry timer. A page load after
// signing in starts afresh; on this page, "Send now" asks the server again, and so does the
// page signing in again by itself (idle-warning.js: signedInAgain below).
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
  // Another worker's unsent work is said to be theirs: not "waiting to send" by this worker.
  const theirs = interviews.size > 0 && (await anotherWorkersStore());
  const toSend = !interviews.size
    ? ""
    : theirs
      ? anotherWorkersWaiting(interviews.size)
      : `${plural(interviews.size, "interview", "interviews")} on this tablet waiting to send`;
  // Read after the waits above: the page's boxes as they are now.
  const atRisk = fieldsAtRisk().length > 0;
  el.querySelector("[data-waiting]").textContent = atRisk
    ? [online ? NOT_SAVED : NOT_SAVED_OFFLINE, toSend].filter(Boolean).join(" ")
    : toSend || "Nothing waiting to send";
  const last = lastSent();
  el.querySelector("[data-last]").textContent = last
    ? `Last sent ${whenSaid(localStamp(new Date(last)))}` // as the pages write a time
    : "";
  // Read before the list is emptied: nothing waits between emptying and filling it again, so
  // two refreshes at once never list an interview twice.
  const toChange = new Map();
  for (const uuid of refused) {
    if (interviews.has(uuid)) toChange.set(uuid, await partToChange(uuid, state));
  }
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
    if (toChange.has(uuid)) li.append(" ", toChange.get(uuid));
    list.appendChild(li);
    old = old || Date.now() - new Date(savedAt).getTime() > OLD_AFTER_DAYS * 86400000;
  }
  const warn = el.querySelector("[data-warning]");
  warn.textContent = old ? "Something has waited over 3 days. Connect to send it soon." : "";
  // They name the child ("Your notes about <name>"): not on a page the lock has emptied (a
  // kept frame, shell-page.js; a probe found the name there), said again once the PIN opens it
  // (the listeners below refresh the bar on both). A page the server drew shows its own names.
  // A page the server drew, hidden by the lock (shell-page.js: data-page-hidden), is emptied too.
  const emptied =
    state === "locked" && document.querySelector("#main[data-shell], #main[data-page-hidden]");
  if (waiting.length && !emptied) warn.textContent += moving.map((m) => ` ${m}`).join("");
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
  // Another worker's work is theirs to send (sendNow would only say so): no "Send now" for it.
  el.querySelector("[data-send]").hidden = !waiting.length || !online || theirs;
  el.querySelector("[data-setup]").hidden = !offerSetUp;
  const shown = el.querySelector("[data-message]").textContent;
  // Quiet when there is nothing to say: online, nothing waiting, nothing to set up.
  el.hidden =
    online &&
    !waiting.length &&
    !choices.length &&
    !versions.length &&
    !offerSetUp &&
    !shown &&
    !atRisk;
}

// With no signal, a link followed loads a page, and with it goes every word only this page
// holds (no PIN set: nothing is kept on the tablet). The browser's own "Leave site?" named no
// reason, and one tap on "Leave" lost them. So while there are such words, a link in the page
// is not followed: the worker stays, told why, where the bar speaks (its message, a status),
// with the focus there; or, the bar hidden (the child view), on the first box holding them.
// Online, with a PIN, or with nothing at risk, links work as ever; a reload or the tab closed
// meets the browser's prompt (autosave.js), the last guard.
function stayForWords(event) {
  if (navigator.onLine) return;
  const url = linkFollowed(event);
  if (!url) return;
  // A #fragment of this page (the skip link) moves within it: nothing is lost.
  const here = window.location;
  if (url.pathname === here.pathname && url.search === here.search && url.hash) return;
  const boxes = fieldsAtRisk();
  if (!boxes.length) return;
  event.preventDefault(); // the router (router.js) follows no link held back
  const said = message();
  if (said) said.textContent = STAYED; // at once: refreshBar waits on the store first
  if (said && said.getClientRects().length) {
    said.setAttribute("tabindex", "-1");
    said.focus();
  } else if (boxes[0] instanceof HTMLElement) {
    boxes[0].focus();
  }
  refreshBar(STAYED);
}

// A link to the part of a refused interview that holds what the server would not take (the
// first field it named: upload.js keeps them, sealed, in held:<uuid>), where the tablet's
// version is shown with that field marked. Before, the bar named the field with no way to it.
// With the store locked the fields cannot be read: the first part, which lists them all.
async function partToChange(uuid, state) {
  let page = "start";
  if (state === "unlocked") {
    const held = await store.get(heldId(uuid)).catch(() => null);
    const first = held && Array.isArray(held.fields) ? held.fields[0] : null;
    if (first && /^[a-z_]+$/.test(first.page || "")) page = first.page;
  }
  const link = document.createElement("a");
  link.href = `/interviews/${encodeURIComponent(uuid)}/${page}`;
  link.textContent = "Open the interview to change it";
  return link;
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
    // Another worker's work, kept when they signed out: theirs to open and send. Said before
    // any PIN is asked for (a wrong one counts towards wiping it).
    const info = await session().catch(() => null);
    if (notTheirs(await store.keptFor(), info)) return refreshBar(OTHER_WORKERS);
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

const CHANGED_SINCE = "A change made since is waiting to send.";

async function send() {
  const { done, problems, answers } = await upload({ report: refreshBar });
  backoff = 0;
  moving = []; // sent: the upload's answer says what became of it
  // A change kept while this send was on its way (a newer one of a field just sent, say) is
  // still waiting: "the server has everything" would be untrue until it is sent in its turn.
  const left = (await store.ids().catch(() => [])).some((item) => isWaiting(item.id));
  const said = problems.length
    ? problems.join(" ")
    : done
      ? `Sent ${plural(done, "item", "items")}. ${left ? CHANGED_SINCE : "The server has everything."}`
      : "";
  // The page is never reloaded for what was sent: the worker may be typing in another box
  // (its words still waiting out the autosave pause, neither saved nor kept) and a reload
  // would wipe them. Each field sent is shown in place instead, as its own save would be.
  const stale = answers.filter((answer) => !showInPlace(answer));
  await sayWhatWasSent(said + (stale.length && !problems.length ? ` ${REFRESH_WHEN_DONE}` : ""));
  if (stale.length && !problems.length) reloadWhenNothingUnsaved();
}

// ---- what was sent, while the tablet is locked ----------------------------------------------
// What a send says was read from the store with its key: a child's name ("Not sent (<name>):
// ...", "The interview with <name> changed..."). Like the page (shell-page.js), the bar stops
// saying it when the store locks, and says it again once the PIN opens it: before, the name
// stayed on a locked tablet for whoever picked it up. Kept meanwhile in this page's memory
// only, as the page keeps what was typed; a wipe forgets it.
let sentSaid = null; // what the bar shows now of the last send, while it still shows it
let hiddenByLock = null;

async function sayWhatWasSent(text) {
  hiddenByLock = null;
  if ((await store.state().catch(() => "empty")) === "locked") {
    // Locked while it was sending: said once the PIN is given.
    hiddenByLock = text;
    return refreshBar("");
  }
  await refreshBar(text);
  sentSaid = text;
}

function message() {
  const el = bar();
  return el && el.querySelector("[data-message]");
}

window.addEventListener("rhi:device-locked", (event) => {
  const said = message();
  if (!said || sentSaid === null || said.textContent !== sentSaid) return;
  hiddenByLock = event.detail && event.detail.wiping ? null : sentSaid;
  sentSaid = null;
  said.textContent = ""; // at once: refreshBar waits on the store first
  refreshBar("");
});
window.addEventListener("rhi:device-unlocked", () => {
  const text = hiddenByLock;
  hiddenByLock = null;
  // Only in place of nothing: anything the bar said since is newer.
  if (text === null || !message() || message().textContent) return;
  refreshBar(text).then(() => (sentSaid = text));
});
window.addEventListener("rhi:device-wiped", () => (hiddenByLock = null));
// The moving lines (refreshBar) go with the lock and come back with the PIN.
window.addEventListener("rhi:device-locked", () => moving.length && refreshBar());
window.addEventListener("rhi:device-unlocked", () => moving.length && refreshBar());

// ---- what was sent, shown on the open page ----------------------------------------------
// A kept field change sent by the upload is answered by the server with the fragment its box's
// own save gets (interviews/_save_results.html): "Saved" beside the box, and the box's starting
// value (o:<path>) now what the server holds, so the box's next save meets no false clash with
// its own earlier words. It is swapped in exactly where htmx swaps that save's answer (the box's
// hx-target, outerHTML), and only while the box still says its words are kept on the tablet:
// the page's own save of the box since (in flight or answered) says the rest itself.
//
// Only a page that cannot show it in place (a field shown elsewhere than in its box, as on the
// review page, or a page loaded after the change was kept, whose box shows the server's older
// words) is reloaded: and only once nothing on it could be lost (reloadWhenNothingUnsaved).

const REFRESH_WHEN_DONE =
  "This page will refresh to show it once you stop writing: nothing you type is lost.";

const TEXT_ENTRY = "textarea, input, select, [contenteditable]:not([contenteditable=false])";
const NOT_TYPED_IN = ["hidden", "button", "submit", "reset", "checkbox", "radio", "file", "image"];

// The autosave boxes' saves, as the page makes them (htmx events, autosave.js). `typed` counts
// every edit in the page, so a box's words are safe when nothing was typed in it since the
// words of its last save that the server took, or (its status says so) the tablet kept.
let edits = 0;
const typedAt = new WeakMap(); // box -> `edits` at its last edit
const sentAt = new WeakMap(); // box -> `edits` when its last save was sent
const savedAt = new WeakMap(); // box -> `edits` when the last save the server took was sent
const inFlight = new Set();
// Other fields of the page (a correction, a contact attempt's note) typed in: their words are
// in the page alone until their form is sent.
const touched = new WeakSet();

function noteEdit(event) {
  const el = event.target;
  if (!(el instanceof Element)) return;
  edits += 1;
  if (isAutosave(el)) typedAt.set(el, edits);
  else touched.add(el);
}

function noteSent(event) {
  const elt = event.detail.elt;
  if (!isAutosave(elt)) return;
  sentAt.set(elt, typedAt.get(elt) || 0);
  event.detail.requestConfig.rhiTyped = sentAt.get(elt); // the same object comes back
  inFlight.add(elt);
}

function noteAnswered(event) {
  const elt = event.detail.elt;
  if (!isAutosave(elt)) return;
  inFlight.delete(elt);
  const xhr = event.detail.xhr;
  const config = event.detail.requestConfig;
  // Taken (200 saved, 202 held for the managers), and not the sign-in page a save whose
  // session had ended is sent on to.
  const took = Boolean(xhr) && (xhr.status === 200 || xhr.status === 202) && !sentToSignIn(xhr);
  if (took && config && config.rhiTyped !== undefined) {
    savedAt.set(elt, Math.max(savedAt.get(elt) || 0, config.rhiTyped));
  }
}

// Words in this box that are only in the box: a save waiting out its pause, on its way, or not
// taken (retrying, refused), and not kept on the tablet either.
function unsaved(box) {
  if (inFlight.has(box)) return true;
  const typed = typedAt.get(box) || 0;
  const status = statusFor(box);
  // Kept on the tablet (autosave.js, after a save that did not reach the server): the words
  // of that save, at least (changes.js keeps what the box holds as it keeps them).
  const kept = status && status.classList.contains("save-kept") ? sentAt.get(box) || 0 : 0;
  return typed > Math.max(savedAt.get(box) || 0, kept);
}

function typingIn(el) {
  if (!(el instanceof Element) || !el.matches(TEXT_ENTRY)) return false;
  return !(el instanceof HTMLInputElement && NOT_TYPED_IN.includes(el.type));
}

// Whether a reload now could lose anything the worker did: a box or field focused (they may
// be mid-sentence), an autosave box with words not yet saved or kept, or another field of the
// page typed in and not yet sent (it differs from what the page came with).
function mayLoseWords() {
  if (typingIn(document.activeElement) && document.activeElement.closest("#main")) return true;
  for (const el of document.querySelectorAll("#main input, #main textarea, #main select")) {
    if (isAutosave(el)) {
      if (unsaved(el)) return true;
    } else if (touched.has(el) && differsFromLoad(el)) {
      return true;
    }
  }
  return false;
}

function differsFromLoad(el) {
  if (el instanceof HTMLSelectElement)
    return [...el.options].some((o) => o.selected !== o.defaultSelected);
  if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
  return el.value !== el.defaultValue;
}

/**
 * Show, in place, what the server made of a kept change sent for a box on this page.
 * @param {import("./upload.js").Answer} answer
 * @returns {boolean} false when this page shows that interview out of date and cannot say so in
 *   place (it needs a reload); true when it is shown, or nothing here needs changing.
 */
function showInPlace(answer) {
  const here = window.location.pathname.includes(answer.uuid);
  // Not this interview's page, or newer words for the box wait on the tablet: they go next.
  if (!here || !answer.letGo) return true;
  const box = [...document.querySelectorAll("[data-autosave][hx-post]")].find(
    (el) =>
      el.getAttribute("name") === "f:" + answer.path && el.getAttribute("hx-post") === answer.url,
  );
  // Held for the managers (202): the server kept it apart, nothing of the interview changed.
  if (!box) return answer.status === 202;
  const target = document.querySelector(box.getAttribute("hx-target") || "#none");
  const status = target && target.querySelector(".save-status");
  // htmx is the vendored classic script (vendor/htmx.min.js), loaded before any module.
  if (status && status.classList.contains("save-kept") && window.htmx) {
    window.htmx.swap(target, answer.html, { swapStyle: "outerHTML" });
    // A "Keep my version" sent with the kept change is done with (autosave.js keepOver).
    delete box.dataset.keepOver;
    return true;
  }
  // The box has been saved from this page since it was loaded: its own save's answer is
  // what it shows (or will: one is on its way). Otherwise the page was loaded after the change
  // was kept, and the box shows the server's older words.
  return sentAt.has(box) || answer.status === 202;
}

let reloadWanted = false;
let reloadTimer = null;

// Reload once nothing the worker did could be lost by it, checked again a moment after each
// thing that may have made it so (focus leaving a box, a save answered, the network back).
function reloadWhenNothingUnsaved() {
  reloadWanted = true;
  checkReload();
}

function checkReload() {
  if (!reloadWanted) return;
  window.clearTimeout(reloadTimer);
  reloadTimer = window.setTimeout(() => {
    if (!navigator.onLine || mayLoseWords()) return; // asked again at the next of those
    reloadWanted = false;
    window.location.reload();
  }, 1000);
}

function trackSaves() {
  document.addEventListener("input", noteEdit, true);
  document.addEventListener("change", noteEdit, true);
  document.addEventListener("htmx:beforeRequest", noteSent);
  document.addEventListener("htmx:afterRequest", (event) => {
    noteAnswered(event);
    checkReload();
  });
  document.addEventListener("focusout", checkReload);
  window.addEventListener("online", checkReload);
}

// Signed out: say so, with the way to sign in; keep everything; stop the retry timer.
async function showSignedOut() {
  signedOut = true;
  window.dispatchEvent(new Event("rhi:signed-out")); // said at once (idle-warning.js)
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

// This page signed in again (idle-warning.js, with its new CSRF token in place): the bar no
// longer says to sign in, says afresh what the tablet holds, and sends what waited for it, as
// its timers would (never asking for the PIN: a locked tablet waits for "Send now").
async function signedInAgain() {
  signedOut = false;
  backoff = 0;
  const said = message();
  const sayingSignIn = Boolean(said) && said.textContent.startsWith(SIGNED_OUT);
  await refreshBar(sayingSignIn ? "" : undefined);
  return sendNow(false);
}

function scheduleRetry() {
  backoff = Math.min(backoff ? backoff * 2 : 2000, 300000);
  window.clearTimeout(retryTimer);
  retryTimer = window.setTimeout(() => sendNow(false), backoff);
  return refreshBar("Could not send just now. rhi will try again.");
}

// Signing out with changes not yet sent: offer to send, never throw them away silently.
// Another worker's work kept here (the bar's rule, anotherWorkersStore) is not this worker's to
// send, and signing in again would not send it: they are not asked about it, and it is kept.
function askBeforeSigningOut(signOut) {
  signOut.addEventListener("submit", async (event) => {
    if (signOut.dataset.confirmed) return;
    event.preventDefault(); // decide first: counting what is waiting takes a moment
    const ids = await store.ids().catch(() => []);
    // Copies of what is on the server may go; changes and choices not yet sent may not.
    const unsent = ids.filter((item) => isUnsentWork(item.id)).length;
    const own = unsent && !(await anotherWorkersStore()) ? unsent : 0;
    if (own) {
      const ok = window.confirm(
        `${plural(own, "piece of work is", "pieces of work are")} on this tablet and not sent yet. Press OK to sign out and keep them here, locked, until you sign in again; Cancel to stay and send them.`,
      );
      if (!ok) return sendNow(true);
    }
    // Without it the server clears the tablet's storage (Clear-Site-Data): anyone's unsent
    // work stays, whoever signs out.
    if (unsent) keepOnTablet(signOut);
    signOut.dataset.confirmed = "1";
    signOut.submit();
  });
}

/** Keep what the tablet holds through the sign-out: @param {HTMLFormElement} signOut */
function keepOnTablet(signOut) {
  const keepIt = document.createElement("input");
  keepIt.type = "hidden";
  keepIt.name = "keep_device";
  keepIt.value = "1";
  signOut.appendChild(keepIt);
}

/** Wire the bar up, once per page load. Does nothing on a page without the bar. */
export function startBar() {
  const el = bar();
  if (!el) return;
  trackSaves();
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
  // Before the router's own listener (router.js followInside, on the bubble): held back first.
  document.addEventListener("click", stayForWords, true);
  window.addEventListener("rhi:words-at-risk", (event) => {
    const said = message();
    // Saved or kept now: "you are still on this page" is true no more.
    if (!event.detail.atRisk && said && said.textContent === STAYED) refreshBar("");
    else refreshBar();
  });
  window.addEventListener("rhi:signed-in-again", signedInAgain);
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
