// rhi's own pages with no signal. Two jobs:
// 1. Online, on the Returns page: keep a sealed copy of the worker's open interviews and waiting
//    returns on the tablet (/sync/v1/copies). Sealing needs no PIN.
// 2. Offline, the service worker answers rhi's pages with shell pages: the same templates
//    rendered with blanks where a child's details go (rhi/shells.py). This fills the blanks
//    from the tablet's encrypted store, and keeps every change there, as it is made, in a draft
//    of the interview that offline.js uploads to /sync/v1/interviews when the signal is back.
//
// Records on the tablet (ids name records, never children):
//   copy:<interview uuid>   the server's copy, as last fetched (version, content, child, ...)
//   return:<episode id>     a return waiting for an interview that has none yet
//   draft:<interview uuid>  what the worker did offline: {uuid, episode_ids, base_version,
//                           content (null until something is written), events [...], ...}
//   rules:status            which status each act leads to, and each status's words
//
// No rule of the server's is written again here. What a page shows of a return comes from the
// server (rhi/sync/copies.py): the 72-hour clock and the repeat marker as schedules, each step
// saying what to show from when (the tablet shows the last step begun: time passes with no
// signal), the dates as the pages print them, and the state an act on the episode page leads
// to (rhi/episodes/service.py status_after), looked up in `rules:status`.
"use strict";

(function () {
  const device = () => window.rhiDevice;
  const PLACEHOLDER_UUID = "00000000-0000-4000-8000-000000000000";
  const PLACEHOLDER_EPISODE = "/episodes/999999999";
  const NEW_ENTRY_ID = "new-entry";
  const LINKED = [
    "href",
    "action",
    "formaction",
    "hx-post",
    "data-interview-page",
    "data-interview-uuid",
    "data-language-url",
  ];
  const INTERVIEW_PATH = /^\/interviews\/([0-9a-f-]{36})(?:\/([a-z_]+))?\/?$/;
  const EPISODE_PATH = /^\/episodes\/(\d+)\/?$/;
  const SHELL_PATH = /^\/(returns|episodes\/\d+|interviews\/[0-9a-f-]{36}(\/[a-z_]+)?)\/?$/;
  const RULES = "rules:status";

  // ---- 1. keeping copies while online -----------------------------------------------------
  function copyId(copy) {
    return copy.uuid ? `copy:${copy.uuid}` : `return:${copy.episode_ids[0]}`;
  }

  async function fetchCopies(query) {
    const response = await fetch(`/sync/v1/copies${query}`, {
      credentials: "same-origin",
      cache: "no-store",
    });
    if (response.status === 404) return null; // not theirs to see (any more)
    if (!response.ok) throw new Error(`copies ${response.status}`);
    return response.json();
  }

  // Not while an upload is on its way (the same lock as offline.js): copies fetched before it
  // and kept after it would bring back a return the upload has just turned into an interview.
  async function keepCopies() {
    if (!navigator.locks) return keepCopiesNow();
    return navigator.locks.request("rhi-upload", keepCopiesNow);
  }

  async function keepCopiesNow() {
    if (!device() || (await device().state()) === "empty") return;
    const answer = await fetchCopies("");
    if (!answer) return;
    const { copies } = answer;
    // Versions sent from here that wait for a choice; any other was chosen, on any screen.
    const waiting = new Set(answer.waiting_versions || []);
    // Children the worker chose to keep ("Keep on this tablet"), asked about one by one: the
    // server still decides who may see what, and a finished interview leaves the tablet.
    for (const { id } of await device().ids()) {
      if (!id.startsWith("keep:")) continue;
      const one = ((await fetchCopies(`?episode_id=${encodeURIComponent(id.slice(5))}`)) || {})
        .copies;
      if (one && one.length) copies.push(...one);
      else await device().forget(id);
    }
    if (answer.rules) await device().seal(RULES, answer.rules);
    const current = new Set();
    for (const copy of copies) {
      const id = copyId(copy);
      current.add(id);
      await device().seal(id, copy);
    }
    // Finished, moved to someone else, or no longer this worker's: off the tablet. A draft is
    // never dropped here: it goes when the server has it (or says it may not have it).
    for (const { id } of await device().ids()) {
      if (/^(copy|return):/.test(id) && !current.has(id)) await device().forget(id);
      if (id.startsWith("versions:") && !waiting.has(id.slice(9))) await device().forget(id);
    }
  }

  // ---- helpers -------------------------------------------------------------------------------
  function clone(value) {
    return JSON.parse(JSON.stringify(value));
  }

  function blanks() {
    const node = document.getElementById("shell-blanks");
    return node ? JSON.parse(node.textContent) : null;
  }

  function pad(n) {
    return String(n).padStart(2, "0");
  }

  // Local wall-clock time as the pages keep it: "2026-11-23 14:30".
  function localNow() {
    const d = new Date();
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }

  // What a schedule from the server (rhi/sync/copies.py, from rhi/deadlines.py) shows at this
  // moment. Its steps are [milliseconds after `from`, ...what to show]: the last step begun is
  // shown (the first, if the tablet's clock is behind the server's), and the last step holds
  // for good. An empty list when there is no schedule (a copy kept before they were sent).
  function stepAt(from, steps, now) {
    if (!from || !Array.isArray(steps) || !steps.length) return [];
    const since = now - Date.parse(from);
    let step = steps[0];
    for (const next of steps) {
      if (next[0] > since) break;
      step = next;
    }
    return step;
  }

  function newUuid() {
    return crypto.randomUUID();
  }

  // What the tablet holds, by kind.
  async function kept() {
    const { records } = await device().all();
    const out = { copies: new Map(), returns: new Map(), drafts: new Map(), rules: null };
    for (const { id, record } of records) {
      if (id.startsWith("copy:")) out.copies.set(record.uuid, record);
      else if (id.startsWith("return:")) out.returns.set(String(record.episode_ids[0]), record);
      else if (id.startsWith("draft:")) out.drafts.set(record.uuid, record);
      else if (id === RULES) out.rules = record;
    }
    return out;
  }

  // What the server worked out for showing a return (SHOWN) is fresher in its latest copy than
  // in a draft begun from an older one; the draft keeps what the worker did.
  const SHOWN = ["clock", "repeat", "shown"];
  function freshest(draft, copy) {
    if (!draft) return copy || null;
    const out = { ...draft };
    for (const key of SHOWN) if (copy && copy[key]) out[key] = copy[key];
    return out;
  }

  // The freshest thing the tablet knows about one interview, or one episode.
  function forInterview(store, uuid) {
    return freshest(store.drafts.get(uuid), store.copies.get(uuid));
  }

  function forEpisode(store, episodeId) {
    const has = (r) => r.episode_ids.map(String).includes(String(episodeId));
    const copy = [...store.copies.values()].find(has) || store.returns.get(String(episodeId));
    return freshest([...store.drafts.values()].find(has), copy);
  }

  // A draft for this record, made the first time the worker does anything with it offline.
  function draftOf(record) {
    if (record.events) return record; // already a draft
    return {
      uuid: record.uuid || newUuid(),
      episode_ids: record.episode_ids,
      base_version: record.uuid ? record.version : null,
      content: null,
      base_content: record.uuid ? record.content : null,
      events: [],
      status: record.status || null,
      offer_recorded: Boolean(record.offer_recorded),
      child: record.child,
      due_at: record.due_at,
      returned_at: record.returned_at,
      police_risk_grade: record.police_risk_grade,
      clock: record.clock,
      repeat: record.repeat,
      shown: record.shown,
    };
  }

  async function keepDraft(draft) {
    draft.changed_at = new Date().toISOString();
    await device().seal(`draft:${draft.uuid}`, draft);
    if (window.rhiOffline) window.rhiOffline.refreshBar();
  }

  // Change a draft: one read-change-write at a time for each interview, across tabs, always on
  // what the tablet holds now (never on a copy read earlier, which would drop what another tab,
  // the episode page or a finished upload wrote meanwhile). With no draft yet, one is started
  // from the freshest copy of the interview, else from `start`. Returns the draft as kept.
  async function changeDraft(uuid, start, change) {
    const run = async () => {
      let draft = await device().get(`draft:${uuid}`);
      if (!draft) draft = draftOf((await device().get(`copy:${uuid}`)) || start);
      change(draft);
      await keepDraft(draft);
      return draft;
    };
    return navigator.locks ? navigator.locks.request(`rhi-draft:${uuid}`, run) : run();
  }

  // The words for a status, as the server gave them ("" stands for no interview yet).
  function statusLabel(rules, status) {
    const labels = (rules && rules.status_labels) || (blanks() || {}).statuses || {};
    return labels[status || ""] || status || "";
  }

  // The interview's state after an act on the episode page, as the server will hold it
  // (rhi/episodes/service.py status_after); null if the tablet has no rules yet, and then the
  // status is left as it is: the server sets it when the act arrives.
  function stateAfter(rules, record, act) {
    if (!rules || !rules.status_after) return null;
    const table = rules.status_after[record.offer_recorded ? "after_offer" : "before_offer"];
    return (table[record.status || ""] || {})[act] || null;
  }

  // ---- filling a shell page ------------------------------------------------------------------
  // Nodes under root that match, and root itself if it does (a card is filled as a whole).
  function within(root, selector) {
    const found = [...root.querySelectorAll(selector)];
    return root instanceof Element && root.matches(selector) ? [root, ...found] : found;
  }

  function fillBlanks(root, values, ids) {
    for (const node of within(root, "[data-fill]")) {
      const value = values[node.getAttribute("data-fill")];
      node.textContent = value === undefined || value === null ? "" : String(value);
      if (node.hasAttribute("data-fill-optional")) node.hidden = !node.textContent;
    }
    for (const node of within(root, "[data-fill-class]")) {
      const urgency = values[node.getAttribute("data-fill-class")];
      if (urgency)
        node.className = node.className.replace(/\b(urgency|tag)-[a-z]+\b/g, `$1-${urgency}`);
    }
    for (const node of root.querySelectorAll("[data-band]")) {
      if (node.getAttribute("data-band") !== values.band) node.remove();
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

  function childValues(record, rules) {
    const child = record.child || {};
    const now = Date.now();
    const clock = record.clock || {};
    const [, words] = stepAt(clock.from, clock.words, now);
    const [, tone, tag] = stepAt(clock.from, clock.tone, now);
    const repeat = record.repeat || {};
    const shown = record.shown || {};
    return {
      display_name: child.display_name,
      first_name: child.first_name,
      age: child.age,
      band: child.age_band,
      due: shown.due_at,
      returned_at: shown.returned_at,
      risk_grade: record.police_risk_grade,
      status: statusLabel(rules, record.status),
      urgency: tone,
      urgency_label: tag,
      phrase: words,
      repeat: stepAt(repeat.from, repeat.words, now)[1],
    };
  }

  function say(main, heading, text) {
    const h1 = document.createElement("h1");
    h1.textContent = heading;
    const p = document.createElement("p");
    p.className = "lead";
    p.textContent = text;
    main.replaceChildren(h1, p);
  }

  async function fillPage() {
    const page = document.querySelector("[data-shell-page]");
    const main = document.getElementById("main");
    if (!page || !device()) return;
    page.setAttribute("aria-busy", "true");
    const state = await device().state();
    if (state === "empty") {
      say(
        main,
        "No connection",
        "Nothing is kept on this tablet. Connect to the internet to use rhi.",
      );
      return;
    }
    if (state === "locked" && !(await window.rhiOffline.askPin("unlock"))) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button";
      button.textContent = "Open what is kept on this tablet";
      button.addEventListener("click", () => window.location.reload()); // asks for the PIN again
      say(main, "No connection", "What is kept on this tablet is locked with your PIN.");
      main.append(button);
      return;
    }
    const store = await kept();
    const kind = page.getAttribute("data-shell-page");
    try {
      await fillKind(kind, page, main, store);
    } finally {
      // The page is what the tablet holds from here on (people and tests can wait for this).
      page.setAttribute("data-filled", "");
      page.removeAttribute("aria-busy");
    }
  }

  async function fillKind(kind, page, main, store) {
    if (kind === "returns") return fillReturns(page, store);
    const path = window.location.pathname;
    if (kind === "episode") {
      const episodeId = (path.match(EPISODE_PATH) || [])[1];
      const record = episodeId && forEpisode(store, episodeId);
      if (!record)
        return say(
          main,
          "Not on this tablet",
          "This child's return is not kept on this tablet. Connect to the internet to open it.",
        );
      return fillEpisode(main, record, episodeId, store.rules);
    }
    const uuid = (path.match(INTERVIEW_PATH) || [])[1];
    const record = uuid && forInterview(store, uuid);
    if (!record)
      return say(
        main,
        "Not on this tablet",
        "This interview is not kept on this tablet. Connect to the internet to open it.",
      );
    return fillInterview(main, record, store.rules);
  }

  // The Returns list: every child the tablet holds, soonest due first.
  function fillReturns(page, store) {
    const rows = new Map();
    for (const r of store.returns.values()) rows.set(`e${r.episode_ids[0]}`, r);
    for (const r of store.copies.values()) rows.set(`e${r.episode_ids[0]}`, r);
    for (const r of store.drafts.values()) {
      const copy = rows.get(`e${r.episode_ids[0]}`);
      rows.set(`e${r.episode_ids[0]}`, freshest({ ...copy, ...r }, copy));
    }
    const list = page.querySelector("[data-shell-list]");
    const template = page.querySelector("template[data-shell-card]");
    const sorted = [...rows.values()].sort((a, b) =>
      (a.due_at || "").localeCompare(b.due_at || ""),
    );
    list.replaceChildren();
    for (const record of sorted) {
      const card = template.content.firstElementChild.cloneNode(true);
      fillBlanks(card, childValues(record, store.rules), { episode: record.episode_ids[0] });
      list.append(card);
    }
    const now = Date.now();
    const toneOf = (clock) => stepAt(clock.from, clock.tone, now)[1];
    const overdue = sorted.filter((r) => toneOf(r.clock || {}) === "overdue").length;
    const count = page.querySelector("[data-fill=count]");
    count.textContent = sorted.length
      ? `${sorted.length} ${sorted.length === 1 ? "child" : "children"} kept on this tablet, ${overdue} overdue.`
      : "Nothing is kept on this tablet yet. Open the Returns page while online to keep your list here.";
  }

  // ---- the episode page: attempts, the offer, the child's answer, starting -----------------
  const EVENT_KINDS = { attempts: "attempt", offer: "offer", accept: "accept", decline: "decline" };
  const EVENT_WORDS = {
    attempt: "Contact attempt",
    offer: "Offer",
    accept: "The child said yes",
    decline: "The child said no",
  };

  function fillEpisode(main, record, episodeId, rules) {
    fillBlanks(main, childValues(record, rules), {
      episode: episodeId,
      uuid: record.uuid || PLACEHOLDER_UUID,
    });
    for (const input of main.querySelectorAll("input[type=datetime-local]")) {
      input.value = localNow().replace(" ", "T");
    }
    listEvents(main, record);
    const started = record.status === "in_progress" || (record.content && record.uuid);
    const startForm = main.querySelector('form[action$="/interview"]');
    if (startForm && started)
      startForm.querySelector("button").textContent = "Continue the interview";
    main.addEventListener("submit", async (event) => {
      const form = event.target;
      event.preventDefault();
      const action = form.getAttribute("action") || "";
      const store = await kept();
      const found = draftOf(forEpisode(store, episodeId));
      if (action.endsWith("/interview")) return start(found, store.rules);
      const kind = EVENT_KINDS[action.split("/").pop()];
      const the = eventFrom(form, kind);
      if (!the) return;
      const act = kind === "attempt" ? `attempt:${the.outcome}` : kind;
      const draft = await changeDraft(found.uuid, found, (d) => {
        d.events.push(the);
        const next = stateAfter(store.rules, d, act);
        if (next) Object.assign(d, { status: next.status, offer_recorded: next.offer_recorded });
      });
      form.reset();
      for (const input of form.querySelectorAll("input[type=datetime-local]"))
        input.value = localNow().replace(" ", "T");
      form.closest("details").open = false;
      listEvents(main, draft);
      const status = main.querySelector("[data-fill=status]");
      if (status) status.textContent = statusLabel(store.rules, draft.status);
      flash(
        main,
        `${EVENT_WORDS[kind]}: kept on this tablet. It is sent when you are back online.`,
      );
    });
  }

  function flash(main, text) {
    let note = main.querySelector("[data-shell-done]");
    if (!note) {
      note = document.createElement("p");
      note.className = "flash flash-success";
      note.setAttribute("role", "status");
      note.setAttribute("data-shell-done", "");
      main.querySelector("#interview-panel").prepend(note);
    }
    note.textContent = text;
  }

  // The form's values as an event for the upload, or null with the message beside the field.
  function eventFrom(form, kind) {
    const data = new FormData(form);
    for (const old of form.querySelectorAll(".error-message[data-shell-error]")) old.remove();
    const problem = (name, text) => {
      const field = form.querySelector(`[name="${name}"]`);
      const message = document.createElement("p");
      message.className = "error-message";
      message.setAttribute("data-shell-error", "");
      message.textContent = text;
      field.insertAdjacentElement("beforebegin", message);
      field.focus();
      return null;
    };
    const whenName = {
      attempt: "attempted_at",
      offer: "offered_at",
      accept: "accepted_at",
      decline: "declined_at",
    }[kind];
    const at = String(data.get(whenName) || "")
      .replace("T", " ")
      .slice(0, 16);
    if (!/^\d{4}-\d\d-\d\d \d\d:\d\d$/.test(at))
      return problem(whenName, "Enter the date and time.");
    if (at > localNow())
      return problem(whenName, "This can't be in the future. Check the date and time.");
    const the = { id: newUuid(), kind, at };
    if (kind === "attempt")
      Object.assign(the, {
        method: data.get("method"),
        outcome: data.get("outcome"),
        note: String(data.get("note") || ""),
      });
    if (kind === "offer") the.method = data.get("method");
    if (kind === "decline") {
      const reason = String(data.get("reason") || "").trim();
      if (!reason) return problem("reason", "Write what the child said, even if it was short.");
      Object.assign(the, {
        reason,
        offer_again: data.get("offer_again") !== "no",
        carer_information: data.has("carer_information"),
      });
    }
    return the;
  }

  function listEvents(main, record) {
    const list = main.querySelector("[data-shell-events]");
    if (!list) return;
    list.replaceChildren();
    for (const e of record.events || []) {
      const li = document.createElement("li");
      li.textContent = `${EVENT_WORDS[e.kind]}, ${e.at.replace(/^(\d{4})-(\d\d)-(\d\d)/, "$3/$2/$1")}`;
      list.append(li);
    }
    if (!list.children.length) {
      const li = document.createElement("li");
      li.textContent = "Nothing yet.";
      list.append(li);
    }
  }

  // Starting, or carrying on with, the interview. Starting gives it a document now, with when
  // it started; carrying on with one in progress changes nothing until the worker writes.
  async function start(found, rules) {
    if (found.status !== "in_progress") {
      await changeDraft(found.uuid, found, (d) => {
        if (!d.content) {
          d.content = clone(d.base_content || blanks().content);
          if (!d.content.start.held_on) {
            d.content.start.held_on = localNow();
            d.changed_paths = [...(d.changed_paths || []), "start.held_on"];
          }
        }
        const next = stateAfter(rules, d, "start");
        if (next) Object.assign(d, { status: next.status, offer_recorded: next.offer_recorded });
      });
    }
    go(`/interviews/${found.uuid}/start`);
  }

  // ---- the interview pages ---------------------------------------------------------------------
  function fieldPath(element) {
    const name = element.getAttribute("name") || "";
    return name.startsWith("f:") ? name.slice(2) : null;
  }

  // Where a dotted path lives in the document: [holder, key]; list entries are found by id.
  function locate(doc, path, make) {
    const parts = path.split(".");
    let holder = doc;
    for (let i = 0; i < parts.length - 1; i += 1) {
      const part = parts[i];
      if (Array.isArray(holder)) {
        holder = holder.find((entry) => entry.id === part);
      } else {
        if (holder[part] === undefined && make) holder[part] = clone(blanks().finding);
        holder = holder[part];
      }
      if (holder === undefined) return null;
    }
    return [holder, parts[parts.length - 1]];
  }

  function valueOf(element) {
    if (element.type === "checkbox") return element.checked;
    if (element.type === "radio") {
      const checked = element.form.querySelector(
        `input[type=radio][name="${CSS.escape(element.name)}"]:checked`,
      );
      return checked ? checked.value : "";
    }
    return element.value;
  }

  function show(element, value) {
    if (element.type === "hidden") return;
    if (element.type === "checkbox") element.checked = Boolean(value);
    else if (element.type === "radio") element.checked = element.value === value;
    else element.value = value === undefined || value === null ? "" : value;
  }

  function fillFields(root, doc) {
    for (const element of root.querySelectorAll("[name^='f:']")) {
      const place = locate(doc, fieldPath(element), false);
      if (place && place[0]) show(element, place[0][place[1]]);
    }
    // Suggestions the worker already answered "keep my words" to stay answered.
    for (const box of root.querySelectorAll("textarea[data-check-language]")) {
      const path = fieldPath(box);
      const pairs = (doc.language.dismissed || [])
        .filter((d) => d.path === path)
        .map((d) => [d.rule_id, d.text]);
      box.setAttribute("data-dismissed", JSON.stringify(pairs));
    }
    for (const more of root.querySelectorAll("[data-shown-by]")) {
      const box = document.getElementById(more.getAttribute("data-shown-by"));
      more.hidden = !(box && box.checked);
    }
  }

  function entryNode(list, kind, id) {
    const template = list.querySelector(`template[data-new-entry="${kind}"]`);
    const html = template.innerHTML.split(NEW_ENTRY_ID).join(id);
    const holder = document.createElement("div");
    holder.innerHTML = html; // our own template's markup: no data from the tablet is in it
    return holder.firstElementChild;
  }

  function number(list) {
    const entries = list.querySelectorAll(":scope > fieldset[data-entry]");
    entries.forEach((entry, i) => {
      for (const label of entry.querySelectorAll("[data-entry-label]")) {
        label.textContent = `${label.getAttribute("data-entry-label")} ${i + 1}`;
      }
    });
    const none = list.querySelector("[data-none-noted]");
    if (none) none.hidden = entries.length > 0;
  }

  function fillLists(root, doc, ids) {
    for (const list of root.querySelectorAll("[id^='list-']")) {
      const kind = list.id.slice(5);
      for (const old of list.querySelectorAll(":scope > fieldset[data-entry]")) old.remove();
      const add = list.querySelector("[data-add-entry]");
      for (const entry of doc[kind] || []) {
        const node = entryNode(list, kind, entry.id);
        fillBlanks(node, {}, ids);
        list.insertBefore(node, list.querySelector("template"));
      }
      number(list);
      if (add) fillBlanks(add, {}, ids);
    }
  }

  // Every change on an interview page is an operation on the document. It is applied at once
  // to the page's own copy, and, when kept, to the draft as the tablet holds it then
  // (changeDraft), so two tabs, the episode page and a finished upload never undo each other.
  let flushPage = async () => undefined; // keeps the open page's last changes (see go())
  let unlocking = null;

  // One PIN dialog however many changes are waiting for it.
  function unlockOnce() {
    if (!unlocking)
      unlocking = window.rhiOffline.askPin("unlock").finally(() => {
        unlocking = null;
      });
    return unlocking;
  }

  function fillInterview(main, record, rules) {
    const start = draftOf(record);
    let doc = start.content || clone(start.base_content || blanks().content);
    const ids = { uuid: start.uuid, episode: start.episode_ids[0] };
    fillBlanks(main, childValues(start, rules), ids);
    fillLists(main, doc, ids);
    fillFields(main, doc);
    main.dispatchEvent(new CustomEvent("htmx:load", { bubbles: true })); // the writing check
    const form = main.querySelector("#interview-form");
    if (!form) return;
    let timer = null;
    let pending = [];
    let touched = new Set();
    let paths = new Set(); // what the worker changed: on a conflict, only these are offered
    const keepNow = async () => {
      window.clearTimeout(timer);
      if (!pending.length) return;
      const ops = pending;
      const saved = touched;
      const changedPaths = paths;
      pending = [];
      touched = new Set();
      paths = new Set();
      let kept;
      try {
        kept = await changeDraft(start.uuid, start, (d) => {
          if (!d.content) d.content = clone(d.base_content || blanks().content);
          for (const op of ops) op(d.content);
          d.changed_paths = [...new Set([...(d.changed_paths || []), ...changedPaths])];
        });
      } catch {
        // Locked after being left idle: nothing is dropped. The changes wait on the page until
        // the PIN is given, then are kept.
        pending = ops.concat(pending);
        saved.forEach((element) => touched.add(element));
        changedPaths.forEach((path) => paths.add(path));
        for (const element of saved) {
          const status = element.closest(".autosave")?.querySelector(".save-status");
          if (status) {
            status.textContent = "Not kept yet: enter your PIN to keep it on this tablet";
            status.className = "save-status save-error";
          }
        }
        if ((await device().state()) === "locked" && (await unlockOnce())) {
          return keepNow();
        }
        return undefined;
      }
      doc = kept.content;
      for (const element of saved) {
        const status = element.closest(".autosave")?.querySelector(".save-status");
        if (status) {
          status.textContent = "Kept on this tablet";
          status.className = "save-status save-kept";
        }
      }
    };
    flushPage = keepNow;
    const apply = (op, path, element) => {
      op(doc);
      pending.push(op);
      paths.add(path);
      if (element) touched.add(element);
      window.clearTimeout(timer);
      timer = window.setTimeout(keepNow, 300);
    };
    const changed = (event) => {
      const element = event.target;
      const path = fieldPath(element);
      if (!path || element.type === "hidden" || !locate(doc, path, true)) return;
      const value = valueOf(element);
      apply(
        (d) => {
          const place = locate(d, path, true);
          if (place && place[0]) place[0][place[1]] = value;
        },
        path,
        element,
      );
      for (const more of main.querySelectorAll(`[data-shown-by="${CSS.escape(element.id)}"]`)) {
        more.hidden = !element.checked;
      }
    };
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    // The writing check's "keep my words" or "use this": kept with the draft, the way
    // rhi/interviews/service.py language_action keeps it with the interview online.
    form.addEventListener("rhi:language", (event) => {
      const { path, rule_id: ruleId, text, action, reason } = event.detail;
      apply(
        (d) => {
          const said = d.language.dismissed;
          if (action === "dismissed") {
            said.push({
              path,
              rule_id: ruleId,
              text: text.slice(0, 200),
              reason: reason.slice(0, 500),
            });
          } else if (action === "replaced") {
            d.language.replaced = (d.language.replaced || 0) + 1;
          } else if (action === "reason") {
            const entry = [...said]
              .reverse()
              .find(
                (x) => x.path === path && x.rule_id === ruleId && x.text === text.slice(0, 200),
              );
            if (entry) entry.reason = reason.slice(0, 500);
          }
        },
        "language",
        event.target,
      );
    });
    form.addEventListener("submit", (event) => event.preventDefault());
    form.addEventListener("click", (event) => {
      const button = event.target instanceof Element ? event.target.closest("button") : null;
      if (!button) return;
      const list = button.closest("[id^='list-']");
      if (button.hasAttribute("data-add-entry")) {
        event.preventDefault();
        const kind = button.getAttribute("data-add-entry");
        const entry = {
          ...clone(blanks().entries[kind]),
          id: newUuid().replace(/-/g, "").slice(0, 12),
        };
        apply((d) => {
          if (!d[kind].some((e) => e.id === entry.id)) d[kind].push(clone(entry));
        }, `${kind}.${entry.id}`);
        const node = entryNode(list, kind, entry.id);
        fillBlanks(node, {}, ids);
        list.insertBefore(node, list.querySelector("template"));
        fillFields(node, doc);
        number(list);
        node.querySelector("input, textarea, select").focus();
      } else if (button.hasAttribute("data-remove-entry")) {
        event.preventDefault();
        const entry = button.closest("fieldset[data-entry]");
        const kind = entry.getAttribute("data-entry");
        const id = entry.getAttribute("data-entry-id");
        apply((d) => {
          d[kind] = d[kind].filter((e) => e.id !== id);
        }, `${kind}.${id}`);
        entry.remove();
        number(list);
      }
    });
  }

  // ---- moving between shell pages without loading one: the key stays in memory --------------
  async function go(href) {
    const url = new URL(href, window.location.href);
    await flushPage(); // what was typed in the last moment goes with the worker
    flushPage = async () => undefined;
    if (navigator.onLine) {
      window.location.assign(url.href); // the real page
      return;
    }
    // The service worker answers with the shell page for that path (sw.js: shellFor).
    const response = await fetch(url.href, {
      credentials: "same-origin",
      headers: { "X-RHI-Shell": "1" },
    });
    const next = new DOMParser().parseFromString(await response.text(), "text/html");
    const main = next.getElementById("main");
    if (!main || !main.querySelector("[data-shell-page]")) {
      window.location.assign(url.href);
      return;
    }
    window.history.pushState({}, "", url.pathname + url.hash);
    document.title = next.title;
    document.getElementById("main").replaceWith(document.adoptNode(main));
    window.scrollTo(0, 0);
    await fillPage();
  }

  function followInside(event) {
    const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey)
      return;
    const url = new URL(link.href, window.location.href);
    if (url.origin !== window.location.origin || !SHELL_PATH.test(url.pathname)) return;
    event.preventDefault();
    go(url.href);
  }

  // "Keep on this tablet", on a child's episode page.
  async function keepOne(button) {
    const status = button.parentElement.querySelector("[data-keep-status]");
    if ((await device().state()) === "empty" && !(await window.rhiOffline.askPin("setup"))) return;
    const episodeId = button.getAttribute("data-keep-on-tablet");
    try {
      const answer = (await fetchCopies(`?episode_id=${encodeURIComponent(episodeId)}`)) || {};
      const { copies } = answer;
      if (answer.rules) await device().seal(RULES, answer.rules);
      for (const copy of copies || []) await device().seal(copyId(copy), copy);
      if (copies && copies.length) await device().seal(`keep:${episodeId}`, {});
      status.textContent =
        copies && copies.length
          ? "Kept on this tablet, encrypted: you can open it here with no signal."
          : "There is nothing open to keep for this return.";
    } catch {
      status.textContent = "Could not keep this on the tablet just now. Try again.";
    }
    window.rhiOffline.refreshBar();
  }

  window.rhiShell = { keepCopies, changeDraft };

  document.addEventListener("DOMContentLoaded", () => {
    if (!device()) return;
    if (document.querySelector("[data-shell-page]")) {
      document.addEventListener("click", followInside);
      window.addEventListener("popstate", () => go(window.location.href));
      // Closing the tab or the tablet sleeping: keep what was typed in the last moment on the
      // page open then (flushPage). Added once: the pages filled in this tab share them.
      window.addEventListener("pagehide", () => flushPage());
      document.addEventListener(
        "visibilitychange",
        () => document.visibilityState === "hidden" && flushPage(),
      );
      fillPage();
    } else {
      // The episode page's panel is swapped by htmx after each change: wire it up each time.
      const showKeep = (root) =>
        root.querySelectorAll("[data-keep-on-tablet]").forEach((b) => {
          b.hidden = false;
        });
      showKeep(document);
      document.addEventListener("htmx:load", (event) => showKeep(event.target));
      document.addEventListener("click", (event) => {
        const button =
          event.target instanceof Element ? event.target.closest("[data-keep-on-tablet]") : null;
        if (button) keepOne(button);
      });
    }
    if (
      !document.querySelector("[data-shell-page]") &&
      window.location.pathname === "/returns" &&
      navigator.onLine
    ) {
      // The mark lets a person (and a test) know the tablet is up to date for offline work.
      keepCopies().then(
        () => {
          document.body.dataset.copiesKept = "1";
        },
        () => undefined,
      );
    }
  });
})();
