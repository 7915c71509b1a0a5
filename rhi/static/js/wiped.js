// What a wipe after too many wrong PINs destroys, said plainly and by kind, never by content:
// the PIN dialog warns with it from the first wrong PIN, and after a wipe the bar and the shell
// pages say what was lost. Counted from the records' ids (records.js), which need no PIN.
//
// The note of a wipe (counts by kind and when) stays in localStorage until a PIN is set again,
// so every page of rhi, loaded now or later, says the same thing.

import { plural } from "./plural.js";
import { isUnsentWork, kindOf } from "./records.js";
import { localStamp, whenSaid } from "./shell-fill.js";

const NOTE = "rhi-wiped";

// The note written in another tab (after its wipe): this tab's screens say it too.
window.addEventListener("storage", (event) => {
  if (event.key === NOTE && event.newValue) {
    window.dispatchEvent(new CustomEvent("rhi:device-wiped"));
  }
});

const WORDS = {
  draft: ["interview worked on with no signal", "interviews worked on with no signal"],
  change: ["change to an interview", "changes to interviews"],
  conflict: ["change waiting for your choice", "changes waiting for your choice"],
};

/** Work not yet sent, by kind: {draft: 1, change: 2}. From store.ids(). */
export function unsentByKind(ids) {
  const counts = {};
  for (const { id } of ids) {
    if (!isUnsentWork(id)) continue;
    const kind = WORDS[kindOf(id)] ? kindOf(id) : "other";
    counts[kind] = (counts[kind] || 0) + 1;
  }
  return counts;
}

/** "1 interview worked on with no signal and 2 changes to interviews", or "" for none. */
export function describe(counts) {
  const parts = Object.entries(counts).map(([kind, n]) =>
    plural(n, ...(WORDS[kind] || ["other piece of work", "other pieces of work"])),
  );
  if (parts.length < 2) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

/** Remember that the tablet was wiped, and what was lost; tell this page's screens. */
export function noteWipe(counts) {
  try {
    localStorage.setItem(NOTE, JSON.stringify({ at: new Date().toISOString(), counts }));
  } catch {
    // storage refused: this page's screens are still told below
  }
  window.dispatchEvent(new CustomEvent("rhi:device-wiped", { detail: { counts } }));
}

/** The words for the last wipe, or "" if there was none since a PIN was set. */
export function wipeNote() {
  let note;
  try {
    note = JSON.parse(localStorage.getItem(NOTE) || "null");
  } catch {
    note = null;
  }
  if (!note) return "";
  const when = whenSaid(localStamp(new Date(note.at))); // as the pages write a time
  const lost = describe(note.counts || {});
  return (
    `Nothing is kept on this tablet: it was wiped after too many wrong PINs (${when}). ` +
    (lost ? `Lost, never sent: ${lost}.` : "No unsent work was lost.")
  );
}

export function clearWipeNote() {
  try {
    localStorage.removeItem(NOTE);
  } catch {
    // nothing to clear
  }
}
