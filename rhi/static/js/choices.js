// Choosing, when a change kept on the tablet met a different saved version (upload.js keeps it
// as conflict:<uuid>:<path>): the kept words are shown beside the field, with two choices.
// And letting go of a version the server kept, once the worker has chosen on the versions page.

import { isAutosave, putAfter, setField } from "./autosave.js";
import { unlockOnce } from "./pin-dialog.js";
import { parseId, versionsId } from "./records.js";
import * as store from "./store.js";

/** The interview the open page is a part of (its uuid), or null. */
export function openInterview() {
  const page = document.querySelector("[data-interview-page]");
  return page ? page.getAttribute("data-interview-page") : null;
}

/**
 * Show every kept change of the open interview that waits for a choice.
 * @param {() => unknown} chosen called after each choice (the bar says what is left)
 */
export async function showChoices(chosen) {
  if ((await store.state()) === "locked" && !(await unlockOnce())) return;
  const uuid = openInterview();
  const { records } = await store.all();
  for (const { id, record } of records) {
    const { kind, key } = parseId(id);
    if (kind !== "conflict" || key !== uuid) continue;
    if (document.getElementById(`choice-${id}`)) continue;
    const field = document.querySelector(`[name="${CSS.escape("f:" + record.path)}"]`);
    const addendum = document.querySelector('form[action$="/addenda"]');
    if (!field) {
      // Finished meanwhile: the words can still join the record, as a correction.
      if (addendum) offerAddendum(id, record, addendum, chosen);
      continue;
    }
    // Words can be kept both, as on the page's own clash box (interviews/_save_results.html):
    // what is saved, then the tablet's words, in the box to put together, saved as an edit of
    // what is saved. A tick or a choice cannot.
    const joinable =
      isAutosave(field) &&
      (field instanceof HTMLTextAreaElement ||
        (field instanceof HTMLInputElement && field.type === "text"));
    choicePanel(id, record, chosen, {
      words: wordsFor(field, record.value),
      title: "Words kept on this tablet, not saved:",
      note: [
        record.message,
        "What is saved now is in the box above.",
        joinable
          ? '"Keep both" puts the words kept on this tablet after it, for you to put together.'
          : "",
      ]
        .filter(Boolean)
        .join(" "),
      both: joinable
        ? async () => {
            putAfter(field, String(record.value));
            field.dispatchEvent(new Event("change", { bubbles: true }));
            field.focus();
          }
        : null,
      take: "Use the words kept on this tablet",
      takeIt: async () => {
        // The field however it is drawn (radio buttons too: setting the first radio's value
        // changed what that radio meant).
        const input = setField(record.path, String(record.value)) || field;
        if (input === field && !isAutosave(field)) field.value = record.value;
        // Saved as a fresh edit; marked as restored, so what reacts to a person choosing (a
        // feeling's time, child-view.js) leaves the tablet's own alone.
        input.setAttribute("data-restoring", "");
        try {
          input.dispatchEvent(new Event("change", { bubbles: true }));
        } finally {
          input.removeAttribute("data-restoring");
        }
      },
      leave: "Keep what is saved",
      place: (panel) => field.insertAdjacentElement("afterend", panel),
    });
  }
}

// Finished meanwhile: the words can still join the record, as a correction.
function offerAddendum(id, record, form, chosen) {
  choicePanel(id, record, chosen, {
    title: "Written on this tablet after the interview was finished, not yet in the record:",
    take: "Add these words as a correction",
    takeIt: async () => {
      form.querySelector("textarea").value =
        `Written on a tablet while offline (${record.path}): ${record.value}`;
      form.requestSubmit();
    },
    leave: "Discard them",
    place: (panel) => form.insertAdjacentElement("beforebegin", panel),
  });
}

// The kept words, set apart, with two choices: take them, or let them go. Either way the
// tablet's copy is removed only once the choice is made.
// What a kept choice says in the field's own words, as the server drew them (a list's option,
// a radio button's label), never its stored code: "Good", not "good".
function wordsFor(field, value) {
  const text = String(value);
  if (field instanceof HTMLSelectElement) {
    const option = Array.from(field.options).find((o) => o.value === text);
    return option ? option.textContent.trim() : text;
  }
  if (field instanceof HTMLInputElement && field.type === "radio") {
    const chosen = document.querySelector(
      `input[type=radio][name="${CSS.escape(field.name)}"][value="${CSS.escape(text)}"]`,
    );
    const label = chosen && chosen.labels && chosen.labels[0];
    return label ? label.textContent.trim() : text;
  }
  return text;
}

function choicePanel(
  id,
  record,
  chosen,
  { words: shown, title, note, take, takeIt, both = null, leave, place },
) {
  const panel = document.createElement("div");
  panel.className = "conflict kept-choice";
  panel.id = `choice-${id}`;
  const heading = document.createElement("p");
  const strong = document.createElement("strong");
  strong.textContent = title;
  heading.appendChild(strong);
  const words = document.createElement("div");
  words.className = "theirs prose";
  words.textContent = shown === undefined ? record.value : shown;
  const actions = document.createElement("div");
  actions.className = "conflict-actions";
  const button = (label, className, onClick) => {
    const b = document.createElement("button");
    b.type = "button";
    b.className = className;
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  };
  actions.append(
    button(take, "button", async () => {
      await store.remove(id);
      panel.remove();
      await takeIt();
      chosen();
    }),
    button(leave, "button button-secondary", async () => {
      await store.remove(id);
      panel.remove();
      chosen();
    }),
  );
  if (both)
    actions.insertBefore(
      button("Keep both", "button button-secondary", async () => {
        await store.remove(id);
        panel.remove();
        await both();
        chosen();
      }),
      actions.lastChild,
    );
  panel.append(heading, words);
  if (note) {
    const p = document.createElement("p");
    p.textContent = note;
    panel.append(p);
  }
  panel.append(actions);
  place(panel);
}

/**
 * After the worker chose between versions (rhi/sync/versions.py; the page says so with
 * data-versions-resolved), the tablet's copy of its version can go: the server has kept it.
 */
export async function forgetResolved() {
  const mark = document.querySelector("[data-versions-resolved]");
  if (!mark || (await store.state()) === "empty") return;
  await store.forget(versionsId(mark.getAttribute("data-versions-resolved")));
}
