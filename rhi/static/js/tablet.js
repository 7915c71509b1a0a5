// The entry module of pages where the tablet keeps work: a worker's pages online, and the shell
// pages kept for no signal (base.html loads it on those only; app.js runs on every page).
//
//   every such page   the bar (bar.js), and field changes kept when a save fails offline
//   a shell page      filled from the tablet, and moved between in-page (router.js)
//   other pages       "Keep on this tablet" buttons; on the Returns list, the worker's copies

import { keepOfflineWith } from "./autosave.js";
import { refreshBar, startBar } from "./bar.js";
import { keepChange } from "./changes.js";
import { keepCopies } from "./copies.js";
import { whenDraftKept } from "./drafts.js";
import { startKeepButtons } from "./keep-on-tablet.js";
import { startRouter } from "./router.js";
import { fillPage } from "./shell-page.js";
import { flush, leave } from "./shell-interview.js";

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

if (document.querySelector("[data-shell-page]")) {
  startRouter({ fill: fillPage, flush, leave });
} else {
  startKeepButtons();
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
