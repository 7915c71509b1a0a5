// What a person typed or chose in one form of a part of the page that another form's answer
// replaces, put back in the new part. The episode page's panel is one region with several
// forms (a contact attempt, the offer, the child's yes or no, the outcome): saving a contact
// attempt replaced the whole panel, and the child's reasons typed in "The child said no" were
// gone, with nothing said (a probe). The form that was sent shows the server's answer as it
// is; a box of another form gets its words back only where the new part draws it as the page
// first did (its default), so nothing the server says is written over.

/** @type {{action: string, name: string, type: string, value: string, checked: boolean, open: boolean}[]} */
let waiting = [];

const SKIPPED = new Set(["hidden", "submit", "button", "reset", "file", "image"]);

export function changedByHand(el) {
  if (!el.name || SKIPPED.has(el.type) || el.name === "csrf_token") return false;
  if (el.type === "checkbox") return el.checked !== el.defaultChecked;
  if (el.type === "radio") return el.checked && !el.defaultChecked; // the one chosen
  if (el instanceof HTMLSelectElement)
    return [...el.options].some((option) => option.selected !== option.defaultSelected);
  return el.value !== el.defaultValue;
}

function asFirstDrawn(el) {
  if (el.type === "checkbox" || el.type === "radio") return el.checked === el.defaultChecked;
  if (el instanceof HTMLSelectElement)
    return [...el.options].every((option) => option.selected === option.defaultSelected);
  return el.value === el.defaultValue;
}

document.addEventListener("htmx:beforeSwap", (event) => {
  const detail = event.detail;
  const target = detail.target;
  if (!(target instanceof Element) || !detail.shouldSwap) return;
  const config = detail.requestConfig;
  const sender = config && config.elt instanceof Element ? config.elt.closest("form") : null;
  waiting = [];
  for (const form of target.querySelectorAll("form[action]")) {
    if (form === sender) continue;
    for (const el of form.elements) {
      if (!changedByHand(el)) continue;
      const details = form.closest("details");
      waiting.push({
        action: form.getAttribute("action"),
        name: el.name,
        type: el.type,
        value: el.value,
        checked: el.checked,
        open: Boolean(details && details.open),
      });
    }
  }
});

document.addEventListener("htmx:afterSwap", () => {
  const back = waiting;
  waiting = [];
  for (const kept of back) {
    const form = document.querySelector(`form[action="${CSS.escape(kept.action)}"]`);
    if (!form) continue; // the form is gone (the return ended): nothing to put back into
    const named = [...form.elements].filter((el) => el.name === kept.name);
    const el = kept.type === "radio" ? named.find((r) => r.value === kept.value) : named[0] || null;
    if (!el || !asFirstDrawn(el)) continue;
    if (kept.type === "checkbox") el.checked = kept.checked;
    else if (kept.type === "radio") el.checked = true;
    else el.value = kept.value;
    const details = form.closest("details");
    if (details && kept.open) details.open = true;
  }
});
