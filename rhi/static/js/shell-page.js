// A shell page (rhi/shells.py), filled from what the tablet holds: asks for the PIN when the
// store is locked, then fills the kind of page it is. The Returns list is filled here; the
// episode page and the interview's parts have their own modules. A page the server drew with a
// child's record in it is hidden here too when the tablet locks (below).

import { statusFor } from "./autosave.js";
import { refreshBar } from "./bar.js";
import { showChoices } from "./choices.js";
import { childViewOn } from "./child-view-on.js";
import { forEpisode, forInterview, freshest, kept } from "./drafts.js";
import { changedByHand } from "./keep-typed.js";
import { episodeIn, interviewIn } from "./paths.js";
import { anotherWorkersStore, unlockOnce } from "./pin-dialog.js";
import { childValues, fillBlanks, say, stepAt } from "./shell-fill.js";
import { fillEpisode } from "./shell-episode.js";
import { fillInterview, flush } from "./shell-interview.js";
import * as store from "./store.js";
import { wipeNote } from "./wiped.js";

// Wiped while a page is open (too many wrong PINs, here or in another tab's dialog): the page
// shows what the tablet holds now, which is nothing. A tab hears of a wipe up to three times
// (store.js, wiped.js), the note of what was lost usually last, so every telling fills again.
window.addEventListener("rhi:device-wiped", () => fillPage());

// ---- the store locks ------------------------------------------------------------------------
// Locked (after RHI_DEVICE_IDLE_MINUTES unused, or by anything else): what the page shows of
// the store goes at once, the child's words and the words they asked to keep between them
// too. The page says it is locked, with a button that asks for the PIN; the words come back
// only with it, read again from the store. Before, the open page kept showing it all to
// whoever picked the tablet up (a probe). No PIN dialog opens by itself on a tablet left alone:
// anyone passing could try PINs in it, and each wrong one counts towards the wipe.
//
// Nothing typed is lost to it. The idle lock waits while the open part keeps its last words
// (flush, with the key still there: "rhi:device-locking"). A lock that did not wait leaves the
// words not yet kept with the part's keeper (shell-interview.js), which keeps them once the PIN
// is given: the page is filled again only after that (fillPage's beforeFilling), so it shows
// them, and it is filled in place, not loaded again, which would lose them.
window.addEventListener("rhi:device-locking", (event) => event.detail.waitUntil(flush()));
window.addEventListener("rhi:device-locked", (event) => {
  const wiping = Boolean(event.detail && event.detail.wiping);
  hideShellPage(wiping);
  hideChoices();
  if (!wiping) hideOnlinePage();
});

// The shell page as it came, before it was filled (a copy, never shown): what a locked page
// is filled again from. With its path: a copy of another page is never put in place of this.
let blank = null;

/** The blank shell page of this path in place of #main (a new element), or null if none. */
function blankPage() {
  const main = document.getElementById("main");
  if (!main || !blank || blank.path !== window.location.pathname) return null;
  const fresh = blank.main.cloneNode(true);
  main.replaceWith(fresh);
  return fresh;
}

function hideShellPage(wiping) {
  const main = document.getElementById("main");
  // Only a page that is (or is being) filled from the store shows its words.
  if (!main || !main.querySelector("[data-shell-page]")) return;
  turn += 1; // a fill under way writes nothing more
  // A new, empty #main (its marks kept: bar.js reads data-shell): a fill still at work writes
  // into the old one, which is off the screen.
  const fresh = main.cloneNode(false);
  main.replaceWith(fresh);
  // What was typed in a form not yet sent (the episode page's contact note, say: kept only
  // when sent) stays in the old page, off the screen, and is put back once filled again.
  if (!wiping) typedBefore = { path: window.location.pathname, main };
  // Wiped: "rhi:device-wiped" follows, and the page then says what is left (fillPage).
  if (!wiping) sayLocked(fresh, flush);
  showSignal();
}

let typedBefore = null;

// The words of forms not yet sent, from the page as it was before the lock, into the page
// filled again (as keep-typed.js does for a part of a page replaced): only into a box still as
// the fill drew it. The part's own fields are not: the store keeps them, and fills them.
function putBackTyped(main) {
  const before = typedBefore;
  typedBefore = null;
  if (!before || before.path !== window.location.pathname) return;
  for (const form of before.main.querySelectorAll("form[action]")) {
    if (form.id === "interview-form") continue;
    const into = main.querySelector(`form[action="${CSS.escape(form.getAttribute("action"))}"]`);
    if (!into) continue;
    for (const el of form.elements) {
      if (!changedByHand(el) || el.type === "datetime-local") continue;
      const named = [...into.elements].filter((e) => e.name === el.name);
      const to = el.type === "radio" ? named.find((r) => r.value === el.value) : named[0];
      if (!to || changedByHand(to)) continue;
      if (el.type === "checkbox" || el.type === "radio") to.checked = el.checked;
      else to.value = el.value;
    }
    const details = form.closest("details");
    const intoDetails = into.closest("details");
    if (details && intoDetails && details.open) intoDetails.open = true;
  }
}

/** "Locked with your PIN", and a button that asks for it and fills the page again. */
function sayLocked(main, beforeFilling) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "button";
  button.textContent = "Open what is kept on this tablet";
  button.addEventListener("click", async () => {
    if (blankPage()) return fillPage(beforeFilling);
    // No blank of this page (never filled here): loaded again once the words are kept.
    if (!(await unlockOnce())) return;
    if (beforeFilling) await beforeFilling();
    window.location.reload();
  });
  say(main, "No connection", "What is kept on this tablet is locked with your PIN.");
  button.setAttribute("data-open-store", "");
  main.append(button);
}

// An online page shows the store's words only in the choices between a kept change and what
// the server has (choices.js): hidden, with a way to see them again, which asks for the PIN.
function hideChoices() {
  const panels = [...document.querySelectorAll(".kept-choice")];
  if (!panels.length) return;
  const note = document.createElement("div");
  note.className = "conflict kept-choice-locked";
  const said = document.createElement("p");
  said.textContent =
    "The tablet locked itself, so the words kept on it are hidden. Nothing has been removed.";
  const show = document.createElement("button");
  show.type = "button";
  show.className = "button";
  show.textContent = "Show the words kept on this tablet";
  show.addEventListener("click", async () => {
    note.remove();
    await showChoices(() => refreshBar(""));
  });
  note.append(said, show);
  panels[0].before(note);
  for (const panel of panels) panel.remove();
  for (const old of document.querySelectorAll(".kept-choice-locked"))
    if (old !== note) old.remove();
}

// ---- a page the server drew, holding a child's record -------------------------------------------
// An interview's part, a return or the Returns list (which names every child) opened online
// (the template marks it: data-child-record) is the server's, not the store's, so a lock left
// it showing the child's name, the questions and the words typed with no signal to whoever
// picked the tablet up (a probe). Now, on a tablet that
// keeps a store (a PIN is set), it is hidden as a shell page is: when the store locks, and when
// the tablet has gone unused for RHI_DEVICE_IDLE_MINUTES (the page's own clock, as the store's:
// a page opened online seldom opens the store, so the store's clock never ran on it).
//
// Hidden, not lost: the page is taken off the screen whole (a new, empty #main in its place) and
// kept in this page's memory, its boxes with every word typed in them (those with no signal are
// also kept in the store: changes.js). The PIN puts the same page back, where it was; a load
// would lose what was typed and not yet sent. Only a wipe (too many wrong PINs) ends that: then
// the page says what to do, and that loading it again brings what was sent.
const CHILD_RECORD = "[data-child-record]";
const USED = ["pointerdown", "keydown", "input"]; // what store.js counts as someone using it

/** @type {{main: HTMLElement, stand: HTMLElement, scroll: number, focus: Element | null} | null} */
let hiddenPage = null;

/** The page in #main, if it is one the server drew with a child's record in it. */
function onlineRecord() {
  const main = document.getElementById("main");
  if (!main || main.hasAttribute("data-shell") || main.querySelector("[data-shell-page]"))
    return null;
  return main.querySelector(CHILD_RECORD) ? main : null;
}

function hideOnlinePage() {
  // In the child's view the page shows only what the child may see, and the child is the one
  // using it: hiding it would say worker's words to them, in English, and take the question
  // shown large out of its dialog. Giving the tablet back asks for the PIN (child-view.js).
  if (childViewOn()) return;
  const main = onlineRecord();
  if (!main || (hiddenPage && hiddenPage.stand.isConnected)) return;
  // Its marks kept (tabindex, id): the skip link and scripts that look for #main still find it.
  const stand = /** @type {HTMLElement} */ (main.cloneNode(false));
  stand.setAttribute("data-page-hidden", "");
  const focus = main.contains(document.activeElement) ? document.activeElement : null;
  hiddenPage = { main, stand, scroll: window.scrollY, focus };
  main.replaceWith(stand);
  sayHidden(stand, main);
  stand.focus({ preventScroll: true });
  window.scrollTo(0, 0);
  refreshBar().catch(() => undefined); // the bar names no child on a hidden page (bar.js)
}

/** "Hidden because the tablet locked", and a button that asks for the PIN and shows it again. */
function sayHidden(stand, main) {
  // The Returns list (data-child-record="list") names children; any other page is one child's.
  const what = main.querySelector('[data-child-record="list"]')
    ? "the children listed on this page are hidden. Nothing has been lost."
    : "this child's record is hidden. Nothing has been lost: what you typed is still here.";
  say(
    stand,
    "This page is hidden",
    `The tablet locked itself after a while with no one using it, so ${what} ` +
      "Enter your PIN to see it again.",
  );
  const button = document.createElement("button");
  button.type = "button";
  button.className = "button";
  button.textContent = "Show this page again";
  button.setAttribute("data-show-page", "");
  // The page comes back on "rhi:device-unlocked" (below), whoever asked for the PIN.
  button.addEventListener("click", () => unlockOnce());
  stand.append(button);
}

// The PIN opened the store (this button, the bar, the child's view handed back): the page as it
// was, with its words, its place and its focus.
function showOnlinePage() {
  const hidden = hiddenPage;
  hiddenPage = null;
  if (!hidden || !hidden.stand.isConnected) return;
  hidden.stand.replaceWith(hidden.main);
  window.scrollTo(0, hidden.scroll);
  const back = hidden.focus instanceof HTMLElement && hidden.main.contains(hidden.focus);
  (back ? hidden.focus : hidden.main).focus({ preventScroll: true });
  retryWaitingSaves(hidden.main);
  refreshBar().catch(() => undefined);
  // What it shows may have changed meanwhile (the Returns list: returns-updates.js).
  window.dispatchEvent(new CustomEvent("rhi:page-shown"));
}

// A save waiting to be tried again (a server error) was let go while the page was hidden:
// autosave.js tries only a box that is on the screen. Tried now, so its words are not left
// unsent with "retrying" beside them.
function retryWaitingSaves(main) {
  if (!window.htmx) return;
  for (const box of main.querySelectorAll("[data-autosave]")) {
    if (box instanceof HTMLInputElement && box.type === "radio" && !box.checked) continue;
    const status = statusFor(box);
    if (status && status.classList.contains("save-retrying")) window.htmx.trigger(box, "change");
  }
}

// Wiped (too many wrong PINs): no PIN opens anything now, so the page cannot come back here.
// Said, with the way back: loaded again, with a signal, it shows what rhi has.
// A tab hears of a wipe up to three times, the note of what was lost usually last (wiped.js):
// said again each time.
let wipedStand = null;
function hiddenPageWiped() {
  const stand = hiddenPage ? hiddenPage.stand : wipedStand;
  if (!stand || !stand.isConnected) return;
  hiddenPage = null;
  wipedStand = stand;
  say(
    stand,
    "This page is hidden",
    `${wipeNote() || "Nothing is kept on this tablet."} Load this page again while there is a ` +
      "signal to carry on: everything sent to rhi is there.",
  );
  const link = loadAgain();
  link.className = "button";
  stand.append(link);
}

window.addEventListener("rhi:device-unlocked", showOnlinePage);
window.addEventListener("rhi:device-wiped", hiddenPageWiped);

// The page's idle clock: hidden only on a tablet with a store that this worker's PIN opens (with
// none, or another worker's, no PIN of theirs could bring it back: only the session's own
// timeout, idle-warning.js, guards the page then).
async function idleRanOut() {
  if (!onlineRecord()) return;
  const state = await store.state().catch(() => "empty");
  if (state === "empty" || (await anotherWorkersStore())) return;
  hideOnlinePage();
}

function startIdleClock() {
  const minutes = Number(document.body.getAttribute("data-device-idle-minutes"));
  if (!(minutes > 0) || !onlineRecord()) return;
  let timer = window.setTimeout(idleRanOut, minutes * 60000);
  const used = (event) => {
    if (!event.isTrusted) return; // a person, not a script
    window.clearTimeout(timer);
    timer = window.setTimeout(idleRanOut, minutes * 60000);
  };
  for (const type of USED) window.addEventListener(type, used, { capture: true, passive: true });
}

startIdleClock();

// ---- the signal comes back --------------------------------------------------------------------
// A shell page says "No connection" (its note, data-shell-note, or the message said in place of
// the page). Back online, it kept saying so until the page was left (a tablet probe). Now it
// says the signal is back, with a way to load this page from the server: a link the router
// follows as any (it keeps the last words first); never a reload by itself, which could lose
// words typed in a form not yet sent. Meanwhile the bar sends what is kept (bar.js). With the
// signal gone again, the page says "No connection" again. Only on the browser's own "online":
// a page opened as a shell while the browser thinks it is online found no server all the same.
let cameBack = false;
const notSaid = new WeakMap(); // a note turned to "Back online" -> its own words
let setAside = null; // a message turned to "Back online": {main, nodes} to put back offline

window.addEventListener("online", () => {
  cameBack = true;
  showSignal();
});
window.addEventListener("offline", () => {
  cameBack = false;
  showSignal();
});

function loadAgain() {
  const link = document.createElement("a");
  link.className = "button button-secondary";
  link.href = window.location.pathname + window.location.search;
  link.textContent = "Load this page again";
  return link;
}

/** Say on the shell page in #main whether the signal is back (see above). */
function showSignal() {
  const main = document.getElementById("main");
  if (!main || !main.hasAttribute("data-shell")) return;
  const back = cameBack && navigator.onLine;
  for (const note of main.querySelectorAll("[data-shell-note]")) {
    if (back && !notSaid.has(note)) {
      notSaid.set(note, note.textContent);
      note.replaceChildren(
        "Back online. This page still shows what is kept on this tablet: load it again to see it as it is now. ",
        loadAgain(),
      );
    } else if (!back && notSaid.has(note)) {
      note.textContent = notSaid.get(note);
      notSaid.delete(note);
    }
  }
  if (main.querySelector("[data-shell-page]")) return;
  // Locked: its button stays, the only way back to the words typed before the lock (kept in
  // this page's memory until the PIN fills the page again; a load would lose them). A review.
  if (main.querySelector("[data-open-store]")) return;
  // A message in place of the page (not on this tablet, nothing kept).
  if (back && (!setAside || setAside.main !== main)) {
    setAside = { main, nodes: [...main.childNodes] };
    say(main, "Back online", "The connection is back. Load this page again to open it.");
    main.append(loadAgain());
  } else if (!back && setAside && setAside.main === main) {
    main.replaceChildren(...setAside.nodes);
    setAside = null;
  }
}

// Each fill takes a turn: one overtaken by a newer fill (a wipe heard while it waited on the
// store) writes nothing, so what the page says last is what the newest fill found.
let turn = 0;

/**
 * Fill the shell page in #main (the router calls this after every page it shows).
 * @param {() => Promise<unknown>} [beforeFilling] run once the store is open, before it is
 *   read: after a lock, the part's words not yet kept are kept first (flush)
 */
export async function fillPage(beforeFilling) {
  try {
    await fill(beforeFilling);
  } finally {
    showSignal(); // a page filled again (after the PIN) comes with the shell's own note
  }
}

async function fill(beforeFilling) {
  const main = document.getElementById("main");
  const page = main && main.querySelector("[data-shell-page]");
  if (page && !page.hasAttribute("data-filled") && !page.hasAttribute("aria-busy")) {
    blank = { path: window.location.pathname, main: main.cloneNode(true) };
  }
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
    if (await anotherWorkersStore()) {
      if (overtaken()) return;
      // Not theirs to open: no button that would ask for a PIN (pin-dialog.js says why).
      return say(
        main,
        "No connection",
        "What is kept on this tablet is another worker's, locked with their PIN. It stays " +
          "here, locked, until that worker signs in on this tablet.",
      );
    }
    if (overtaken()) return;
    return sayLocked(main, beforeFilling);
  }
  if (beforeFilling) await beforeFilling();
  if (overtaken()) return;
  const held = await kept();
  // Left meanwhile (Back or a link tapped quickly: the router is filling the page shown now,
  // whose path is the one in the address bar, not this one's), or wiped.
  if (overtaken()) return;
  const kind = page.getAttribute("data-shell-page");
  try {
    await fillKind(kind, page, main, held);
    if (beforeFilling) putBackTyped(main);
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
  // Copies too old to keep were taken off since the list was last kept online (by this page's
  // reading or an earlier page's): said in the server's words (the template), which hold its
  // rule.
  const forgotten = page.querySelector("[data-shell-forgotten]");
  if (forgotten && held.forgotten) forgotten.hidden = false;
  const count = page.querySelector("[data-fill=count]");
  count.textContent = sorted.length
    ? `${sorted.length} ${sorted.length === 1 ? "child" : "children"} kept on this tablet, ${overdue} overdue.`
    : "Nothing is kept on this tablet yet. Open the Returns page while online to keep your list here.";
}
