// Said before the idle sign-out, with a way to stay signed in (WCAG 2.2.1 Timing Adjustable).
// rhi/sessions.py ends a session nothing has reached the server in for RHI_IDLE_TIMEOUT_MINUTES;
// base.html puts that setting on <body> (data-idle-timeout-seconds), on signed-in pages only: a
// shell page kept for no signal has no session to end, and so no warning. The number is never
// written again here.
//
// What counts as activity is what the server counts: any request of the page's that reaches it
// (each refreshes the session's last-seen time; a session ends no sooner than the timeout after
// the last one). The page watches its own requests (htmx's, autosaves, fetches) as the browser
// records them, and rhi's other tabs, which share the session, tell it of theirs (localStorage:
// a time, nothing else). So the warning is never late, and typing, which saves as it goes,
// keeps it away. A request the page sends by itself (the Returns list's refresh each minute,
// a download's state) is marked with the parameter base.html names (data-idle-background-param,
// rhi/sessions.py BACKGROUND_PARAM): the server does not count it, and neither does this.
//
// "Stay signed in" sends one request (GET /sync/v1/session: signed in only, and it writes
// nothing), which is itself the activity. Escape does the same: dismissing the warning is
// choosing to carry on. The word that the session has ended cannot be put aside: the page
// behind it holds a child's record, and the dialog's backdrop hides it (app.css) until the
// worker signs in again. Escape left the whole page readable to whoever picked the tablet up
// (a probe). Signing in again does not throw the page away: it reloaded the tab, and what was
// typed in a form that is not saved as you type (the child's reasons for a no, an attempt's
// note), or refused once the session had ended, was lost (a review). "Sign in again" opens the
// sign-in page in a tab of its own, and this page comes back as it was, with a fresh CSRF token,
// as soon as the session answers again: asked when that tab says it has signed in, when this
// one is looked at again, and when another tab reaches the server. Nothing typed is written
// anywhere meanwhile: it stays in the page only. Someone else signing in on the tablet gets the
// page drawn afresh for them (who the page was drawn for is on <body>), never this one.
//
// While the tablet is turned towards the child (child-view.js) nothing is shown: the worker's
// words are never put before the child. What the child taps is saved, and counts as activity
// like any save; if time runs out all the same, the warning, or the word that the session has
// ended, waits for the worker's view.

import { childViewOn } from "./child-view-on.js";
import { timeInWords } from "./plural.js";
import { isSignedOut, session } from "./session.js";

const SHARED = "rhi:last-sent"; // localStorage: when a tab of rhi's last reached the server
const MOST_WARNING_MS = 2 * 60 * 1000; // warned this long before, or half the timeout if short
const TICK_MS = 1000; // the time left, said again while the warning shows
const NO_CONNECTION = "That did not reach rhi (no connection?). Try again in a moment.";
// The password asked whether or not the server's session is still there (it lasts a little past
// the page's end, rhi/sessions.py): the confirm page when it is, sign-in when it is not. Then
// each person lands on their own first page.
const SIGN_IN_URL = "/confirm?next=/";
const SIGN_IN_WINDOW = "rhi-sign-in"; // the tab "Sign in again" opens (one, used again)
const SIGNED_IN = "rhi:signed-in"; // what that tab says to this one once signed in
// Said on window once this page is back, signed in again as the same person with its fresh
// token: what waited for it goes now (autosave.js sends the boxes refused meanwhile, bar.js
// what the tablet kept).
const SIGNED_IN_AGAIN = "rhi:signed-in-again";
const SIGNED_OUT = "rhi:signed-out"; // heard on window: the server said the session has ended
const NO_NEW_TAB =
  "A new tab for signing in did not open (the browser may not allow it). Press Sign in again " +
  "once more to sign in here instead: words typed on this page and not yet saved will not be kept.";

const timeoutMs = Number(document.body.dataset.idleTimeoutSeconds || 0) * 1000;
const backgroundParam = document.body.dataset.idleBackgroundParam || "";
const dialog = document.getElementById("idle-dialog");

let lastSent = Date.now(); // the page itself has just come from the server
let timer = null;
let ended = false; // the session has run out: said until the worker signs in again
let focusBefore = null;
let signInWindow = null; // the tab opened to sign in again, closed once this page is back
let toldNoNewTab = false;
let asking = false; // a question to the server about coming back is on its way

const part = (name) => dialog.querySelector(`[data-idle-${name}]`);

// Rounded down, so the worker is never told there is more time than there is.
const timeLeft = (ms) => timeInWords(ms, { round: Math.floor });

// The dialog's words: the warning, or that the session has ended. Its description names the
// paragraph shown, so a screen reader says it as focus moves in.
function showState(left) {
  part("warning").hidden = ended;
  part("ended").hidden = !ended;
  part("warning-title").hidden = ended;
  part("ended-title").hidden = !ended;
  part("stay").hidden = ended;
  part("sign-in").hidden = !ended;
  // "Saved as you type" is true only of a page whose boxes save themselves.
  part("autosave").hidden = !document.querySelector("[data-autosave]");
  part("left").textContent = timeLeft(left);
  dialog.toggleAttribute("data-ended", ended); // its backdrop then hides the page (app.css)
  dialog.setAttribute("aria-describedby", ended ? "idle-ended" : "idle-warning");
}

function open() {
  if (dialog.open) return;
  focusBefore = document.activeElement;
  part("error").textContent = "";
  dialog.showModal();
  (ended ? part("sign-in") : part("stay")).focus();
}

function close() {
  if (!dialog.open) return;
  dialog.close();
  if (focusBefore instanceof HTMLElement && document.contains(focusBefore)) focusBefore.focus();
  focusBefore = null;
}

// Where the time stands now: nothing to say yet, the warning, or the end.
function check() {
  window.clearTimeout(timer);
  const left = lastSent + timeoutMs - Date.now();
  ended = left <= 0;
  if (childViewOn()) {
    close(); // never before the child: looked at again when the worker's view is back
    // Still timed to the end, so a request after it (a tap refused) is not taken for activity.
    if (!ended) timer = window.setTimeout(check, left);
    return;
  }
  const warnFor = Math.min(MOST_WARNING_MS, timeoutMs / 2);
  if (left > warnFor) {
    close(); // something reached the server meanwhile: nothing to warn of
    timer = window.setTimeout(check, left - warnFor);
    return;
  }
  const wasEnded = !part("ended").hidden;
  showState(left);
  open();
  // Run out while the warning showed: its button has gone, so focus goes to the one now there.
  if (ended && !wasEnded) part("sign-in").focus();
  if (!ended) timer = window.setTimeout(check, Math.min(TICK_MS, left));
}

// Once the time has run out, a request no longer brings the session back (it answers "signed
// out"): only signing in again does.
function heard(at) {
  if (ended || !(at > lastSent)) return;
  lastSent = at;
  check();
}

let sharedAt = 0;
function sent() {
  if (ended) return; // a request refused: nothing to tell the other tabs either
  const now = Date.now();
  heard(now);
  if (now - sharedAt < TICK_MS) return; // a burst of saves: told once a second at most
  sharedAt = now;
  try {
    window.localStorage.setItem(SHARED, String(now));
  } catch {
    // Storage refused (a private window): each tab goes by its own requests.
  }
}

// A request that reached the server: rhi's own, not a static file (served without a session)
// or a shell page (kept by the service worker), and answered (a request with no network gets
// no status).
function reachedServer(entry) {
  const url = new URL(entry.name, window.location.href);
  if (url.origin !== window.location.origin) return false;
  if (url.pathname.startsWith("/static/") || url.pathname.startsWith("/shell/")) return false;
  if (backgroundParam && url.searchParams.get(backgroundParam) === "1") return false;
  return !("responseStatus" in entry) || entry.responseStatus > 0;
}

async function stay() {
  part("error").textContent = "";
  try {
    await session();
    sent();
    close();
    check();
  } catch (error) {
    if (isSignedOut(error)) {
      lastSent = 0; // ended already (on another device, or by an administrator)
      check();
    } else {
      part("error").textContent = NO_CONNECTION;
    }
  }
}

// The person the page was drawn for (base.html puts their id on <body>).
const pagePerson = () => document.body.dataset.userId || "";

// The session's new CSRF token, wherever the page holds it: the <meta> tag htmx's requests and
// fetches read (csrf.js), and each form's hidden field, which an ordinary post sends.
function useToken(token) {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) meta.setAttribute("content", token);
  // A form made with a prefix names it "<prefix>-csrf_token" (a review).
  const fields = document.querySelectorAll('input[name="csrf_token"], input[name$="-csrf_token"]');
  for (const field of fields) field.value = token;
}

// Signed in again (in another tab): the page shown again as it was. Someone else signed in on
// this tablet gets the page drawn afresh for them instead: the server says what they may see,
// and the words typed here were not theirs.
async function comeBack() {
  if (!ended || asking) return;
  asking = true;
  try {
    const now = await session();
    // The session from before the end, kept a little longer by the server, is not a sign-in:
    // only a password entered after the page's end brings it back (a review: waking the
    // screen within that minute showed the child's record again with no password).
    const ago = now.password_seconds_ago;
    const entered = typeof ago === "number" ? Date.now() - ago * 1000 : -Infinity;
    if (entered < lastSent + timeoutMs) return;
    if (!now.user || String(now.user.id) !== pagePerson()) {
      window.location.assign(window.location.pathname + window.location.search);
      return;
    }
    useToken(now.csrf_token);
    ended = false;
    part("error").textContent = "";
    sent(); // the question reached the server: activity, told to the other tabs
    check(); // closes the dialog: the time starts again
    window.dispatchEvent(new Event(SIGNED_IN_AGAIN));
    if (signInWindow && !signInWindow.closed) signInWindow.close();
    signInWindow = null;
    window.focus();
  } catch {
    // Still signed out, or no connection: the dialog stays, and the next look asks again.
  } finally {
    asking = false;
  }
}

// Signing in in a tab of its own keeps this one as it is. A browser that opens none: said
// first, so the worker knows what reloading this tab loses, then done here on a second press.
function signInAgain() {
  part("error").textContent = "";
  const opened = window.open(SIGN_IN_URL, SIGN_IN_WINDOW);
  if (opened) {
    signInWindow = opened;
    return;
  }
  if (!toldNoNewTab) {
    toldNoNewTab = true;
    part("error").textContent = NO_NEW_TAB;
    return;
  }
  // The page again by its address (never a form sent again): it leads to signing in.
  window.location.assign(window.location.pathname + window.location.search);
}

// The tab "Sign in again" opened, now on a signed-in page: it tells the page that opened it.
function tellOpener() {
  if (window.name !== SIGN_IN_WINDOW || !window.opener) return;
  try {
    window.opener.postMessage(SIGNED_IN, window.location.origin);
    window.name = ""; // told once: its later pages are ordinary ones
  } catch {
    // The page that opened it has gone: nothing to tell.
  }
}

function start() {
  if (!dialog || !(timeoutMs > 0) || document.querySelector("[data-shell-page]")) return;
  if ("PerformanceObserver" in window) {
    new PerformanceObserver((list) => {
      if (list.getEntries().some(reachedServer)) sent();
    }).observe({ type: "resource" });
  }
  tellOpener();
  window.addEventListener("storage", (event) => {
    if (event.key !== SHARED) return;
    // Once ended, another tab's request may be a sign-in again: asked, not taken as activity.
    if (ended) comeBack();
    else heard(Number(event.newValue));
  });
  window.addEventListener("message", (event) => {
    if (event.origin === window.location.origin && event.data === SIGNED_IN) comeBack();
  });
  window.addEventListener("focus", comeBack);
  // The server said this session has ended (a save refused, autosave.js; the bar's send,
  // bar.js): ended now, whatever this page's clock says (it ends sooner on another device, by
  // an administrator, or after a restart), so the way to sign in again is offered at once and
  // the words refused meanwhile are sent once signed in. Only a password entered from now on
  // brings the page back.
  window.addEventListener(SIGNED_OUT, () => {
    if (ended) return;
    lastSent = Date.now() - timeoutMs;
    check();
  });
  // An alert only where this script can fill it (the page without it has no use for one).
  part("error").setAttribute("role", "alert");
  part("stay").addEventListener("click", stay);
  part("sign-in").addEventListener("click", signInAgain);
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    if (!ended) stay(); // ended: nothing to do but sign in again, and the dialog stays
  });
  // Closed all the same once ended (a browser closes a dialog on a second Escape whatever the
  // page says, to stop pages trapping people): opened again, so the page stays hidden. Not in
  // the child's view, which closes it itself and looks again when the worker's view is back.
  dialog.addEventListener("close", () => {
    if (ended && !childViewOn()) open();
  });
  // The tablet turned towards the child or back (child-view.js), or woken from sleep, when
  // timers wait: the time is looked at again at once, and, once ended, whether the worker has
  // signed in again meanwhile.
  new MutationObserver(check).observe(document.documentElement, {
    attributes: true,
    attributeFilter: ["class"],
  });
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) return;
    check();
    comeBack();
  });
  check();
}

start();
