// rhi's page behaviour, on every page: the entry module base.html loads for everyone. No inline
// scripts anywhere: the CSP forbids them. Modules import each other by plain relative URLs; the
// page's import map (rhi/pwa/views.py) pins each to this version's bytes.

import { setField } from "./autosave.js";
import { forgetOldCopies } from "./copies.js";
import { changedByHand } from "./keep-typed.js";
import { csrfToken } from "./csrf.js";
import { startReturnsUpdates } from "./returns-updates.js";
import { startUpdates } from "./updates.js";
import { startWritingCheck } from "./writing.js";
import { labelCells } from "./table-labels.js";

// Copies of children's returns too old to keep leave the tablet as any page of rhi opens, the
// sign-in page too: a tablet found with a signal, its worker's sessions ended, shows only that
// page, and its copies stayed for ever (rev39b). Needs no PIN and no session (copies.js).
// Worker's pages wait for this before keeping copies again (tablet.js).
export const oldCopiesTakenOff = forgetOldCopies().catch(() => 0);

// On a phone the banner's links are one row that scrolls sideways (app.css .header-tools): a
// link reached by Tab is brought wholly into view. The browser scrolls only one wholly out of
// view, and a link half in view kept its focus ring half off the screen (rev39c).
document.querySelector(".header-tools")?.addEventListener("focusin", (event) => {
  if (event.target instanceof Element)
    event.target.scrollIntoView({ block: "nearest", inline: "nearest" });
});

// Every htmx request carries the CSRF token, so htmx changes are protected exactly like
// ordinary form posts (which carry a hidden input instead).
document.addEventListener("htmx:configRequest", (event) => {
  const token = csrfToken();
  if (token) event.detail.headers["X-CSRFToken"] = token;
});

// An error summary's lines in the order the page shows their fields: the server lists them in
// its form's order, which is not always the page's (a probe: the summary read a later field
// first). Only the drawn page knows where each field is (fields drawn by several templates, a
// part swapped in among others), so each line follows the place of the field it links to.
function inPageOrder(summary) {
  const list = summary.querySelector("ul");
  if (!list) return;
  const lines = [...list.children].map((line) => {
    const link = line.querySelector('a[href^="#"]');
    const id = link ? decodeURIComponent(link.getAttribute("href").slice(1)) : "";
    return { line, field: id ? document.getElementById(id) : null };
  });
  const placed = lines.filter((l) => l.field);
  placed.sort((a, b) =>
    a.field === b.field
      ? 0
      : a.field.compareDocumentPosition(b.field) & Node.DOCUMENT_POSITION_FOLLOWING
        ? -1
        : 1,
  );
  // A line whose field is not on the page keeps its place after the others.
  for (const { line } of [...placed, ...lines.filter((l) => !l.field)]) list.append(line);
}

// After htmx swaps in a fragment with an error, move focus to what says so, so keyboard and
// screen-reader users start from the problem: a change refused because the record moved on
// (macros/forms.html not_saved) first, then the part's error summary (macros/forms.html
// part_errors, a line and a link for each field), else the first field in error.
document.addEventListener("htmx:afterSwap", (event) => {
  const refused = event.target.querySelector(".not-saved[data-focus-on-load]");
  const summary = event.target.querySelector(".error-summary[data-focus-on-load]");
  const invalid = event.target.querySelector('[aria-invalid="true"]');
  if (summary) inPageOrder(summary);
  if (refused) refused.focus();
  else if (summary) summary.focus();
  else if (invalid) invalid.focus();
});

// A form sent with htmx that the server refused whole (an error page: never swapped in, so the
// form keeps what was typed) or that never reached the server: said beside the form, in the
// error page's own words (rhi/errors.py), so a press that changed nothing is never silent.
// Autosaving fields say it their own way (autosave.js); a list's own refresh is not a change.
function sayNotSent(elt, words) {
  const form = elt.closest("form") || elt.parentElement;
  if (!form) return;
  let note = form.querySelector(":scope > .request-failed");
  if (!note) {
    note = document.createElement("p");
    note.className = "error-message request-failed";
    note.setAttribute("role", "alert");
    form.prepend(note);
  }
  note.textContent = `Not saved: ${words} What you typed is still here.`;
}

const isChange = (event) => {
  const config = event.detail.requestConfig;
  const elt = event.detail.elt;
  return Boolean(elt) && !elt.hasAttribute("data-autosave") && config && config.verb !== "get";
};

document.addEventListener("htmx:responseError", (event) => {
  if (!isChange(event)) return;
  const page = new DOMParser().parseFromString(event.detail.xhr.responseText || "", "text/html");
  const title = page.querySelector("main h1") || page.querySelector("h1");
  const hint = title ? title.nextElementSibling : null;
  const words = [title, hint]
    .filter(Boolean)
    .map((node) => node.textContent.trim().replace(/[.]?$/, "."))
    .join(" ");
  sayNotSent(event.detail.elt, words || "the server could not take this.");
});

for (const name of ["htmx:sendError", "htmx:timeout"]) {
  document.addEventListener(name, (event) => {
    if (isChange(event)) {
      sayNotSent(event.detail.elt, "it did not reach rhi (no connection?). Try again in a moment.");
    }
  });
}

document.addEventListener("htmx:afterRequest", (event) => {
  const elt = event.detail.elt;
  if (!event.detail.successful || !elt) return;
  const form = elt.closest("form");
  const note = form && form.querySelector(":scope > .request-failed");
  if (note) note.remove();
});

// A form whose answer replaced its own part of the page (the episode's interview panel, a
// summary's copies) took the focus with it, to the page itself, and its new "saved" message
// might not be read out. Focus lands on that message, so the next Tab carries on from there.
// (A field in error is focused instead, above; a box saving as it is typed keeps its focus.)
document.addEventListener("htmx:afterSettle", (event) => {
  const config = event.detail.requestConfig;
  if (!config || config.verb === "get" || !config.elt) return;
  if (document.contains(config.elt)) return; // not replaced: its focus is the user's own
  const active = document.activeElement;
  if (active && active !== document.body && document.contains(active)) return;
  const selector = config.elt.getAttribute("hx-target");
  const part = selector ? document.querySelector(selector) : null;
  if (!part || part.querySelector('[aria-invalid="true"]')) return;
  const said = part.querySelector('[role="status"], [role="alert"]');
  if (!said) return;
  said.setAttribute("tabindex", "-1");
  said.focus();
});

// A list that refreshes itself (data-keeps-focus: the Returns page, every minute) waits while
// someone is working in it: swapping it under a keyboard or screen-reader user threw their
// focus back to the top of the page every minute. It refreshes at the next minute after they
// move on, and at most five minutes late (focus left on a card opened in another tab), with
// focus put back on the same card. (A download's "preparing" box is not such a list.) A list
// that has not changed is not put in at all (returns-updates.js): the focus stays where it is.
const MOST_PUT_OFF_MS = 5 * 60 * 1000;
document.addEventListener("htmx:beforeRequest", (event) => {
  const elt = event.detail.elt;
  if (!elt || !elt.hasAttribute("data-keeps-focus")) return;
  const active = document.activeElement;
  if (!active || active === document.body || !elt.contains(active)) {
    delete elt.dataset.putOffSince;
    return;
  }
  const since = Number(elt.dataset.putOffSince || Date.now());
  elt.dataset.putOffSince = String(since);
  if (Date.now() - since < MOST_PUT_OFF_MS) {
    event.preventDefault();
    return;
  }
  delete elt.dataset.putOffSince;
  if (active.id) elt.dataset.focusAgain = active.id;
});

document.addEventListener("htmx:afterSwap", (event) => {
  const elt = event.detail.elt;
  if (!elt || !elt.dataset || !elt.dataset.focusAgain) return;
  const again = document.getElementById(elt.dataset.focusAgain);
  delete elt.dataset.focusAgain;
  if (again) again.focus();
});

// Adding or removing a place, person or action swaps the whole list in, and focus fell to the
// page itself (the next Tab skipped the new entry). Put it on the new entry's first box, or
// after a removal on the list's "Add" button.
document.addEventListener("htmx:afterSwap", (event) => {
  const elt = event.detail.requestConfig && event.detail.requestConfig.elt;
  if (!elt || !(elt.hasAttribute("data-add-entry") || elt.hasAttribute("data-remove-entry"))) {
    return;
  }
  const list = document.querySelector(elt.getAttribute("hx-target"));
  if (!list || list.querySelector('[aria-invalid="true"]')) return;
  const entries = list.querySelectorAll("fieldset.item");
  const added = elt.hasAttribute("data-add-entry") && entries.length > 0;
  const next = added
    ? entries[entries.length - 1].querySelector("input:not([type=hidden]), textarea, select")
    : list.querySelector("[data-add-entry]");
  if (next) next.focus();
});

document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target : null;
  if (!target) return;
  // "Show large": a prompt shown big for the child to read.
  const show = target.closest("[data-show-large]");
  if (show) {
    const dialog = document.getElementById("prompt-dialog");
    const source = document.getElementById(show.getAttribute("data-show-large"));
    if (dialog && source) {
      dialog.querySelector(".prompt-dialog-text").textContent = source.textContent;
      dialog.showModal();
      // At the question's first word: the question has focus (autofocus in the page), and a
      // dialog opened before at another question's end starts at the top again.
      dialog.scrollTop = 0;
    }
    return;
  }
  // A conflict: take the other version into the field, then save it (the server already has
  // it, so the save finds it unchanged). The value, not the words shown: a choice's words are
  // its label, and a choice drawn as radio buttons is chosen by checking the one with it.
  const useTheirs = target.closest("[data-use-theirs]");
  if (useTheirs) {
    const input = setField(
      useTheirs.getAttribute("data-use-theirs"),
      useTheirs.getAttribute("data-value") || "",
    );
    if (input) {
      // htmx: the vendored classic script, loaded before any module (base.html).
      if (window.htmx) window.htmx.trigger(input, "change");
      input.focus();
    }
  }
});

// A tick box's further fields (data-shown-by="<its id>": a finding's note and "Not to be
// shared", interviews/page.html) show while it is ticked, from the moment it is ticked. They
// are drawn shown, so a page without JavaScript shows them all; unticking only hides them, so
// what was typed in them stays (and stays saved). A tick a script puts in with its change
// event ("Use the other version") is followed too; a shell page's fill from the tablet shows
// them itself (shell-interview.js fillFields).
function followTick(box) {
  for (const more of document.querySelectorAll(`[data-shown-by="${CSS.escape(box.id)}"]`)) {
    more.hidden = !box.checked;
  }
}
for (const more of document.querySelectorAll("[data-shown-by]")) {
  const box = document.getElementById(more.getAttribute("data-shown-by") || "");
  if (box instanceof HTMLInputElement) followTick(box);
}
document.addEventListener("change", (event) => {
  const box = event.target;
  if (box instanceof HTMLInputElement && box.type === "checkbox" && box.id) followTick(box);
});

// A page that came back with errors, or with a change not saved, says so at its top: focus
// starts there, so a keyboard or screen-reader user begins from what to fix (each line of an
// error summary links to its field).
for (const summary of document.querySelectorAll(".error-summary")) inPageOrder(summary);
const sentBack = document.querySelector(
  ".error-summary[data-focus-on-load], .not-saved[data-focus-on-load]",
);
if (sentBack) sentBack.focus();

// A choice that counts only once saved with its form's button (the child's answer at the
// read-back: never recorded as it is ticked). Chosen and not saved, the form says so, and
// leaving the page asks first; the words typed beside it save as they are typed.
function warnUnsavedChoice(form) {
  const chosen = () => form.querySelector("input[type=radio]:checked")?.value ?? "";
  const saved = chosen();
  const note = form.querySelector("[data-unsaved-note]");
  let sending = false;
  form.addEventListener("submit", () => {
    sending = true;
  });
  form.addEventListener("change", () => {
    if (note) note.hidden = chosen() === saved;
  });
  window.addEventListener("beforeunload", (event) => {
    if (sending || chosen() === saved) return;
    event.preventDefault();
    event.returnValue = "";
  });
}
for (const form of document.querySelectorAll("form[data-warn-unsaved]")) warnUnsavedChoice(form);

// A form that saves only with its button (the child's profile for police): leaving the page
// with words typed in it and not saved asks first. A probe: "Print the profile for police",
// pressed after typing, went to the PDF's page and the words were gone. Not when the form
// itself is being sent (without JavaScript it leaves the page to save), and a form htmx
// saved is drawn again with what it holds as its defaults.
let sentForm = null;
document.addEventListener("submit", (event) => {
  sentForm = event.target;
});
document.addEventListener("htmx:afterRequest", () => {
  sentForm = null;
});
const typedHere = (el) =>
  el instanceof HTMLInputElement && el.type === "file" ? el.files.length > 0 : changedByHand(el);
window.addEventListener("beforeunload", (event) => {
  for (const form of document.querySelectorAll("form[data-warn-unsaved-typing]")) {
    if (form === sentForm || ![...form.elements].some(typedHere)) continue;
    event.preventDefault();
    event.returnValue = "";
    return;
  }
});

labelCells(document);
// A part htmx swaps in (a list refreshed, a page of results) is labelled as it comes.
document.addEventListener("htmx:load", (event) => {
  if (event.target instanceof Element) labelCells(event.target);
});
startWritingCheck();
startUpdates();
startReturnsUpdates();
