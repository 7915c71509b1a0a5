// The writing check, live: as the worker types in a note, phrases that blame or minimise are
// listed under the box with the reason and better words. One tap replaces, one tap keeps the
// worker's own words. The matcher runs in the browser (language-check.js) from the same rules
// the server uses, so it works with no network too. Never blocks: the worker decides.

import { countWithSave } from "./autosave.js";
import { csrfToken } from "./csrf.js";
import { applyToUse, check, compile, keptUses, replacement, useContext } from "./language-check.js";

const RULES_URL = "/language/rules.json";
let compiled = null;
let loading = null;

// Only where the worker cannot run (see ask): the rules compiled on the page's own thread.
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

async function onThisThread(message) {
  await loadRules();
  const { op, text } = message;
  if (op === "check") {
    return check(compiled, text).map((flag) => ({
      ...flag,
      options: replacement(compiled, text, flag).options,
    }));
  }
  return applyToUse(compiled, text, message.flag, message.dismissed, message.choice);
}

// The check runs in language-worker.js, off the page's thread, so typing and tapping never
// wait for it. One worker per page, started at the first check; if it cannot start or fails,
// the page checks on its own thread (onThisThread), with the same matcher and rules.
let worker = null;
let workerFailed = false;
let asked = 0;
const waiting = new Map();

function startWorker() {
  try {
    worker = new Worker(import.meta.resolve("./language-worker.js"), { type: "module" });
  } catch {
    workerFailed = true;
    return;
  }
  worker.addEventListener("message", (event) => {
    const { id, result, error } = event.data;
    const done = waiting.get(id);
    if (!done) return;
    waiting.delete(id);
    if (error === undefined) done.resolve(result);
    else onThisThread(done.message).then(done.resolve, done.reject);
  });
  worker.addEventListener("error", () => {
    // The worker itself could not run: everything it was asked is answered here instead.
    workerFailed = true;
    worker = null;
    for (const done of waiting.values()) onThisThread(done.message).then(done.resolve, done.reject);
    waiting.clear();
  });
}

function ask(message) {
  if (!worker && !workerFailed) startWorker();
  if (workerFailed) return onThisThread(message);
  return new Promise((resolve, reject) => {
    asked += 1;
    waiting.set(asked, { resolve, reject, message });
    worker.postMessage({
      ...message,
      id: asked,
      checkUrl: import.meta.resolve("./language-check.js"),
      rulesUrl: new URL(RULES_URL, window.location.href).href,
    });
  });
}

function dismissedOf(box) {
  try {
    const pairs = JSON.parse(box.getAttribute("data-dismissed") || "[]");
    return Array.isArray(pairs) ? pairs.filter((pair) => Array.isArray(pair)) : [];
  } catch {
    return [];
  }
}

// The flags still to show: each "Keep my words" (a [rule_id, text, before, after] entry of
// data-dismissed) keeps one use of a phrase, the one it was pressed on, found again by the words
// either side of it (language-check.js keptUses). The same words written again later are a new
// one to look at (a probe: one "absconded" kept hid every later one), and keeping the second of
// two uses keeps the second (a probe: it hid the first). The review and every copy count the
// same way (rhi/writing/counts.py kept_uses).
function notKept(text, found, dismissed) {
  const kept = keptUses(text, found, dismissed);
  return found.filter((flag, place) => !kept.has(place));
}

// Where a use shown in the words as the list was drawn is in the words as they are now, in code
// points (the matcher's): the same place when only words after it changed, moved along when
// only words before it did, and null when the change reached the use itself, so a tap never
// rewrites words the worker did not see flagged.
function nowAt(flag, drawn, now) {
  if (drawn === now) return flag.start;
  const was = Array.from(drawn);
  const is = Array.from(now);
  let head = 0;
  while (head < was.length && head < is.length && was[head] === is[head]) head += 1;
  let tail = 0;
  while (
    tail < was.length - head &&
    tail < is.length - head &&
    was[was.length - 1 - tail] === is[is.length - 1 - tail]
  )
    tail += 1;
  if (flag.end <= head) return flag.start;
  if (flag.start >= was.length - tail) return flag.start + is.length - was.length;
  return null;
}

// The list under the box is not a live region: redrawn at each pause in typing, it had a
// screen reader read every suggestion again each time (a probe: 400 characters, five times for
// five words). A status of its own, on the page from the start (a live region added with its
// words is often not read), says briefly what changed, only when the suggestions do.
function panelFor(box) {
  let panel = document.getElementById(box.id + "-flags");
  if (!panel) {
    panel = document.createElement("div");
    panel.id = box.id + "-flags";
    panel.className = "language-flags";
    box.insertAdjacentElement("afterend", panel);
  }
  return panel;
}

function saidFor(box) {
  let said = document.getElementById(box.id + "-flags-said");
  if (!said) {
    said = document.createElement("p");
    said.id = box.id + "-flags-said";
    said.className = "visually-hidden";
    said.setAttribute("role", "status");
    box.insertAdjacentElement("afterend", said);
  }
  return said;
}

const suggestionsCount = (n) => (n === 1 ? "1 wording suggestion" : n + " wording suggestions");

// The suggestions shown for each box, as their phrases (a phrase once per use), to tell a
// change of them from the same list drawn again for more words typed.
const shownBefore = new WeakMap();

function sayChange(box, flags) {
  const now = flags.map((flag) => JSON.stringify([flag.rule_id, flag.text])).sort();
  const before = shownBefore.get(box);
  shownBefore.set(box, now);
  // The first list drawn for words already in the box (on opening the page, or a box a
  // shell page filled) is not news: the box describes it (aria-describedby) when reached.
  if (before === undefined) return;
  if (now.length === before.length && now.every((key, i) => key === before[i])) return;
  const said = saidFor(box);
  if (!flags.length) {
    said.textContent = "No wording suggestions now.";
    return;
  }
  // The phrases newly flagged, each once, by name; only the count when suggestions went.
  const left = [...before];
  const added = [];
  for (const flag of flags) {
    const at = left.indexOf(JSON.stringify([flag.rule_id, flag.text]));
    if (at >= 0) left.splice(at, 1);
    else if (!added.includes(flag.text)) added.push(flag.text);
  }
  const named = added.map((text) => "\u201c" + text + "\u201d").join(", ");
  said.textContent = suggestionsCount(flags.length) + (added.length ? ", new: " + named : "") + ".";
}

function tell(box, flag, action, reason, around = { before: "", after: "" }) {
  const url = box.getAttribute("data-language-url");
  if (!url) return Promise.resolve();
  const said = {
    path: (box.getAttribute("name") || "").replace(/^f:/, ""),
    rule_id: flag.rule_id,
    text: flag.text,
    action: action,
    reason: reason || "",
  };
  // Only an interview's own "keep my words" is kept with the words around it: a team count
  // (/language/events) is the rule and what was done, never words.
  if (action === "dismissed" && url !== LANGUAGE_EVENTS_URL) Object.assign(said, around);
  if (box.closest("[data-shell-page]")) {
    // Offline (a shell page): shell-interview.js keeps it with the interview's draft on the
    // tablet; shell-episode.js keeps a form's team count to send later (countLater).
    box.dispatchEvent(new CustomEvent("rhi:language", { bubbles: true, detail: said }));
    return Promise.resolve();
  }
  const body = new URLSearchParams(said);
  return fetch(url, {
    method: "POST",
    body: body,
    credentials: "same-origin",
    headers: { "X-CSRFToken": csrfToken() },
  }).catch(() => {
    // No network: a team count is kept to send later; the words are in the box and saved
    // by their own form.
    if (url === LANGUAGE_EVENTS_URL) countLater(flag.rule_id, action);
  });
}

// The team's counts for boxes outside an interview's fields (a decline reason, a contact note:
// /language/events, rhi/writing/views.py language_event) made with no signal, on a shell page
// or with the network gone: kept in this browser until an online page sends them. Only the
// rule and what was done are kept, the same two values the server counts (no words, no child,
// no worker), so they may be kept in clear. A reason for keeping words is never kept: words.
const LANGUAGE_EVENTS_URL = "/language/events";
const UNSENT = "rhi-language-counts";
const MOST_UNSENT = 500;

function unsent() {
  try {
    const list = JSON.parse(window.localStorage.getItem(UNSENT) || "[]");
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}

/**
 * Keep a team count (a suggestion taken, or words kept) to send when a page can.
 * @param {string} ruleId
 * @param {string} action "replaced" or "dismissed"
 */
export function countLater(ruleId, action) {
  if (action !== "replaced" && action !== "dismissed") return;
  const list = unsent();
  list.push([ruleId, action]);
  window.localStorage.setItem(UNSENT, JSON.stringify(list.slice(-MOST_UNSENT)));
}

let sending = false;

// Send the kept counts, oldest first, from an online page (a shell page has no CSRF token).
// One tab at a time (a lock across tabs where the browser has one), so none is sent twice.
async function sendCounts() {
  const token = csrfToken();
  if (sending || !token || !navigator.onLine || !unsent().length) return;
  sending = true;
  try {
    const send = () => sendEach(token);
    await (navigator.locks ? navigator.locks.request("rhi-language-counts", send) : send());
  } finally {
    sending = false;
  }
}

async function sendEach(token) {
  try {
    for (let list = unsent(); list.length; list = unsent()) {
      const [ruleId, action] = list[0];
      const response = await fetch(LANGUAGE_EVENTS_URL, {
        method: "POST",
        body: new URLSearchParams({ rule_id: ruleId, action }),
        credentials: "same-origin",
        headers: { "X-CSRFToken": token },
      });
      // 204: counted. 400: a rule the server no longer has, which would block the rest.
      // Anything else (signed out, a server error): kept for the next page.
      if (response.status !== 204 && response.status !== 400) return;
      const now = unsent();
      now.shift();
      window.localStorage.setItem(UNSENT, JSON.stringify(now));
    }
  } catch {
    // The network went again: kept for the next page.
  }
}

// A suggestion taken. In an interview's autosaved field the count goes with the save of the
// new words (autosave.js countWithSave): one request, one at a time per field, so the two never
// race (two writes at once had the server refuse one, and a replacement or its count was
// lost). Elsewhere (a shell page, a box saved by its own form) as before.
function taken(box, flag) {
  if (box.hasAttribute("data-autosave") && !box.closest("[data-shell-page]")) {
    countWithSave((box.getAttribute("name") || "").replace(/^f:/, ""), flag.rule_id);
    return;
  }
  tell(box, flag, "replaced");
}

// `name`, when given, is what a screen reader says: the words shown, then which phrase the button
// is for, so three "Keep my words" on one list are told apart (an accessibility probe).
function button(label, className, onClick, name) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = className;
  b.textContent = label;
  if (name) b.setAttribute("aria-label", name);
  b.addEventListener("click", onClick);
  return b;
}

// A tap is worked out beside the page (a few milliseconds): until the list is drawn again for
// the new words, its buttons are off, so a second quick tap lands on the new list, never on a
// phrase just replaced.
function waitForList(panel) {
  for (const b of panel.querySelectorAll(".flag-actions button")) b.disabled = true;
}

// Boxes with a tap being worked out: a check that comes back meanwhile (the debounced one of
// a keystroke) draws no list for the words the tap is replacing, with its buttons on again;
// the tap's own render draws the next list.
const working = new WeakSet();

async function render(box) {
  const text = box.value;
  const dismissed = dismissedOf(box);
  let found;
  try {
    found = await ask({ op: "check", text });
  } catch {
    return; // no rules yet (no network, never kept): the next keystroke tries again
  }
  if (box.value !== text || working.has(box)) return; // typed or tapped meanwhile
  const flags = notKept(text, found, dismissed);
  const panel = panelFor(box);
  panel.textContent = "";
  sayChange(box, flags);
  // The list is one of the box's descriptions: added to the others as they are now, never in
  // their place (a CI run: the check of a long note, done after its save was refused, took
  // away the reason autosave.js had just tied to the box).
  const described = (box.getAttribute("aria-describedby") || "")
    .split(/\s+/)
    .filter((id) => id && id !== panel.id);
  box.setAttribute("aria-describedby", [...described, panel.id].join(" "));
  if (!flags.length) {
    box.classList.remove("has-flags");
    return;
  }
  box.classList.add("has-flags");
  const count = document.createElement("p");
  count.className = "flags-count";
  count.textContent = suggestionsCount(flags.length);
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
    if (!flag.options.length && flag.suggestions.length) {
      // No wording fits this sentence as written (a tap would break it: the rules' "alone"):
      // the suggestions are advice for the worker to use in their own sentence, with no tap.
      const advice = document.createElement("p");
      advice.className = "flag-advice";
      advice.textContent =
        "No one-tap wording fits this sentence. Words to consider: " +
        flag.suggestions.map((s) => "\u201c" + s + "\u201d").join("; ") +
        ".";
      item.appendChild(advice);
    }
    const actions = document.createElement("div");
    actions.className = "flag-actions";
    // The wordings as they fit this sentence: a tap replaces the whole phrase, auxiliaries and
    // objects included (the rules' rewrites), so the sentence still reads. None may fit (above).
    flag.options.forEach((suggestion, choice) => {
      actions.appendChild(
        button(
          "Use \u201c" + suggestion + "\u201d",
          "button button-secondary",
          async () => {
            waitForList(panel);
            working.add(box);
            const current = box.value;
            // Applied to the text as it is now (checked again: it may have changed since the
            // list was drawn), to the very use shown, and only if nothing was typed while that
            // was worked out.
            const start = nowAt(flag, text, current);
            if (start === null) {
              working.delete(box);
              return render(box);
            }
            const shown = { ...flag, start, end: start + (flag.end - flag.start) };
            const dismissed = dismissedOf(box);
            const done = await ask({
              op: "apply",
              text: current,
              flag: shown,
              dismissed,
              choice,
            }).catch(() => null);
            working.delete(box);
            if (!done || box.value !== current) return render(box);
            box.value = done.value;
            taken(box, flag); // before the events below, which start the save it goes with
            box.dispatchEvent(new Event("input", { bubbles: true }));
            box.dispatchEvent(new Event("change", { bubbles: true }));
            // The render below is this tap's check: the one the input event scheduled would
            // draw the same list again 400 ms on, under a finger pressing its next button.
            window.clearTimeout(timers.get(box));
            render(box);
            box.focus();
            // The part the worker fills ("[describe]") is selected, to type over.
            box.setSelectionRange(done.select[0], done.select[1]);
          },
          "Use \u201c" + suggestion + "\u201d for \u201c" + flag.text + "\u201d",
        ),
      );
    });
    actions.appendChild(
      button(
        "Keep my words",
        "button button-secondary",
        async () => {
          waitForList(panel);
          // The use answered, with the words either side of it as the list showed them, so it
          // is found again when words elsewhere change (language-check.js keptUses).
          const [before, after] = useContext(text, flag);
          const list = dismissedOf(box);
          list.push([flag.rule_id, flag.text, before, after]);
          box.setAttribute("data-dismissed", JSON.stringify(list));
          tell(box, flag, "dismissed", "", { before, after });
          await render(box); // the list redrawn first, then the question put above it
          askWhy(box, flag);
        },
        "Keep my words: " + phrase.textContent,
      ),
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
      box.focus(); // back to the words being written, not lost to the page
    }),
  );
  panel.prepend(note);
  // The button tapped went with the list redrawn: focus goes to the question in its place (a
  // probe found it on the page itself), which may be left empty.
  input.focus();
}

const timers = new WeakMap();
function schedule(box) {
  window.clearTimeout(timers.get(box));
  timers.set(
    box,
    window.setTimeout(() => render(box), 400),
  );
}

function attach(root) {
  for (const box of root.querySelectorAll("[data-check-language]")) {
    if (box.dataset.languageReady) continue;
    box.dataset.languageReady = "1";
    saidFor(box);
    if (!box.value) shownBefore.set(box, []); // empty: none shown, and the first is news
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
  sendCounts();
  window.addEventListener("online", () => sendCounts());
}
