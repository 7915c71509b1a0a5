// The child's view of an interview page: one tap turns the tablet towards the child. The page
// gets the class "child-view" on <html>, and the stylesheet hides everything the server marked
// data-worker-only and shows what it marked data-child-only: which content is the child's is
// decided in the templates and the field catalogue, never here. Kept for this tab
// (sessionStorage) so a reload stays turned towards the child.
//
// Back to the worker's view only with the tablet's PIN (the sealed store's own check), or,
// online on a tablet with no PIN, the worker's password (checked, throttled and recorded by the
// server: rhi/interviews/views.py child_view_unlock).
//
// The feelings scale: a tap on a face chooses in the field's own list and stamps when in the
// field after it, then tells both they changed, so they are saved the way every field is
// (autosave.js online, shell-interview.js on the tablet): one saving path.

import { csrfToken } from "./csrf.js";
import { askPin } from "./pin-dialog.js";
import { localNow } from "./shell-fill.js";
import * as store from "./store.js";

const MODE = "rhi:child-view"; // "1" while the tablet is turned towards the child
const QUESTION = "rhi:child-view-question"; // the id of the text last shown large
const PIN_HINT = "Enter your tablet PIN to go back to the worker's view.";
const NEEDS = "Going back needs the tablet's PIN or a connection.";

const remembered = (key) => {
  try {
    return window.sessionStorage.getItem(key);
  } catch {
    return null;
  }
};
const remember = (key, value) => {
  try {
    if (value === null) window.sessionStorage.removeItem(key);
    else window.sessionStorage.setItem(key, value);
  } catch {
    // Storage refused (a private window): the mode lasts until the page is left.
  }
};

const onInterview = () => Boolean(document.querySelector("[data-interview-page]"));

// The question being asked: the child's words the worker last showed large, copied as text.
function showQuestion() {
  const target = document.querySelector("[data-child-question]");
  if (!target) return;
  const id = remembered(QUESTION);
  const source = id ? document.getElementById(id) : null;
  target.textContent = source ? source.textContent.trim() : "";
  if (source) {
    target.setAttribute("lang", source.getAttribute("lang") || "en");
    target.setAttribute("dir", source.getAttribute("dir") || "auto");
  }
  target.hidden = !source;
}

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

function setMode(on) {
  document.documentElement.classList.toggle("child-view", on);
  remember(MODE, on ? "1" : null);
  showQuestion();
  showFeelings();
  window.scrollTo(0, 0);
  const focus = on
    ? document.getElementById("child-view-panel")
    : document.querySelector("[data-child-view-on]");
  if (focus) focus.focus();
}

function choose(face) {
  const scale = face.closest("[data-feelings]");
  const list = document.getElementById(scale.getAttribute("data-feelings"));
  const at = document.getElementById(scale.getAttribute("data-feelings-at"));
  if (!list || list.disabled) return;
  list.value = face.getAttribute("data-feeling");
  if (at && !at.disabled) {
    at.value = localNow();
    at.dispatchEvent(new Event("change", { bubbles: true }));
  }
  list.dispatchEvent(new Event("change", { bubbles: true }));
  showFeelings();
}

// Online on a tablet with no PIN: the worker's password, checked by the server.
function askPassword() {
  const dialog = document.getElementById("child-view-dialog");
  if (!dialog) return Promise.resolve(false);
  const form = dialog.querySelector("form");
  const input = form.querySelector("input[type=password]");
  const error = form.querySelector("[data-error]");
  error.textContent = "";
  input.value = "";
  return new Promise((resolve) => {
    const done = (value) => {
      form.removeEventListener("submit", submit);
      dialog.removeEventListener("close", cancel);
      input.value = "";
      if (dialog.open) dialog.close();
      resolve(value);
    };
    const cancel = () => done(false);
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
        const said = await response.json().catch(() => null);
        error.textContent = (said && said.message) || "That did not work. Try again.";
      } catch {
        error.textContent = NEEDS;
      }
      input.focus();
    };
    form.addEventListener("submit", submit);
    dialog.addEventListener("close", cancel);
    dialog.showModal();
    input.focus();
  });
}

async function workerIsBack() {
  const state = await store.state().catch(() => "empty");
  if (state !== "empty" && document.getElementById("pin-dialog")) {
    return (await askPin("unlock", PIN_HINT)) === true;
  }
  if (!navigator.onLine) {
    window.alert(NEEDS);
    return false;
  }
  return askPassword();
}

document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target : null;
  if (!target) return;
  const large = target.closest("[data-show-large]");
  if (large) remember(QUESTION, large.getAttribute("data-show-large"));
  const face = target.closest("[data-feeling]");
  if (face) return choose(face);
  if (target.closest("[data-child-view-on]")) return setMode(true);
  if (target.closest("[data-child-view-off]")) {
    workerIsBack().then((back) => back && setMode(false));
  }
});

// A shell page filled from the tablet (shell-interview.js), or a page the router swapped in.
document.addEventListener("htmx:load", () => {
  showFeelings();
  showQuestion();
});

if (remembered(MODE) === "1" && onInterview()) setMode(true);
showFeelings();
