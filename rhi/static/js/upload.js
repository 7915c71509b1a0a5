// Sending what was kept on the tablet, once the network is back. No page here: progress goes
// to the `report` callback (the bar shows it), and the outcome is returned.
//
// Two kinds of kept work (records.js):
// - draft:<uuid>: an interview (and its offer, answer and contact attempts) worked on in the
//   shell pages with no signal. Sent in batches to POST /sync/v1/interviews (docs/openapi.yaml)
//   with its UUID, the server version it started from and a content hash; the server answers
//   per item and the tablet lets go only of what the server has.
// - change:<uuid>:<path>: one field of an open page whose save could not reach the server. Sent
//   as a fresh field save (new CSRF token, never a stored raw request), so the server's
//   field-by-field conflict check still applies.
//
// held:<uuid> marks a draft the server refused as it stands (`rejected`, `drop: false`: the item
// breaks a rule, so sending the same again would be refused again): the server's messages and
// the draft's revision. The draft is kept (it holds a child's words) but not sent again until
// it changes, which gives it a new revision. A passing failure of the server is not marked.
//
// A failure of the network or the server throws (everything stays on the tablet for the next
// try); a 401 throws Error("signed-out") (session.js isSignedOut).

import { sendGotNoAnswer } from "./changes.js";
import { changeDraft } from "./drafts.js";
import { plural } from "./plural.js";
import { conflictIdOf, copyId, heldId, parseId, returnId, versionsId } from "./records.js";
import { session } from "./session.js";
import * as store from "./store.js";

const LAST_SENT = "rhi-last-sent"; // a time only: no personal data in localStorage

/** When this tablet last sent something (an ISO time), or null. */
export const lastSent = () => window.localStorage.getItem(LAST_SENT);

/**
 * @typedef {{uuid: string, url: string, path: string, status: number, html: string,
 *   letGo: boolean}} Answer
 *   The server's answer to a kept field change it took (200 saved, 202 held for the
 *   managers): its save-answer fragment for the field (interviews/_save_results.html), the
 *   very one an open page's own save of that box would have swapped in. letGo: false when the
 *   change was kept again while it was on its way, so newer words still wait on the tablet.
 * @typedef {{done: number, problems: string[], answers: Answer[]}} Outcome
 *   done: items the server now has; problems: what to tell the worker; answers: for an open
 *   page to show (bar.js), in place, what became of its kept fields.
 * @param {{report: (message: string) => Promise<unknown> | unknown}} options
 * @returns {Promise<Outcome>}
 */
export async function upload({ report }) {
  const all = await store.all();
  const kept = all.records.filter((r) => parseId(r.id).kind === "change");
  // Refused before as no longer this worker's to see: kept, not sent again unless changed.
  const changes = kept.filter((r) => !r.record.refused);
  const refused = kept.length - changes.length;
  const problems = [];
  const drafts = await notHeld(all.records, problems);
  const info = await session();
  let done = await sendDrafts(drafts, info, problems, report);
  const answers = [];
  let refusedNow = 0;
  for (const { id, record, rev } of changes) {
    await report(`Sending ${done + 1} of ${changes.length + drafts.length}…`);
    const body = new URLSearchParams();
    body.set("f:" + record.path, record.value);
    if (record.original !== null) body.set("o:" + record.path, record.original);
    // Saves of the field whose answer never came (changes.js): the server takes the field
    // holding one of them as this worker's own words, not a change made elsewhere.
    for (const value of record.unanswered || []) body.append("u:" + record.path, value);
    let response;
    try {
      response = await fetch(record.save_url, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: {
          "X-CSRFToken": info.csrf_token,
          "HX-Request": "true",
          "X-RHI-Device": deviceId(),
        },
      });
    } catch (error) {
      // If the network went again, this throws: everything is kept, and tried later. The send
      // may have reached the server, its answer lost: its value goes with the next send.
      await sendGotNoAnswer(id, record, rev).catch(() => undefined);
      throw error;
    }
    // Signed out meanwhile: the save was not made (a redirect to the sign-in page is not one).
    if (
      response.status === 401 ||
      (response.redirected && new URL(response.url).pathname === "/sign-in")
    )
      throw new Error("signed-out");
    if (response.status === 202) {
      // The return is now with someone else: the server held the words for the managers
      // (rhi/sync/held.py) and says whose they were. Only now does the tablet let go.
      const html = await response.text();
      const reply = new DOMParser().parseFromString(html, "text/html");
      const told = reply.querySelector(".save-held");
      const letGo = await store.removeIf(id, rev);
      answers.push(answerFor(record, response.status, html, letGo));
      done += 1;
      if (told && !problems.includes(told.textContent.trim()))
        problems.push(told.textContent.trim());
    } else if (response.ok) {
      // The server has it: only now does the tablet let go (unless it changed meanwhile).
      const html = await response.text();
      const letGo = await store.removeIf(id, rev);
      // A newer change of the field kept meanwhile goes next, from the value the page had:
      // it takes these words with it, the worker's own, now on the server (changes.js).
      await sendGotNoAnswer(id, record, rev).catch(() => undefined);
      answers.push(answerFor(record, response.status, html, letGo));
      done += 1;
    } else if (response.status === 404 || response.status === 403) {
      // Not this worker's to see (the server holds, instead, work for a child whose return
      // moved from them: 202 above). The words may be the only copy: kept, sealed, and marked
      // so they are not sent again (each try is refused and recorded) until they change.
      await store.sealIf(id, { ...record, refused: true }, rev);
      refusedNow += 1;
    } else if (response.status >= 500) {
      throw new Error("server");
    } else {
      // It changed somewhere else too, or the interview was finished: keep both, let the
      // worker choose on the interview page (choices.js). Never retried blindly. The answer is
      // the server's fragment, read apart from the page (nothing of it is shown as HTML).
      const reply = new DOMParser().parseFromString(await response.text(), "text/html");
      const theirs = reply.querySelector(".theirs");
      // Why, in the server's first words only: the clash box's sentences after them speak of
      // the page's buttons, not the panel's (choices.js; rev38: it named "Keep both" there).
      const reason =
        reply.querySelector(".save-status") ||
        reply.querySelector("[role=alert] p strong") ||
        reply.querySelector("[role=alert] p");
      await store.seal(conflictIdOf(id), {
        ...record,
        theirs: theirs ? theirs.textContent : null,
        message: reason ? reason.textContent.trim() : "",
      });
      // Unless it changed meanwhile: newer words kept while this was on its way stay, to be
      // sent (and, if they clash too, chosen) in their turn; removed, they were lost.
      await store.removeIf(id, rev);
      problems.push(
        "A change could not be saved as it stands. Open the interview to choose what to keep.",
      );
    }
  }
  if (refused + refusedNow)
    problems.push(
      `${plural(refused + refusedNow, "change", "changes")} could not be sent: you may no longer see that record. ${refused + refusedNow === 1 ? "It is" : "They are"} kept on this tablet: ask your manager.`,
    );
  if (all.damaged.length)
    problems.push(
      `${plural(all.damaged.length, "kept item is", "kept items are")} damaged and cannot be read. They are kept aside.`,
    );
  if (done) window.localStorage.setItem(LAST_SENT, new Date().toISOString());
  return { done, problems, answers };
}

/** @returns {Answer} */
function answerFor(record, status, html, letGo) {
  return { uuid: record.uuid, url: record.save_url, path: record.path, status, html, letGo };
}

// ---- the batch upload of drafts ----------------------------------------------------------
// The JSON the content hash is taken over: keys sorted, no spaces (docs/openapi.yaml,
// ContentHash; rhi/sync/protocol.py canonical_json is the server's side of it).
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

async function sha256(text) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

// The tablet's id for the audit trail: random, and nothing to do with anyone.
function deviceId() {
  let id = window.localStorage.getItem("rhi-device-id");
  if (!id) {
    id = crypto.randomUUID().replace(/-/g, "");
    window.localStorage.setItem("rhi-device-id", id);
  }
  return id;
}

async function itemFor(draft) {
  return {
    uuid: draft.uuid,
    episode_ids: draft.episode_ids,
    base_version: draft.base_version,
    content: draft.content,
    content_hash: draft.content ? await sha256(canonical(draft.content)) : null,
    events: draft.events,
    // What the worker changed here: on a conflict only these are offered against the server's.
    changed_paths: draft.content ? draft.changed_paths || [] : null,
  };
}

// Sends every draft, a batch at a time; returns how many the server now has. A failure of the
// network or the server throws: everything stays on the tablet for the next try.
async function sendDrafts(drafts, info, problems, report) {
  let done = 0;
  const size = (info.limits && info.limits.max_items) || 20;
  for (let i = 0; i < drafts.length; i += size) {
    const batch = drafts.slice(i, i + size);
    await report(
      `Sending ${plural(drafts.length, "interview", "interviews")}: ${done} of ${drafts.length} arrived…`,
    );
    const body = JSON.stringify({
      items: await Promise.all(batch.map((d) => itemFor(d.record))),
      device_id: deviceId(),
    });
    // The same body always goes with the same key, so a retry after a lost answer gets the
    // server's first answer back and changes nothing.
    const key = `rhi-${(await sha256(body)).slice(0, 48)}`;
    const response = await fetch("/sync/v1/interviews", {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": info.csrf_token,
        "Idempotency-Key": key,
      },
    });
    if (response.status === 401) throw new Error("signed-out");
    if (!response.ok) throw new Error(`upload ${response.status}`);
    const { results } = await response.json();
    for (const result of results) {
      const sent = batch.find((d) => d.record.uuid === result.uuid);
      if (!sent) continue;
      done += await settle(sent, result, problems);
    }
  }
  return done;
}

// The drafts to send: all but those the server refused as they stand now (held:<uuid> with
// the draft's revision). Those stay on the tablet, and the bar says again why they wait.
async function notHeld(records, problems) {
  const held = new Map();
  for (const { id, record } of records) {
    const { kind, key } = parseId(id);
    if (kind === "held") held.set(key, record);
  }
  const send = [];
  for (const draft of records) {
    if (parseId(draft.id).kind !== "draft") continue;
    const uuid = draft.record.uuid;
    const mark = held.get(uuid);
    held.delete(uuid);
    if (mark && mark.rev === draft.rev) {
      problems.push(notSent(draft.record, mark.messages));
    } else {
      if (mark) await store.remove(heldId(uuid)); // changed since: it goes again
      send.push(draft);
    }
  }
  for (const uuid of held.keys()) await store.remove(heldId(uuid)); // its draft is gone
  return send;
}

function notSent(record, messages) {
  const name = (record.child && record.child.display_name) || "a child";
  return `Not sent (${name}): ${messages.join(" ")}`;
}

// A passing failure of the server (rhi/sync/apply.py apply_item; `try_again` in the answer):
// the answer is not kept under the Idempotency-Key, and the item is sent again next time.
function passing(result) {
  return result.try_again === true;
}

// The interview's state as the server says it now holds it (rhi/sync/protocol.py
// tablet_state): never worked out here. From a server that does not say, what the tablet had.
function stateOf(result, had) {
  const told = "status" in result;
  return {
    status: told ? result.status : had.status,
    offer_recorded: told ? result.offer_recorded : had.offer_recorded,
    offer_on_record: told ? result.offer_on_record : had.offer_on_record,
  };
}

// One item's answer: let go of what the server has; keep and say what it does not.
async function settle({ id, record, rev }, result, problems) {
  if (["created", "updated", "unchanged"].includes(result.outcome)) {
    const removed = await store.removeIf(id, rev);
    if (!removed) {
      // Written to while it was being sent: the newer work goes next time, on top of the
      // version the server has now.
      const sent = new Set((record.events || []).map((e) => e.id));
      await changeDraft(record.uuid, record, (d) => {
        if (result.version) d.base_version = result.version;
        d.events = (d.events || []).filter((e) => !sent.has(e.id));
      });
    }
    const uuid = result.server_uuid || record.uuid;
    if (result.keep_copy === false) {
      // Finished (or shared) on the server: the tablet keeps no copy of it, as the copies
      // from GET /sync/v1/copies hold none.
      await store.forget(copyId(uuid)).catch(() => undefined);
      if (record.content)
        await store.forget(returnId(record.episode_ids[0])).catch(() => undefined);
    } else if (record.content && result.version) {
      // Offline again before the next Returns visit: carry on from what the server now has,
      // in the state the server says it is in (a child who stopped part way: declined).
      await store.seal(copyId(uuid), {
        uuid,
        version: result.version,
        ...stateOf(result, record),
        episode_ids: record.episode_ids,
        content: record.content,
        child: record.child,
        due_at: record.due_at,
        returned_at: record.returned_at,
        police_risk_grade: record.police_risk_grade,
        clock: record.clock,
        repeat: record.repeat,
        shown: record.shown,
      });
      await store.forget(returnId(record.episode_ids[0])).catch(() => undefined);
    } else if ("status" in result) {
      // Events only: the copy's state is the server's now. Its version moves on with the
      // server's only when its words are the server's words (the answer's content_hash): then
      // the next words sent from it are not a clash with itself; if anyone changed the words
      // meanwhile, the copy keeps its version and the clash is shown (never overwritten).
      const copy = await store.get(copyId(uuid)).catch(() => undefined);
      if (copy) {
        const same =
          result.version &&
          result.content_hash &&
          copy.content &&
          (await sha256(canonical(copy.content))) === result.content_hash;
        await store.seal(copyId(uuid), {
          ...copy,
          ...stateOf(result, copy),
          ...(same ? { version: result.version } : {}),
        });
      }
    }
    return 1;
  }
  const name = (record.child && record.child.display_name) || "a child";
  if (result.outcome === "conflict") {
    // The server keeps both; the worker chooses on the interview's "versions" page. Kept
    // here until then, and not sent again.
    await store.seal(versionsId(record.uuid), {
      ...record,
      server_uuid: (result.server || {}).uuid || record.uuid,
    });
    await store.removeIf(id, rev);
    problems.push(
      `The interview with ${name} changed somewhere else too. Both versions are kept: open it to choose what to keep.`,
    );
  } else if (result.drop) {
    await store.remove(id);
    await store.forget(copyId(record.uuid)).catch(() => undefined);
    for (const episode of record.episode_ids)
      await store.forget(returnId(episode)).catch(() => undefined);
    problems.push(result.messages.join(" "));
  } else {
    if (!passing(result)) {
      // The item itself is refused: sending it unchanged would be refused again. Kept (never
      // deleted: it holds the child's words), and held back until the worker changes it.
      // `fields`: the values a page would refuse, which the interview's parts show beside
      // their fields (shell-interview.js) until the worker changes them.
      await store.seal(heldId(record.uuid), {
        rev,
        messages: result.messages,
        fields: result.fields || [],
      });
    }
    problems.push(notSent(record, result.messages));
  }
  return 0;
}
