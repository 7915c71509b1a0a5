// Autosave (fields with data-autosave, saved by htmx): the status next to the field says what
// happened. A save that fails (no network, server error) says so and tries again with growing
// waits; the text stays in the box, nothing is thrown away. With no network at all, a tablet set
// up for it keeps the change instead (tablet.js gives the keeper: changes.js). A save that
// cannot succeed if tried again (signed out, page expired, no longer this worker's child) is
// not retried: the status says why and what to do, and the words stay in the box. Signed out,
// it is sent again by itself once the worker has signed in again on this page (below).

import { csrfToken } from "./csrf.js";
import { isSignedOut, session } from "./session.js";

/** @type {(elt: Element) => Promise<boolean>} */
let keepOffline = async () => false;

/**
 * Who keeps a change the network could not take: resolves true if it kept it. Set once, by the
 * tablet's entry module, on pages where the tablet can keep work.
 * @param {(elt: Element) => Promise<boolean>} keeper
 */
export function keepOfflineWith(keeper) {
  keepOffline = keeper;
}

const retryDelays = new WeakMap();

// Suggestions taken in a field ("use this", writing.js), not yet counted: by field path, the
// rule ids. They go with the field's next save (t:<path>), the save of the words they changed,
// so the replacement and its count are one request, made one at a time per field (hx-sync):
// never two writes racing, never a count without its words. Let go of only when the server
// answered that save; a save not made (no network, conflict, signed out) keeps them for the next.
const untold = new Map();

/**
 * Count a suggestion taken in an autosaved field with that field's next save.
 * @param {string} path the field's path (its name without "f:")
 * @param {string} ruleId
 */
export function countWithSave(path, ruleId) {
  untold.set(path, [...(untold.get(path) || []), ruleId]);
}

document.addEventListener("htmx:configRequest", (event) => {
  const detail = event.detail;
  if (detail.verb !== "post") return;
  const sent = [];
  for (const [path, rules] of untold) {
    if (detail.parameters["f:" + path] === undefined) continue;
    detail.parameters["t:" + path] = rules;
    sent.push([path, rules]);
    untold.delete(path);
  }
  if (sent.length) detail.rhiTaps = sent; // the same object comes back with the answer
});

// Saves of a field whose answer never came (a weak signal: the save may have reached the server
// and been saved, its answer lost on the way back), by the field's name: the values they sent,
// oldest first. The page's original (o:) moves on only with an answer, so a save that landed
// unheard left it behind the worker's own words, and the next save met them as a clash
// ("changed somewhere else", the other version their own: a probe). So the field's next saves
// send these too (u:<path>), and the server takes a field holding one of them as this page's
// own words; anything else is still a clash (interviews/service.py save_fields). Let go of
// when a save of the field is answered with the server's words (its answer moves o: on).
const unanswered = new Map();
/**
 * How many such values the server reads for a field (interviews/views.py MOST_UNANSWERED),
 * handed to every page (base.html, the body's data-most-unanswered: the bar sends kept changes
 * from any page); 0 where it is not (changes.js then keeps them all).
 */
export function mostUnanswered() {
  return Number(document.body.getAttribute("data-most-unanswered")) || 0;
}

/**
 * The values of `lists`, each once at its latest place, oldest first: the newest the server
 * reads only (all of them where the page does not say how many: it reads the newest). The
 * page's own unanswered saves here, and a kept change's (changes.js).
 * @param {...(string[] | undefined)} lists
 * @returns {string[]}
 */
export function joinedUnanswered(...lists) {
  const out = [];
  for (const list of lists)
    for (const value of list || []) {
      const at = out.indexOf(value);
      if (at >= 0) out.splice(at, 1);
      out.push(value);
    }
  const most = mostUnanswered();
  return most ? out.slice(-most) : out;
}

/** A save of the field named `name`, sending `value`, whose answer never came. */
function rememberUnanswered(name, value) {
  unanswered.set(name, joinedUnanswered(unanswered.get(name), [value]));
}

const unansweredName = (elt) => elt.name.replace(/^f:/, "u:");

/**
 * The values of this page's saves of the field at `path` whose answer never came, oldest
 * first: a change kept on the tablet takes them with it (changes.js), as its send is such a
 * save too, made later (upload.js sends them as u:<path>).
 * @param {string} path the field's path (its name without "f:")
 * @returns {string[]}
 */
export function unansweredFor(path) {
  return [...(unanswered.get("f:" + path) || [])];
}

document.addEventListener("htmx:configRequest", (event) => {
  const detail = event.detail;
  if (detail.verb !== "post" || !isAutosave(detail.elt)) return;
  const name = detail.elt.name;
  const sent = detail.parameters[name];
  if (sent === undefined) return; // an unticked tick box's save sends nothing to compare
  if (unanswered.has(name)) detail.parameters[unansweredName(detail.elt)] = unanswered.get(name);
  // The last of a field's values is the one saved (interviews/views.py _changes_from_form).
  detail.rhiSent = Array.isArray(sent) ? sent[sent.length - 1] : sent; // back with the answer
});

document.addEventListener("htmx:afterRequest", (event) => {
  const { elt, xhr, requestConfig } = event.detail;
  if (!isAutosave(elt) || !requestConfig || requestConfig.rhiSent === undefined) return;
  const status = xhr ? xhr.status : 0;
  if (!status) rememberUnanswered(elt.name, requestConfig.rhiSent);
  else if ((status === 200 || status === 202) && !signedOut(xhr)) unanswered.delete(elt.name);
});

// "Keep my version" after a clash (interviews/_save_results.html): the box's next save says it
// replaces the version the worker saw (data-over), not the one the page started from. It is
// the box's own save, in the box's own queue (hx-sync), so a save already on its way (the box's
// change as focus left it for the button) answers first and this one follows: a button with a
// request of its own raced it, and its answer went into the part that answer had replaced.
// Given until a save of the box is answered 200, so a retry still carries it.
document.addEventListener("click", (event) => {
  const keep = event.target instanceof Element && event.target.closest("[data-keep-mine]");
  if (!keep) return;
  // The field's own input: for a choice drawn as radio buttons, the one chosen (boxNamed: each
  // radio saves the field; an unchosen one sends nothing).
  const box = boxNamed("f:" + keep.getAttribute("data-keep-mine"));
  if (!box) return;
  box.dataset.keepOver = keep.getAttribute("data-over") || "";
  // htmx is the vendored classic script (vendor/htmx.min.js), loaded before any module.
  if (window.htmx) window.htmx.trigger(box, "change");
  box.focus();
});

/**
 * "Keep both": `words` after what the box holds, for the worker to put together (a note's
 * paragraphs apart, a one-line box on one line), unless the box holds them already; then told
 * to the writing check (it listens for input). The page's clash box and the tablet's panel
 * (choices.js) both join this way.
 * @param {HTMLInputElement | HTMLTextAreaElement} box
 * @param {string} words
 */
export function putAfter(box, words) {
  const mine = box.value.trimEnd();
  const theirs = words.trim();
  if (theirs && !mine.includes(theirs)) {
    box.value = mine ? mine + (box instanceof HTMLTextAreaElement ? "\n\n" : " ") + theirs : theirs;
  }
  box.dispatchEvent(new Event("input", { bubbles: true }));
}

// "Keep both" after a clash over words: the other version goes after the worker's own in the
// box, and is saved as the box's replacement of it (data-over, as "Keep my version" does), so
// neither account is lost.
document.addEventListener("click", (event) => {
  const both = event.target instanceof Element && event.target.closest("[data-keep-both]");
  if (!both) return;
  const box = boxNamed("f:" + both.getAttribute("data-keep-both"));
  if (!(box instanceof HTMLTextAreaElement || box instanceof HTMLInputElement)) return;
  const theirs = both.getAttribute("data-over") || "";
  putAfter(box, theirs);
  box.dataset.keepOver = theirs;
  if (window.htmx) window.htmx.trigger(box, "change");
  box.focus();
});

document.addEventListener("htmx:configRequest", (event) => {
  const elt = event.detail.elt;
  if (!isAutosave(elt) || elt.dataset.keepOver === undefined) return;
  event.detail.parameters[elt.name.replace(/^f:/, "o:")] = elt.dataset.keepOver;
});

document.addEventListener("htmx:afterRequest", (event) => {
  const elt = event.detail.elt;
  if (isAutosave(elt) && event.detail.xhr && event.detail.xhr.status === 200)
    delete elt.dataset.keepOver;
});

document.addEventListener("htmx:afterRequest", (event) => {
  const sent = event.detail.requestConfig && event.detail.requestConfig.rhiTaps;
  if (!sent) return;
  const status = event.detail.xhr ? event.detail.xhr.status : 0;
  // Saved (200) or held for the managers (202): the server has the words, and counted the taps
  // with them. Anything else made no save: the taps go again, before any taken since.
  if ((status === 200 || status === 202) && !signedOut(event.detail.xhr)) return;
  for (const [path, rules] of sent) untold.set(path, [...rules, ...(untold.get(path) || [])]);
});

// A save whose session had ended is sent on to the sign-in page (a 200 that saved nothing).
export function signedOut(xhr) {
  if (!xhr) return false;
  if (xhr.status === 401) return true;
  try {
    return new URL(xhr.responseURL).pathname === "/sign-in";
  } catch {
    return false;
  }
}

/** The status beside an autosaving field (its hx-target's), or null. */
export function statusFor(elt) {
  const target = document.querySelector(elt.getAttribute("hx-target") || "#none");
  return target && target.querySelector(".save-status");
}

function setStatus(elt, text, className) {
  const status = statusFor(elt);
  if (status) {
    status.textContent = text;
    status.className = "save-status " + className;
  }
  noteWhereTheWordsAre(elt);
  reflect(elt);
}

// Fields holding words the server does not have, by name (a choice's radio buttons are one
// field): their last save was refused (a clash with another tab, too long, a date not
// understood, the interview finished elsewhere, signed out) or waits to be tried again. Kept
// while the next save is on its way: leaving the page starts one (the box loses the focus),
// whose "Saving…" would otherwise hide that the words are not saved yet. Told by the server's
// answer, by what this module says beside the field, and, for a page the server sent back
// refused (a form sent whole), by the status it drew.
const notOnTheServer = new Set();

// Fields typed in with no signal that the tablet did not keep when asked, by name: no PIN set
// (nothing of a child's is kept unencrypted), or the tablet keeps another worker's work. Known
// at the first word typed offline, before the field's save (800 ms after the typing stops) has
// failed and said "Not saved, retrying": a tap away in that moment lost them unasked. Counted
// only with no signal (online, the field's own save says where its words are), and let go of
// once the tablet keeps them or the server takes them.
const notKept = new Set();

// A form sent whole (the read-back's "Save what they said") takes its boxes' words with it.
let sentWhole = null;

/** The autosave fields on this page among those named, but for those in a form sent whole. */
function fieldsNamed(names) {
  return [...names].flatMap((name) =>
    [...document.getElementsByName(name)].filter(
      (elt) => isAutosave(elt) && !(sentWhole && sentWhole.contains(elt)),
    ),
  );
}

/**
 * The fields of this page holding words that are nowhere else: not on the server (refused, or
 * waiting to be tried again) and not kept on the tablet. Leaving the page would lose them. A
 * shell page keeps every word on the tablet itself (shell-interview.js): none there.
 * @returns {Element[]}
 */
export function fieldsAtRisk() {
  if (document.querySelector("[data-shell-page]")) return [];
  const names = new Set(notOnTheServer);
  if (!navigator.onLine) for (const name of notKept) names.add(name);
  return fieldsNamed(names);
}

// Whether words were at risk when last told: the page (the tablet bar, bar.js) hears of each
// change by "rhi:words-at-risk" on window, its detail `{ atRisk }`.
let saidAtRisk = false;

function tellWhetherAtRisk() {
  const atRisk = fieldsAtRisk().length > 0;
  if (atRisk === saidAtRisk) return;
  saidAtRisk = atRisk;
  window.dispatchEvent(new CustomEvent("rhi:words-at-risk", { detail: { atRisk } }));
}
window.addEventListener("online", tellWhetherAtRisk);
window.addEventListener("offline", tellWhetherAtRisk);

/** What the tablet made of keeping a field's change: kept, or only in the box. */
function noteKept(elt, kept) {
  if (kept) notKept.delete(elt.name);
  // Not kept, but back online since it was asked: the field's own save takes the words now.
  else if (!navigator.onLine) notKept.add(elt.name);
  tellWhetherAtRisk();
}

function noteWhereTheWordsAre(elt) {
  const status = statusFor(elt);
  if (!status) return;
  if (["save-error", "save-retrying"].some((mark) => status.classList.contains(mark)))
    notOnTheServer.add(elt.name);
  else if (status.classList.contains("save-kept")) notOnTheServer.delete(elt.name); // sent from there
  tellWhetherAtRisk();
}

document.addEventListener("htmx:afterRequest", (event) => {
  const { elt, xhr } = event.detail;
  if (!isAutosave(elt) || !xhr || !xhr.status) return; // no answer: said by sendError
  // Saved (200), or held for the managers (202): the server has them. A refusal (4xx) has not;
  // a server error is tried again (markNotSaved).
  if ((xhr.status === 200 || xhr.status === 202) && !signedOut(xhr)) {
    notOnTheServer.delete(elt.name);
    notKept.delete(elt.name);
  } else if (xhr.status < 500) notOnTheServer.add(elt.name);
  tellWhetherAtRisk();
});

// A screen reader hears a live region's changes, not a region swapped in with its words already
// in it (each save replaces the status beside the field): so what went wrong, and the first
// save that worked after it, are said again in one region that stays on the page. "Saved" after
// every pause in typing is not: it would talk over the worker's own typing.
let lastSaid = "";
function announce(text) {
  let region = document.getElementById("save-announcer");
  if (!region) {
    region = document.createElement("div");
    region.id = "save-announcer";
    region.className = "visually-hidden";
    region.setAttribute("role", "status");
    document.body.append(region);
  }
  if (text === lastSaid) return; // "retrying" again and again is said once
  lastSaid = text;
  region.textContent = text;
}

// The field says whether its words are saved: a save that failed marks it invalid and described
// by the reason beside it (as the page sent back without JavaScript does: _fields.html); a save
// that worked takes both away. Which is told by the status's class, whoever set it (this file,
// or the server's answer swapped in).
function reflect(elt) {
  const status = statusFor(elt);
  if (!status) return;
  const failed = status.matches(".save-error, .save-retrying");
  if (!status.id) status.id = "status-" + elt.id;
  const ids = (elt.getAttribute("aria-describedby") || "")
    .split(/\s+/)
    .filter((id) => id && id !== status.id && !id.startsWith("error-"));
  if (failed) {
    elt.setAttribute("aria-invalid", "true");
    ids.push(status.id);
  } else {
    elt.removeAttribute("aria-invalid");
  }
  if (ids.length) elt.setAttribute("aria-describedby", ids.join(" "));
  else elt.removeAttribute("aria-describedby");
  const words = status.textContent.trim();
  if (failed || status.matches(".save-kept")) announce(words);
  else if (lastSaid && words) announce(words); // the first save after one that failed
  if (!failed && !status.matches(".save-kept")) lastSaid = "";
}

// Why the keeper did not keep a field's change (changes.js: this tablet keeps another worker's
// work), said beside the field instead of "retrying" when its save finds no network.
const whyNotKept = new WeakMap();

/**
 * Say why the field's change could not be kept on the tablet (the words are only in the box).
 * @param {Element} elt
 * @param {string} message
 */
export function notKeptBecause(elt, message) {
  whyNotKept.set(elt, message);
}

// Fields whose save waits for its next try: tried again at once when the signal comes back.
const retryTimers = new Map();

function markNotSaved(elt, text = "Not saved, retrying") {
  setStatus(elt, text, "save-retrying");
  const delay = Math.min((retryDelays.get(elt) || 1000) * 2, 30000);
  retryDelays.set(elt, delay);
  window.clearTimeout(retryTimers.get(elt));
  retryTimers.set(
    elt,
    window.setTimeout(() => retryNow(elt), delay),
  );
}

function retryNow(elt) {
  window.clearTimeout(retryTimers.get(elt));
  retryTimers.delete(elt);
  // htmx is the vendored classic script (vendor/htmx.min.js), loaded before any module.
  if (window.htmx && elt.isConnected) window.htmx.trigger(elt, "change");
}

window.addEventListener("online", () => {
  for (const elt of [...retryTimers.keys()]) retryNow(elt);
});

export const isAutosave = (elt) => elt instanceof Element && elt.hasAttribute("data-autosave");

/**
 * Put `value` (as the server holds it: "1"/"0" for a tick box) in the interview field at `path`,
 * however it is drawn: a box, a tick box, or radio buttons (each radio is an input of its own,
 * and every one follows the value). Returns the input whose change saves the field, or null.
 * @param {string} path
 * @param {string} value
 * @returns {HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement | null}
 */
export function setField(path, value) {
  const inputs = [...document.querySelectorAll(`[name="${CSS.escape("f:" + path)}"]`)].filter(
    (el) => isAutosave(el),
  );
  const first = inputs[0];
  if (!first) return null;
  if (first.type === "radio") {
    for (const el of inputs) el.checked = el.value === value;
    return inputs.find((el) => el.checked) || first;
  }
  if (first.type === "checkbox") first.checked = value === "1" || value === "true";
  else first.value = value;
  return first;
}

// No network at all: keep the change on the tablet, encrypted, when the tablet is set up for it;
// otherwise keep retrying. A server error is always retried.
document.addEventListener("htmx:sendError", (event) => {
  const elt = event.detail.elt;
  if (!isAutosave(elt)) return;
  keepOffline(elt).then(
    (kept) => {
      noteKept(elt, kept);
      if (kept) {
        setStatus(
          elt,
          "Kept on this tablet: it will be sent when you are back online",
          "save-kept",
        );
      } else {
        markNotSaved(elt, whyNotKept.get(elt));
      }
      whyNotKept.delete(elt);
    },
    () => markNotSaved(elt),
  );
});

// Answers that a second try of the same save cannot change: said beside the field, and not
// retried. The words stay in the box (and, signed out, on a tablet set up for it, which sends
// them once the worker has signed in again: upload.js). Anything else (a server error, a busy
// server) is retried, as the same save can succeed in a moment.
const SIGNED_OUT =
  "Not saved: you have been signed out. Your words are still in the box: sign in again, and they are sent from here.";
// The words sent as the page went were not saved: what is shown is a change made elsewhere.
const CHANGED_WHILE_AWAY =
  "This was changed somewhere else as the page reloaded, and your last words were not saved. Check the box and add them again.";
const EXPIRED =
  "Not saved: this page has expired. Your words are still in the box: copy them, reload the page and paste them back.";
const NOT_YOURS =
  "Not saved: you no longer have this child's return. Your words are still in the box: copy them for your manager.";

// What to say for an answer no retry can change, or null (retry). A session that ended shows
// as a 400 (its CSRF token is refused before anything else is checked), so a 400 asks the
// server whether the worker is still signed in.
async function final(xhr) {
  if (signedOut(xhr)) return SIGNED_OUT;
  if (xhr.status === 403 || xhr.status === 404) return NOT_YOURS;
  if (xhr.status !== 400) return null;
  try {
    await session();
    return EXPIRED;
  } catch (error) {
    return isSignedOut(error) ? SIGNED_OUT : EXPIRED;
  }
}

const FINAL_STATUSES = [400, 401, 403, 404];

// Boxes whose last save was refused because the worker had been signed out, or for its CSRF
// token alone (said as an expired page: also what a refusal heard just as the worker signs in
// again elsewhere is taken for, the session there before this page has its token), by name (a
// choice's radio buttons are one field), not kept on the tablet (what is kept there goes with
// the bar's send, bar.js): sent again, as they are then, once this page has signed in again
// (idle-warning.js says so, with the page's new CSRF token in place). Sent as the box's own save,
// in its own queue (hx-sync), with its o: as the page last had it from the server: the refused
// save moved nothing on, so the server meets the words as this page's own, and a change made
// elsewhere meanwhile is still a clash. Its answer says "Saved" beside the box as any save's does.
const waitingForSignIn = new Set();

// The CSRF token each save went with (its request's settings, the same object from
// htmx:configRequest to its answer). A refusal of a save whose token the page no longer holds
// came from the session before the page signed in again, whatever the question about it
// found once answered (a refusal heard just after signing in again was taken for an expired
// page): sent again at once, with the new token.
const tokenSent = new WeakMap();

document.addEventListener("htmx:configRequest", (event) => {
  if (isAutosave(event.detail.elt)) tokenSent.set(event.detail, csrfToken());
});

const sentWithOldToken = (config) =>
  Boolean(config) && tokenSent.has(config) && tokenSent.get(config) !== csrfToken();

/** The box whose change saves the field called `name` (a choice: the radio chosen), or null. */
function boxNamed(name) {
  const inputs = [...document.getElementsByName(name)].filter(isAutosave);
  return inputs.find((el) => el.type !== "radio" || el.checked) || inputs[0] || null;
}

function sendAgain(name) {
  const box = boxNamed(name);
  // htmx is the vendored classic script (vendor/htmx.min.js), loaded before any module.
  if (box && window.htmx) window.htmx.trigger(box, "change");
}

document.addEventListener("htmx:beforeRequest", (event) => {
  if (isAutosave(event.detail.elt)) waitingForSignIn.delete(event.detail.elt.name);
});

window.addEventListener("rhi:signed-in-again", () => {
  const names = [...waitingForSignIn];
  waitingForSignIn.clear();
  for (const name of names) sendAgain(name);
});

// Said refused: signed out or its token refused, it waits for the page to sign in again, or,
// signed in again already while this was asked, goes now.
function sayRefused(elt, message, config) {
  setStatus(elt, message, "save-error");
  if (message !== SIGNED_OUT && message !== EXPIRED) return;
  // Signed in again since it was sent (the page has a new token): sent again, and nothing said
  // of an end that is over (said, it would hide the page and ask for the password again).
  if (sentWithOldToken(config)) return sendAgain(elt.name);
  waitingForSignIn.add(elt.name);
  // The way to sign in again, at once (idle-warning.js), not when the page's clock runs out.
  if (message === SIGNED_OUT) window.dispatchEvent(new Event("rhi:signed-out"));
}

document.addEventListener("htmx:beforeSwap", (event) => {
  const detail = event.detail;
  const elt = detail.requestConfig && detail.requestConfig.elt;
  if (!isAutosave(elt) || !detail.xhr) return;
  if (!signedOut(detail.xhr) && !FINAL_STATUSES.includes(detail.xhr.status)) return;
  detail.shouldSwap = false; // never the sign-in or error page inside the field's status
  detail.isError = false; // and no "retrying": the same save would be refused again
  retryDelays.delete(elt);
  setStatus(elt, "Not saved", "save-error");
  const config = detail.requestConfig;
  final(detail.xhr).then((message) => {
    if (message === NOT_YOURS) {
      // No longer theirs: not kept on the tablet either (upload.js would not send it).
      setStatus(elt, message, "save-error");
      return;
    }
    // Refused for the session before this page signed in again: sent again, nothing kept.
    if (sentWithOldToken(config)) return sendAgain(elt.name);
    return keepOffline(elt).then(
      (kept) =>
        kept
          ? setStatus(
              elt,
              message === SIGNED_OUT
                ? "Not saved: you have been signed out. Kept on this tablet: it will be sent once you have signed in again"
                : "Kept on this tablet: it will be sent from there",
              "save-kept",
            )
          : sayRefused(elt, message, config),
      () => sayRefused(elt, message, config),
    );
  });
});

for (const name of ["htmx:responseError", "htmx:timeout"]) {
  document.addEventListener(name, (event) => {
    if (isAutosave(event.detail.elt)) markNotSaved(event.detail.elt);
  });
}

document.addEventListener("htmx:afterRequest", (event) => {
  const elt = event.detail.elt;
  if (elt && event.detail.successful) retryDelays.delete(elt);
});

// The server's answer is swapped in before this (htmx swaps at once): the field follows it.
document.addEventListener("htmx:afterRequest", (event) => {
  const elt = event.detail.elt;
  if (isAutosave(elt) && event.detail.successful) reflect(elt);
});

document.addEventListener("htmx:beforeRequest", (event) => {
  const elt = event.detail.elt;
  if (!isAutosave(elt)) return;
  const status = statusFor(elt);
  if (status && !status.classList.contains("save-retrying")) {
    status.textContent = "Saving…";
    status.className = "save-status";
  }
});

// Typed, and not yet on its way (a box saves 800 ms after the typing stops, or as it loses
// focus): the page left by Back, a reload or closing the tab meanwhile would take the last
// words with it, as none of those takes the focus from the box. So each such box is sent as
// the page goes, the way its own save would send it (its hx-params, its CSRF token in the
// header), by a request that outlives the page (keepalive). Its answer reaches no one: the
// page that comes next shows what the server holds.
const typedNotSent = new Set();

document.addEventListener("input", (event) => {
  const elt = event.target;
  // Words typed: a tick or a choice saves on its change, at once.
  if (!isAutosave(elt) || ["checkbox", "radio"].includes(elt.type)) return;
  typedNotSent.add(elt);
  // "Saved 09:47" beside words typed since is not true of them: it says what it will be until
  // their save answers (a box saves 800 ms after the typing stops). Only a plain "Saved": a
  // clash, a refusal or a retry beside the box stays until the server's next answer. Words
  // put back as the server holds them (a word pasted over itself) send nothing, so "Saved"
  // comes back (a review: "Saving…" stayed for ever).
  const status = statusFor(elt);
  if (!status) return;
  const same = elt.value === serverHolds(elt);
  if (status.classList.contains("save-saved") && !same) {
    status.dataset.said = status.textContent;
    status.textContent = "Saving…";
    status.className = "save-status save-pending";
  } else if (status.classList.contains("save-pending") && same) {
    status.textContent = status.dataset.said || "Saved";
    status.className = "save-status save-saved";
  }
});

/** The words the server holds for a box, as its last answer gave them (the `o:` field beside
 * its status, sent back with each save to tell a clash), or as `page` (another copy of this
 * page) has them. */
function serverHolds(elt, page = document) {
  const held = heldInput(elt, page);
  return held ? held.value : null;
}

/** @returns {HTMLInputElement | null} */
function heldInput(elt, page = document) {
  const target = page.querySelector(elt.getAttribute("hx-target") || "#none");
  return target && target.querySelector(`input[name="${CSS.escape("o:" + elt.name.slice(2))}"]`);
}

document.addEventListener("htmx:beforeRequest", (event) => {
  typedNotSent.delete(event.detail.elt);
});

function sendAsThePageGoes(elt) {
  const url = elt.getAttribute("hx-post");
  if (!url || !elt.isConnected) return false;
  const body = new URLSearchParams();
  const form = elt.form || document;
  for (const name of (elt.getAttribute("hx-params") || elt.name).split(",")) {
    const field = name === elt.name ? elt : form.querySelector(`[name="${CSS.escape(name)}"]`);
    if (field && "value" in field) body.set(name, /** @type {HTMLInputElement} */ (field).value);
  }
  if (elt.dataset.keepOver !== undefined)
    body.set(elt.name.replace(/^f:/, "o:"), elt.dataset.keepOver);
  for (const value of unanswered.get(elt.name) || []) body.append(unansweredName(elt), value);
  const path = elt.name.replace(/^f:/, "");
  for (const rule of untold.get(path) || []) body.append("t:" + path, rule);
  fetch(url, {
    method: "POST",
    body,
    keepalive: true,
    credentials: "same-origin",
    headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
  }).catch(() => undefined);
  return true;
}

// Both: pagehide is the one a tablet's browser always gives (closing the tab, switching app),
// beforeunload the one a reload or Back on a desktop gives early enough to send anything. With
// no signal nothing can be sent: the words are kept on the tablet instead (the keeper), started
// now, though a page going may not finish it (WebCrypto and IndexedDB stop with the page): so
// with no signal each word is kept as it is typed too (below), as the shell pages keep theirs.
function sendWhatIsTyped() {
  // A shell page keeps what is typed on the tablet itself (shell-interview.js), and sends it
  // from there: never straight to the server.
  const sent = [];
  if (!document.querySelector("[data-shell-page]"))
    for (const elt of typedNotSent) {
      if (navigator.onLine) {
        if (sendAsThePageGoes(elt)) sent.push({ name: elt.name, sum: fingerprint(elt.value) });
      } else keepOffline(elt).catch(() => false); // now: not after a keep on its way
    }
  typedNotSent.clear();
  if (sent.length) noteSentAsThePageWent(sent);
}
window.addEventListener("beforeunload", sendWhatIsTyped);
window.addEventListener("pagehide", sendWhatIsTyped);

// That save and the next page's own request race on the server: a reload or Back and Forward
// could draw the page before the save landed, the box showing the words from before it (a
// probe: 5 of 8 reloads). Typing on there met the worker's own words of a second before as a
// clash "somewhere else", and "Keep my version" dropped them. So the page going notes which
// boxes it sent, and the same page drawn again holds those boxes (nothing typed in them can
// meet that clash) while it asks the server again, until their save shows or the tries end.
// Only the boxes' names go into the browser's storage, never their words (a security finding:
// the child's words left in the browser's own files), and only for this tab (sessionStorage),
// with a 32-bit fingerprint of the words sent: nothing can be read back from it, and it tells
// the page drawn again whether it already shows them (the save landed first: most reloads),
// so only a page drawn before the save landed holds its boxes, and only until it shows.
const SENT_NOTE = "rhi:sent-as-page-went";
const NOTE_KEPT_MS = 15000; // older, the save has long landed or never will
const LOOK_AGAIN_MS = [300, 500, 800, 1200, 2000]; // waits before each look: about 5 s in all

/** FNV-1a over the text's UTF-16 units: a fingerprint, not a secret and not a check of it. */
function fingerprint(text) {
  let sum = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) sum = Math.imul(sum ^ text.charCodeAt(i), 0x01000193);
  return sum >>> 0;
}

function noteSentAsThePageWent(sent) {
  const note = { path: window.location.pathname, at: Date.now(), sent };
  try {
    window.sessionStorage.setItem(SENT_NOTE, JSON.stringify(note));
  } catch {
    // No storage (full, or turned off): the page comes back as the server draws it, as before.
  }
}

/** The boxes sent as this page last went ({name, sum}), if it went just now; else none. */
function takeNoteOfThisPage() {
  try {
    const note = JSON.parse(window.sessionStorage.getItem(SENT_NOTE) || "null");
    if (!note || Date.now() - note.at > NOTE_KEPT_MS) {
      window.sessionStorage.removeItem(SENT_NOTE);
      return [];
    }
    // Another page first (Back, on the way to Forward): the note waits for this one's return.
    if (note.path !== window.location.pathname) return [];
    window.sessionStorage.removeItem(SENT_NOTE);
    return Array.isArray(note.sent) ? note.sent : [];
  } catch {
    return [];
  }
}

/** This page as the server draws it now, or null (no answer, signed out, a shell page). */
async function thisPageAgain() {
  try {
    const answer = await fetch(window.location.href, {
      credentials: "same-origin",
      cache: "no-store",
    });
    if (!answer.ok || answer.redirected) return null;
    const page = new DOMParser().parseFromString(await answer.text(), "text/html");
    return page.querySelector("[data-shell-page]") ? null : page;
  } catch {
    return null;
  }
}

async function checkWhatWasSaved() {
  if (document.querySelector("[data-shell-page]")) return; // kept on the tablet: nothing raced
  const sums = new Map();
  for (const { name, sum } of takeNoteOfThisPage()) {
    const box = boxNamed(name);
    // Drawn with the words sent already (the save landed first): nothing to wait for.
    if (box && "readOnly" in box && !box.readOnly && fingerprint(box.value) !== sum)
      sums.set(box, sum);
  }
  let waiting = [...sums.keys()];
  if (!waiting.length) return;
  const drawn = new Map();
  for (const box of waiting) {
    const status = statusFor(box);
    drawn.set(box, {
      held: serverHolds(box),
      said: status ? [status.textContent, status.className] : null,
    });
    box.readOnly = true;
    setStatus(box, "Checking what was saved…", "save-pending");
  }
  for (const wait of LOOK_AGAIN_MS) {
    await new Promise((resolve) => window.setTimeout(resolve, wait));
    const page = await thisPageAgain();
    if (!page) continue;
    waiting = waiting.filter((box) => {
      const held = serverHolds(box, page);
      const there = [...page.getElementsByName(box.name)][0];
      if (held === null || !there) return true;
      // Not landed yet (the words as drawn, and not those sent): looked at again.
      if (held === drawn.get(box).held && fingerprint(held) !== sums.get(box)) return true;
      // The server holds other words: the box and its clash check both start from them. They
      // are the words sent (their save landed), or another's (a change made elsewhere, which
      // the save sent as the page went met as a clash): never said to be saved then.
      box.value = /** @type {HTMLInputElement} */ (there).value;
      const original = heldInput(box);
      if (original) original.value = held;
      box.readOnly = false;
      if (fingerprint(held) === sums.get(box)) setStatus(box, "Saved", "save-saved");
      else setStatus(box, CHANGED_WHILE_AWAY, "save-error");
      return false;
    });
    if (!waiting.length) return;
  }
  // Never changed: saved before the page was drawn, the same words, or not taken. The box
  // stays as the server holds it, and says what it said before.
  for (const box of waiting) {
    box.readOnly = false;
    const { said } = drawn.get(box);
    const status = statusFor(box);
    if (said && status) [status.textContent, status.className] = said;
    noteWhereTheWordsAre(box);
    reflect(box);
  }
}

checkWhatWasSaved();

// A page the server sent back refused says so beside the field from the start.
for (const elt of document.querySelectorAll("[data-autosave]")) noteWhereTheWordsAre(elt);

document.addEventListener("submit", (event) => {
  sentWhole = event.target instanceof HTMLFormElement ? event.target : null;
  tellWhetherAtRisk();
});

// Words the server refused stay in the box, which says so ("your words are still in the box"):
// leaving the page would take them with it, so leaving asks first (a probe: a nav tap lost them
// without a word, and the versions page had nothing to choose). So do words typed with no
// signal that the tablet could not keep (no PIN): a link in the page holds the worker there
// and says why (bar.js); this is the last guard, for a reload or the tab closed. Words kept on
// the tablet are not at risk.
window.addEventListener("beforeunload", (event) => {
  if (!fieldsAtRisk().length) return; // a shell page: kept by shell-interview.js
  event.preventDefault();
  event.returnValue = "";
});
// A tablet's browser may end a page in the background without pagehide: hidden is the last
// moment it surely runs.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState !== "hidden" || navigator.onLine) return;
  for (const elt of typedNotSent) keepOffline(elt).catch(() => false);
});

// With no signal the box's save (800 ms after the typing stops) cannot be made, and the tab
// closed or reloaded before then would take the words with it: each word typed is kept on the
// tablet at once (the keeper: only in this worker's own store), one keep at a time per box,
// the last one with the box's words as they are when it starts. Nothing is said beside the box
// here: its save, failing, says whether the words are kept.
const keeping = new Map(); // box -> true when typed in again while its keep was on its way

function keepAsTyped(elt) {
  if (keeping.has(elt)) {
    keeping.set(elt, true);
    return;
  }
  keeping.set(elt, false);
  keepOffline(elt)
    .catch(() => false)
    .then((kept) => {
      noteKept(elt, kept);
      const again = keeping.get(elt);
      keeping.delete(elt);
      if (again && !navigator.onLine) keepAsTyped(elt);
    });
}

document.addEventListener("input", (event) => {
  const elt = event.target;
  if (navigator.onLine || !isAutosave(elt) || ["checkbox", "radio"].includes(elt.type)) return;
  if (document.querySelector("[data-shell-page]")) return; // kept by shell-interview.js
  keepAsTyped(elt);
});
