// The PIN dialog (#pin-dialog in base.html): set the tablet's PIN, or unlock the store with it.
// The only place a PIN is typed; it goes straight to the store and is never kept.

import { plural } from "./plural.js";
import { session } from "./session.js";
import * as store from "./store.js";
import { clearWipeNote, describe, noteWipe, unsentByKind, wipeNote } from "./wiped.js";

// Said to a worker signed in on a tablet that keeps another worker's work (bar.js too).
export const OTHER_WORKERS =
  "What is kept on this tablet is another worker's, locked with their PIN. Only they can " +
  "open and send it: ask them to sign in on this tablet. It stays here, locked, until then.";

/** Is what the tablet keeps (set up by `owner`) someone else's than the session's user? */
export const notTheirs = (owner, info) =>
  owner !== null && Boolean(info && info.user) && owner !== info.user.id;

/**
 * Ask for the PIN. "setup" makes the store (needs the server: the device secret comes from it);
 * "unlock" opens it (online with the server's secret, offline with the one the tablet keeps).
 * @param {"setup" | "unlock"} mode
 * @param {string} [why] the hint instead of the usual one (the child's view: child-view.js)
 * @returns {Promise<true | null>} true once done, null if the worker chose "Not now"
 */
export function askPin(mode, why) {
  const dialog = document.getElementById("pin-dialog");
  const form = dialog.querySelector("form");
  const pin = dialog.querySelector("#pin");
  const again = dialog.querySelector("#pin-again");
  const error = dialog.querySelector("[data-error]");
  dialog.querySelector("[data-title]").textContent =
    mode === "setup" ? "Set a PIN for this tablet" : "Enter your tablet PIN";
  dialog.querySelector("[data-hint]").textContent =
    mode === "setup"
      ? "At least 6 digits. rhi uses it to lock what it keeps on this tablet if the signal drops."
      : why || "Your notes kept on this tablet are locked. Enter your PIN to send them.";
  dialog.querySelector("[data-again]").hidden = mode !== "setup";
  error.textContent = "";
  pin.value = again.value = "";
  pin.disabled = false;
  dialog.querySelector("button[value=ok]").hidden = false;
  return new Promise((resolve) => {
    const done = (value) => {
      form.removeEventListener("submit", submit);
      dialog.removeEventListener("close", cancel);
      window.removeEventListener("rhi:device-wiped", wipedMeanwhile);
      if (dialog.open) dialog.close();
      resolve(value);
    };
    const cancel = () => done(null);
    // Wiped (now, or by another tab): no PIN can open anything. Say so; only "Not now" is left.
    const showWiped = () => {
      error.textContent = wipeNote() || "Nothing is kept on this tablet.";
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
        return pin.focus();
      }
      if (mode === "setup" && pin.value !== again.value) {
        error.textContent = "The two PINs are different. Type them again.";
        return again.focus();
      }
      try {
        // Online, the server's secret comes fresh; offline, the tablet uses the one it keeps.
        const info = await session().catch(() => null);
        if (mode === "setup") {
          if (!info) throw new Error("offline");
          // How many wrong PINs wipe the store is the server's rule (the session's limits).
          const limits = info.limits || {};
          await store.setUp(pin.value, info.device_secret, info.user.id, limits.pin_attempts);
          clearWipeNote();
          store.askToPersist();
          return done(true);
        }
        if ((await store.state()) === "empty") return showWiped();
        if (info && notTheirs(await store.keptFor(), info)) {
          // Another worker's work, locked with their PIN and their secret: no PIN typed here
          // could open it, and each try would count towards wiping it (a probe).
          error.textContent = OTHER_WORKERS;
          pin.value = "";
          pin.disabled = true;
          form.querySelector("button[value=ok]").hidden = true;
          return;
        }
        // What a wipe would destroy, counted before the try (ids only: no PIN needed).
        const unsent = unsentByKind(await store.ids().catch(() => []));
        const result = await store.unlock(pin.value, info ? info.device_secret : undefined);
        if (result === true) return done(true);
        if (wipedAway) return showWiped();
        if (result.wiped) {
          noteWipe(unsent);
          return showWiped();
        }
        const lost = describe(unsent);
        error.textContent =
          `That PIN is not right. ${plural(result.attemptsLeft, "try", "tries")} left. ` +
          `After ${plural(result.attemptsLeft, "more wrong PIN", "more wrong PINs")}, everything kept on this tablet is wiped` +
          (lost
            ? `, and work never sent is lost for good: ${lost}.`
            : ". No unsent work is kept here.");
      } catch {
        if (wipedAway) return showWiped();
        if ((await store.state().catch(() => "locked")) === "empty") return showWiped();
        error.textContent = "rhi needs a connection to check the PIN. Try again when online.";
      }
    };
    dialog.showModal(); // first: if it throws, no listener is left behind
    form.addEventListener("submit", submit);
    dialog.addEventListener("close", cancel);
    window.addEventListener("rhi:device-wiped", wipedMeanwhile);
    pin.focus();
  });
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
