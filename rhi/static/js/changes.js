// A field of an open (online) interview page whose save could not reach the server: the change
// is kept on the tablet, sealed (no PIN needed), and upload.js sends it as a fresh save later.

import { changeId } from "./records.js";
import * as store from "./store.js";

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
  if (!change || (await store.state()) === "empty") return false;
  // The id names the interview and field only (no personal data): a later change to the same
  // field replaces the earlier one, with the same starting value, so one send is enough.
  await store.seal(changeId(change.uuid, change.path), change);
  return true;
}
