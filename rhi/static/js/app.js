// rhi page behaviour. No inline scripts anywhere: the CSP forbids them.
// Shares one thing, the way the other scripts share theirs (rhiDevice, rhiOffline, rhiShell,
// rhiLanguage): window.rhiPage.csrfToken(), the one place the page's CSRF token is read.
"use strict";

(function () {
  // The session's CSRF token, from the page's <meta> tag ("" on a shell page, which has none).
  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  window.rhiPage = Object.freeze({ csrfToken });

  // Every htmx request carries the CSRF token, so htmx changes are protected exactly like
  // ordinary form posts (which carry a hidden input instead).
  document.addEventListener("htmx:configRequest", (event) => {
    const token = csrfToken();
    if (token) {
      event.detail.headers["X-CSRFToken"] = token;
    }
  });

  // After htmx swaps in a fragment with an error, move focus to the first field in error so
  // keyboard and screen-reader users land where the problem is.
  document.addEventListener("htmx:afterSwap", (event) => {
    const invalid = event.target.querySelector('[aria-invalid="true"]');
    if (invalid) {
      invalid.focus();
    }
  });

  // Autosave: a save that fails (no network, server error) says so next to the field and tries
  // again with growing waits. The text stays in the box; nothing is thrown away.
  const retryDelays = new WeakMap();
  function markNotSaved(elt) {
    const target = document.querySelector(elt.getAttribute("hx-target"));
    const status = target && target.querySelector(".save-status");
    if (status) {
      status.textContent = "Not saved, retrying";
      status.className = "save-status save-retrying";
    }
    const delay = Math.min((retryDelays.get(elt) || 1000) * 2, 30000);
    retryDelays.set(elt, delay);
    window.setTimeout(() => window.htmx && window.htmx.trigger(elt, "change"), delay);
  }
  function setStatus(elt, text, className) {
    const target = document.querySelector(elt.getAttribute("hx-target"));
    const status = target && target.querySelector(".save-status");
    if (status) {
      status.textContent = text;
      status.className = "save-status " + className;
    }
  }
  // No network at all: keep the change on the tablet, encrypted (offline.js), when the tablet is
  // set up for it; otherwise keep retrying. A server error is always retried.
  document.addEventListener("htmx:sendError", (event) => {
    const elt = event.detail.elt;
    if (!elt || !elt.hasAttribute("data-autosave")) {
      return;
    }
    const keep = window.rhiOffline ? window.rhiOffline.keep(elt) : Promise.resolve(false);
    keep.then(
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
      const elt = event.detail.elt;
      if (elt && elt.hasAttribute("data-autosave")) {
        markNotSaved(elt);
      }
    });
  }
  document.addEventListener("htmx:afterRequest", (event) => {
    const elt = event.detail.elt;
    if (elt && event.detail.successful) {
      retryDelays.delete(elt);
    }
  });
  document.addEventListener("htmx:beforeRequest", (event) => {
    const elt = event.detail.elt;
    if (elt && elt.hasAttribute("data-autosave")) {
      const target = document.querySelector(elt.getAttribute("hx-target"));
      const status = target && target.querySelector(".save-status");
      if (status && !status.classList.contains("save-retrying")) {
        status.textContent = "Saving…";
        status.className = "save-status";
      }
    }
  });

  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) {
      return;
    }
    // "Show large": a prompt shown big for the child to read.
    const show = target.closest("[data-show-large]");
    if (show) {
      const dialog = document.getElementById("prompt-dialog");
      const source = document.getElementById(show.getAttribute("data-show-large"));
      if (dialog && source) {
        dialog.querySelector(".prompt-dialog-text").textContent = source.textContent;
        dialog.showModal();
      }
      return;
    }
    // A conflict: take the other version into the box, then save it (the server already has it).
    const useTheirs = target.closest("[data-use-theirs]");
    if (useTheirs) {
      const input = document.getElementById(useTheirs.getAttribute("data-use-theirs"));
      const theirs = document.getElementById(useTheirs.getAttribute("data-theirs"));
      if (input && theirs) {
        input.value = theirs.textContent;
        if (window.htmx) {
          window.htmx.trigger(input, "change");
        }
        input.focus();
      }
    }
  });

  // The installable app: register the service worker, and when a new version is waiting,
  // offer it rather than swapping it in under the worker's fingers.
  if ("serviceWorker" in navigator) {
    window.addEventListener("load", () => {
      navigator.serviceWorker
        .register("/sw.js")
        .then((registration) => {
          const offer = () => {
            // Only an update: on the very first install there is no old version to replace.
            if (
              !navigator.serviceWorker.controller ||
              !registration.waiting ||
              document.getElementById("update-banner")
            ) {
              return;
            }
            const banner = document.createElement("div");
            banner.id = "update-banner";
            banner.className = "update-banner";
            banner.setAttribute("role", "status");
            const text = document.createElement("span");
            text.textContent = "A new version of rhi is ready. Your notes are saved.";
            const button = document.createElement("button");
            button.type = "button";
            button.className = "button";
            button.textContent = "Use the new version";
            button.addEventListener("click", () =>
              registration.waiting.postMessage("skip-waiting"),
            );
            banner.append(text, button);
            document.body.prepend(banner);
          };
          offer();
          registration.addEventListener("updatefound", () => {
            const incoming = registration.installing;
            if (incoming) {
              incoming.addEventListener(
                "statechange",
                () => incoming.state === "installed" && offer(),
              );
            }
          });
        })
        .catch(() => undefined);
      let reloading = false;
      navigator.serviceWorker.addEventListener("controllerchange", () => {
        if (!reloading && document.getElementById("update-banner")) {
          reloading = true;
          window.location.reload();
        }
      });
    });
  }
})();
