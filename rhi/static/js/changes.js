// A field of an open (online) interview page whose save could not reach the server: the change
// is kept on the tablet, sealed (no PIN needed), and upload.js sends it as a fresh save later.
//
// Only in a store of the worker signed in on this page: on a shared tablet the store may be
// another worker's, kept locked when they signed out. Words sealed into it would be theirs to
// open and send (and the server refuses them, as the record is not theirs): so then nothing is
// kept, and the box says its words are only in the box (autosave.js keeps retrying the save).

import { joinedUnanswered, notKeptBecause, unansweredFor } from "./autosave.js";
import { notTheirs } from "./pin-dialog.js";
import { changeId } from "./records.js";
import { session } from "./session.js";
import * as store from "./store.js";

const ANOTHER_WORKERS =
  "Not saved: there is no signal, and this tablet keeps another worker's work, so your words " +
  "are only in this box. Keep this page open: they will be saved when the signal is back.";

// Who is signed in on this page: asked of the server (as bar.js asks it) while there is a
// signal, so it is known once the signal has gone. The page's own user for its whole life.
/** @type {Promise<import("./session.js").Session | null> | null} */
let asked = null;

function signedIn() {
  if (!asked)
    asked = session().catch(() => {
      asked = null; // no signal or signed out: asked again next time
      return null;
    });
  return asked;
}

// The answer, or null if it has not come within a moment (a request on its way as the signal
// went may never be answered): the words are not kept waiting for it.
const signedInSoon = () =>
  Promise.race([
    signedIn(),
    new Promise((resolve) => window.setTimeout(() => resolve(null), 2000)),
  ]);

// A page where changes may be kept asks at once, while the signal is surely there (and a box
// drawn later, as it is used).
if (navigator.onLine && document.querySelector("[data-autosave]")) signedIn();
document.addEventListener("focusin", (event) => {
  const elt = event.target;
  if (navigator.onLine && elt instanceof Element && elt.hasAttribute("data-autosave")) signedIn();
});

// Whether a change may be kept in the store here: it exists, and is not another worker's (the
// rule bar.js and the PIN dialog follow: pin-dialog.js notTheirs). Who is signed in is asked
// as the page opens; if the signal went before the answer came, it is not known, and the
// change is kept, as before (the upload then keeps a change the server refuses: upload.js).
async function mayKeepHere(elt) {
  if ((await store.state()) === "empty") return false;
  const owner = await store.keptFor();
  if (owner !== null && notTheirs(owner, await signedInSoon())) {
    notKeptBecause(elt, ANOTHER_WORKERS);
    return false;
  }
  return true;
}

// Sends of a kept change that got no answer (upload.js, in this page): by record id, the
// values they sent, oldest first. Such a send may have reached the server and been saved, its
// answer lost, and the change's original (o:) is then behind only the worker's own words: the
// field's next kept change takes these with it, as the page's own unanswered saves are taken
// (autosave.js), so the server reads a field holding one of them as this worker's own, not a
// clash (interviews/service.py save_fields). In memory as well as in the kept record, for a
// change kept while the store is locked (its record cannot be read then). Never let go of in
// the page's life: each is this worker's own words for that field, whatever came of it.
const sentUnanswered = new Map();

window.addEventListener("rhi:device-wiped", () => sentUnanswered.clear());

// The unanswered values the field's change kept now holds: carried on by a newer change, which
// replaces it. Readable only with the store open; locked, the page's memory has them instead.
async function keptUnanswered(id) {
  if ((await store.state()) !== "unlocked") return [];
  const kept = await store.get(id).catch(() => undefined);
  return kept && Array.isArray(kept.unanswered) ? kept.unanswered : [];
}

// The newest change asked to be kept, by record id: a keep that finds a newer one asked for
// since (typing goes on while it asks the store) leaves the writing to that one.
const newest = new Map();

// The change an autosaving field would have saved, or null for a field that is not one.
function fieldChange(elt) {
  const name = elt.getAttribute("name") || "";
  if (!name.startsWith("f:")) return null;
  const path = name.slice(2);
  let value = elt.value;
  if (elt.type === "checkbox") value = elt.checked ? "1" : "0";
  if (elt.type === "radio") {
    const checked = document.querySelector(`input[type=radio][name="${CSS.escape(name)}"]:checked`);
    value = checked ? checked.value : "";
  }
  const original = document.querySelector(`input[type=hidden][name="${CSS.escape("o:" + path)}"]`);
  const form = elt.closest("[data-interview-uuid]");
  if (!form) return null;
  return {
    uuid: form.getAttribute("data-interview-uuid"),
    save_url: form.getAttribute("action"),
    path,
    value,
    // "Keep my version" chosen after a clash (autosave.js): the change replaces the version
    // the worker saw, whenever it is sent.
    original: elt.dataset.keepOver ?? (original ? original.value : null),
    // This page's saves of the field whose answer never came (autosave.js): the server takes
    // a field holding one of them as this worker's own words, as for the page's own saves.
    unanswered: unansweredFor(path),
    page: window.location.pathname,
  };
}

/**
 * Keep the field's change on the tablet. False when it cannot be kept here (no PIN set up, or
 * not an interview field): the caller keeps retrying the save instead.
 * @param {Element} elt
 */
export async function keepChange(elt) {
  const change = fieldChange(elt);
  if (!change) return false;
  // The id names the interview and field only (no personal data): a later change to the same
  // field replaces the earlier one, with the same starting value, so one send is enough.
  const id = changeId(change.uuid, change.path);
  newest.set(id, change);
  if (!(await mayKeepHere(elt))) return false;
  const earlier = await keptUnanswered(id);
  if (newest.get(id) !== change) return true; // the newer one is sealed after this
  newest.delete(id);
  const unanswered = joinedUnanswered(earlier, sentUnanswered.get(id), change.unanswered);
  await store.seal(id, { ...change, unanswered });
  return true;
}

/**
 * A send of the kept change `id` (upload.js) got no answer: it may have been saved all the
 * same. Its value joins the change's unanswered values, in the record sent (revision `rev`) or,
 * if a newer change was kept meanwhile, in that one, so the next send carries it (u:<path>).
 * Told too of a send that was saved (200): a newer change kept while it was on its way still
 * starts from the value the page had, and the server now holds this one, the worker's own.
 * @param {string} id
 * @param {{value: string, unanswered?: string[]}} record the change as it was sent
 * @param {string} rev
 */
export async function sendGotNoAnswer(id, record, rev) {
  sentUnanswered.set(id, joinedUnanswered(sentUnanswered.get(id), [record.value]));
  /** @type {{record: any, rev: string} | undefined} */
  let kept = { record, rev };
  // A few tries: each one that finds the record written meanwhile reads it again.
  for (let tries = 0; kept && tries < 3; tries += 1) {
    const unanswered = joinedUnanswered(kept.record.unanswered, [record.value]);
    if ((await store.sealIf(id, { ...kept.record, unanswered }, kept.rev)) !== null) return;
    kept = await store.getKept(id);
  }
}
