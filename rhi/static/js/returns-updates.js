// The Returns list's own refresh each minute (episodes/returns.html), so "hours left" stays true
// on a tablet left open. An accessibility probe (WCAG 2.2.2) found it rebuilding every card each
// minute though nothing had changed: a screen-reader user reading the cards lost their place
// every minute, with no way to stop it. Now:
// - the list is put in only when what it shows changed. The server says what its list shows
//   in one word (a hash it works out: rhi/episodes/views.py returns), on the page and with each
//   refresh; the two are only compared here, never worked out.
// - "Pause automatic updates" (aria-pressed) stops the requests until pressed again, which
//   updates the list at once. Kept for this tab, so a sort or page link keeps it paused.
// - the count lines are said from a live region outside the list, only when they change.
// The requests keep the mark of the page's own (?background=1, rhi/sessions.py), as the list's
// hx-get has it: they never keep a session open.

const SHOWN_HEADER = "X-Returns-Shown";
const PAUSED_KEY = "rhi-returns-paused";

const countWords = (list) =>
  [...list.querySelectorAll("[data-count-line]")]
    .map((line) => line.textContent.trim().replace(/\s+/g, " "))
    .join(" ");

function rememberPaused(paused) {
  try {
    if (paused) window.sessionStorage.setItem(PAUSED_KEY, "1");
    else window.sessionStorage.removeItem(PAUSED_KEY);
  } catch {
    // No storage (a private window's quota): paused for this page only.
  }
}

function pausedBefore() {
  try {
    return window.sessionStorage.getItem(PAUSED_KEY) === "1";
  } catch {
    return false;
  }
}

/** Once per page load: the Returns page's list, if this is it. */
export function startReturnsUpdates() {
  const list = document.querySelector("#returns[data-shown]");
  if (!list) return;
  const said = document.querySelector("[data-returns-said]");
  const controls = document.querySelector("[data-returns-updates]");
  const pause = controls && controls.querySelector("[data-pause-updates]");
  let counted = countWords(list);

  const isPaused = () => Boolean(pause) && pause.getAttribute("aria-pressed") === "true";
  const showPaused = (paused) => {
    pause.setAttribute("aria-pressed", String(paused));
    for (const note of controls.querySelectorAll("[data-updates-paused]")) note.hidden = !paused;
    for (const note of controls.querySelectorAll("[data-updates-running]")) note.hidden = paused;
  };
  if (pause) {
    showPaused(pausedBefore());
    controls.hidden = false;
    pause.addEventListener("click", () => {
      const paused = !isPaused();
      showPaused(paused);
      rememberPaused(paused);
      // htmx: the vendored classic script, loaded before any module (base.html).
      if (!paused && window.htmx) window.htmx.trigger(list, "rhi:refresh");
    });
  }

  const ownRequest = (event) => {
    const config = event.detail.requestConfig;
    return (config ? config.elt : event.detail.elt) === list;
  };

  // Before anything else of the request (htmx:confirm comes before htmx:beforeRequest), so
  // nothing is sent while paused; the minute's timer carries on, to send when unpaused.
  list.addEventListener("htmx:confirm", (event) => {
    if (event.detail.elt === list && isPaused()) event.preventDefault();
  });

  // Every minute (data-refresh-seconds), by this page's own timer and not htmx's "every":
  // htmx stops polling for good once the list has left the page, and it leaves the page while
  // hidden on a locked tablet (shell-page.js). Shown again, it is brought up to date at once.
  const refresh = () => {
    if (list.isConnected && window.htmx) window.htmx.trigger(list, "rhi:refresh");
  };
  const seconds = Number(list.dataset.refreshSeconds);
  if (seconds > 0) window.setInterval(refresh, seconds * 1000);
  window.addEventListener("rhi:page-shown", refresh);

  list.addEventListener("htmx:beforeSwap", (event) => {
    if (!ownRequest(event) || !event.detail.shouldSwap) return;
    const shown = event.detail.xhr.getResponseHeader(SHOWN_HEADER);
    if (shown && shown === list.dataset.shown) {
      event.detail.shouldSwap = false;
      // Nothing redrawn, so focus was never lost: the card it was on keeps it, and is not
      // given it again at a later change (app.js, data-keeps-focus).
      delete list.dataset.focusAgain;
    }
  });

  list.addEventListener("htmx:afterSwap", (event) => {
    if (!ownRequest(event)) return;
    list.dataset.shown = event.detail.xhr.getResponseHeader(SHOWN_HEADER) || "";
    const words = countWords(list);
    if (words !== counted && said) said.textContent = words;
    counted = words;
  });
}
