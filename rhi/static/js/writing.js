// The writing check, live: as the worker types in a note, phrases that blame or minimise are
// listed under the box with the reason and better words. One tap replaces, one tap keeps the
// worker's own words. The matcher runs in the browser (language-check.js) from the same rules
// the server uses, so it works with no network too. Never blocks: the worker decides.

import { csrfToken } from "./csrf.js";
import { check, compile } from "./language-check.js";

const RULES_URL = "/language/rules.json";
let compiled = null;
let loading = null;

function loadRules() {
  if (compiled) return Promise.resolve(compiled);
  if (!loading) {
    loading = fetch(RULES_URL, { credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error("rules " + r.status))))
      .then((json) => (compiled = compile(json)))
      .catch((err) => {
        loading = null; // try again on the next keystroke
        throw err;
      });
  }
  return loading;
}

// Python counts offsets in code points; a JS string index counts UTF-16 units.
function utf16Index(text, codePoints) {
  let units = 0;
  let seen = 0;
  for (const ch of text) {
    if (seen === codePoints) break;
    units += ch.length;
    seen += 1;
  }
  return units;
}

function dismissedOf(box) {
  try {
    return JSON.parse(box.getAttribute("data-dismissed") || "[]");
  } catch {
    return [];
  }
}

function panelFor(box) {
  let panel = document.getElementById(box.id + "-flags");
  if (!panel) {
    panel = document.createElement("div");
    panel.id = box.id + "-flags";
    panel.className = "language-flags";
    panel.setAttribute("aria-live", "polite");
    box.insertAdjacentElement("afterend", panel);
  }
  return panel;
}

function tell(box, flag, action, reason) {
  const url = box.getAttribute("data-language-url");
  if (!url) return Promise.resolve();
  const said = {
    path: (box.getAttribute("name") || "").replace(/^f:/, ""),
    rule_id: flag.rule_id,
    text: flag.text,
    action: action,
    reason: reason || "",
  };
  if (box.closest("[data-shell-page]")) {
    // Offline (a shell page): shell-interview.js keeps it with the interview's draft on the tablet.
    box.dispatchEvent(new CustomEvent("rhi:language", { bubbles: true, detail: said }));
    return Promise.resolve();
  }
  const body = new URLSearchParams(said);
  return fetch(url, {
    method: "POST",
    body: body,
    credentials: "same-origin",
    headers: { "X-CSRFToken": csrfToken() },
  }).catch(() => undefined); // a count may be lost offline; the words never are
}

function button(label, className, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = className;
  b.textContent = label;
  b.addEventListener("click", onClick);
  return b;
}

function render(box) {
  if (!compiled) return;
  const text = box.value;
  const dismissed = dismissedOf(box);
  const flags = check(compiled, text).filter(
    (f) => !dismissed.some((d) => d[0] === f.rule_id && d[1] === f.text),
  );
  const panel = panelFor(box);
  panel.textContent = "";
  box.setAttribute(
    "aria-describedby",
    [box.getAttribute("data-describedby-base") || "", panel.id].join(" ").trim(),
  );
  if (!flags.length) {
    box.classList.remove("has-flags");
    return;
  }
  box.classList.add("has-flags");
  const count = document.createElement("p");
  count.className = "flags-count";
  count.textContent =
    flags.length === 1 ? "1 wording suggestion" : flags.length + " wording suggestions";
  panel.appendChild(count);
  const list = document.createElement("ul");
  for (const flag of flags) {
    const item = document.createElement("li");
    item.className = "flag flag-" + flag.severity;
    const head = document.createElement("p");
    const phrase = document.createElement("mark");
    phrase.textContent = "\u201c" + flag.text + "\u201d";
    head.appendChild(
      document.createTextNode(
        flag.severity === "question" ? "Is this the right word? " : "Consider other words for ",
      ),
    );
    head.appendChild(phrase);
    head.appendChild(document.createTextNode(": " + flag.reason));
    item.appendChild(head);
    const actions = document.createElement("div");
    actions.className = "flag-actions";
    for (const suggestion of flag.suggestions) {
      actions.appendChild(
        button("Use \u201c" + suggestion + "\u201d", "button button-secondary", () => {
          const current = box.value;
          // Re-check: the text may have changed since the list was drawn.
          const fresh = check(compiled, current).find(
            (f) => f.rule_id === flag.rule_id && f.text === flag.text,
          );
          if (!fresh) return render(box);
          const start = utf16Index(current, fresh.start);
          const end = utf16Index(current, fresh.end);
          box.value = current.slice(0, start) + suggestion + current.slice(end);
          box.dispatchEvent(new Event("input", { bubbles: true }));
          box.dispatchEvent(new Event("change", { bubbles: true }));
          tell(box, flag, "replaced");
          render(box);
          box.focus();
        }),
      );
    }
    actions.appendChild(
      button("Keep my words", "button button-secondary", () => {
        const list = dismissedOf(box);
        list.push([flag.rule_id, flag.text]);
        box.setAttribute("data-dismissed", JSON.stringify(list));
        tell(box, flag, "dismissed");
        render(box);
        askWhy(box, flag);
      }),
    );
    item.appendChild(actions);
    list.appendChild(item);
  }
  panel.appendChild(list);
}

// After "Keep my words": a chance, never a demand, to say why (for supervision).
function askWhy(box, flag) {
  const panel = panelFor(box);
  const note = document.createElement("div");
  note.className = "flag-kept";
  const id = box.id + "-why";
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = "Kept your words. Why? (optional)";
  const input = document.createElement("input");
  input.type = "text";
  input.id = id;
  input.maxLength = 500;
  note.append(
    label,
    input,
    button("Save why", "button button-secondary", () => {
      if (input.value.trim()) tell(box, flag, "reason", input.value.trim());
      note.remove();
    }),
  );
  panel.prepend(note);
}

const timers = new WeakMap();
function schedule(box) {
  window.clearTimeout(timers.get(box));
  timers.set(
    box,
    window.setTimeout(
      () =>
        loadRules()
          .then(() => render(box))
          .catch(() => undefined),
      400,
    ),
  );
}

function attach(root) {
  for (const box of root.querySelectorAll("[data-check-language]")) {
    if (box.dataset.languageReady) continue;
    box.dataset.languageReady = "1";
    box.setAttribute("data-describedby-base", box.getAttribute("aria-describedby") || "");
    box.addEventListener("input", () => schedule(box));
    if (box.value) schedule(box);
  }
}

/**
 * Check every box marked data-check-language, now and in whatever htmx or a shell page (which
 * sends htmx:load after filling one) puts on the page later. Once per page load.
 */
export function startWritingCheck() {
  attach(document);
  document.addEventListener("htmx:load", (event) => attach(event.target));
}
