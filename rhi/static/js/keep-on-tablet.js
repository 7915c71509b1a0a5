// "Keep on this tablet", on a child's episode page (online): a sealed copy of this one return,
// kept until the server says it is finished or no longer the worker's (copies.js). The button
// is hidden in the page's HTML: shown here, where the tablet can keep things.

import { refreshBar } from "./bar.js";
import { AnotherWorkersStore, keepEpisode } from "./copies.js";
import { askPin, OTHER_WORKERS } from "./pin-dialog.js";
import * as store from "./store.js";

async function keepOne(button) {
  const status = button.parentElement.querySelector("[data-keep-status]");
  if ((await store.state()) === "empty" && !(await askPin("setup"))) return;
  try {
    status.textContent = (await keepEpisode(button.getAttribute("data-keep-on-tablet")))
      ? "Kept on this tablet, encrypted: you can open it here with no signal."
      : "There is nothing open to keep for this return.";
  } catch (error) {
    // Trying again would not help with another worker's store: say why, and what would.
    status.textContent =
      error instanceof AnotherWorkersStore
        ? `Not kept: this tablet keeps one worker's work at a time. ${OTHER_WORKERS}`
        : "Could not keep this on the tablet just now. Try again.";
  }
  refreshBar();
}

const showButtons = (root) => {
  for (const button of root.querySelectorAll("[data-keep-on-tablet]")) button.hidden = false;
};

/** Once per page load. The episode page's panel is swapped by htmx after each change. */
export function startKeepButtons() {
  showButtons(document);
  document.addEventListener("htmx:load", (event) => showButtons(event.target));
  document.addEventListener("click", (event) => {
    const button =
      event.target instanceof Element ? event.target.closest("[data-keep-on-tablet]") : null;
    if (button) keepOne(button);
  });
}
