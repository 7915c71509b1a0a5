// rhi's service worker. Hand-written and short on purpose (see DESIGN.md: Workbox's queue
// drops entries after 7 days, keeps request bodies in plain text and can load code from a CDN).
// VERSION and SHELL are put in front of this file by the server (rhi/pwa/views.py).
//
// Rules:
// - The app shell (CSS, JS, icons, writing-check rules, the offline page) is kept in a cache
//   named by VERSION; older caches are deleted when a new worker takes over.
// - Static files: cache first. Pages: network first, and the offline page when there is none.
// - Nothing holding a child's data ever goes into the Cache API: pages are never cached, and
//   any response marked X-RHI-Personal-Data is refused even if a rule above would cache it.
/* global VERSION, SHELL */
"use strict";

const CACHE = "rhi-shell-" + VERSION;
const OFFLINE_URL = "/offline";
const TABLET_URL = "/tablet"; // the frame tablet.js fills from the tablet's encrypted store
// Pages the worker can go on with offline, from what is kept on the tablet.
const TABLET_PAGES = /^\/(returns|interviews\/[0-9a-f-]{36}(\/[a-z_]+)?)\/?$/;

self.addEventListener("install", (event) => {
  // No skipWaiting here: a new version waits until the worker says it may take over, so an
  // interview being written is never interrupted by an update.
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((k) => k.startsWith("rhi-shell-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()));
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
  } catch (error) {
    // No network: a frame from the shell cache, never a stored copy of a page.
    const path = new URL(request.url).pathname;
    const offline = await caches.match(TABLET_PAGES.test(path) ? TABLET_URL : OFFLINE_URL);
    return offline || new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain" } });
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return; // changes always go to the network; the page keeps the words if that fails
  }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(request));
  } else if (url.pathname === "/language/rules.json") {
    // Fresh rules when online, the kept copy when not: the writing check works offline.
    event.respondWith(fetch(request).catch(() => caches.match(request)));
  } else if (request.mode === "navigate") {
    event.respondWith(networkFirstPage(request));
  }
});
