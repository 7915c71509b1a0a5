// Filling a shell page: the same templates as online, rendered with blanks where a child's
// details go (rhi/shells.py), filled here from what the tablet holds. The pieces every kind of
// shell page uses; shell-page.js, shell-episode.js and shell-interview.js fill each kind.
//
// No rule of the server's is written again here. What a page shows of a return comes from the
// server (rhi/sync/copies.py): the 72-hour clock and the repeat marker as schedules, each step
// saying what to show from when (the tablet shows the last step begun: time passes with no
// signal), the dates as the pages print them, and the state an act on the episode page leads
// to (rhi/episodes/service.py status_after), kept as `rules:status` (records.js).

// Placeholders rhi/shells.py puts in links and forms, swapped here for the real ids.
export const PLACEHOLDER_UUID = "00000000-0000-4000-8000-000000000000";
const PLACEHOLDER_EPISODE = "/episodes/999999999";
const LINKED = [
  "href",
  "action",
  "formaction",
  "hx-post",
  "data-interview-page",
  "data-interview-uuid",
  "data-language-url",
];

/** A deep copy of plain data (a document, a blank shape). */
export function clone(value) {
  return JSON.parse(JSON.stringify(value));
}

/** The blank shapes of this shell page (rhi/shells.py, in base.html's #shell-blanks). */
export function blanks() {
  const node = document.getElementById("shell-blanks");
  return node ? JSON.parse(node.textContent) : null;
}

function pad(n) {
  return String(n).padStart(2, "0");
}

// The pages' way of writing a time as the page the server drew holds it (base.html), or null.
function pageWhenWords() {
  try {
    return JSON.parse(document.body.dataset.whenWords || "null");
  } catch {
    return null;
  }
}

/** A moment in the tablet's local wall-clock time as the pages keep it: "2026-11-23 14:30". */
export function localStamp(d) {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function localNow() {
  return localStamp(new Date());
}

// A time kept as localNow writes it ("2026-12-06 18:06", or with the "T" of a date input) in
// the words the pages write it ("6 Dec 2026 18:06"), by the server's pattern (rhi/shells.py
// when_words: a token for each part, the months' words for {b}); as kept, from a shell page
// kept before the server handed the pattern over.
export function whenSaid(at) {
  // A shell page's blanks hold it; every page the server draws has it too (base.html), for a
  // time the tablet itself knows (the bar's "Last sent", the wipe note).
  const way = (blanks() || {}).when_words || pageWhenWords();
  const parts = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d)$/.exec(String(at || ""));
  if (!way || !parts) return at;
  const [, Y, mm, dd, HH, MM] = parts;
  const of = { Y, mm, dd, HH, MM, m: +mm, d: +dd, H: +HH, M: +MM, b: way.months[+mm - 1] };
  return way.pattern.replace(/\{(\w+)\}/g, (token, key) => String(of[key] ?? token));
}

// What a schedule from the server (rhi/sync/copies.py, from rhi/deadlines.py) shows at this
// moment. Its steps are [milliseconds after `from`, ...what to show]: the last step begun is
// shown (the first, if the tablet's clock is behind the server's), and the last step holds
// for good. An empty list when there is no schedule (a copy kept before they were sent).
export function stepAt(from, steps, now) {
  if (!from || !Array.isArray(steps) || !steps.length) return [];
  const since = now - Date.parse(from);
  let step = steps[0];
  for (const next of steps) {
    if (next[0] > since) break;
    step = next;
  }
  return step;
}

// The words for a status, as the server gave them ("" stands for no interview yet), and for
// an interview whose offer is not recorded yet (`offerRecorded` false: "Not yet offered").
export function statusLabel(rules, status, offerRecorded = true) {
  const words = rules && (offerRecorded ? rules.status_labels : rules.status_labels_before_offer);
  const labels = words || (blanks() || {}).statuses || {};
  return labels[status || ""] || status || "";
}

// The interview's state after an act on the episode page, as the server will hold it
// (rhi/episodes/service.py status_after); null if the tablet has no rules yet, and then the
// status is left as it is: the server sets it when the act arrives.
export function stateAfter(rules, record, act) {
  if (!rules || !rules.status_after) return null;
  const table = rules.status_after[record.offer_recorded ? "after_offer" : "before_offer"];
  return (table[record.status || ""] || {})[act] || null;
}

// Nodes under root that match, and root itself if it does (a card is filled as a whole).
function within(root, selector) {
  const found = [...root.querySelectorAll(selector)];
  return root instanceof Element && root.matches(selector) ? [root, ...found] : found;
}

export function fillBlanks(root, values, ids) {
  for (const node of within(root, "[data-fill]")) {
    const value = values[node.getAttribute("data-fill")];
    node.textContent = value === undefined || value === null ? "" : String(value);
    if (node.hasAttribute("data-fill-optional")) node.hidden = !node.textContent;
  }
  // A row (a label and its blank) with nothing to say is hidden, as the server leaves it out.
  for (const node of within(root, "[data-fill-row]")) {
    node.hidden = !node.querySelector("[data-fill]")?.textContent;
  }
  for (const node of within(root, "[data-fill-class]")) {
    const urgency = values[node.getAttribute("data-fill-class")];
    if (urgency)
      node.className = node.className.replace(/\b(urgency|tag)-[a-z]+\b/g, `$1-${urgency}`);
  }
  // The page's footer (the danger line in the child's language) is drawn outside main, once
  // per variant like the rest: kept to this child's, as online (a probe found all seven
  // languages, three times each, under the child's view offline).
  const footer =
    root instanceof Element && root.matches("main") ? document.querySelectorAll("footer") : [];
  for (const place of [root, ...footer]) {
    for (const node of place.querySelectorAll("[data-band]")) {
      if (node.getAttribute("data-band") !== values.band) node.remove();
    }
  }
  // Words that differ by whether the child has a social worker of their own: the shell holds
  // both, the server's copy says which is this child's ("yes" for a copy kept before it did).
  for (const node of root.querySelectorAll("[data-own-social-worker]")) {
    if (node.getAttribute("data-own-social-worker") !== values.own_social_worker) node.remove();
  }
  const all =
    root instanceof Element ? [root, ...root.querySelectorAll("*")] : root.querySelectorAll("*");
  for (const node of all) {
    for (const name of LINKED) {
      const value = node.getAttribute(name);
      if (value === null) continue;
      let next = value;
      if (ids.uuid) next = next.split(PLACEHOLDER_UUID).join(ids.uuid);
      if (ids.episode) next = next.split(PLACEHOLDER_EPISODE).join(`/episodes/${ids.episode}`);
      if (next !== value) node.setAttribute(name, next);
    }
  }
}

export function childValues(record, rules) {
  const child = record.child || {};
  const now = Date.now();
  const clock = record.clock || {};
  // The words right after the tag ("by 8 hours" after "Overdue"), as the server words them.
  const [, afterTag] = stepAt(clock.from, clock.words, now);
  const [, tone, tag] = stepAt(clock.from, clock.tone, now);
  const repeat = record.repeat || {};
  const shown = record.shown || {};
  return {
    display_name: child.display_name,
    first_name: child.first_name,
    age: child.age,
    band: child.age_band,
    own_social_worker: child.own_social_worker === false ? "no" : "yes",
    due: shown.due_at,
    returned_at: shown.returned_at,
    risk_grade: record.police_risk_grade,
    status: statusLabel(rules, record.status, Boolean(record.offer_recorded)),
    urgency: tone,
    urgency_label: tag,
    after_tag: afterTag,
    repeat: stepAt(repeat.from, repeat.words, now)[1],
    ...(record.prepare || {}), // prepare_<fact>: worded by the server (rhi/episodes/prepare.py)
  };
}

export function say(main, heading, text) {
  const h1 = document.createElement("h1");
  h1.textContent = heading;
  const p = document.createElement("p");
  p.className = "lead";
  p.textContent = text;
  main.replaceChildren(h1, p);
}
