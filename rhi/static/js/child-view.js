// The child's view of an interview page: one tap turns the tablet towards the child. The page
// gets the class "child-view" on <html>, and the stylesheet hides everything the server marked
// data-worker-only and shows what it marked data-child-only: which content is the child's is
// decided in the templates and the field catalogue, never here. Kept for the browser, every tab
// of it (localStorage): a reload stays turned towards the child, and so does any other tab, new
// or already open (a probe: a new tab showed the worker's pages and the Returns list, as the
// mode was kept per tab). Only the mode, the way back and rhi's own words in the child's
// language are kept: never anything the child or the worker wrote.
//
// Back to the worker's view only with the tablet's PIN (the sealed store's own check), or,
// online on a tablet with no PIN, the worker's password (checked, throttled and recorded by the
// server: rhi/interviews/views.py child_view_unlock).
//
// Nor can the child leave the page and find the worker's view elsewhere: while the child's view
// is on, Back and Forward (an entry of the page's own is pushed, and pushed again at each
// popstate) and any link leading off the page (caught before the router or htmx see it) ask for
// the PIN or password instead of moving. Should another page open all the same (a reload, a
// Back the browser skipped past our entry, a form's answer), it shows the child nothing of it:
// see awayFromTheInterview.
//
// The feelings scale: a tap on a face chooses in the field's own list and stamps when in the
// field after it, then tells both they changed, so they are saved the way every field is
// (autosave.js online, shell-interview.js on the tablet): one saving path.

import { childViewOn } from "./child-view-on.js";
import { csrfToken } from "./csrf.js";
import { askPin } from "./pin-dialog.js";
import { isSignedOut, session } from "./session.js";
import { localNow } from "./shell-fill.js";
import * as store from "./store.js";

const MODE = "rhi:child-view"; // "1" while the tablet is turned towards the child
const QUESTION = "rhi:child-view-question"; // the id of the text last shown large
const UNLOCK = "rhi:child-view-unlock"; // where the password is checked (the interview's own)
const WORDS = "rhi:child-view-words"; // the way back in the child's language, for other pages
const GUARD = "rhiChildView"; // marks the history entry pushed while the child's view is on
const PIN_HINT = "Enter your tablet PIN to go back to the worker's view.";
const NEEDS = "Going back needs the tablet's PIN or a connection.";
const SIGNED_OUT = "You were signed out after a while with nothing sent.";

const remembered = (key) => {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
};
const remember = (key, value) => {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // Storage refused (a private window): the mode lasts until the page is left.
  }
};

// A page with a child's view: an interview page with the way back (not the review).
const offersChildView = () =>
  Boolean(document.querySelector("[data-interview-page] [data-child-view-off]"));

// The English the page shows under a question in the child's language: the server's own
// ("English: ...", _child_words.html `words`, the element just after the child's words), as
// nodes to put beside a copy of the question. None when the question is in English already.
function englishOf(source) {
  const english = source?.nextElementSibling;
  if (!english?.matches(".english-words")) return null;
  return [...english.cloneNode(true).childNodes];
}

// Puts the English of `source` into `place` (marked lang="en" dir="ltr" by the server or
// below), or hides `place` if there is none.
function putEnglish(place, source) {
  const english = englishOf(source);
  place.replaceChildren(...(english || []));
  place.hidden = !english;
}

// The question being asked: the child's words the worker last showed large, copied as text in
// their language and direction, with the English under it (_child_view.html `question`). The
// box is the question's, in its language and direction (its bar on the side the words start);
// the English in it is marked as English by the server.
function showQuestion() {
  const target = document.querySelector("[data-child-question]");
  if (!target) return;
  const id = remembered(QUESTION);
  const source = id ? document.getElementById(id) : null;
  const theirs = target.querySelector("[data-child-question-theirs]");
  const english = target.querySelector("[data-child-question-english]");
  const lang = source?.getAttribute("lang") || "en";
  const dir = source?.getAttribute("dir") || "auto";
  for (const el of [target, theirs]) {
    el?.setAttribute("lang", lang);
    el?.setAttribute("dir", dir);
  }
  if (theirs) theirs.textContent = source ? source.textContent.trim() : "";
  if (english) putEnglish(english, source);
  target.hidden = !source;
}

// "Show large" (app.js fills the dialog with the child's words; read-aloud.js gives them their
// language): the English under them too, as on the worker's page, so the worker beside the
// child sees which question is up. Run once the page's own handlers have (this listens on the
// window, which a click reaches after the document), and made again for each question.
window.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target : null;
  const large = target?.closest("[data-show-large]");
  const dialog = document.getElementById("prompt-dialog");
  const shown = dialog?.querySelector(".prompt-dialog-text");
  if (!large || !shown) return;
  let english = dialog.querySelector("[data-prompt-english]");
  if (!english) {
    english = document.createElement("p");
    english.className = "english-words prompt-dialog-english";
    english.lang = "en";
    english.dir = "ltr";
    english.setAttribute("data-prompt-english", "");
    shown.after(english);
  }
  putEnglish(english, document.getElementById(large.getAttribute("data-show-large")));
});

// Each face shows whether it is the one chosen (the list holds the value, filled by the server
// or, on a shell page, from the tablet).
function showFeelings() {
  for (const scale of document.querySelectorAll("[data-feelings]")) {
    const list = document.getElementById(scale.getAttribute("data-feelings"));
    if (!list || !("value" in list)) continue; // finished: the server's marks stand
    const value = list.value;
    for (const face of scale.querySelectorAll("[data-feeling]")) {
      face.setAttribute("aria-pressed", String(face.getAttribute("data-feeling") === value));
    }
  }
}

// The history entry the child's view stands on: Back from it reaches the page's own entry (a
// popstate in this page, caught below) rather than another page.
let guardedUrl = window.location.href;
let pushedHere = false; // this page pushed the entry it is on (so Back from it stays in it)
function guardHistory() {
  guardedUrl = window.location.href;
  if (window.history.state?.[GUARD]) return; // a reload: the entry is there already
  window.history.pushState({ [GUARD]: true }, "", guardedUrl);
  pushedHere = true;
}

// A box is described only by what shows: in the child's view the worker's hint under the
// child's own box is hidden, but aria-describedby would still have it read out to the child.
// Only the ids hidden then are taken out, and remembered (data-described-hidden); the worker's
// view puts those back beside whatever the box is described by by then (a save's error, the
// writing check's panel), never an old copy of the list.
function describeByWhatShows(on) {
  const ids = (value) => (value || "").split(/\s+/).filter(Boolean);
  for (const el of document.querySelectorAll("[aria-describedby], [data-described-hidden]")) {
    const now = ids(el.getAttribute("aria-describedby"));
    let keep;
    if (on) {
      const hidden = now.filter((id) => !document.getElementById(id)?.getClientRects().length);
      keep = now.filter((id) => !hidden.includes(id));
      if (hidden.length) el.setAttribute("data-described-hidden", hidden.join(" "));
    } else {
      const back = ids(el.getAttribute("data-described-hidden"));
      keep = [...back.filter((id) => !now.includes(id)), ...now];
      el.removeAttribute("data-described-hidden");
    }
    if (keep.length) el.setAttribute("aria-describedby", keep.join(" "));
    else el.removeAttribute("aria-describedby");
  }
}

// What autosave.js says aloud of the saves (its live region, #save-announcer) is the worker's,
// in English ("Not saved: you have been signed out…"): in the child's view the region is hidden,
// so nothing put in it is read out to the child. Made now if the page has none yet, as
// autosave.js makes it, so a save failing meanwhile finds this one rather than making one heard.
function quietTheWorkersAnnouncer(on) {
  let region = document.getElementById("save-announcer");
  if (!region && on) {
    region = document.createElement("div");
    region.id = "save-announcer";
    region.className = "visually-hidden";
    region.setAttribute("role", "status");
    document.body.append(region);
  }
  if (region) region.hidden = on;
}

function setMode(on) {
  document.documentElement.classList.toggle("child-view", on);
  remember(MODE, on ? "1" : null);
  describeByWhatShows(on);
  quietTheWorkersAnnouncer(on);
  if (on) {
    const form = document.querySelector("#child-view-dialog form");
    if (form) remember(UNLOCK, form.action);
    keepTheirWords();
    guardHistory();
  } else {
    remember(WORDS, null);
  }
  showQuestion();
  showFeelings();
  window.scrollTo(0, 0);
  const focus = on
    ? document.getElementById("child-view-panel")
    : document.querySelector("[data-child-view-on]");
  if (focus) focus.focus();
}

// When the child chose: stamped in the field after the list, which saves itself as any field.
function stamp(scale) {
  const at = document.getElementById(scale.getAttribute("data-feelings-at"));
  if (at && !at.disabled) {
    at.value = localNow();
    at.dispatchEvent(new Event("change", { bubbles: true }));
  }
}

let choosing = false;
function choose(face) {
  const scale = face.closest("[data-feelings]");
  const list = document.getElementById(scale.getAttribute("data-feelings"));
  if (!list || list.disabled) return;
  list.value = face.getAttribute("data-feeling");
  stamp(scale);
  choosing = true; // stamped already: not again by the list's own listener below
  try {
    list.dispatchEvent(new Event("change", { bubbles: true }));
  } finally {
    choosing = false;
  }
  showFeelings();
}

// The worker's own list, for a child who says how they feel rather than tapping a face: a
// choice made there is stamped as a tap is (a choice of nothing is not a time of choosing).
document.addEventListener("change", (event) => {
  const list = event.target;
  if (choosing || !(list instanceof HTMLSelectElement) || !list.id || !list.value) return;
  // Words kept on the tablet, taken in a clash (choices.js): chosen then, with its own time.
  if (list.hasAttribute("data-restoring")) return;
  const scale = document.querySelector(`[data-feelings="${CSS.escape(list.id)}"]`);
  if (scale) stamp(scale);
});

const toSignIn = (url) => {
  try {
    return new URL(url).pathname === "/sign-in";
  } catch {
    return false;
  }
};

// An answer from a session that has ended: sent on to the sign-in page, or refused before the
// password was looked at (a 400: the CSRF token went with the session). A 400 asks the server
// whether the worker is still signed in, as autosave.js does.
async function endedSession(response) {
  if (response.status === 401 || (response.redirected && toSignIn(response.url))) return true;
  if (response.status !== 400) return false;
  try {
    await session();
    return false;
  } catch (error) {
    return isSignedOut(error);
  }
}

// Does the server hold what the field shows? Each save's answer puts the value the server now
// holds beside the field (its "o:" input, _fields.html meta), so a save refused (signed out)
// leaves the two different, and one that went through leaves them the same.
function heldByServer(field) {
  const held = document.querySelector(`[name="${CSS.escape(field.name.replace(/^f:/, "o:"))}"]`);
  if (field.type === "radio" && !field.checked) return true; // the chosen radio speaks
  const shown = field.type === "checkbox" ? (field.checked ? "1" : "0") : field.value;
  return (held ? held.value : "") === shown;
}

// What the worker is told once the session has ended: what to do, and what of the child's was
// saved or not (a face chosen, words typed: what the server does not hold).
function signedOutWords() {
  const lost = [...document.querySelectorAll("[data-autosave][name^='f:']")].filter(
    (field) => !heldByServer(field),
  );
  const what = `${SIGNED_OUT} Reload the page and sign in again`;
  if (!lost.length) return `${what}: what the child chose before was saved.`;
  // A face's list and the time stamped beside it (a text field too) are the face.
  const isFace = (field) =>
    Boolean(
      document.querySelector(
        `[data-feelings="${CSS.escape(field.id)}"], [data-feelings-at="${CSS.escape(field.id)}"]`,
      ),
    );
  const face = lost.some(isFace);
  const words = lost.some(
    (field) => !isFace(field) && (field.tagName === "TEXTAREA" || field.type === "text"),
  );
  const told = [];
  if (face) told.push("The face chosen last was not saved: ask about it again.");
  if (words) told.push("The words typed last were not saved: copy them from the box first.");
  if (!told.length) told.push("The last change was not saved.");
  return `${what}. ${told.join(" ")} Everything before that was saved.`;
}

// Online on a tablet with no PIN: the worker's password, checked by the server.
function askPassword() {
  const dialog = document.getElementById("child-view-dialog");
  if (!dialog) return Promise.resolve(false);
  const form = dialog.querySelector("form");
  const input = form.querySelector("input[type=password]");
  const error = form.querySelector("[data-error]");
  // What is said under the field is tied to it, as every other error in rhi is
  // (macros/forms.html), so it is read with the field when the focus goes back there. The field
  // is marked invalid only when the password itself was not right, until the worker types again.
  const say = (message, { wrongPassword = false } = {}) => {
    error.textContent = message;
    input.setAttribute("aria-describedby", error.id);
    if (wrongPassword) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  };
  const clearMessage = () => {
    error.textContent = "";
    input.removeAttribute("aria-describedby");
    input.removeAttribute("aria-invalid");
  };
  const typing = () => input.removeAttribute("aria-invalid");
  clearMessage();
  input.value = "";
  // Signed out: the way to sign in again, under what was said (made here: the dialog is the
  // server's, the same on every page).
  let signIn = null;
  const offerSignIn = () => {
    if (signIn) return signIn.focus();
    signIn = document.createElement("button");
    signIn.type = "button";
    signIn.className = "button";
    signIn.textContent = "Sign in again";
    // The page again by its address, never a form sent again: it leads to signing in.
    signIn.addEventListener("click", () =>
      window.location.assign(window.location.pathname + window.location.search),
    );
    error.after(signIn);
    signIn.focus();
  };
  return new Promise((resolve) => {
    const done = (value) => {
      form.removeEventListener("submit", submit);
      dialog.removeEventListener("close", cancel);
      input.removeEventListener("input", typing);
      if (signIn) signIn.remove();
      clearMessage();
      input.value = "";
      if (dialog.open) dialog.close();
      resolve(value);
    };
    // Closed by the worker (Escape). A "close" is fired a moment after the dialog closes: one
    // left from the last time it was asked must not close it now that it is open again.
    const cancel = () => !dialog.open && done(false);
    const submit = async (event) => {
      event.preventDefault();
      if (event.submitter && event.submitter.value === "cancel") return done(false);
      const password = input.value;
      input.value = "";
      try {
        const response = await fetch(form.action, {
          method: "POST",
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken() },
          body: new URLSearchParams({ password }),
        });
        if (response.status === 204) return done(true);
        if (await endedSession(response)) {
          // Not the password: the session has gone, and no password typed here can help.
          // Signing in again is the check now, so the page it leads back to is the worker's.
          remember(MODE, null);
          say(signedOutWords());
          return offerSignIn();
        }
        const said = await response.json().catch(() => null);
        // 422: the password was not right (429 is a pause, whatever was typed).
        say((said && said.message) || "That did not work. Try again.", {
          wrongPassword: response.status === 422,
        });
      } catch {
        say(NEEDS);
      }
      input.focus();
    };
    form.addEventListener("submit", submit);
    dialog.addEventListener("close", cancel);
    input.addEventListener("input", typing);
    dialog.showModal();
    input.focus();
  });
}

async function workerIsBack() {
  const state = await store.state().catch(() => "empty");
  if (state !== "empty" && document.getElementById("pin-dialog")) {
    // In the child's view wrong PINs never wipe: they make the next try wait (pin-dialog.js).
    return (await askPin("unlock", PIN_HINT)) === true;
  }
  if (!navigator.onLine) {
    window.alert(NEEDS);
    return false;
  }
  return askPassword();
}

// Another page opened while the child's view is on (after a reload, a Back the browser took past
// our entry, a form's answer, a page with no child's view such as the review). Its content was
// never sorted into the worker's and the child's, so none of it can be shown: the page is hidden
// whole, and only "Give the tablet back to your worker" shows, with the same way back (the PIN,
// or the password checked for the interview the child's view began on). Nothing is fetched and
// nothing is guessed about the page, so it holds offline and on any page of rhi's.
// The words the server gave for the way back in the child's language (_child_words.html
// away_words; on a shell page, the child's own once shell-fill.js has kept them), as plain text.
function keepTheirWords() {
  const words = document.querySelector("[data-away-words]");
  if (!words) return remember(WORDS, null);
  const { lang, dir, back, stop, forWorker } = words.dataset;
  remember(WORDS, JSON.stringify({ lang, dir, back, stop, forWorker }));
}

function inTheirWords(text, words, tag) {
  const el = document.createElement(tag);
  el.className = tag === "p" ? "child-line" : "label-theirs";
  el.lang = words.lang;
  el.dir = words.dir;
  el.textContent = text;
  return el;
}

// The panel says the way back in the child's language too, as the interview's pages did.
function sayItInTheirWords(panel) {
  let words;
  try {
    words = JSON.parse(remembered(WORDS) || "null");
  } catch {
    return; // not ours: the English alone
  }
  if (!words?.back || !words?.stop || !words?.lang) return;
  const title = panel.querySelector("h1");
  const button = panel.querySelector("[data-child-view-off]");
  const forWorker = panel.querySelector("[data-away-for-worker]");
  const said = panel.querySelector("[data-away-stop]");
  if (title) title.append(" ", inTheirWords(words.back, words, "span"));
  if (button) button.append(" ", inTheirWords(words.back, words, "span"));
  // Words kept before a page said this too have none for it: the English stays alone.
  if (forWorker && words.forWorker)
    forWorker.append(" ", inTheirWords(words.forWorker, words, "span"));
  if (said) said.after(inTheirWords(words.stop, words, "p"));
}

let hiddenForTheChild = [];
function awayFromTheInterview() {
  document.documentElement.classList.add("child-view");
  const template = document.getElementById("child-view-away-template");
  if (!document.getElementById("child-view-away") && template) {
    hiddenForTheChild = [...document.body.children].filter(
      (el) => el.tagName !== "DIALOG" && el.tagName !== "TEMPLATE" && !el.hidden,
    );
    quietTheWorkersAnnouncer(true);
    for (const el of hiddenForTheChild) el.hidden = true; // app.css: [hidden] wins over all
    // The panel and the password dialog come from the server (_child_view.html `away`).
    const parts = template.content.cloneNode(true);
    const panel = parts.getElementById("child-view-away");
    sayItInTheirWords(panel);
    document.body.prepend(panel);
    if (!document.getElementById("child-view-dialog") && remembered(UNLOCK)) {
      const dialog = parts.getElementById("child-view-dialog");
      dialog.querySelector("form").action = remembered(UNLOCK);
      document.body.append(dialog);
    }
    panel.focus();
  }
  guardHistory();
}

// The worker is back: the entry pushed for the child's view is left first (Back then goes where
// it did before the child's view), then the page is theirs again. Only once Back has landed: a
// traversal is asynchronous, and on a busy tablet it can take over a second. The worker's view
// shown before it landed let them tap another part, whose entry the router pushed first; Back
// then landed after it and the router showed this part again (router.js restore), so the tap
// seemed to do nothing (a CI flake). The fallback is only for a Back that never lands.
const DROP_WAIT_MS = 10000;
let dropping = false;
async function workerView() {
  if (pushedHere && window.history.state?.[GUARD]) {
    dropping = true;
    await new Promise((resolve) => {
      let timer = null;
      const done = () => {
        window.removeEventListener("popstate", done);
        window.clearTimeout(timer);
        resolve();
      };
      window.addEventListener("popstate", done);
      timer = window.setTimeout(done, DROP_WAIT_MS);
      window.history.back();
    });
    dropping = false;
    pushedHere = false;
  }
  const panel = document.getElementById("child-view-away");
  if (panel) {
    panel.remove();
    for (const el of hiddenForTheChild) el.hidden = false;
    hiddenForTheChild = [];
  }
  setMode(false);
}

// One question at a time, however many times Back is pressed meanwhile.
let asking = null;
function askToLeave() {
  if (!asking) {
    asking = workerIsBack()
      .then((back) => back && workerView())
      .finally(() => {
        asking = null;
      });
  }
  return asking;
}

// Back or Forward in the child's view: stay on this entry and ask. Caught first (capture), and
// kept from the router and htmx, which would otherwise show the entry's page.
window.addEventListener(
  "popstate",
  (event) => {
    if (dropping || !childViewOn()) return;
    event.stopImmediatePropagation();
    window.history.pushState({ [GUARD]: true }, "", guardedUrl);
    pushedHere = true;
    askToLeave();
  },
  true,
);

// A link off the page (a plain tap, a new tab, the router's or htmx's): not in the child's view.
// Only a link within the page (the skip link) still works.
function guardLink(event) {
  if (!childViewOn()) return;
  const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
  if (!link) return;
  const url = new URL(link.href, window.location.href);
  const here = new URL(window.location.href);
  if (
    url.hash &&
    url.origin === here.origin &&
    url.pathname + url.search === here.pathname + here.search
  ) {
    return;
  }
  event.preventDefault();
  event.stopImmediatePropagation();
  askToLeave();
}
window.addEventListener("click", guardLink, true);
window.addEventListener("auxclick", guardLink, true);

document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target : null;
  if (!target) return;
  const large = target.closest("[data-show-large]");
  if (large) remember(QUESTION, large.getAttribute("data-show-large"));
  const face = target.closest("[data-feeling]");
  if (face) return choose(face);
  if (target.closest("[data-child-view-on]")) return setMode(true);
  if (target.closest("[data-child-view-off]")) askToLeave();
});

// A shell page filled from the tablet (shell-interview.js), or a page the router swapped in.
document.addEventListener("htmx:load", () => {
  showFeelings();
  showQuestion();
});

// This page is the interview the child's view was turned on for (its own way back): another
// child's interview, opened in another tab, shows the child nothing of that child either.
// (A page with no password form, a tablet's kept page, is taken at its word: the PIN guards it.)
function isTheirInterview() {
  const form = document.querySelector("#child-view-dialog form");
  const kept = remembered(UNLOCK);
  return !form || !kept || form.action === kept;
}

// The child's view, kept for the browser, on whatever page opens: a page shown from the
// browser's back-forward cache runs no script again, so it is asked again when shown.
function resume() {
  if (remembered(MODE) !== "1") return;
  if (!offersChildView() || !isTheirInterview()) return awayFromTheInterview();
  setMode(true);
  // What the page came back to say to the child ("Your answer is saved." on the read-back)
  // is read first, not the panel at the top.
  const said = document.querySelector("[data-child-only][data-focus-on-load]");
  if (said) said.focus();
}
window.addEventListener("pageshow", (event) => event.persisted && resume());
// Another tab turned the tablet towards the child: this one, already open, follows at once;
// and when the worker came back there, here too (they gave the PIN or password in that tab).
window.addEventListener("storage", (event) => {
  if (event.key !== MODE) return;
  if (event.newValue === "1" && !childViewOn()) resume();
  else if (event.newValue === null && childViewOn()) workerView();
});
resume();
showFeelings();
