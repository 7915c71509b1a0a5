// The installable app: register the service worker, and when a new version is waiting, offer
// it rather than swapping it in under the worker's fingers ("Use the new version").

function offerUpdate(registration) {
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
  banner.setAttribute("data-worker-only", ""); // the worker's choice: never shown to the child
  const text = document.createElement("span");
  text.textContent = "A new version of rhi is ready. Your notes are saved.";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "button";
  button.textContent = "Use the new version";
  button.addEventListener("click", () => registration.waiting.postMessage("skip-waiting"));
  banner.append(text, button);
  document.body.prepend(banner);
}

function register() {
  navigator.serviceWorker
    .register("/sw.js")
    .then((registration) => {
      offerUpdate(registration);
      registration.addEventListener("updatefound", () => {
        const incoming = registration.installing;
        if (incoming) {
          incoming.addEventListener(
            "statechange",
            () => incoming.state === "installed" && offerUpdate(registration),
          );
        }
      });
    })
    .catch(() => undefined);
  // The new worker took over because the worker chose it: load the page under its version.
  let reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (!reloading && document.getElementById("update-banner")) {
      reloading = true;
      window.location.reload();
    }
  });
}

/** Once per page load, after the page has loaded (the worker's install never slows it). */
export function startUpdates() {
  if (!("serviceWorker" in navigator)) return;
  if (document.readyState === "complete") register();
  else window.addEventListener("load", register, { once: true });
}
