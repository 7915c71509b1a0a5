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
  }
});

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

async function networkFirstPage(request) {
  try {
    return await fetch(request);
  } catch {
    // No network: a frame from the shell cache, never a stored copy of a page.
    return offlinePage(new URL(request.url).pathname);
  }
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
