// rhi's service worker. Hand-written and short on purpose (see DESIGN.md: Workbox's queue
// drops entries after 7 days, keeps request bodies in plain text and can load code from a CDN).
// VERSION and SHELL are put in front of this file by the server (rhi/pwa/views.py).
//
// Rules:
// - The app shell (CSS, JS, icons, writing-check rules, the offline page) is kept in a cache
//   named by VERSION, made from the contents of every shell file; caches of any other version
//   are deleted when a new worker takes over.
// - Static files are named by their contents (`?v=`, rhi/pwa/views.py): those, and shell pages,
//   cache first, since the bytes under such a URL never change. A static URL without a version
//   (nothing of rhi's asks for one) goes to the network, and to the cache only with no network.
//   Pages: network first; with no network, the shell page for that path (rhi/shells.py: the
//   same template with blanks, filled by shell-page.js from the tablet's encrypted store), or the
//   offline page.
// - Nothing holding a child's data ever goes into the Cache API: pages are never cached, and
//   any response marked X-RHI-Personal-Data is refused even if a rule above would cache it.
/* global VERSION, SHELL */
"use strict";

const CACHE = "rhi-shell-" + VERSION;
const OFFLINE_URL = "/offline";

// The shell page for one of rhi's pages, or null: the one place this mapping is written.
function shellFor(path) {
  if (/^\/returns\/?$/.test(path)) return "/shell/returns";
  if (/^\/episodes\/\d+\/?$/.test(path)) return "/shell/episode";
  const interview = path.match(/^\/interviews\/[0-9a-f-]{36}(?:\/([a-z_]+))?\/?$/);
  if (interview) return `/shell/interviews/${interview[1] || "start"}`;
  return null;
}

self.addEventListener("install", (event) => {
  // No skipWaiting here: a new version waits until the worker says it may take over, so an
  // interview being written is never interrupted by an update.
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            .filter((k) => k.startsWith("rhi-shell-") && k !== CACHE)
            .map((k) => caches.delete(k)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") {
    self.skipWaiting();
  } else if (event.data && event.data.type === "rhi-hello" && event.ports[0]) {
    event.ports[0].postMessage({ writes: true });
  } else if (event.data && event.data.type === "rhi-write" && event.ports[0]) {
    const port = event.ports[0];
    event.waitUntil(
      writeInTurn(event.data).then(
        (written) => port.postMessage({ written }),
        (error) => port.postMessage({ error: String(error) }),
      ),
    );
  }
});

// Records the page keeps as the worker types (store.js sealIf), written here: a page's own
// IndexedDB writes are given up when its tab closes, this worker's are not. The page sends a
// record sealed already, with the record's sealing key (encrypt only: nothing here can read
// what is kept), and after that each keystroke's record as it stands, posted at once from the
// input event (no await before it leaves the page), sealed here with that key. Written only
// over the revision the page expects (null: only if there is none), checked in the same
// transaction. In the order they came: each is sealed, then its transaction made, in turn.
const sealingKeys = new Map(); // record id -> {epk, salt, key}, forgotten if the store goes
let turn = Promise.resolve();
// The last keystroke's record of each id still waiting for its turn. A worker typing fast (or
// a tablet slowed by other work) posts faster than records are sealed and written: a record
// posted over one still waiting takes its place, written over the revision that one expected,
// which leaves the store as both written in turn would, with one seal and one write. So every
// keystroke can be posted the moment it is typed, however far behind the writes are.
const waiting = new Map();
const isKeystroke = (message) =>
  !message.row && !message.sealing && typeof message.text === "string";

function writeInTurn(message) {
  const last = waiting.get(message.id);
  if (last && isKeystroke(message) && last.message.rev === message.expect) {
    last.message = { ...message, expect: last.message.expect };
    return last.result;
  }
  const entry = { message };
  if (isKeystroke(message)) waiting.set(message.id, entry);
  const started = turn.then(async () => {
    if (waiting.get(message.id) === entry) waiting.delete(message.id);
    const now = entry.message;
    let row = now.row;
    if (now.sealing) sealingKeys.set(row ? row.id : now.id, now.sealing);
    if (!row && now.text === undefined) return { done: Promise.resolve(false) }; // key only
    if (!row) {
      const sealing = sealingKeys.get(now.id);
      if (!sealing) throw new Error("no sealing key");
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const data = await crypto.subtle.encrypt(
        { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(now.id) },
        sealing.key,
        new TextEncoder().encode(now.text),
      );
      const { epk, salt } = sealing;
      row = { id: now.id, sealed: true, epk, salt, iv, data };
      row.savedAt = now.savedAt;
      row.rev = now.rev;
    }
    return startWrite(await deviceDb(), row, now.expect);
  });
  turn = started.catch(() => undefined);
  entry.result = started.then(({ done }) => done);
  return entry.result;
}

let device = null;
function deviceDb() {
  if (!device) {
    device = new Promise((resolve, reject) => {
      const request = indexedDB.open("rhi-device"); // never made here: wiped means wiped
      request.onupgradeneeded = () => request.transaction.abort();
      request.onerror = () => reject(request.error);
      request.onsuccess = () => {
        const db = request.result;
        db.onversionchange = () => {
          db.close(); // a page is wiping the store: let it, and forget its keys
          sealingKeys.clear();
          device = null;
        };
        db.onclose = () => {
          device = null;
        };
        resolve(db);
      };
    });
    device.catch(() => {
      device = null;
    });
  }
  return device;
}

function startWrite(db, row, expect) {
  const tx = db.transaction("records", "readwrite", { durability: "relaxed" });
  const records = tx.objectStore("records");
  let written = false;
  const read = records.get(row.id);
  read.onsuccess = () => {
    written = (read.result ? read.result.rev : null) === expect;
    if (written) records.put(row);
    if (tx.commit) tx.commit();
  };
  const done = new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve(written);
    tx.onabort = tx.onerror = () => reject(tx.error || new Error("not written"));
  });
  return { done };
}

function holdsPersonalData(response) {
  return response.headers.has("X-RHI-Personal-Data");
}

async function cacheFirst(request) {
  const cached = await caches.match(request);
  if (cached) {
    return cached;
  }
  const response = await fetch(request);
  if (response.ok && !holdsPersonalData(response)) {
    const cache = await caches.open(CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

// How long a page may take before the tablet opens its kept frame instead. A network that takes
// connections and answers nothing (one bar of signal, Wi-Fi with no internet) never fails the
// fetch: a tablet probe waited over 90 seconds on a blank screen. Pages here answer in well
// under a second (bench/), so a page this late is a network that is not there.
const PAGE_WAIT_MS = 8000;

async function networkFirstPage(request) {
  // A race, not an abort: a navigation's request cannot be fetched again with a signal (Chrome
  // refuses a navigate-mode Request with options), and a late answer is simply not used.
  let late;
  const waited = new Promise((resolve) => {
    late = setTimeout(resolve, PAGE_WAIT_MS, null);
  });
  try {
    const answer = await Promise.race([fetch(request), waited]);
    if (answer) return answer;
  } catch {
    // No network: below.
  } finally {
    clearTimeout(late);
  }
  // No network, or none that answers: a frame from the shell cache, never a stored copy of a
  // page.
  return offlinePage(new URL(request.url).pathname);
}

async function offlinePage(path) {
  const shell = shellFor(path);
  const page = (shell && (await caches.match(shell))) || (await caches.match(OFFLINE_URL));
  return (
    page || new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain" } })
  );
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return; // changes always go to the network; the page keeps the words if that fails
  }
  if (url.pathname.startsWith("/static/") && !url.searchParams.has("v")) {
    event.respondWith(
      fetch(request).catch(() =>
        caches.match(request, { ignoreSearch: true }).then((cached) => cached || Response.error()),
      ),
    );
  } else if (url.pathname.startsWith("/static/") || url.pathname.startsWith("/shell/")) {
    event.respondWith(cacheFirst(request));
  } else if (request.headers.get("X-RHI-Shell") === "1") {
    // router.js moving between pages offline without loading one (its key stays in memory).
    event.respondWith(offlinePage(url.pathname));
  } else if (url.pathname === "/language/rules.json") {
    // Fresh rules when online, the kept copy when not: the writing check works offline.
    event.respondWith(fetch(request).catch(() => caches.match(request)));
  } else if (request.mode === "navigate") {
    event.respondWith(networkFirstPage(request));
  }
});
