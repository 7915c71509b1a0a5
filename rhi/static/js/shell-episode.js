// The episode page as a shell page, with no signal: the child's return, its contact attempts,
// the offer and the child's answer, each kept in the interview's draft (drafts.js) as an event
// the upload sends; and starting (or carrying on with) the interview.
//
// Starting follows the server's rule, handed over with the status table (the "start" act's
// `allowed`, from rhi/episodes/service.py may_start): where it says no, the start form asks for
// the offer and the child's answer first, in one step as online, and a "yes" is only ever what
// the worker chose. Starting is kept as a "start" event, where the server checks the rule again.

import { changeDraft, draftOf, forEpisode, kept } from "./drafts.js";
import { go } from "./router.js";
import {
  PLACEHOLDER_UUID,
  blanks,
  childValues,
  clone,
  fillBlanks,
  localNow,
  localStamp,
  stateAfter,
  statusLabel,
  whenSaid,
} from "./shell-fill.js";
import { countLater } from "./writing.js";

const EVENT_KINDS = { attempts: "attempt", offer: "offer", accept: "accept", decline: "decline" };
const EVENT_WORDS = {
  attempt: "Contact attempt",
  offer: "Offer",
  accept: "The child said yes",
  decline: "The child said no",
  start: "Interview begun",
};

// Whether the server's rule lets this interview start as the tablet holds it (false with no
// rules: then the worker records the offer and answer first, and the server checks).
function mayStart(rules, record) {
  const cell = stateAfter(rules, record, "start");
  return Boolean(cell && cell.allowed);
}

// An event kept in the draft, and the state it leads to, as the server will hold it.
function keep(draft, rules, event) {
  draft.events.push(event);
  const act = event.kind === "attempt" ? `attempt:${event.outcome}` : event.kind;
  const next = stateAfter(rules, draft, act);
  if (!next) return;
  Object.assign(draft, {
    status: next.status,
    offer_recorded: next.offer_recorded,
    // On record once an act puts it there (the server's table: an offer does), for good.
    offer_on_record: Boolean(draft.offer_on_record || next.offer_on_record),
  });
}

// The offer's lines (the offer, the child's answer, their words) as the server said them in the
// copy (rhi/sync/copies.py `_offer`), for the page's `offer_<name>` blanks; none for a return
// with no interview yet, or a copy kept before the server sent them: those lines stay hidden.
function offerValues(record) {
  const offer = (record.shown && record.shown.offer) || {};
  return Object.fromEntries(Object.entries(offer).map(([name, value]) => [`offer_${name}`, value]));
}

/** Fill the episode page in `main` from `record` (a copy, a return or a draft). */
export function fillEpisode(main, record, episodeId, rules) {
  const values = { ...childValues(record, rules), ...offerValues(record) };
  fillBlanks(main, values, {
    episode: episodeId,
    uuid: record.uuid || PLACEHOLDER_UUID,
  });
  // The page holds both wordings of a no ("kept open", "not to be repeated"): the child's stays.
  for (const node of main.querySelectorAll("[data-offer-again]")) {
    if (node.getAttribute("data-offer-again") !== values.offer_offer_again) node.remove();
  }
  for (const input of main.querySelectorAll("input[type=datetime-local]")) {
    input.value = localNow().replace(" ", "T");
  }
  listEvents(main, record);
  const startForm = main.querySelector('form[action$="/interview"]');
  // The offer-and-answer step, taken out while the rule lets the interview start (so nothing
  // hidden is filled in or read) and put back when it does not.
  const step = startForm && startForm.querySelector("[data-start-offer]");
  // With an offer on record, the step asks only for the child's answer, as online: its offer
  // fields, and "the offer and" of its legend, are taken out (a probe: the offer asked for
  // again was kept as a second offer).
  const offerParts = step ? [...step.querySelectorAll("[data-offer-part]")] : [];
  const places = offerParts.map((node) => [node, node.previousSibling, node.parentNode]);
  const showStep = (current) => {
    if (!startForm) return;
    const asks = !mayStart(rules, current);
    const button = startForm.querySelector("button");
    if (step && asks && !step.isConnected) button.before(step);
    if (step && !asks) step.remove();
    for (const [node, after, parent] of places) {
      if (current.offer_on_record) node.remove();
      else if (!node.isConnected)
        parent.insertBefore(node, after ? after.nextSibling : parent.firstChild);
    }
    // Begun: in progress, or begun here with no rules to say so (its draft keeps the "start"
    // event, `start` below). A copy of one accepted and not begun holds a document too, so a
    // document says nothing (a tablet probe: "Continue the interview" of one never begun).
    const begunHere = (current.events || []).some((event) => event.kind === "start");
    const started = current.status === "in_progress" || begunHere;
    button.textContent = started && !asks ? "Continue the interview" : "Start the interview now";
  };
  showStep(record);
  // The writing check reads the page's forms as online (writing.js attaches on htmx:load, as
  // shell-interview.js does after filling a part); sent to each form, not the whole page, so
  // nothing else listening for htmx:load acts on the page again.
  for (const form of main.querySelectorAll("form")) {
    form.dispatchEvent(new CustomEvent("htmx:load", { bubbles: true }));
  }
  // A tap on a wording suggestion in one of the page's forms (the decline reason, a contact
  // note): counted for the team, anonymously, as online (writing.js tell), once a page with a
  // signal can send it. The words themselves are in the form, kept with its event on submit.
  main.addEventListener("rhi:language", (event) => {
    const box = event.target;
    if (box.getAttribute("data-language-url") !== "/language/events") return; // not this page's
    countLater(event.detail.rule_id, event.detail.action);
  });
  main.addEventListener("submit", async (event) => {
    const form = event.target;
    event.preventDefault();
    const action = form.getAttribute("action") || "";
    const held = await kept();
    const now = forEpisode(held, episodeId);
    // Gone from the tablet while the page was open: moved to someone else as the bar sent
    // (upload.js), or too old to keep (copies.js, another tab). Nothing is written: a draft
    // made from what the page drew would put the child's record back on the tablet (rev39b).
    // What was typed stays in the form.
    if (!now) {
      return flash(
        main,
        "This return is no longer kept on this tablet, so this was not recorded. What you typed is still here: record it when you are back online.",
        "error",
      );
    }
    const found = draftOf(now);
    if (action.endsWith("/interview")) {
      if (mayStart(held.rules, found)) return start(found, held.rules);
      if (!step) {
        // A shell page kept from before this step existed: the forms below record the same.
        return flash(
          main,
          "Record the offer and the child's answer first, under \u201cRecord the offer\u201d and \u201cThe child said yes\u201d.",
        );
      }
      if (!form.contains(step)) return showStep(found); // the rule changed: ask now
      const answer = offerAndAnswer(form, found);
      if (!answer) return;
      if (answer.at(-1).kind === "accept") return start(found, held.rules, answer);
      // "No, not now": the offer and the child's answer are kept; nothing starts.
      const draft = await changeDraft(found.uuid, found, (d) => {
        for (const the of answer) keep(d, held.rules, the);
      });
      resetForm(form);
      return shown(main, held.rules, draft, "decline", showStep);
    }
    const kind = EVENT_KINDS[action.split("/").pop()];
    const the = eventFrom(form, kind, found);
    if (!the) return;
    const draft = await changeDraft(found.uuid, found, (d) => keep(d, held.rules, the));
    resetForm(form);
    form.closest("details").open = false;
    shown(main, held.rules, draft, kind, showStep);
  });
}

function resetForm(form) {
  form.reset();
  for (const input of form.querySelectorAll("input[type=datetime-local]"))
    input.value = localNow().replace(" ", "T");
}

// The page after an event was kept: the list, the status, the start step and a message.
function shown(main, rules, draft, kind, showStep) {
  listEvents(main, draft);
  const status = main.querySelector("[data-fill=status]");
  if (status) status.textContent = statusLabel(rules, draft.status, Boolean(draft.offer_recorded));
  showStep(draft);
  flash(main, `${EVENT_WORDS[kind]}: kept on this tablet. It is sent when you are back online.`);
}

function flash(main, text, kind = "success") {
  let note = main.querySelector("[data-shell-done]");
  if (!note) {
    note = document.createElement("p");
    note.setAttribute("role", "status");
    note.setAttribute("data-shell-done", "");
    main.querySelector("#interview-panel").prepend(note);
  }
  note.className = `flash flash-${kind}`;
  note.textContent = text;
}

// What the server says of a time before the child came back (rhi/episodes/service.py
// not_before_return, to the minute), or null: its words handed over on the page
// (data-before-return), with the return as the server wrote it in the copy. The record's
// `returned_at` is the first return its interview covers, as the server compares with. A shell
// page kept from before the words were handed over checks nothing here.
function beforeReturn(form, record, at) {
  const words = form.closest("[data-before-return]")?.getAttribute("data-before-return");
  if (!words || !record || !record.returned_at) return null;
  const returned = localStamp(new Date(record.returned_at));
  if (at >= returned) return null;
  const shown = (record.shown && record.shown.returned_at) || whenSaid(returned);
  return words.replace("{returned}", shown);
}

// The form's values as an event for the upload, or null with the message beside the field.
// `record` is what the tablet holds of this return (its time of return).
function eventFrom(form, kind, record) {
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
  // A list left at "Choose one": the server's own message for it, on the element.
  for (const list of form.querySelectorAll("select[data-required]")) {
    if (!list.value) return problem(list.name, list.getAttribute("data-required"));
  }
  const at = String(data.get(whenName) || "")
    .replace("T", " ")
    .slice(0, 16);
  if (!/^\d{4}-\d\d-\d\d \d\d:\d\d$/.test(at)) return problem(whenName, "Enter the date and time.");
  if (at > localNow())
    return problem(whenName, "This can't be in the future. Check the date and time.");
  // Kept, it would be sent as it is: the server takes a tablet's times as recorded.
  const early = beforeReturn(form, record, at);
  if (early) return problem(whenName, early);
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
      // As online: the carer's words, kept apart from the child's (the server drops them
      // when the box above is not ticked, as the page does).
      carer_said: String(data.get("carer_said") || ""),
    });
  }
  return the;
}

// The start form's one step as events: the offer, then the child's yes or no (at the time of
// the offer, as the page records them online), or null with the message beside the field.
function offerAndAnswer(form, record) {
  // With the offer on record (its fields taken out, `showStep`), the answer alone, given now.
  const asked = Boolean(form.querySelector('[name="offered_at"]'));
  const offer = asked ? eventFrom(form, "offer", record) : { at: localNow() };
  if (!offer) return null;
  const data = new FormData(form);
  const problem = (selector, text) => {
    const field = form.querySelector(selector);
    const message = document.createElement("p");
    message.className = "error-message";
    message.setAttribute("data-shell-error", "");
    message.textContent = text;
    if (field.tagName === "FIELDSET") field.querySelector("legend").after(message);
    else field.before(message);
    (field.querySelector("input") || field).focus();
    return null;
  };
  const answer = data.get("answer");
  if (!answer) return problem("#start_answer", "Choose the child's answer.");
  const when = { id: crypto.randomUUID(), at: offer.at };
  const before = asked ? [offer] : [];
  if (answer === "yes") return [...before, { ...when, kind: "accept" }];
  const reason = String(data.get("reason") || "").trim();
  if (!reason)
    return problem('[name="reason"]', "Write what the child said, even if it was short.");
  // As online: the offer is kept open, and the carer was not asked instead.
  return [
    ...before,
    { ...when, kind: "decline", reason, offer_again: true, carer_information: false },
  ];
}

function listEvents(main, record) {
  const list = main.querySelector("[data-shell-events]");
  if (!list) return;
  list.replaceChildren();
  for (const e of record.events || []) {
    const li = document.createElement("li");
    li.textContent = `${EVENT_WORDS[e.kind]}, ${whenSaid(e.at)}`; // as the pages write it
    list.append(li);
  }
  if (!list.children.length) {
    const li = document.createElement("li");
    li.textContent = "Nothing yet.";
    list.append(li);
  }
}

// Starting, or carrying on with, the interview, after the events of the offer-and-answer step
// (`first`). Starting gives it a document now, with when it started, and a "start" event; the
// rule is looked up again on the draft as kept, so a start it does not allow never happens.
// Carrying on with one in progress changes nothing until the worker writes.
async function start(found, rules, first = []) {
  let begun = true;
  if (found.status !== "in_progress" || first.length) {
    await changeDraft(found.uuid, found, (d) => {
      for (const the of first) keep(d, rules, the);
      begun = d.status === "in_progress";
      if (begun) return;
      // With no rules on the tablet, the worker's own yes just recorded lets it start: the
      // server checks the start when it arrives.
      if (!mayStart(rules, d) && !(first.length && !rules)) return;
      begun = true;
      if (!d.content) {
        d.content = clone(d.base_content || blanks().content);
        if (!d.content.start.held_on) {
          d.content.start.held_on = localNow();
          d.changed_paths = [...(d.changed_paths || []), "start.held_on"];
        }
      }
      keep(d, rules, { id: crypto.randomUUID(), kind: "start", at: localNow() });
    });
  }
  if (begun) go(`/interviews/${found.uuid}/start`);
}
