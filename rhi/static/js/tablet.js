// The entry module of pages where the tablet keeps work: a worker's pages online, and the shell
// pages kept for no signal (base.html loads it on those only; app.js runs on every page).
//
//   every such page   the bar (bar.js), and field changes kept when a save fails offline
//   a shell page      filled from the tablet, and moved between in-page (router.js)
//   other pages       "Keep on this tablet" buttons; on the Returns list, the worker's copies;
//                     on an interview's part, its copy kept when the tablet has none yet, and
//                     kept up to date with each save

import { oldCopiesTakenOff } from "./app.js";
import { keepOfflineWith, signedOut } from "./autosave.js";
import { refreshBar, startBar } from "./bar.js";
import { keepChange } from "./changes.js";
import { forgetOldCopies, keepCopies, keepEpisode } from "./copies.js";
import { whenDraftKept } from "./drafts.js";
import { startKeepButtons } from "./keep-on-tablet.js";
import { episodeIn } from "./paths.js";
import { copyId, keepId } from "./records.js";
import { startRouter } from "./router.js";
import { fillPage } from "./shell-page.js";
import { flush, leave } from "./shell-interview.js";
import * as store from "./store.js";

startBar();
// A draft is kept at every keystroke: the bar is said again once typing pauses (reading what
// the tablet holds would hold up the writes), and at least every 2 seconds.
let barTimer = null;
let barDue = 0;
whenDraftKept(() => {
  if (!barTimer) barDue = Date.now() + 2000;
  window.clearTimeout(barTimer);
  barTimer = window.setTimeout(
    () => {
      barTimer = null;
      refreshBar().catch(() => undefined);
    },
    Math.max(0, Math.min(400, barDue - Date.now())),
  );
});
keepOfflineWith(async (elt) => {
  const kept = await keepChange(elt);
  if (kept) await refreshBar();
  return kept;
});

// An interview's part, online: the tablet's copy of the interview follows each save. Kept only
// on a Returns visit, it fell behind: with no signal minutes later the part showed the words as
// they were then, not as the worker had saved them, and any change made offline began from the
// old version, so the server told it as "changed somewhere else too" (a probe).
function keepCopyUpToDate(page) {
  const back = document.querySelector(".breadcrumb a[href^='/episodes/']");
  const episodeId = back && episodeIn(new URL(back.href).pathname);
  if (!episodeId) return;
  let timer = null;
  let running = null;
  let again = false;
  // The copy as the server holds it now (copies.js, for this one return), not while an upload
  // is on its way (the lock copies.js and upload.js take: the upload keeps its own copy). Only
  // the copy: "Keep on this tablet" stays the worker's own choice.
  const keepNow = async () => {
    if (!navigator.onLine || (await store.state()) === "empty") return;
    const mark = keepId(episodeId);
    const chosen = (await store.ids()).some(({ id }) => id === mark);
    await keepEpisode(episodeId);
    if (!chosen) await store.forget(mark).catch(() => undefined);
  };
  const refresh = () => {
    if (running) {
      again = true;
      return;
    }
    const run = navigator.locks ? navigator.locks.request("rhi-upload", keepNow) : keepNow();
    running = run
      .catch(() => undefined) // the next save tries again; Returns keeps every copy too
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          refresh();
        }
      });
  };
  // On load, online: a copy made at once if the tablet has none of this interview yet. One begun
  // online (the start is a whole-page POST, not a save) had none until 2 s after its first save:
  // with the signal gone before that, its next part said "Not on this tablet", and the return's
  // page on the tablet offered to start it again (a probe). Only on a part the worker can change
  // (the server marks its fields data-autosave: not a finished interview, which has no copy and
  // would ask on every page), and only as keepNow keeps (a PIN set, the worker's own store). A
  // copy already kept follows the saves below and each Returns visit: no request for each part.
  const uuid = page.getAttribute("data-interview-page");
  if (navigator.onLine && page.querySelector("[data-autosave]")) {
    store.ids().then(
      (kept) => {
        if (!kept.some(({ id }) => id === copyId(uuid))) refresh();
      },
      () => undefined,
    );
  }
  document.addEventListener("htmx:afterRequest", (event) => {
    const { xhr, requestConfig } = event.detail;
    if (!xhr || xhr.status !== 200 || signedOut(xhr)) return;
    if (!requestConfig || requestConfig.verb === "get") return;
    const path = new URL(xhr.responseURL || window.location.href).pathname;
    if (!path.startsWith(`/interviews/${uuid}/`)) return;
    // Saves close together (typing, a box left for the next) are kept with one read of the
    // copy, once the worker pauses: each read is a request and an audit row on the server.
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 2000);
  });
}

// Copies past the server's rule leave the tablet as each page is shown, before anything is
// read or fetched: as the page opens (app.js, on a shell page before its PIN is asked for) and
// each page the router shows (never as a page is filled again after the PIN: its form may hold
// words begun on the copy). Online, before the copies are kept again: an interview's part
// finds its copy gone and fetches it (keepCopyUpToDate), and the Returns list's "taken off"
// mark is cleared after.
if (document.querySelector("[data-shell-page]")) {
  let opened = true;
  const forgetting = () => {
    const first = opened;
    opened = false;
    return first ? oldCopiesTakenOff : forgetOldCopies().catch(() => 0);
  };
  startRouter({ fill: () => forgetting().then(() => fillPage()), flush, leave });
} else {
  await oldCopiesTakenOff;
  startKeepButtons();
  const interviewPage = document.querySelector("[data-interview-page]");
  if (interviewPage) keepCopyUpToDate(interviewPage);
  if (window.location.pathname === "/returns" && navigator.onLine) {
    // The mark lets a person (and a test) know the tablet is up to date for offline work.
    keepCopies().then(
      () => {
        document.body.dataset.copiesKept = "1";
      },
      () => undefined,
    );
  }
}
