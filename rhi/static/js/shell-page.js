// A shell page (rhi/shells.py), filled from what the tablet holds: asks for the PIN when the
// store is locked, then fills the kind of page it is. The Returns list is filled here; the
// episode page and the interview's parts have their own modules.

import { forEpisode, forInterview, freshest, kept } from "./drafts.js";
import { episodeIn, interviewIn } from "./paths.js";
import { unlockOnce } from "./pin-dialog.js";
import { childValues, fillBlanks, say, stepAt } from "./shell-fill.js";
import { fillEpisode } from "./shell-episode.js";
import { fillInterview } from "./shell-interview.js";
import * as store from "./store.js";
import { wipeNote } from "./wiped.js";

// Wiped while a page is open (too many wrong PINs, here or in another tab's dialog): the page
// shows what the tablet holds now, which is nothing. A tab hears of a wipe up to three times
// (store.js, wiped.js), the note of what was lost usually last, so every telling fills again.
window.addEventListener("rhi:device-wiped", () => fillPage());

// Each fill takes a turn: one overtaken by a newer fill (a wipe heard while it waited on the
// store) writes nothing, so what the page says last is what the newest fill found.
let turn = 0;

/** Fill the shell page in #main (the router calls this after every page it shows). */
export async function fillPage() {
  const main = document.getElementById("main");
  const page = main && main.querySelector("[data-shell-page]");
  // A message in place of the page (say() replaces it) leaves this mark on #main, so a wipe
  // heard afterwards still reaches the page, and the wipe's note is not lost behind the first
  // "Nothing is kept" (bar.js reads the mark too).
  if (!page && !(main && main.hasAttribute("data-shell"))) return;
  main.setAttribute("data-shell", "");
  const mine = ++turn;
  const overtaken = () => mine !== turn || !main.isConnected;
  if (page) page.setAttribute("aria-busy", "true");
  const nothingKept = () => {
    // Said in a new #main: a fill begun before the wipe and still at work (fillKind) writes
    // into the old one, which is no longer on the screen.
    const fresh = main.cloneNode(false);
    main.replaceWith(fresh);
    say(
      fresh,
      "No connection",
      `${wipeNote() || "Nothing is kept on this tablet."} Connect to the internet to use rhi.`,
    );
  };
  const state = await store.state();
  if (overtaken()) return;
  if (state === "empty") return nothingKept();
  if (!page) return; // a message is shown and the tablet still holds its store: it stays
  if (state === "locked" && !(await unlockOnce())) {
    const now = await store.state();
    if (overtaken()) return;
    if (now === "empty") return nothingKept(); // wiped by wrong PINs
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.textContent = "Open what is kept on this tablet";
    button.addEventListener("click", () => window.location.reload()); // asks for the PIN again
    say(main, "No connection", "What is kept on this tablet is locked with your PIN.");
    main.append(button);
    return;
  }
  const held = await kept();
  // Left meanwhile (Back or a link tapped quickly: the router is filling the page shown now,
  // whose path is the one in the address bar, not this one's), or wiped.
  if (overtaken()) return;
  const kind = page.getAttribute("data-shell-page");
  try {
    await fillKind(kind, page, main, held);
  } finally {
    // The page is what the tablet holds from here on (people and tests can wait for this).
    page.setAttribute("data-filled", "");
    page.removeAttribute("aria-busy");
  }
}

async function fillKind(kind, page, main, held) {
  if (kind === "returns") return fillReturns(page, held);
  const path = window.location.pathname;
  if (kind === "episode") {
    const episodeId = episodeIn(path);
    const record = episodeId && forEpisode(held, episodeId);
    if (!record)
      return say(
        main,
        "Not on this tablet",
        "This child's return is not kept on this tablet. Connect to the internet to open it.",
      );
    return fillEpisode(main, record, episodeId, held.rules);
  }
  const uuid = interviewIn(path);
  const record = uuid && forInterview(held, uuid);
  if (!record)
    return say(
      main,
      "Not on this tablet",
      "This interview is not kept on this tablet. Connect to the internet to open it.",
    );
  return fillInterview(main, record, held.rules, held.refused.get(uuid));
}

// The Returns list: every child the tablet holds, soonest due first.
function fillReturns(page, held) {
  const rows = new Map();
  for (const r of held.returns.values()) rows.set(`e${r.episode_ids[0]}`, r);
  for (const r of held.copies.values()) rows.set(`e${r.episode_ids[0]}`, r);
  for (const r of held.drafts.values()) {
    const copy = rows.get(`e${r.episode_ids[0]}`);
    rows.set(`e${r.episode_ids[0]}`, freshest({ ...copy, ...r }, copy));
  }
  const list = page.querySelector("[data-shell-list]");
  const template = page.querySelector("template[data-shell-card]");
  const sorted = [...rows.values()].sort((a, b) => (a.due_at || "").localeCompare(b.due_at || ""));
  list.replaceChildren();
  for (const record of sorted) {
    const card = template.content.firstElementChild.cloneNode(true);
    fillBlanks(card, childValues(record, held.rules), { episode: record.episode_ids[0] });
    list.append(card);
  }
  const now = Date.now();
  const toneOf = (clock) => stepAt(clock.from, clock.tone, now)[1];
  const overdue = sorted.filter((r) => toneOf(r.clock || {}) === "overdue").length;
  const count = page.querySelector("[data-fill=count]");
  count.textContent = sorted.length
    ? `${sorted.length} ${sorted.length === 1 ? "child" : "children"} kept on this tablet, ${overdue} overdue.`
    : "Nothing is kept on this tablet yet. Open the Returns page while online to keep your list here.";
}
