// Drafts: what the worker did offline to one interview (its offer, answer, contact attempts and
// the interview's document), kept sealed on the tablet as `draft:<uuid>` until upload.js has
// sent it. Also reads everything the tablet holds, by kind, for the shell pages.
//
// A draft: {uuid, episode_ids, base_version (the server's version it began from, or null),
// content (null until something is written), base_content, events [...], changed_paths,
// status, offer_recorded, offer_on_record, child, due_at, returned_at, police_risk_grade, clock, repeat, shown}.

import { copyId, draftId, parseId, RULES_ID } from "./records.js";
import * as store from "./store.js";

/** Called after every draft is kept (the bar counts what waits). */
const keptListeners = new Set();
export function whenDraftKept(listener) {
  keptListeners.add(listener);
}

/**
 * What the tablet holds, by kind: copies and drafts by interview, returns by episode.
 * `forgotten`: copies of the list too old to keep were taken off since it was last kept
 * (copies.js forgetOldCopies, run as a page is shown, never here: a page's own writes read
 * this, and must find the copy they began from).
 */
export async function kept() {
  const forgotten = await store.copiesForgotten();
  const { records } = await store.all();
  const out = {
    forgotten,
    copies: new Map(),
    returns: new Map(),
    drafts: new Map(),
    refused: new Map(), // held:<uuid>, a draft the server refused as it stands (upload.js)
    // change:<uuid>:<path>, by interview: a field of an open page whose save could not reach
    // the server, each as [{id, record, rev}] (changes.js keeps them, upload.js sends them)
    changes: new Map(),
    rules: null,
  };
  for (const { id, record, rev } of records) {
    const { kind, key } = parseId(id);
    if (kind === "copy") out.copies.set(record.uuid, record);
    else if (kind === "return") out.returns.set(String(record.episode_ids[0]), record);
    else if (kind === "draft") out.drafts.set(record.uuid, record);
    else if (kind === "held") out.refused.set(key, record);
    else if (kind === "change")
      out.changes.set(key, [...(out.changes.get(key) || []), { id, record, rev }]);
    else if (id === RULES_ID) out.rules = record;
  }
  return out;
}

// What the server worked out for showing a return (SHOWN) is fresher in its latest copy than
// in a draft begun from an older one; the draft keeps what the worker did.
const SHOWN = ["clock", "repeat", "shown"];
export function freshest(draft, copy) {
  if (!draft) return copy || null;
  const out = { ...draft };
  for (const key of SHOWN) if (copy && copy[key]) out[key] = copy[key];
  return out;
}

/**
 * The freshest thing the tablet knows about one interview. With `kept_changes` (as kept()
 * holds them) when fields of an open page were kept for it: upload.js sends those after the
 * draft, so each is what its field will be, and what the field shows (shell-interview.js).
 */
export function forInterview(held, uuid) {
  const record = freshest(held.drafts.get(uuid), held.copies.get(uuid));
  const changes = (held.changes && held.changes.get(uuid)) || [];
  return record && changes.length ? { ...record, kept_changes: changes } : record;
}

/** The freshest thing the tablet knows about one episode (a return with or without an interview). */
export function forEpisode(held, episodeId) {
  const has = (r) => r.episode_ids.map(String).includes(String(episodeId));
  const copy = [...held.copies.values()].find(has) || held.returns.get(String(episodeId));
  return freshest([...held.drafts.values()].find(has), copy);
}

/** A draft for this record, made the first time the worker does anything with it offline. */
export function draftOf(record) {
  if (record.events) return record; // already a draft
  return {
    uuid: record.uuid || crypto.randomUUID(),
    episode_ids: record.episode_ids,
    base_version: record.uuid ? record.version : null,
    content: null,
    base_content: record.uuid ? record.content : null,
    events: [],
    status: record.status || null,
    offer_recorded: Boolean(record.offer_recorded),
    offer_on_record: Boolean(record.offer_on_record),
    child: record.child,
    due_at: record.due_at,
    returned_at: record.returned_at,
    police_risk_grade: record.police_risk_grade,
    clock: record.clock,
    repeat: record.repeat,
    shown: record.shown,
  };
}

function told(draft) {
  for (const listener of keptListeners) listener(draft);
}

// What this page last kept of each draft, and as which revision: a next change can be sealed
// straight on top of it (changeDraftNow), with no read, no lock and no PIN (the page shows
// these words already; writes need no key). Forgotten when a write finds another revision.
const mine = new Map();

/** Note the draft's revision now, so the first keystroke needs no read either. */
export async function rememberDraft(uuid) {
  store.prepareWrites(draftId(uuid)).catch(() => undefined);
  const found = await store.getKept(draftId(uuid)).catch(() => undefined);
  if (found && !mine.has(uuid))
    mine.set(uuid, { rev: found.rev, text: JSON.stringify(found.record) });
}

/**
 * Change a draft: one read-change-write at a time for each interview, across tabs, always on
 * what the tablet holds now (never on a copy read earlier, which would drop what another tab,
 * the episode page or a finished upload wrote meanwhile). With no draft yet, one is started
 * from the freshest copy of the interview, else from `start`. Returns the draft as kept.
 * `change` may be called more than once (again on a fresher draft if one was written meanwhile).
 * @param {string} uuid
 * @param {object | null} start
 * @param {(draft: object) => void} change
 */
export async function changeDraft(uuid, start, change) {
  const run = async () => {
    for (;;) {
      const found = await store.getKept(draftId(uuid));
      const draft = found ? found.record : draftOf((await store.get(copyId(uuid))) || start);
      change(draft);
      draft.changed_at = new Date().toISOString();
      const rev = crypto.randomUUID();
      // Sealed only over the revision read: a change sealed meanwhile (another tab's, or
      // changeDraftNow's) is never overwritten, and this one is made again on top of it.
      if (await store.sealIf(draftId(uuid), draft, found ? found.rev : null, rev)) {
        mine.set(uuid, { rev, text: JSON.stringify(draft) });
        told(draft);
        return draft;
      }
    }
  };
  return navigator.locks ? navigator.locks.request(`rhi-draft:${uuid}`, run) : run();
}

/**
 * Change a draft at once, as the worker types: sealed on top of what this page last kept of
 * it, with no read and no lock, so the write is on its way before the next keystroke. Null
 * when this page has not kept the draft yet (use changeDraft). Otherwise resolves to the
 * draft as kept, or to null if another revision was there (nothing written: changeDraft
 * makes the change again on what is kept now).
 * @param {string} uuid
 * @param {(draft: object) => void} change
 * @returns {Promise<object | null> | null}
 */
export function changeDraftNow(uuid, change) {
  const known = mine.get(uuid);
  if (!known) return null;
  const draft = JSON.parse(known.text);
  change(draft);
  draft.changed_at = new Date().toISOString();
  const rev = crypto.randomUUID();
  const text = JSON.stringify(draft);
  mine.set(uuid, { rev, text });
  return store.sealIf(draftId(uuid), draft, known.rev, rev).then(
    (savedAt) => {
      if (savedAt) {
        told(draft);
        return draft;
      }
      mine.delete(uuid); // and every change chained on this one fails too
      return null;
    },
    (error) => {
      mine.delete(uuid);
      throw error;
    },
  );
}
