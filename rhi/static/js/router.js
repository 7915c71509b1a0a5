// The in-page router of the shell pages. With no signal, moving between rhi's pages loads no
// page: the store's key lives in this page's memory (store.js), and a page load would forget it
// and ask for the PIN again. So a link to a page with a shell (paths.js) fetches that shell page
// from the service worker, swaps it into #main and fills it from the tablet (shell-page.js).
//
// History works as with pages loaded: each page shown gets its own entry (history.pushState),
// never the same URL twice in a row; Back and Forward (popstate) show the page of the entry
// they reach, without adding one, and put the scroll back where it was. Online, a link loads
// the real page, and Back or Forward loads the real page of the entry reached.
//
// "Online" is not navigator.onLine alone. A network that takes connections and answers nothing
// (one bar of signal, Wi-Fi with no internet) leaves the browser believing it is online: the
// service worker then opens the kept frame after a wait (sw.js PAGE_WAIT_MS), and a page load
// for every tap meant that wait and the PIN again each time (a tablet probe). So on a kept
// frame the router first asks the server for a sign of life, briefly; with none, it stays on
// the tablet's pages.

import { hasShell } from "./paths.js";
import { giveUpAfter } from "./session.js";

/**
 * What the router asks of the page (set once by startRouter):
 * @typedef {object} Pages
 * @property {() => Promise<unknown>} fill   fill the shell page now in #main
 * @property {() => Promise<unknown>} flush  keep what was typed on the page open now
 * @property {() => void} leave              the open page is being left: keep nothing more of it
 */

/** @type {Pages} */
let pages = { fill: async () => undefined, flush: async () => undefined, leave: () => {} };
// The path whose page is in #main (a Back to the same path is a move within the page).
let shownPath = window.location.pathname;
// Each move takes a turn; a move overtaken by a newer one (quick taps on Back) stops.
let turn = 0;

const here = () => window.location.pathname + window.location.search + window.location.hash;

// How long the page being left may take to keep its last words before the move goes on. They
// are kept in milliseconds (bench/); a write that never settled held the worker on the page,
// the part tapped never coming. Longer than store.js gives the service worker to answer
// (WORKER_WAIT_MS, 10 s), after which the page keeps the words itself: so they are kept before
// the move, and the part, opened again, shows them (rev37: moved on at 5 s, a worker back on
// the part before 10 s saw the words gone, and what they typed next replaced them).
const FLUSH_WAIT_MS = 15000;

// How long the server has to answer a sign of life from a kept frame. Its /healthz answers in
// milliseconds (bench/); a network this slow is one the worker cannot work on.
const REACHED_MS = 3000;

// The page shown is a frame the tablet keeps (filled from its store, or saying it is locked;
// shell-page.js marks its #main): the network gave no page.
const onKeptFrame = () =>
  Boolean(document.querySelector("#main[data-shell], #main [data-shell-page]"));

// Does the server answer now? Asked only from a kept frame (above), never for a real page.
async function serverAnswers() {
  try {
    const answer = await fetch("/healthz", {
      cache: "no-store",
      credentials: "omit",
      signal: giveUpAfter(REACHED_MS),
    });
    return answer.ok;
  } catch {
    return false;
  }
}

// Load real pages? Not with no network; from a kept frame, only when the server answers.
async function online() {
  if (!navigator.onLine) return false;
  return !onKeptFrame() || serverAnswers();
}

/**
 * Show the page for `href`, in a new history entry (a link, or the episode page's "Start").
 * @param {string} href
 */
export function go(href) {
  return show(new URL(href, window.location.href), "push");
}

/**
 * @param {URL} url
 * @param {"push" | "restore"} how  a new entry, or the entry Back or Forward has just reached
 */
async function show(url, how) {
  const mine = ++turn;
  // What was typed in the last moment goes with the worker.
  await Promise.race([pages.flush(), new Promise((done) => setTimeout(done, FLUSH_WAIT_MS))]);
  pages.leave();
  if (mine !== turn) return;
  const target = url.pathname + url.search + url.hash;
  // A full load of the real page: a new entry for a link, the same entry for Back/Forward.
  const load = () =>
    how === "push" ? window.location.assign(url.href) : window.location.replace(url.href);
  if (await online()) {
    if (mine === turn) load();
    return;
  }
  if (mine !== turn) return;
  let next;
  try {
    // The service worker answers with the shell page for that path (sw.js: shellFor).
    const response = await fetch(url.href, {
      credentials: "same-origin",
      headers: { "X-RHI-Shell": "1" },
    });
    next = new DOMParser().parseFromString(await response.text(), "text/html");
  } catch {
    return load(); // no shell to be had: the browser's own answer is the honest one
  }
  if (mine !== turn) return;
  const main = next.getElementById("main");
  if (!main || !main.querySelector("[data-shell-page]")) return load();
  if (how === "push") {
    // Where the worker was on the page they leave, for when Back brings them to it again.
    window.history.replaceState({ ...window.history.state, scrollY: window.scrollY }, "");
    if (target !== here()) window.history.pushState({ scrollY: 0 }, "", target);
  }
  shownPath = url.pathname;
  document.title = next.title;
  document.getElementById("main").replaceWith(document.adoptNode(main));
  window.scrollTo(0, 0);
  await pages.fill();
  if (mine === turn && how === "restore") window.scrollTo(0, window.history.state?.scrollY || 0);
}

/**
 * Where a click takes this tab in rhi: a link of this origin clicked plainly (not opened in a
 * new tab or window, not a download). Null for any other click, or one already handled.
 * @param {MouseEvent} event
 * @returns {URL | null}
 */
export function linkFollowed(event) {
  const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
  if (!link || event.defaultPrevented || event.button !== 0) return null;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return null;
  if ((link.getAttribute("target") || "_self") !== "_self" || link.hasAttribute("download"))
    return null;
  const url = new URL(link.href, window.location.href);
  return url.origin === window.location.origin ? url : null;
}

// A link to another page with a shell, clicked plainly. One the page held back (bar.js: words
// typed with no signal that only the page holds) is not followed: it is defaultPrevented.
function followInside(event) {
  const url = linkFollowed(event);
  if (!url || !hasShell(url.pathname)) return;
  event.preventDefault();
  go(url.href);
}

// Back or Forward reached another entry of this page. One with the same path differs only in
// its #fragment (the skip link): the browser has moved within the page, nothing to show.
function restore() {
  if (window.location.pathname === shownPath) return;
  show(new URL(window.location.href), "restore");
}

/**
 * Route this page's links from now on, and fill the page it opened on. Once per page load:
 * the listeners here (and those that keep the last words when the tab is closed or the tablet
 * sleeps) are added once, and serve every page shown in this tab.
 * @param {Pages} given
 */
export function startRouter(given) {
  pages = given;
  shownPath = window.location.pathname;
  // The router puts the scroll back itself, once the page it shows is filled: the browser's
  // own restoring would scroll the page being left.
  window.history.scrollRestoration = "manual";
  document.addEventListener("click", followInside);
  window.addEventListener("popstate", restore);
  window.addEventListener("pagehide", () => pages.flush());
  document.addEventListener(
    "visibilitychange",
    () => document.visibilityState === "hidden" && pages.flush(),
  );
  return pages.fill();
}
