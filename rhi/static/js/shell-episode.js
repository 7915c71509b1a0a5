// The episode page as a shell page, with no signal: the child's return, its contact attempts,
// the offer and the child's answer, each kept in the interview's draft (drafts.js) as an event
// the upload sends; and starting (or carrying on with) the interview.

import { changeDraft, draftOf, forEpisode, kept } from "./drafts.js";
import { go } from "./router.js";
import {
  PLACEHOLDER_UUID,
  blanks,
  childValues,
  clone,
  fillBlanks,
  localNow,
  stateAfter,
  statusLabel,
} from "./shell-fill.js";

const EVENT_KINDS = { attempts: "attempt", offer: "offer", accept: "accept", decline: "decline" };
const EVENT_WORDS = {
  attempt: "Contact attempt",
  offer: "Offer",
  accept: "The child said yes",
  decline: "The child said no",
};

/** Fill the episode page in `main` from `record` (a copy, a return or a draft). */
export function fillEpisode(main, record, episodeId, rules) {
  fillBlanks(main, childValues(record, rules), {
    episode: episodeId,
    uuid: record.uuid || PLACEHOLDER_UUID,
  });
  for (const input of main.querySelectorAll("input[type=datetime-local]")) {
    input.value = localNow().replace(" ", "T");
  }
  listEvents(main, record);
  const started = record.status === "in_progress" || (record.content && record.uuid);
  const startForm = main.querySelector('form[action$="/interview"]');
  if (startForm && started)
    startForm.querySelector("button").textContent = "Continue the interview";
  main.addEventListener("submit", async (event) => {
    const form = event.target;
    event.preventDefault();
    const action = form.getAttribute("action") || "";
    const held = await kept();
    const found = draftOf(forEpisode(held, episodeId));
    if (action.endsWith("/interview")) return start(found, held.rules);
    const kind = EVENT_KINDS[action.split("/").pop()];
    const the = eventFrom(form, kind);
    if (!the) return;
    const act = kind === "attempt" ? `attempt:${the.outcome}` : kind;
    const draft = await changeDraft(found.uuid, found, (d) => {
      d.events.push(the);
      const next = stateAfter(held.rules, d, act);
      if (next) Object.assign(d, { status: next.status, offer_recorded: next.offer_recorded });
    });
    form.reset();
    for (const input of form.querySelectorAll("input[type=datetime-local]"))
      input.value = localNow().replace(" ", "T");
    form.closest("details").open = false;
    listEvents(main, draft);
    const status = main.querySelector("[data-fill=status]");
    if (status) status.textContent = statusLabel(held.rules, draft.status);
    flash(main, `${EVENT_WORDS[kind]}: kept on this tablet. It is sent when you are back online.`);
  });
}

function flash(main, text) {
  let note = main.querySelector("[data-shell-done]");
  if (!note) {
    note = document.createElement("p");
    note.className = "flash flash-success";
    note.setAttribute("role", "status");
    note.setAttribute("data-shell-done", "");
    main.querySelector("#interview-panel").prepend(note);
  }
  note.textContent = text;
}

// The form's values as an event for the upload, or null with the message beside the field.
function eventFrom(form, kind) {
  const data = new FormData(form);
  for (const old of form.querySelectorAll(".error-message[data-shell-error]")) old.remove();
  const problem = (name, text) => {
    const field = form.querySelector(`[name="${name}"]`);
    const message = document.createElement("p");
    message.className = "error-message";
    message.setAttribute("data-shell-error", "");
    message.textContent = text;
    field.insertAdjacentElement("beforebegin", message);
    field.focus();
    return null;
  };
  const whenName = {
    attempt: "attempted_at",
    offer: "offered_at",
    accept: "accepted_at",
    decline: "declined_at",
  }[kind];
  const at = String(data.get(whenName) || "")
    .replace("T", " ")
    .slice(0, 16);
  if (!/^\d{4}-\d\d-\d\d \d\d:\d\d$/.test(at)) return problem(whenName, "Enter the date and time.");
  if (at > localNow())
    return problem(whenName, "This can't be in the future. Check the date and time.");
  const the = { id: crypto.randomUUID(), kind, at };
  if (kind === "attempt")
    Object.assign(the, {
      method: data.get("method"),
      outcome: data.get("outcome"),
      note: String(data.get("note") || ""),
    });
  if (kind === "offer") the.method = data.get("method");
  if (kind === "decline") {
    const reason = String(data.get("reason") || "").trim();
    if (!reason) return problem("reason", "Write what the child said, even if it was short.");
    Object.assign(the, {
      reason,
      offer_again: data.get("offer_again") !== "no",
      carer_information: data.has("carer_information"),
    });
  }
  return the;
}

function listEvents(main, record) {
  const list = main.querySelector("[data-shell-events]");
  if (!list) return;
  list.replaceChildren();
  for (const e of record.events || []) {
    const li = document.createElement("li");
    li.textContent = `${EVENT_WORDS[e.kind]}, ${e.at.replace(/^(\d{4})-(\d\d)-(\d\d)/, "$3/$2/$1")}`;
    list.append(li);
  }
  if (!list.children.length) {
    const li = document.createElement("li");
    li.textContent = "Nothing yet.";
    list.append(li);
  }
}

// Starting, or carrying on with, the interview. Starting gives it a document now, with when
// it started; carrying on with one in progress changes nothing until the worker writes.
async function start(found, rules) {
  if (found.status !== "in_progress") {
    await changeDraft(found.uuid, found, (d) => {
      if (!d.content) {
        d.content = clone(d.base_content || blanks().content);
        if (!d.content.start.held_on) {
          d.content.start.held_on = localNow();
          d.changed_paths = [...(d.changed_paths || []), "start.held_on"];
        }
      }
      const next = stateAfter(rules, d, "start");
      if (next) Object.assign(d, { status: next.status, offer_recorded: next.offer_recorded });
    });
  }
  go(`/interviews/${found.uuid}/start`);
}
