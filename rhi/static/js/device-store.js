// rhi device store: children's data kept on a tablet, encrypted, until the server has it.
// Plain ES2020 with the vendored `idb` (global) and WebCrypto only; no eval, fine under the CSP.
//
// Threats it answers (docs/security.md has the full decision):
// - Lost or stolen tablet: everything at rest is AES-GCM ciphertext. The data key is in clear
//   only in this module's memory while unlocked; lock, idle and reload forget it.
// - Copied disk: a 6-digit PIN has a million values, trivial to brute-force offline. So the key
//   that wraps the data key is derived from the PIN *and* a per-user pepper the server hands over
//   at sign-in, which is not on the disk; PBKDF2 with 600,000 iterations slows what is left.
// - Shared tablet, or someone guessing at the screen: 5 wrong PINs wipe the store.
// - Corruption or tampering: GCM tags catch it. The record id is additional data, so ciphertext
//   moved under another id fails too. Damaged records are reported and kept aside: never
//   returned as data (they could be anything), never deleted (they may be someone's only copy).
(function () {
  "use strict";
  const DB_NAME = "rhi-device";
  const ITERATIONS = 600000; // OWASP's floor for PBKDF2-HMAC-SHA256 (2023)
  const MAX_ATTEMPTS = 5;
  const KEY_ENTRY = "device";
  const utf8 = new TextEncoder();
  const WRAP_AAD = utf8.encode("rhi-device data key v1");

  let iterations = ITERATIONS; // lowered only by the localhost-only test hook below
  let dataKey = null; // CryptoKey, non-extractable; never stored, never exported
  let dbPromise = null;
  let idleMinutes = 15, idleTimer = null;

  class DamagedRecordError extends Error {
    constructor(id) {
      super(`The copy of ${id} on this tablet is damaged and cannot be read. It has been kept.`);
      this.name = "DamagedRecordError";
      this.id = id;
    }
  }

  // One IndexedDB connection, reopened when the browser drops it.
  function open() {
    if (!dbPromise) {
      dbPromise = idb.openDB(DB_NAME, 1, {
        upgrade(db) {
          db.createObjectStore("keys");
          db.createObjectStore("records", { keyPath: "id" });
        },
        blocking() { closeDb(); }, // another tab is wiping: let it
        terminated() { dbPromise = null; }, // closed by the browser
      });
    }
    return dbPromise;
  }

  function closeDb() {
    const closing = dbPromise && dbPromise.then((db) => db.close(), () => {});
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
    if (typeof pin !== "string" || !/^[0-9]{6,}$/.test(pin)) throw new Error(
      "The PIN must be at least 6 digits, numbers only.");
  }

  async function deriveKek(pin, pepper, salt, rounds) {
    if (typeof pepper !== "string" || !pepper) throw new Error("Sign in again: no device secret.");
    const material = await crypto.subtle.importKey(
      "raw", utf8.encode(pin + "\u0000" + pepper), "PBKDF2", false, ["deriveKey"]);
    return crypto.subtle.deriveKey(
      { name: "PBKDF2", hash: "SHA-256", salt, iterations: rounds },
      material, { name: "AES-GCM", length: 256 }, false, ["wrapKey", "unwrapKey"]);
  }

  const unwrap = (wrapped, kek, iv) => crypto.subtle.unwrapKey(
    "raw", wrapped, kek, { name: "AES-GCM", iv, additionalData: WRAP_AAD },
    { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);

  async function setUp(pin, pepper, userId) {
    checkPin(pin);
    const salt = crypto.getRandomValues(new Uint8Array(16));
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const kek = await deriveKek(pin, pepper, salt, iterations);
    // Extractable only long enough to wrap it: the key kept is a non-extractable unwrapped copy.
    const fresh = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, true,
      ["encrypt", "decrypt"]);
    const wrapped = await crypto.subtle.wrapKey("raw", fresh, kek,
      { name: "AES-GCM", iv, additionalData: WRAP_AAD });
    const entry = { salt, iterations, wrapped, iv, failedAttempts: 0, userId };
    await withDb((db) => db.put("keys", entry, KEY_ENTRY));
    dataKey = await unwrap(wrapped, kek, iv);
    touch();
  }

  async function unlock(pin, pepper) {
    checkPin(pin); // a malformed PIN cannot be right: refuse it without counting a try
    const entry = await readEntry();
    if (!entry) throw new Error("No PIN is set on this tablet.");
    try {
      const kek = await deriveKek(pin, pepper, entry.salt, entry.iterations);
      dataKey = await unwrap(entry.wrapped, kek, entry.iv);
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
    if (entry.failedAttempts) {
      await withDb((db) => db.put("keys", { ...entry, failedAttempts: 0 }, KEY_ENTRY));
    }
    touch();
    return true;
  }

  const attemptsLeft = async () => MAX_ATTEMPTS - ((await readEntry())?.failedAttempts ?? 0);

  async function state() {
    return !(await readEntry()) ? "empty" : dataKey ? "unlocked" : "locked";
  }

  function lock() {
    dataKey = null;
    clearTimeout(idleTimer);
    window.dispatchEvent(new CustomEvent("rhi:device-locked"));
  }

  function setIdleLock(minutes = 15) {
    if (!(minutes > 0)) throw new Error("The idle lock needs a positive number of minutes.");
    idleMinutes = minutes;
    if (dataKey) touch();
  }

  // Every use of the data restarts the idle clock.
  function touch() {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(lock, idleMinutes * 60000);
  }

  function keyOrThrow() {
    if (!dataKey) throw new Error("The tablet's store is locked: enter your PIN.");
    touch();
    return dataKey;
  }

  async function put(id, record) {
    if (typeof id !== "string" || !id) throw new Error("A record needs an id.");
    const key = keyOrThrow();
    const iv = crypto.getRandomValues(new Uint8Array(12)); // never reuse an IV under one key
    const data = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: utf8.encode(id) }, key,
      utf8.encode(JSON.stringify(record)));
    const savedAt = new Date().toISOString();
    await withDb((db) => db.put("records", { id, iv, data, savedAt }));
    return savedAt;
  }

  async function decryptRecord(key, stored) {
    try {
      // The store's keyPath is `id`, so this is the id the record is filed under.
      const plain = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: stored.iv, additionalData: utf8.encode(stored.id) }, key,
        stored.data);
      return JSON.parse(new TextDecoder().decode(plain));
    } catch (err) {
      throw new DamagedRecordError(stored.id);
    }
  }

  async function get(id) {
    const key = keyOrThrow();
    const stored = await withDb((db) => db.get("records", id));
    return stored ? decryptRecord(key, stored) : undefined;
  }

  async function all() {
    const key = keyOrThrow();
    const rows = await withDb((db) => db.getAll("records"));
    const records = [], damaged = [];
    for (const stored of rows) {
      try {
        const record = await decryptRecord(key, stored);
        records.push({ id: stored.id, record, savedAt: stored.savedAt });
      } catch (err) {
        damaged.push(stored.id);
      }
    }
    return { records, damaged };
  }

  async function remove(id) {
    keyOrThrow();
    await withDb((db) => db.delete("records", id));
  }

  // Delete this store and any other rhi database, and forget the key.
  async function wipe() {
    lock();
    await closeDb();
    const names = new Set([DB_NAME]);
    const listed = indexedDB.databases ? await indexedDB.databases() : [];
    for (const { name } of listed) if (name && name.startsWith("rhi")) names.add(name);
    await Promise.all([...names].map((name) => idb.deleteDB(name)));
  }

  // Test hook: PBKDF2 at full strength takes about a second a call. Usable only on a page served
  // from localhost, so it can never weaken a real tablet's store.
  function _setIterationsForTests(n) {
    if (!["127.0.0.1", "localhost"].includes(location.hostname)) throw new Error("localhost only");
    iterations = n;
  }

  window.rhiDevice = Object.freeze({
    ITERATIONS, MAX_ATTEMPTS, DamagedRecordError,
    state, setUp, unlock, attemptsLeft, lock, setIdleLock,
    put, get, all, remove, wipe, _setIterationsForTests,
  });
})();
