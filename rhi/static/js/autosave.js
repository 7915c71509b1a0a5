// Autosave (fields with data-autosave, saved by htmx): the status next to the field says what
// happened. A save that fails (no network, server error) says so and tries again with growing
// waits; the text stays in the box, nothing is thrown away. With no network at all, a tablet set
// up for it keeps the change instead (tablet.js gives the keeper: changes.js).

/** @type {(elt: Element) => Promise<boolean>} */
let keepOffline = async () => false;

/**
 * Who keeps a change the network could not take: resolves true if it kept it. Set once, by the
 * tablet's entry module, on pages where the tablet can keep work.
 * @param {(elt: Element) => Promise<boolean>} keeper
 */
export function keepOfflineWith(keeper) {
  keepOffline = keeper;
}

const retryDelays = new WeakMap();

function statusFor(elt) {
  const target = document.querySelector(elt.getAttribute("hx-target"));
  return target && target.querySelector(".save-status");
}

function setStatus(elt, text, className) {
  const status = statusFor(elt);
  if (status) {
    status.textContent = text;
    status.className = "save-status " + className;
  }
}

function markNotSaved(elt) {
  setStatus(elt, "Not saved, retrying", "save-retrying");
  const delay = Math.min((retryDelays.get(elt) || 1000) * 2, 30000);
  retryDelays.set(elt, delay);
  // htmx is the vendored classic script (vendor/htmx.min.js), loaded before any module.
  window.setTimeout(() => window.htmx && window.htmx.trigger(elt, "change"), delay);
}

const isAutosave = (elt) => Boolean(elt) && elt.hasAttribute("data-autosave");

// No network at all: keep the change on the tablet, encrypted, when the tablet is set up for it;
// otherwise keep retrying. A server error is always retried.
document.addEventListener("htmx:sendError", (event) => {
  const elt = event.detail.elt;
  if (!isAutosave(elt)) return;
  keepOffline(elt).then(
    (kept) => {
      if (kept) {
        setStatus(
          elt,
          "Kept on this tablet: it will be sent when you are back online",
          "save-kept",
        );
      } else {
        markNotSaved(elt);
      }
    },
    () => markNotSaved(elt),
  );
});

for (const name of ["htmx:responseError", "htmx:timeout"]) {
  document.addEventListener(name, (event) => {
    if (isAutosave(event.detail.elt)) markNotSaved(event.detail.elt);
  });
}

document.addEventListener("htmx:afterRequest", (event) => {
  const elt = event.detail.elt;
  if (elt && event.detail.successful) retryDelays.delete(elt);
});

document.addEventListener("htmx:beforeRequest", (event) => {
  const elt = event.detail.elt;
  if (!isAutosave(elt)) return;
  const status = statusFor(elt);
  if (status && !status.classList.contains("save-retrying")) {
    status.textContent = "Saving…";
    status.className = "save-status";
  }
});
