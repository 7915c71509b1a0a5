// Copies: while online, keep a sealed copy of the worker's open interviews and waiting returns
// on the tablet (GET /sync/v1/copies), so the shell pages can show them with no signal.
// Sealing needs no PIN. No page here: the Returns page and the "Keep on this tablet" button
// (tablet.js, keep-on-tablet.js) call these.

import { copyIdOf, keepId, parseId, RULES_ID } from "./records.js";
import * as store from "./store.js";

// Copies go only into a store the signed-in worker unlocks: on a shared tablet it may be
// another worker's (kept locked when they signed out), and copies sealed into it would show
// this worker's children to them with no signal. The store's copies are its worker's only.

/** Thrown when the tablet's store is another worker's: nothing was kept, and why is known. */
export class AnotherWorkersStore extends Error {
  constructor() {
    super("another worker's store");
    this.name = "AnotherWorkersStore";
  }
}

// The copies, asked for the store's owner (`store_of`): the server answers 409 when that is
// not the signed-in worker, in the same request, so no child's data comes for a store that
// would not keep it. A store set up before owners were kept names no one: kept as before.
async function fetchCopies(params) {
  const owner = await store.keptFor();
  const query = new URLSearchParams(params);
  if (owner !== null) query.set("store_of", String(owner));
  const response = await fetch(`/sync/v1/copies?${query}`, {
    credentials: "same-origin",
    cache: "no-store",
  });
  if (!response.ok) {
    // Read to its end, so the request is over (an answer left unread stays open).
    await response.text().catch(() => undefined);
    if (response.status === 404) return null; // not theirs to see (any more)
    if (response.status === 409) throw new AnotherWorkersStore();
    throw new Error(`copies ${response.status}`);
  }
  return response.json();
}

const forEpisode = (episodeId) => fetchCopies({ episode_id: String(episodeId) });

/**
 * Keep the worker's list. Not while an upload is on its way (the same lock as upload.js):
 * copies fetched before it and kept after it would bring back a return the upload has just
 * turned into an interview.
 */
export async function keepCopies() {
  if (!navigator.locks) return keepCopiesNow();
  return navigator.locks.request("rhi-upload", keepCopiesNow);
}

async function keepCopiesNow() {
  if ((await store.state()) === "empty") return;
  // Another worker's store: not kept, and not said to be (fetchCopies throws; the Returns
  // page marks a tablet up to date for no signal).
  const answer = await fetchCopies({});
  if (!answer) return;
  const { copies } = answer;
  // Versions sent from here that wait for a choice; any other was chosen, on any screen.
  const waiting = new Set(answer.waiting_versions || []);
  // Children the worker chose to keep ("Keep on this tablet"), asked about one by one: the
  // server still decides who may see what, and a finished interview leaves the tablet.
  for (const { id } of await store.ids()) {
    const { kind, key } = parseId(id);
    if (kind !== "keep") continue;
    const one = ((await forEpisode(key)) || {}).copies;
    if (one && one.length) copies.push(...one);
    else await store.forget(id);
  }
  if (answer.rules) await store.seal(RULES_ID, answer.rules);
  await store.keepCopiesRule(answer.limits);
  const current = new Set();
  for (const copy of copies) {
    const id = copyIdOf(copy);
    current.add(id);
    await store.seal(id, copy);
  }
  // Finished, moved to someone else, or no longer this worker's: off the tablet. A draft is
  // never dropped here: it goes when the server has it (or says it may not have it).
  for (const { id } of await store.ids()) {
    const { kind, key } = parseId(id);
    if ((kind === "copy" || kind === "return") && !current.has(id)) await store.forget(id);
    if (kind === "versions" && !waiting.has(key)) await store.forget(id);
  }
  await store.setCopiesForgotten(false); // the list is whole again
}

// Copies of what the server holds, taken off the tablet once too old; never the worker's
// choice to keep a child (an episode number, no child's data) or the rules.
const AGEING = new Set(["copy", "return", "versions"]);
// What the Returns list shows: only these taken off are worth saying so there.
const LISTED = new Set(["copy", "return"]);

/**
 * Take off the tablet each copy fetched longer ago than the server's rule allows (store.js
 * copiesKeptMs, rhi/sync/kept_offline.py): a tablet lost with no signal, its worker's sessions
 * ended, must not hold children's records for ever. Needs no PIN (ids and times are in
 * clear), so it runs as a page starts, before any PIN is asked for (tablet.js). A copy that
 * unsent work is built on stays (store.js forgetOld asks, as it drops it). How many were taken
 * off; the store notes that some of the list were, for the list to say until it is kept again
 * (keepCopies).
 * @param {number} [now]
 */
export async function forgetOldCopies(now = Date.now()) {
  const keptMs = await store.copiesKeptMs();
  if (!keptMs) return 0;
  let forgotten = 0;
  let listed = false;
  for (const { id, savedAt } of await store.ids()) {
    const { kind } = parseId(id);
    if (!AGEING.has(kind)) continue;
    const age = now - Date.parse(savedAt);
    if (!(age > keptMs)) continue; // a time that cannot be read is not guessed at
    if (!(await store.forgetOld(id, savedAt))) continue;
    forgotten += 1;
    listed = listed || LISTED.has(kind);
  }
  if (listed) await store.setCopiesForgotten(true);
  return forgotten;
}

/**
 * Keep one child's return on the tablet, and remember to keep it ("Keep on this tablet").
 * True if there was something open to keep. Throws when the server could not be asked, or the
 * tablet keeps another worker's work.
 */
export async function keepEpisode(episodeId) {
  const answer = (await forEpisode(episodeId)) || {};
  const { copies } = answer;
  if (answer.rules) await store.seal(RULES_ID, answer.rules);
  await store.keepCopiesRule(answer.limits);
  for (const copy of copies || []) await store.seal(copyIdOf(copy), copy);
  const any = Boolean(copies && copies.length);
  if (any) await store.seal(keepId(episodeId), {});
  return any;
}
