// What the tablet keeps, by kind, and the one place record ids are made and read.
//
// An id names a record, never a child: ids are stored in clear (the bar counts what waits
// without asking for the PIN), so they hold opaque keys only, a UUID or an episode number.
//
//   copy:<interview uuid>          the server's copy of an interview, as last fetched
//   return:<episode id>            a return waiting for an interview that has none yet
//   keep:<episode id>              the worker chose "Keep on this tablet" for this return
//   draft:<interview uuid>         what the worker did offline, waiting to be sent
//   change:<interview uuid>:<path> one field of an open page whose save did not reach the server
//   conflict:<uuid>:<path>         such a change that met a different saved version: to choose
//   versions:<interview uuid>      a version the server kept beside its own: to choose
//   held:<interview uuid>          a draft the server refused as it stands (not sent again)
//   rules:status                   which status each act leads to, and each status's words

/** @typedef {"copy"|"return"|"keep"|"draft"|"change"|"conflict"|"versions"|"held"|"rules"} Kind */

export const RULES_ID = "rules:status";

export const copyId = (uuid) => `copy:${uuid}`;
export const returnId = (episodeId) => `return:${episodeId}`;
export const keepId = (episodeId) => `keep:${episodeId}`;
export const draftId = (uuid) => `draft:${uuid}`;
export const heldId = (uuid) => `held:${uuid}`;
export const versionsId = (uuid) => `versions:${uuid}`;
export const changeId = (uuid, path) => `change:${uuid}:${path}`;

/** The id a copy from /sync/v1/copies is kept under: an interview's, or a bare return's. */
export const copyIdOf = (copy) => (copy.uuid ? copyId(copy.uuid) : returnId(copy.episode_ids[0]));

/** A change that met a different saved version is kept under the same key, to be chosen. */
export const conflictIdOf = (id) => id.replace(/^change:/, "conflict:");

/**
 * An id's parts: its kind, the key after it (a uuid or an episode id), and for a field's
 * change or conflict the field's path. `kind` is "" for an id of no kind (the store's own tests).
 * @param {string} id
 * @returns {{kind: string, key: string, path: string | null}}
 */
export function parseId(id) {
  const colon = id.indexOf(":");
  if (colon < 0) return { kind: "", key: id, path: null };
  const kind = id.slice(0, colon);
  const rest = id.slice(colon + 1);
  if (kind === "change" || kind === "conflict") {
    const [key, ...path] = rest.split(":");
    return { kind, key, path: path.join(":") };
  }
  return { kind, key: rest, path: null };
}

export const kindOf = (id) => parseId(id).kind;

/** Work done here and waiting to be sent: what the bar counts and "Send now" sends. */
export const isWaiting = (id) => ["change", "draft"].includes(kindOf(id));

/**
 * Copies of what the server holds, and the worker's choice to keep a child: these may be
 * dropped without the PIN (the server says who may still see them). Work not yet sent never.
 */
export const mayForget = (id) => ["copy", "return", "keep", "versions"].includes(kindOf(id));

/**
 * The ids of unsent work built on a copy (`copy:<uuid>`, `versions:<uuid>`), as [lowest,
 * highest] id ranges: its draft, a draft the server refused, and its fields' changes and
 * conflicts. None for a return's copy: an interview begun on it is a draft of its own, whole.
 * @param {string} id
 * @returns {[string, string][]}
 */
export function workOn(id) {
  const { kind, key } = parseId(id);
  if (kind !== "copy" && kind !== "versions") return [];
  const one = (workId) => [workId, workId];
  // Every id that starts with `prefix`: "\uffff" sorts after any character an id holds.
  const starting = (prefix) => [prefix, `${prefix}\uffff`];
  return [
    one(draftId(key)),
    one(heldId(key)),
    starting(`change:${key}:`),
    starting(`conflict:${key}:`),
  ];
}

/** Anything but copies, marks and rules: work that signing out must not lose silently. */
export const isUnsentWork = (id) =>
  !["copy", "return", "keep", "versions", "held", "rules"].includes(kindOf(id));
