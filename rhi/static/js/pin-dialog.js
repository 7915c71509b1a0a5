// The PIN dialog (#pin-dialog in base.html): set the tablet's PIN, or unlock the store with it.
// The only place a PIN is typed; it goes straight to the store and is never kept.

import { childViewOn } from "./child-view-on.js";
import { plural, timeInWords } from "./plural.js";
import { PIN_WAIT_MS, isSignedOut, session } from "./session.js";
import * as store from "./store.js";
import { clearWipeNote, describe, noteWipe, unsentByKind, wipeNote } from "./wiped.js";

// Said to a worker signed in on a tablet that keeps another worker's work (bar.js too).
export const OTHER_WORKERS =
  "What is kept on this tablet is another worker's, locked with their PIN. Only they can " +
  "open and send it: ask them to sign in on this tablet. It stays here, locked, until then.";

/** Is what the tablet keeps (set up by `owner`) someone else's than the session's user? */
export const notTheirs = (owner, info) =>
  owner !== null && Boolean(info && info.user) && owner !== info.user.id;

// The PIN dialog's words for it: said before any PIN is typed, online or not.
const notYoursToUnlock = (unsent) =>
  (unsent
    ? "This tablet holds another worker's work that is not sent yet, locked with their PIN. "
    : "What is kept on this tablet is another worker's, locked with their PIN. ") +
  "It is not yours to unlock, so no PIN is asked for here. " +
  "It stays on this tablet, locked and safe, until that worker signs in on this tablet" +
  (unsent ? " and sends it." : ".");

/** The bar's line for interviews kept here that are another worker's (bar.js). */
export const anotherWorkersWaiting = (count) =>
  `${plural(count, "interview", "interviews")} on this tablet ${count === 1 ? "is" : "are"} ` +
  `another worker's, waiting for them to sign in here and send ${count === 1 ? "it" : "them"}`;

// Who is signed in here, as the server last said (GET /sync/v1/session: the user's id, never a
// name), kept on the tablet: with no signal there is no session to ask, and the tablet must
// still know that the store it keeps is another worker's (a probe: a colleague offline was
// asked for "your tablet PIN", and five wrong tries wiped the first worker's unsent interview).
// The same id the store's owner was recorded with (store.keptFor, from the same answer), so
// the rule is notTheirs, as online.
// Kept in a cookie that lasts as long as the session's own (no expiry: gone with the browser's
// session, or when its cookies are cleared): once the session is gone, no one is signed in
// here, and a tablet with no one signed in asks for the PIN as it always did. The server
// never reads it.
const SIGNED_IN = "rhi-signed-in";

function remember(info) {
  if (!info || !info.user || !Number.isInteger(info.user.id)) return;
  const secure = window.location.protocol === "https:" ? "; Secure" : "";
  document.cookie = `${SIGNED_IN}=${info.user.id}; Path=/; SameSite=Strict${secure}`;
}

// Signed out (the server said so): no one is signed in here any more.
function forget() {
  document.cookie = `${SIGNED_IN}=; Path=/; Max-Age=0; SameSite=Strict`;
}

function lastSignedIn() {
  const found = document.cookie
    .split(";")
    .map((pair) => pair.trim().split("="))
    .find(([name]) => name === SIGNED_IN);
  const id = found && found[1];
  return id && /^[0-9]+$/.test(id) ? { user: { id: Number(id) } } : null;
}

let asked = null; // the session, asked once a page (the page's user for its whole life)

/**
 * The signed-in worker, {user: {id}}: the server's answer online; with no signal, or no answer
 * within a moment, the last answer kept on this tablet; null if none was ever kept.
 */
export async function signedIn() {
  if (navigator.onLine) {
    if (!asked)
      asked = session().then(
        (info) => {
          remember(info);
          return info;
        },
        (error) => {
          // No signal: asked again next time. Signed out: not again from this page (the bar
          // asks on each refresh, and a signed-out tablet sends nothing until signed in).
          if (!isSignedOut(error)) asked = null;
          else forget();
          return null;
        },
      );
    const info = await Promise.race([
      asked,
      new Promise((resolve) => window.setTimeout(() => resolve(null), 2000)),
    ]);
    if (info) return info;
  }
  return lastSignedIn();
}

/** True when the tablet keeps another worker's store (their PIN, their unsent work). */
export async function anotherWorkersStore() {
  const owner = await store.keptFor().catch(() => null);
  return owner !== null && notTheirs(owner, await signedIn());
}

// A tablet that keeps a store learns who is signed in while there is a signal: the worker may
// go on to open it with none. Asked only on a page the server drew for a signed-in worker (it
// has the sign-out form), never on a shell page or a signed-out one.
if (navigator.onLine && document.querySelector("form.sign-out"))
  store.keptFor().then(
    (owner) => owner !== null && signedIn(),
    () => undefined,
  );

/**
 * Ask for the PIN. "setup" makes the store (needs the server: the device secret comes from it);
 * "unlock" opens it (online with the server's secret, offline with the one the tablet keeps).
 * @param {"setup" | "unlock"} mode
 * @param {string} [why] the hint instead of the usual one (the child's view: child-view.js)
 * @returns {Promise<true | null>} true once done, null if the worker chose "Not now"
 */
export function askPin(mode, why) {
  // In the child's view the one typing may be the child: wrong PINs there make the next try wait
  // and never wipe what the tablet keeps, the child's own unsent words among it (store.js
  // unlock; a probe). Whatever asks: giving the tablet back, or a page hidden by the lock.
  const neverWipe = childViewOn();
  const dialog = document.getElementById("pin-dialog");
  const form = dialog.querySelector("form");
  const pin = dialog.querySelector("#pin");
  const again = dialog.querySelector("#pin-again");
  const error = dialog.querySelector("[data-error]");
  const title = dialog.querySelector("[data-title]");
  const hint = dialog.querySelector("[data-hint]");
  const notNow = form.querySelector("button[value=cancel]");
  title.textContent = mode === "setup" ? "Set a PIN for this tablet" : "Enter your tablet PIN";
  hint.textContent =
    mode === "setup"
      ? "At least 6 digits. rhi uses it to lock what it keeps on this tablet if the signal drops."
      : why || "Your notes kept on this tablet are locked. Enter your PIN to send them.";
  dialog.querySelector("[data-again]").hidden = mode !== "setup";
  error.textContent = "";
  pin.value = again.value = "";
  pin.disabled = false;
  // The field a message is about is marked invalid (its description is the message, in the
  // page), and typing in it again clears the mark: an accessibility probe found a wrong PIN
  // announced but not tied to its field.
  const invalid = (field) => {
    for (const f of [pin, again]) f.removeAttribute("aria-invalid");
    if (field) field.setAttribute("aria-invalid", "true");
  };
  invalid(null);
  const typed = (event) => event.target.removeAttribute("aria-invalid");
  notNow.textContent = "Not now";
  dialog.querySelector("button[value=ok]").hidden = false;
  return new Promise((resolve) => {
    let finished = false;
    const done = (value) => {
      finished = true;
      invalid(null);
      form.removeEventListener("input", typed);
      form.removeEventListener("submit", submit);
      dialog.removeEventListener("close", cancel);
      window.removeEventListener("rhi:device-wiped", wipedMeanwhile);
      if (dialog.open) dialog.close();
      resolve(value);
    };
    const cancel = () => done(null);
    // Another worker's work, locked with their PIN (and their secret): no PIN typed here could
    // open it, and each try would count towards wiping it. Said instead of asking for a PIN.
    const showNotYours = async () => {
      const unsent = describe(unsentByKind(await store.ids().catch(() => [])));
      if (finished) return;
      title.textContent = "Another worker's work is on this tablet";
      hint.textContent = notYoursToUnlock(Boolean(unsent));
      error.textContent = "";
      invalid(null);
      pin.value = "";
      pin.disabled = true;
      form.querySelector("button[value=ok]").hidden = true;
      notNow.textContent = "Close";
      notNow.focus();
    };
    // Wiped (now, or by another tab): no PIN can open anything. Say so; only "Not now" is left.
    const showWiped = () => {
      error.textContent = wipeNote() || "Nothing is kept on this tablet.";
      invalid(null);
      pin.value = "";
      pin.disabled = true;
      form.querySelector("button[value=ok]").hidden = true;
    };
    // Wiped by another tab while this dialog waits for a PIN: said at once, not at the next try,
    // and a try already under way (PBKDF2 takes a moment) does not say otherwise after it.
    let wipedAway = false;
    const wipedMeanwhile = () => {
      if (mode !== "unlock") return;
      wipedAway = true;
      showWiped();
    };
    const submit = async (event) => {
      event.preventDefault();
      if (event.submitter && event.submitter.value === "cancel") return done(null);
      if (!/^\d{6,}$/.test(pin.value)) {
        error.textContent = "Use at least 6 digits.";
        invalid(pin);
        return pin.focus();
      }
      if (mode === "setup" && pin.value !== again.value) {
        error.textContent = "The two PINs are different. Type them again.";
        invalid(again);
        return again.focus();
      }
      invalid(null); // both as asked: what is said next is not about either box
      try {
        // Online, the server's secret comes fresh; offline, the tablet uses the one it keeps.
        const info = await session(PIN_WAIT_MS).catch(() => null);
        if (mode === "setup") {
          if (!info) throw new Error("offline");
          // How wrong PINs are answered is the server's rule (the session's limits).
          await store.setUp(pin.value, info.device_secret, info.user.id, info.limits);
          remember(info);
          clearWipeNote();
          store.askToPersist();
          return done(true);
        }
        if ((await store.state()) === "empty") return showWiped();
        // Whose store it is, by the same rule online and offline (the last signed-in worker
        // the server named, when there is no signal): checked again here, in case the PIN was
        // typed before the check on opening had its answer.
        if (info) remember(info);
        if (notTheirs(await store.keptFor(), info || lastSignedIn())) return showNotYours();
        // What a wipe would destroy, counted before the try (ids only: no PIN needed).
        const unsent = unsentByKind(await store.ids().catch(() => []));
        const result = await store.unlock(pin.value, info ? info.device_secret : undefined, {
          neverWipe,
          limits: info ? info.limits : null,
        });
        if (result === true) return done(true);
        if (wipedAway) return showWiped();
        if (result.waitMs !== undefined) {
          invalid(pin);
          error.textContent = notRightWait(result.waitMs, result.tried);
          return;
        }
        if (result.wiped) {
          noteWipe(unsent);
          return showWiped();
        }
        const lost = describe(unsent);
        invalid(pin);
        error.textContent =
          `That PIN is not right. ${plural(result.attemptsLeft, "try", "tries")} left. ` +
          `After ${plural(result.attemptsLeft, "more wrong PIN", "more wrong PINs")}, everything kept on this tablet is wiped` +
          (lost
            ? `, and work never sent is lost for good: ${lost}.`
            : ". No unsent work is kept here.");
      } catch (err) {
        if (err instanceof store.SetUpAgain) {
          // Wiped and set up again in another tab while this PIN was tried: the new store is
          // there to open, with its own PIN (the wipe's screen, if said, is taken back).
          wipedAway = false;
          pin.disabled = false;
          form.querySelector("button[value=ok]").hidden = false;
          pin.value = "";
          error.textContent = err.message;
          invalid(pin);
          return;
        }
        if (wipedAway) return showWiped();
        // Setting a PIN up, the store is empty before it starts: only an unlock finds it wiped.
        if (mode === "unlock" && (await store.state().catch(() => "locked")) === "empty") {
          return showWiped();
        }
        error.textContent = "rhi needs a connection to check the PIN. Try again when online.";
      }
    };
    dialog.showModal(); // first: if it throws, no listener is left behind
    form.addEventListener("submit", submit);
    form.addEventListener("input", typed);
    dialog.addEventListener("close", cancel);
    window.addEventListener("rhi:device-wiped", wipedMeanwhile);
    pin.focus();
    // Said as the dialog opens, before anyone types a PIN that could never be right.
    if (mode === "unlock")
      anotherWorkersStore().then(
        (theirs) => theirs && !finished && showNotYours(),
        () => undefined,
      );
  });
}

// A wrong PIN in the child's view, or a try before the wait after several is over: nothing is
// wiped from there, so nothing is said of wiping (store.js unlock, neverWipe).
function notRightWait(waitMs, tried) {
  if (waitMs <= 0) return "That PIN is not right. Try again.";
  const wait = timeInWords(waitMs, { round: Math.ceil, minutesFrom: 90 }); // never too short
  const why = tried ? "That PIN is not right." : "Several wrong PINs were typed here.";
  return `${why} Wait ${wait}, then try again. Nothing on this tablet is wiped from here.`;
}

let unlocking = null;

/** One PIN dialog however many callers are waiting for the store to open. */
export function unlockOnce() {
  if (!unlocking)
    unlocking = askPin("unlock").finally(() => {
      unlocking = null;
    });
  return unlocking;
}
