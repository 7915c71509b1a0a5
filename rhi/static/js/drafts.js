// Drafts: what the worker did offline to one interview (its offer, answer, contact attempts and
// the interview's document), kept sealed on the tablet as `draft:<uuid>` until upload.js has
// sent it. Also reads everything the tablet holds, by kind, for the shell pages.
//
// A draft: {uuid, episode_ids, base_version (the server's version it began from, or null),
// content (null until something is written), base_content, events [...], changed_paths,
// status, offer_recorded, child, due_at, returned_at, police_risk_grade, clock, repeat, shown}.

import { copyId, draftId, parseId, RULES_ID } from "./records.js";
import * as store from "./store.js";

/** Called after every draft is kept (the bar counts what waits). */
const keptListeners = new Set();
export function whenDraftKept(listener) {
  keptListeners.add(listener);
}

/** What the tablet holds, by kind: copies and drafts by interview, returns by episode. */
export async function kept() {
  const { records } = await store.all();
  const out = { copies: new Map(), returns: new Map(), drafts: new Map(), rules: null };
  for (const { id, record } of records) {
    const { kind } = parseId(id);
    if (kind === "copy") out.copies.set(record.uuid, record);
    else if (kind === "return") out.returns.set(String(record.episode_ids[0]), record);
    else if (kind === "draft") out.drafts.set(record.uuid, record);
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

/** The freshest thing the tablet knows about one interview. */
export function forInterview(held, uuid) {
  return freshest(held.drafts.get(uuid), held.copies.get(uuid));
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
    child: record.child,
    due_at: record.due_at,
    returned_at: record.returned_at,
    police_risk_grade: record.police_risk_grade,
    clock: record.clock,
    repeat: record.repeat,
    shown: record.shown,
  };
}

async function keepDraft(draft) {
  draft.changed_at = new Date().toISOString();
  await store.seal(draftId(draft.uuid), draft);
  for (const listener of keptListeners) listener(draft);
}

/**
 * Change a draft: one read-change-write at a time for each interview, across tabs, always on
 * what the tablet holds now (never on a copy read earlier, which would drop what another tab,
 * the episode page or a finished upload wrote meanwhile). With no draft yet, one is started
 * from the freshest copy of the interview, else from `start`. Returns the draft as kept.
 * @param {string} uuid
 * @param {object | null} start
 * @param {(draft: object) => void} change
 */
export async function changeDraft(uuid, start, change) {
  const run = async () => {
    let draft = await store.get(draftId(uuid));
    if (!draft) draft = draftOf((await store.get(copyId(uuid))) || start);
    change(draft);
    await keepDraft(draft);
    return draft;
  };
  return navigator.locks ? navigator.locks.request(`rhi-draft:${uuid}`, run) : run();
}
