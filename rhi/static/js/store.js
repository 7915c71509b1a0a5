// The sealed store: children's data kept on a tablet, encrypted, until the server has it.
// WebCrypto and IndexedDB (through the vendored idb, an ES module) only: no page, no network.
//
// Every call is async except lock and setIdleLock:
//   setUp(pin, pepper, userId, limits?)  new key pair; store left unlocked
//   unlock(pin, pepper?, {neverWipe, limits}?) -> true | {ok: false, attemptsLeft} | {ok: false, wiped: true}
//                                        | {ok: false, waitMs, tried} (neverWipe: child's view)
//   lock(), setIdleLock(minutes), state() -> "empty" | "locked" | "unlocked", attemptsLeft(),
//   keptFor() -> the id of the user whose PIN locks it, or null
//   copiesKeptMs() -> how long a copy stays once fetched (the server's rule), or null
//   keepCopiesRule(limits)   that rule, as a list of copies hands it over
//   copiesForgotten(), setCopiesForgotten(bool)   copies past it were taken off since the
//                                        list was last kept
//   seal(id, record) -> savedAt   WRITES NEED NO PIN: works locked or unlocked, throws if empty
//   sealIf(id, record, expectRev, rev?) -> savedAt | null   the same, only over that revision
//   getKept(id) -> {record, rev}  unlocked
//   prepareWrites(id), writesOutlastThePage()   sealIf's writes handed to the service worker
//   get(id), all() -> {records: [{id, record, savedAt, rev}], damaged: [id]}, remove(id),
//   removeIf(id, rev)   unlocked
//   count(), ids() -> [{id, savedAt}]   need no PIN, so ids are in clear: callers must use
//                                       opaque ids (records.js), never names or notes
//   forget(id), forgetOld(id, savedAt)   a copy, without the PIN (records.js mayForget); wipe()
//
// Events on window: "rhi:device-locking" (idle: keep what was typed, detail.waitUntil(promise)),
// then "rhi:device-locked" (hide what was read); "rhi:device-unlocked" (the PIN opened it again:
// show what was hidden); "rhi:device-wiped".
//
// The key lives in this module's memory: every page module imports this one file (one URL,
// fixed by the page's import map), so there is one store, one key and one idle clock per page.
//
// Threats it answers (docs/security.md has the full decision):
// - Lost or stolen tablet: records are sealed to the device's ECDH P-256 public key (ECIES:
//   an ephemeral key pair per record, HKDF-SHA-256, AES-GCM-256), so a worker whose signal drops
//   mid-interview is never stopped by a PIN prompt. Reading needs the private key, which is in
//   clear only in this module's memory while unlocked; lock, idle and reload forget it.
// - Copied disk: a 6-digit PIN has a million values, trivial to brute-force offline. So the key
//   that wraps the private key is PBKDF2-SHA-256 (600,000 iterations) over HMAC(pepper, PIN),
//   with a per-user pepper the server hands over at sign-in.
// - Restarted offline: the pepper is kept here as a NON-EXTRACTABLE HMAC CryptoKey, so unlock
//   works without the server. Trade-off: page script (an XSS) and casual reading of the disk
//   cannot recover the pepper, but a forensic copy of the browser profile can (the browser must
//   be able to use the key), leaving only the PIN and PBKDF2; device encryption (MDM) is the
//   defence against copied disks.
// - Shared tablet, or someone guessing at the screen: wrong PINs (5 unless the server says
//   otherwise at set-up) wipe the store; in the child's view, they make the next try wait.
// - Corruption or tampering: GCM tags catch it. The record id is additional data, so ciphertext
//   moved under another id fails too; the public key is additional data of the wrapped private
//   key, so a swapped public key makes unlock fail. Damaged records are reported and kept aside:
//   never returned as data (they could be anything), never deleted (may be the only copy).

import { deleteDB, openDB } from "../vendor/idb.js";
import { mayForget, workOn } from "./records.js";

const DB_NAME = "rhi-device";
export const ITERATIONS = 600000; // OWASP's floor for PBKDF2-HMAC-SHA256 (2023)
// How wrong PINs are answered is the server's rule (rhi/sync/pin_limits.py): how many in a row
// wipe the store, and, in the child's view (where the one typing may be the child, and wrong
// PINs never wipe), how long each next try waits. The server hands both over in the session's
// limits; they are kept with the key at set-up and again on each unlock online, so they hold
// with no signal. A store set up before the server handed them over keeps neither until its
// next unlock online: it is answered as the server said then.
const SAID_BEFORE = { maxAttempts: 5, pinWaits: [0, 0, 30, 60, 120, 240, 300] };
const limitOf = (entry) => entry.maxAttempts || SAID_BEFORE.maxAttempts;
const waitAfter = (entry, failed) => {
  const waits = entry.pinWaits || SAID_BEFORE.pinWaits;
  return waits[Math.min(failed, waits.length) - 1] * 1000;
};
// The server's limits as kept with the key: only what is well formed (else the older keeps).
function keptLimits(limits) {
  const kept = {};
  const attempts = limits?.pin_attempts;
  if (Number.isInteger(attempts) && attempts > 0) kept.maxAttempts = attempts;
  const waits = limits?.pin_waits_seconds;
  if (Array.isArray(waits) && waits.length && waits.every((s) => Number.isInteger(s) && s >= 0))
    kept.pinWaits = waits;
  // How long a copy of the server's stays here once fetched (rhi/sync/kept_offline.py).
  const keptSeconds = limits?.copies_kept_seconds;
  if (Number.isInteger(keptSeconds) && keptSeconds > 0) kept.copiesKeptMs = keptSeconds * 1000;
  return kept;
}
const KEY_ENTRY = "device";
const utf8 = new TextEncoder();
const WRAP_AAD = utf8.encode("rhi-device private key v2");
const KDF = "hmac-pbkdf2"; // entries without it derive from PIN + "\0" + pepper (upgraded)
const SEAL_INFO = utf8.encode("rhi-seal-v1");
const EC = { name: "ECDH", namedCurve: "P-256" };

let iterations = ITERATIONS; // lowered only by the localhost-only test hook below
let privateKey = null; // ECDH CryptoKey, non-extractable; never stored unwrapped, never exported
let dbPromise = null;
let idleMinutes = 15,
  idleTimer = null;
// Sealing as the worker types (every keystroke reaches IndexedDB before the tab can be closed)
// must be quick, so what does not depend on the words is done beforehand, in memory only:
let publicKeyRaw = null; // the device's public key (not secret), read once per connection
let nextSeal = null; // a promise of a fresh, never-used {epk, salt, key} for the next record
// The sealing key of each record this page rewrites as the worker types (sealIf): one ephemeral
// key per record, each write with a fresh IV (AES-GCM with random 96-bit IVs is safe far past
// the writes a page makes), so a keystroke waits for no key to be made. Encrypt-only keys.
const rewriting = new Map();
// Ids whose sealing key the service worker holds (sw.js): their next writes go to it at once.
const workerHasKey = new Set();

export class DamagedRecordError extends Error {
  constructor(id) {
    super(`The copy of ${id} on this tablet is damaged and cannot be read. It has been kept.`);
    this.name = "DamagedRecordError";
    this.id = id;
  }
}

// One IndexedDB connection, reopened when the browser drops it.
function open() {
  if (!dbPromise) {
    dbPromise = openDB(DB_NAME, 1, {
      upgrade(db) {
        db.createObjectStore("keys");
        db.createObjectStore("records", { keyPath: "id" });
      },
      blocking(current, next) {
        closeDb(); // another tab is wiping: let it
        if (next === null) {
          // Deleted: nothing this page read may stay on its screens (shell-page.js, bar.js).
          forgetKey(true);
          window.dispatchEvent(new CustomEvent("rhi:device-wiped"));
        }
      },
      terminated() {
        dbPromise = null;
      }, // closed by the browser
    });
  }
  return dbPromise;
}

function closeDb() {
  publicKeyRaw = null;
  nextSeal = null;
  rewriting.clear();
  workerHasKey.clear();
  const closing =
    dbPromise &&
    dbPromise.then(
      (db) => db.close(),
      () => {},
    );
  dbPromise = null;
  return closing;
}

// WebKit drops IndexedDB connections of pages that went to the background: reopen then, and
// retry a transaction that failed once on a fresh connection. Only IDB work goes in `fn`.
async function withDb(fn) {
  try {
    return await fn(await open());
  } catch (err) {
    if (!(err instanceof DOMException)) throw err;
    closeDb();
    return fn(await open());
  }
}

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") closeDb();
});

// Asking for the state must not create the database a wipe has just deleted.
async function exists() {
  if (dbPromise || !indexedDB.databases) return true;
  return (await indexedDB.databases()).some((d) => d.name === DB_NAME);
}

const readEntry = async () =>
  (await exists()) ? withDb((db) => db.get("keys", KEY_ENTRY)) : undefined;

function checkPin(pin) {
  if (typeof pin !== "string" || !/^[0-9]{6,}$/.test(pin))
    throw new Error("The PIN must be at least 6 digits, numbers only.");
}

const NEEDS_CONNECTION = "This tablet needs a connection once before it can be unlocked.";

// The pepper as a key script can use but never read; stored as is (structured clone keeps it
// non-extractable), never as bytes.
function importPepper(pepper) {
  if (typeof pepper !== "string" || !pepper) throw new Error("Sign in again: no device secret.");
  return crypto.subtle.importKey(
    "raw",
    utf8.encode(pepper),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
}

async function deriveKek(pin, pepperKey, salt, rounds) {
  const mac = await crypto.subtle.sign("HMAC", pepperKey, utf8.encode(pin)); // 32 bytes
  return kekFrom(mac, salt, rounds);
}

// Stores set up before the pepper was kept on the device; only unlocked online, once.
const legacyKek = (pin, pepper, salt, rounds) =>
  kekFrom(utf8.encode(pin + "\u0000" + pepper), salt, rounds);

async function kekFrom(password, salt, rounds) {
  const material = await crypto.subtle.importKey("raw", password, "PBKDF2", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations: rounds },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["wrapKey", "unwrapKey"],
  );
}

// The wrap's additional data binds the private key to its public half.
const wrapParams = (iv, publicKey) => ({
  name: "AES-GCM",
  iv,
  additionalData: new Uint8Array([...WRAP_AAD, ...new Uint8Array(publicKey)]),
});

const unwrap = (entry, kek, extractable = false) =>
  crypto.subtle.unwrapKey(
    "pkcs8",
    entry.wrapped,
    kek,
    wrapParams(entry.iv, entry.publicKey),
    EC,
    extractable,
    ["deriveBits"],
  );

export async function setUp(pin, pepper, userId, limits) {
  checkPin(pin);
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const pepperKey = await importPepper(pepper);
  const kek = await deriveKek(pin, pepperKey, salt, iterations);
  // Extractable only long enough to wrap it: the key kept is a non-extractable unwrapped copy.
  const pair = await crypto.subtle.generateKey(EC, true, ["deriveBits"]);
  const publicKey = await crypto.subtle.exportKey("raw", pair.publicKey); // 65 bytes
  const wrapped = await crypto.subtle.wrapKey(
    "pkcs8",
    pair.privateKey,
    kek,
    wrapParams(iv, publicKey),
  );
  const entry = {
    salt,
    iterations,
    publicKey,
    wrapped,
    iv,
    failedAttempts: 0,
    ...keptLimits(limits), // the server's rule for wrong PINs, when it gives one
    userId,
    kdf: KDF,
    pepperKey,
  };
  await withDb((db) => db.put("keys", entry, KEY_ENTRY));
  publicKeyRaw = null; // a new key pair: nothing prepared for the old one may be used
  nextSeal = null;
  rewriting.clear();
  workerHasKey.clear();
  privateKey = await unwrap(entry, kek);
  touch();
}

// Online the server's pepper is used (and kept if none is); offline the kept one.
export async function unlock(pin, pepper, { neverWipe = false, limits = null } = {}) {
  checkPin(pin); // a malformed PIN cannot be right: refuse it without counting a try
  const entry = await readEntry();
  if (!entry) throw new Error("No PIN is set on this tablet.");
  if (neverWipe) {
    const waitMs = (entry.heldUntil || 0) - Date.now();
    if (waitMs > 0) return { ok: false, waitMs, tried: false }; // the wait is not over
  }
  // A store from before sealing could never unlock: say so rather than count it as wrong PINs.
  if (!entry.publicKey) throw new Error("This tablet's store is out of date: set a PIN again.");
  const given = pepper === undefined || pepper === null ? null : await importPepper(pepper);
  const pepperKey = given || entry.pepperKey;
  if (!pepperKey || (entry.kdf !== KDF && !given)) throw new Error(NEEDS_CONNECTION);
  let update = null;
  try {
    if (entry.kdf === KDF) {
      const kek = await deriveKek(pin, pepperKey, entry.salt, entry.iterations);
      privateKey = await unwrap(entry, kek);
      if (!entry.pepperKey) update = { pepperKey };
    } else {
      update = await upgrade(entry, pin, pepper, pepperKey);
      privateKey = await unwrap(
        { ...entry, ...update },
        await deriveKek(pin, pepperKey, update.salt, update.iterations),
      );
    }
  } catch (err) {
    if (err.name !== "OperationError") throw err; // a real fault, not a wrong PIN
    if (neverWipe)
      return { ok: false, waitMs: await heldAfterAWrongPin(entry.publicKey), tried: true };
    let failed = 0;
    const same = await changeEntry((current) => {
      failed = current.failedAttempts + 1;
      return { failedAttempts: failed };
    }, entry.publicKey);
    // A wrong PIN for a store no longer here: not counted against the one set up since.
    if (!same) throw new SetUpAgain({ cause: err });
    if (failed >= limitOf(entry)) {
      await wipe();
      return { ok: false, wiped: true };
    }
    return { ok: false, attemptsLeft: limitOf(entry) - failed };
  }
  // Online, the server's rule for wrong PINs as it is now (it may have changed since set-up).
  const rule = keptLimits(limits);
  const ruleChanged = Object.entries(rule).some(
    ([key, value]) => JSON.stringify(entry[key]) !== JSON.stringify(value),
  );
  const clean = entry.failedAttempts || entry.heldFailed || update || ruleChanged;
  const same = await changeEntry(
    () => clean && { ...update, ...rule, failedAttempts: 0, heldFailed: 0, heldUntil: 0 },
    entry.publicKey,
  );
  if (!same) {
    privateKey = null; // the key of a store no longer here
    throw new SetUpAgain();
  }
  touch();
  window.dispatchEvent(new CustomEvent("rhi:device-unlocked"));
  return true;
}

// A wrong PIN in the child's view: counted apart from the tries that wipe; how long the next
// try waits (0: it need not).
async function heldAfterAWrongPin(publicKey) {
  let waitMs = 0;
  const same = await changeEntry((current) => {
    const heldFailed = (current.heldFailed || 0) + 1;
    waitMs = waitAfter(current, heldFailed);
    return { heldFailed, heldUntil: waitMs ? Date.now() + waitMs : 0 };
  }, publicKey);
  if (!same) throw new SetUpAgain(); // the wait is the store's that was tried, not another's
  return waitMs;
}

// Re-wrap a legacy store's private key under the new derivation; it is extractable only here.
async function upgrade(entry, pin, pepper, pepperKey) {
  const old = await unwrap(entry, await legacyKek(pin, pepper, entry.salt, entry.iterations), true);
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const rounds = Math.max(entry.iterations, iterations);
  const kek = await deriveKek(pin, pepperKey, salt, rounds);
  const wrapped = await crypto.subtle.wrapKey("pkcs8", old, kek, wrapParams(iv, entry.publicKey));
  return { salt, iv, wrapped, iterations: rounds, kdf: KDF, pepperKey };
}

export async function attemptsLeft() {
  const entry = await readEntry();
  return entry ? limitOf(entry) - entry.failedAttempts : SAID_BEFORE.maxAttempts;
}

// Whose PIN locks what is kept here (the user who set it up): null with nothing kept, or a
// store from before it was recorded. Needs no PIN: an id, never a name.
export async function keptFor() {
  const entry = await readEntry();
  return entry && entry.userId !== undefined ? entry.userId : null;
}

// How long the server says a copy is kept after it was fetched, in milliseconds: null with
// nothing kept, or a store whose set-up or last unlock online came before the server said
// (its copies stay until an unlock online hands the rule over). Needs no PIN.
export async function copiesKeptMs() {
  const entry = await readEntry();
  return (entry && entry.copiesKeptMs) || null;
}

// The key entry changed by `change(entry)` (the fields it returns, or nothing), read and
// written in one transaction: an unlock's PBKDF2 takes a second, and a field another page wrote
// meanwhile must not be put back as it was before. With `publicKey`, only the store of that key
// is changed: wiped and set up again meanwhile (another tab), it is another store, and what was
// worked out for this one must not be written into it. True when the entry is still that store.
async function changeEntry(change, publicKey = null) {
  if (!(await exists())) return false;
  return withDb(async (db) => {
    const tx = db.transaction("keys", "readwrite");
    const entry = await tx.store.get(KEY_ENTRY);
    const same = Boolean(entry) && (!publicKey || sameBytes(entry.publicKey, publicKey));
    const changed = same && change(entry);
    if (changed) await tx.store.put({ ...entry, ...changed }, KEY_ENTRY);
    await tx.done;
    return same;
  });
}

function sameBytes(a, b) {
  if (!a || !b) return false;
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  return x.length === y.length && x.every((byte, i) => byte === y[i]);
}

/** An unlock found the store wiped and set up again while it worked: the PIN is asked again. */
export class SetUpAgain extends Error {
  constructor(options) {
    super("This tablet was set up again while it was being opened: enter the PIN again.", options);
    this.name = "SetUpAgain";
  }
}

// The server's rule for how long copies stay, as each list of copies hands it over: a store
// set up before the rule (or last unlocked offline) has it without waiting for the PIN online.
export async function keepCopiesRule(limits) {
  const { copiesKeptMs: keptMs } = keptLimits(limits);
  if (keptMs)
    await changeEntry((entry) => entry.copiesKeptMs !== keptMs && { copiesKeptMs: keptMs });
}

// Whether copies past that rule were taken off since the worker's list was last kept
// (copies.js): the list says so until then, whichever page took them off. Needs no PIN.
export async function copiesForgotten() {
  const entry = await readEntry();
  return Boolean(entry && entry.copiesForgotten);
}

export async function setCopiesForgotten(value) {
  await changeEntry(
    (entry) => Boolean(entry.copiesForgotten) !== value && { copiesForgotten: value },
  );
}

export async function state() {
  return !(await readEntry()) ? "empty" : privateKey ? "unlocked" : "locked";
}

// Locked: the key is forgotten, and every page showing what it read hides it (shell-page.js)
// until the PIN opens the store again.
export function lock() {
  forgetKey(false);
}

// `wiping`: the store is being deleted, and "rhi:device-wiped" follows (the page shows what is
// left then, which is nothing: asking the store meanwhile could make it again).
function forgetKey(wiping) {
  privateKey = null;
  clearTimeout(idleTimer);
  window.dispatchEvent(new CustomEvent("rhi:device-locked", { detail: { wiping } }));
}

export function setIdleLock(minutes = 15) {
  if (!(minutes > 0)) throw new Error("The idle lock needs a positive number of minutes.");
  idleMinutes = minutes;
  if (privateKey) touch();
}

// Every read restarts the idle clock; writes do not, as they need no key. A person using the
// page (a tap, a key, typing) restarts it too: "idle" is a tablet no one is using, and a worker
// typing for a quarter of an hour (each keystroke is a write, not a read) was locked out of the
// page mid-sentence.
function touch() {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(idleLock, idleMinutes * 60000);
}

let used = 0; // how many times a person used the page: counted, never kept
const USED = ["pointerdown", "keydown", "input"];
for (const type of USED) {
  window.addEventListener(
    type,
    (event) => {
      if (!event.isTrusted) return; // a person, not a script
      used += 1;
      if (privateKey) touch();
    },
    { capture: true, passive: true },
  );
}

// The longest a lock waits for the page to keep what was typed. Keeping takes a moment; this
// is only so that a write that never ends cannot keep the store open.
const LOCK_WAITS_MS = 10000;

// The idle clock ran out. The page first keeps what was typed and not yet kept (a change the
// page keeps with a read needs the key: shell-interview.js), with the key still here, and only
// then is the key forgotten and the page emptied: no word is lost to the lock. Each listener of
// "rhi:device-locking" hands its keeping to event.detail.waitUntil. Used meanwhile: not idle.
async function idleLock() {
  const usedBefore = used;
  const waits = [];
  const waitUntil = (promise) => waits.push(Promise.resolve(promise).catch(() => undefined));
  window.dispatchEvent(new CustomEvent("rhi:device-locking", { detail: { waitUntil } }));
  if (waits.length) {
    let timer = null;
    const late = new Promise((resolve) => (timer = setTimeout(resolve, LOCK_WAITS_MS)));
    await Promise.race([Promise.all(waits), late]);
    clearTimeout(timer);
  }
  if (privateKey && used === usedBefore) lock();
}

function keyOrThrow() {
  if (!privateKey) throw new Error("The tablet's store is locked: enter your PIN.");
  touch();
  return privateKey;
}

// ECDH(private, public) -> HKDF-SHA-256 -> AES-GCM-256 key, the same from either side.
async function recordKey(ownPrivate, otherPublicRaw, salt, usage) {
  const other = await crypto.subtle.importKey("raw", otherPublicRaw, EC, false, []);
  const shared = await crypto.subtle.deriveBits({ name: "ECDH", public: other }, ownPrivate, 256);
  const ikm = await crypto.subtle.importKey("raw", shared, "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt, info: SEAL_INFO },
    ikm,
    { name: "AES-GCM", length: 256 },
    false,
    [usage],
  );
}

// A fresh ephemeral pair per record, with its salt and AES key, made before it is needed; its
// private half never leaves here. Each is taken once (nextSeal is replaced as it is taken).
async function sealingKey() {
  if (!publicKeyRaw) {
    const entry = await readEntry();
    if (!entry) throw new Error("No PIN is set on this tablet.");
    publicKeyRaw = entry.publicKey;
  }
  const ephemeral = await crypto.subtle.generateKey(EC, false, ["deriveBits"]);
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const key = await recordKey(ephemeral.privateKey, publicKeyRaw, salt, "encrypt");
  const epk = await crypto.subtle.exportKey("raw", ephemeral.publicKey);
  return { epk, salt, key };
}

function takeSealingKey() {
  const taken = nextSeal || sealingKey();
  nextSeal = taken.then(
    () => sealingKey(),
    () => null,
  );
  nextSeal.catch(() => undefined);
  return taken.catch((err) => {
    nextSeal = null;
    throw err;
  });
}

// Writes are issued to IndexedDB in the order they were asked for (each is encrypted in turn,
// a millisecond or two, then its transaction is made), but none waits for the one before it to
// be done: IndexedDB runs them in that order, so a keystroke's write is on its way at once even
// when the browser is slow to finish the last one.
let writing = Promise.resolve();

// Each revision this page wrote over another: what it was written on (`write`). A record kept
// with revision r2, written on r1, holds all that r1 held: the page builds each write on the
// one before (drafts.js changeDraftNow) or on what it read (changeDraft), and the service
// worker folds a write waiting into the next (sw.js). The last few thousand only.
const builtOn = new Map();
const BUILT_ON_KEPT = 5000;

/** Does the record kept as revision `kept` hold what revision `rev` held? */
function holds(kept, rev) {
  for (let at = kept, steps = 0; at && steps < BUILT_ON_KEPT; steps += 1) {
    if (at === rev) return true;
    at = builtOn.get(at);
  }
  return false;
}

/** `direct`: written here, never handed to the service worker (it did not answer: `write`). */
function issue(id, text, rev, expect, direct = false) {
  const issued = writing.then(async () => {
    let sealing = expect === undefined ? null : rewriting.get(id);
    if (!sealing) {
      sealing = await takeSealingKey();
      if (expect !== undefined) rewriting.set(id, sealing);
    }
    const { epk, salt, key } = sealing;
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: utf8.encode(id) },
      key,
      utf8.encode(text),
    );
    const savedAt = new Date().toISOString();
    const row = { id, sealed: true, epk, salt, iv, data, savedAt, rev };
    if (expect !== undefined && !direct && (await workerWrites())) {
      // Handed to the service worker, with this record's sealing key: written even if this
      // tab is closed the next moment, and the next writes need no await here (write()).
      const done = toWorker({ type: "rhi-write", row, expect, sealing }).then(
        (written) => {
          workerHasKey.add(id);
          return written ? savedAt : null;
        },
        (err) => {
          if (!(err instanceof WorkerSilent)) throw err;
          return writtenAnyway(id, text, rev, expect);
        },
      );
      return { done };
    }
    const db = await open();
    // Relaxed: done once the browser has the write, without waiting for the disk to flush
    // (100s of ms on a busy tablet). It survives the tab closing and the browser quitting;
    // only power lost in that moment could lose it.
    const tx = db.transaction("records", "readwrite", { durability: "relaxed" });
    let written = true;
    if (expect === undefined) {
      tx.store.put(row);
      if (tx.commit) tx.commit(); // now, not when this task ends: a tab closed at once keeps it
    } else {
      // Written only over the revision expected (null: only if there is none), in the same
      // transaction as the check: what another tab wrote meanwhile is never overwritten.
      tx.store.get(id).then((stored) => {
        written = (stored ? stored.rev : null) === expect;
        if (written) tx.store.put(row);
        if (tx.commit) tx.commit();
      });
    }
    return { done: tx.done.then(() => (written ? savedAt : null)) };
  });
  writing = issued.catch(() => undefined);
  return issued.then(({ done }) => done);
}

// Whether this page's service worker writes sealed records for it (sw.js): asked once.
let workerAnswers = null;
let workerSaidYes = false;

/** True once writes by sealIf go through the service worker, and so outlast this tab. */
export const writesOutlastThePage = () => workerSaidYes;
function workerWrites() {
  const worker = navigator.serviceWorker && navigator.serviceWorker.controller;
  if (!worker) return false;
  if (!workerAnswers) {
    workerAnswers = new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = ({ data }) => {
        workerSaidYes = Boolean(data && data.writes);
        resolve(workerSaidYes);
      };
      worker.postMessage({ type: "rhi-hello" }, [channel.port2]);
      window.setTimeout(() => resolve(false), 2000); // a worker from before: the page writes
    });
  }
  return workerAnswers;
}

/**
 * Get ready to keep what the worker types in record `id` at once (sealIf): its sealing key
 * made, and handed to the service worker if it writes for this page.
 * @param {string} id
 */
export async function prepareWrites(id) {
  if (workerHasKey.has(id) || !(await workerWrites())) return;
  let sealing = rewriting.get(id);
  if (!sealing) {
    sealing = await takeSealingKey();
    rewriting.set(id, sealing);
  }
  await toWorker({ type: "rhi-write", id, sealing });
  if (rewriting.get(id) === sealing) workerHasKey.add(id);
}

// How long the service worker may take to say a record is written. It answers in milliseconds;
// one stopped in the middle of a write never answers, and what was typed waited on it for good
// (the part tapped never came: router.js). Past this the page writes the record itself
// (`write`), the same one, with the same revision.
const WORKER_WAIT_MS = 10000;
class WorkerSilent extends Error {}

/**
 * A write the service worker did not answer in time: it may have written it, or may yet. Not
 * knowing, the page writes the same record, with the same revision, over the same one
 * expected, itself: whichever lands first writes it, once; the other finds the revision moved
 * on and writes nothing. Not written here, it is written if what is kept holds it (`holds`:
 * the worker wrote it, and maybe a later one on it). Taken as not written, it was made again on
 * top of itself: a "use these words" tap counted twice (rev37). From then on this page writes
 * its records itself: a worker that did not answer once may be stuck on its writes, and one
 * handed the fallback too never wrote it (rev37b).
 */
async function writtenAnyway(id, text, rev, expect) {
  workerSaidYes = false;
  workerAnswers = Promise.resolve(false);
  const mine = await issue(id, text, rev, expect, true);
  if (mine) return mine;
  const kept = await withDb((db) => db.get("records", id));
  return kept && holds(kept.rev, rev) ? new Date().toISOString() : null;
}

function toWorker(message) {
  return new Promise((resolve, reject) => {
    const channel = new MessageChannel();
    const timer = window.setTimeout(() => {
      channel.port1.onmessage = null;
      reject(new WorkerSilent("The service worker did not answer."));
    }, WORKER_WAIT_MS);
    channel.port1.onmessage = ({ data: answer }) => {
      window.clearTimeout(timer);
      if (answer.error) reject(new Error(answer.error));
      else resolve(answer.written);
    };
    navigator.serviceWorker.controller.postMessage(message, [channel.port2]);
  });
}

async function write(id, record, rev, expect) {
  if (typeof id !== "string" || !id) throw new Error("A record needs an id.");
  const text = JSON.stringify(record); // as it is now: the caller may change it meanwhile
  let savedAt;
  if (expect) {
    builtOn.set(rev, expect);
    if (builtOn.size > BUILT_ON_KEPT) builtOn.delete(builtOn.keys().next().value);
  }
  const worker = navigator.serviceWorker && navigator.serviceWorker.controller;
  if (expect !== undefined && worker && workerSaidYes && workerHasKey.has(id)) {
    // As the worker types: posted now, in this event, before any await, so it has left the
    // page even if the tab is closed the next moment; the service worker seals and writes it.
    savedAt = new Date().toISOString();
    try {
      const written = await toWorker({ type: "rhi-write", id, text, rev, expect, savedAt });
      savedAt = written ? savedAt : null;
    } catch (err) {
      workerHasKey.delete(id); // restarted, say: the next write sends the key again
      if (!(err instanceof WorkerSilent)) throw err;
      savedAt = await writtenAnyway(id, text, rev, expect);
    }
  } else {
    try {
      savedAt = await issue(id, text, rev, expect);
    } catch (err) {
      if (!(err instanceof DOMException)) throw err;
      closeDb(); // the browser dropped the connection (see withDb): once more, on a fresh one
      savedAt = await issue(id, text, rev, expect);
    }
  }
  return savedAt;
}

export async function seal(id, record) {
  // rev tells this write from any other, even one in the same millisecond (see removeIf).
  return write(id, record, crypto.randomUUID(), undefined);
}

/**
 * Seal `record` under `id` only if what is kept there now is revision `expect` (null: nothing
 * is). Resolves to savedAt, or null when something else was written meanwhile (not written).
 * `rev` is the new revision: the caller may chain a next sealIf on it before this one is done.
 */
export function sealIf(id, record, expect, rev = crypto.randomUUID()) {
  return write(id, record, rev, expect);
}

/** A record with its revision, for a later sealIf: {record, rev}, or undefined. Unlocked. */
export async function getKept(id) {
  const key = keyOrThrow();
  const stored = await withDb((db) => db.get("records", id));
  if (!stored) return undefined;
  return { record: await openRecord(key, stored), rev: stored.rev };
}

async function openRecord(ownPrivate, stored) {
  try {
    const key = await recordKey(ownPrivate, stored.epk, stored.salt, "decrypt");
    // The store's keyPath is `id`, so this is the id the record is filed under.
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: stored.iv, additionalData: utf8.encode(stored.id) },
      key,
      stored.data,
    );
    return JSON.parse(new TextDecoder().decode(plain));
  } catch {
    throw new DamagedRecordError(stored.id);
  }
}

export async function get(id) {
  return (await getKept(id))?.record;
}

export async function all() {
  const key = keyOrThrow();
  const rows = await withDb((db) => db.getAll("records"));
  const records = [],
    damaged = [];
  for (const stored of rows) {
    try {
      const record = await openRecord(key, stored);
      records.push({ id: stored.id, record, savedAt: stored.savedAt, rev: stored.rev });
    } catch {
      damaged.push(stored.id);
    }
  }
  return { records, damaged };
}

// No PIN needed: ids and times only, for "2 interviews waiting to send".
export const count = async () => ((await exists()) ? withDb((db) => db.count("records")) : 0);

export async function ids() {
  if (!(await exists())) return [];
  const rows = await withDb((db) => db.getAll("records"));
  return rows.map(({ id, savedAt }) => ({ id, savedAt }));
}

export async function remove(id) {
  keyOrThrow();
  await withDb((db) => db.delete("records", id));
}

// Remove a record only if it is still the one that was read (same rev, from all()): what was
// sent is let go of, a change kept while it was being sent is not. True when removed.
export async function removeIf(id, rev) {
  keyOrThrow();
  return withDb(async (db) => {
    const tx = db.transaction("records", "readwrite");
    const stored = await tx.store.get(id);
    const same = Boolean(stored) && stored.rev === rev;
    if (same) await tx.store.delete(id);
    await tx.done;
    return same;
  });
}

// Copies of what the server holds ("copy:…", "return:…", and "versions:…", a version the
// server kept beside its own for the worker to choose from) and the worker's choice to keep a
// child ("keep:…") may be dropped without the PIN: the server says who may still see them,
// and a de-allocated child must leave the tablet. Work not yet sent is never dropped this way.
export async function forget(id) {
  if (!mayForget(id)) throw new Error("Only copies can be forgotten without the PIN.");
  await withDb((db) => db.delete("records", id));
}

// A copy too old to keep (copies.js forgetOldCopies), dropped only as it was when `savedAt`
// was read, and only while no unsent work is built on it (records.js workOn), both asked in
// the same transaction as the delete: a copy kept again meanwhile, fresh from the server, or
// one the worker has just begun to change with no signal, stays. True when it was dropped.
export async function forgetOld(id, savedAt) {
  if (!mayForget(id)) throw new Error("Only copies can be forgotten without the PIN.");
  return withDb(async (db) => {
    const tx = db.transaction("records", "readwrite");
    const stored = await tx.store.get(id);
    let drop = Boolean(stored) && stored.savedAt === savedAt;
    for (const [lowest, highest] of drop ? workOn(id) : []) {
      if (await tx.store.count(IDBKeyRange.bound(lowest, highest))) drop = false;
    }
    if (drop) await tx.store.delete(id);
    await tx.done;
    return drop;
  });
}

// Other tabs are told of a wipe even if they hold no connection to be asked to close.
const tabs = typeof BroadcastChannel === "function" ? new BroadcastChannel("rhi-device") : null;
if (tabs) {
  tabs.onmessage = ({ data }) => {
    if (data !== "wiped") return;
    forgetKey(true);
    closeDb();
    window.dispatchEvent(new CustomEvent("rhi:device-wiped"));
  };
}

// Delete this store and any other rhi database, and forget the key.
export async function wipe() {
  forgetKey(true);
  await closeDb();
  const names = new Set([DB_NAME]);
  const listed = indexedDB.databases ? await indexedDB.databases() : [];
  for (const { name } of listed) if (name && name.startsWith("rhi")) names.add(name);
  await Promise.all([...names].map((name) => deleteDB(name)));
  if (tabs) tabs.postMessage("wiped");
}

// Test hook: PBKDF2 at full strength takes about a second a call. Usable only on a page served
// from localhost, so it can never weaken a real tablet's store.
export function _setIterationsForTests(n) {
  if (!["127.0.0.1", "localhost"].includes(location.hostname)) throw new Error("localhost only");
  iterations = n;
}

// Ask the browser not to clear the store when space runs low (granted at once to an installed
// app in Chromium; the bar warns while it is not granted).
export function askToPersist() {
  if (navigator.storage && navigator.storage.persist)
    navigator.storage.persist().catch(() => false);
}

/** False only when the browser says it may clear the store. */
export async function isPersisted() {
  if (!navigator.storage || !navigator.storage.persisted) return true;
  return navigator.storage.persisted().catch(() => true);
}
