// The sealed store: children's data kept on a tablet, encrypted, until the server has it.
// WebCrypto and IndexedDB (through the vendored idb, an ES module) only: no page, no network.
//
// Every call is async except lock and setIdleLock:
//   setUp(pin, pepper, userId)  new key pair; store left unlocked
//   unlock(pin, pepper?) -> true | {ok: false, attemptsLeft} | {ok: false, wiped: true}
//   lock(), setIdleLock(minutes), state() -> "empty" | "locked" | "unlocked", attemptsLeft()
//   seal(id, record) -> savedAt   WRITES NEED NO PIN: works locked or unlocked, throws if empty
//   get(id), all() -> {records: [{id, record, savedAt, rev}], damaged: [id]}, remove(id),
//   removeIf(id, rev)   unlocked
//   count(), ids() -> [{id, savedAt}]   need no PIN, so ids are in clear: callers must use
//                                       opaque ids (records.js), never names or notes
//   forget(id)   a copy, without the PIN (records.js mayForget); wipe()
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
// - Shared tablet, or someone guessing at the screen: 5 wrong PINs wipe the store.
// - Corruption or tampering: GCM tags catch it. The record id is additional data, so ciphertext
//   moved under another id fails too; the public key is additional data of the wrapped private
//   key, so a swapped public key makes unlock fail. Damaged records are reported and kept aside:
//   never returned as data (they could be anything), never deleted (may be the only copy).

import { deleteDB, openDB } from "../vendor/idb.js";
import { mayForget } from "./records.js";

const DB_NAME = "rhi-device";
export const ITERATIONS = 600000; // OWASP's floor for PBKDF2-HMAC-SHA256 (2023)
export const MAX_ATTEMPTS = 5;
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
      blocking() {
        closeDb();
      }, // another tab is wiping: let it
      terminated() {
        dbPromise = null;
      }, // closed by the browser
    });
  }
  return dbPromise;
}

function closeDb() {
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

export async function setUp(pin, pepper, userId) {
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
    userId,
    kdf: KDF,
    pepperKey,
  };
  await withDb((db) => db.put("keys", entry, KEY_ENTRY));
  privateKey = await unwrap(entry, kek);
  touch();
}

// Online the server's pepper is used (and kept if none is); offline the kept one.
export async function unlock(pin, pepper) {
  checkPin(pin); // a malformed PIN cannot be right: refuse it without counting a try
  const entry = await readEntry();
  if (!entry) throw new Error("No PIN is set on this tablet.");
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
    const failed = await withDb(async (db) => {
      const tx = db.transaction("keys", "readwrite");
      const current = await tx.store.get(KEY_ENTRY);
      current.failedAttempts += 1;
      await tx.store.put(current, KEY_ENTRY);
      await tx.done;
      return current.failedAttempts;
    });
    if (failed >= MAX_ATTEMPTS) {
      await wipe();
      return { ok: false, wiped: true };
    }
    return { ok: false, attemptsLeft: MAX_ATTEMPTS - failed };
  }
  if (entry.failedAttempts || update) {
    await withDb((db) => db.put("keys", { ...entry, ...update, failedAttempts: 0 }, KEY_ENTRY));
  }
  touch();
  return true;
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

export const attemptsLeft = async () => MAX_ATTEMPTS - ((await readEntry())?.failedAttempts ?? 0);

export async function state() {
  return !(await readEntry()) ? "empty" : privateKey ? "unlocked" : "locked";
}

export function lock() {
  privateKey = null;
  clearTimeout(idleTimer);
  window.dispatchEvent(new CustomEvent("rhi:device-locked"));
}

export function setIdleLock(minutes = 15) {
  if (!(minutes > 0)) throw new Error("The idle lock needs a positive number of minutes.");
  idleMinutes = minutes;
  if (privateKey) touch();
}

// Every read restarts the idle clock; writes do not, as they need no key.
function touch() {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(lock, idleMinutes * 60000);
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

export async function seal(id, record) {
  if (typeof id !== "string" || !id) throw new Error("A record needs an id.");
  const entry = await readEntry();
  if (!entry) throw new Error("No PIN is set on this tablet.");
  // A fresh ephemeral pair per record; its private half never leaves this function.
  const ephemeral = await crypto.subtle.generateKey(EC, false, ["deriveBits"]);
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await recordKey(ephemeral.privateKey, entry.publicKey, salt, "encrypt");
  const data = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: utf8.encode(id) },
    key,
    utf8.encode(JSON.stringify(record)),
  );
  const epk = await crypto.subtle.exportKey("raw", ephemeral.publicKey);
  const savedAt = new Date().toISOString();
  // rev tells this write from any other, even one in the same millisecond (see removeIf).
  const rev = crypto.randomUUID();
  await withDb((db) => db.put("records", { id, sealed: true, epk, salt, iv, data, savedAt, rev }));
  return savedAt;
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
  const key = keyOrThrow();
  const stored = await withDb((db) => db.get("records", id));
  return stored ? openRecord(key, stored) : undefined;
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

// Delete this store and any other rhi database, and forget the key.
export async function wipe() {
  lock();
  await closeDb();
  const names = new Set([DB_NAME]);
  const listed = indexedDB.databases ? await indexedDB.databases() : [];
  for (const { name } of listed) if (name && name.startsWith("rhi")) names.add(name);
  await Promise.all([...names].map((name) => deleteDB(name)));
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
