// An interview's part as a shell page, with no signal: the fields and lists filled from the
// interview's draft (or the server's copy), and every change kept in the draft as it is made.
// Every keystroke is kept at once, sealed: a tab closed (or a browser quit) the next moment
// has it already, as nothing can be sealed once the page is going (pagehide is too late for
// WebCrypto and IndexedDB). Each is sealed on top of what this page kept last, with no read
// and no lock (drafts.js changeDraftNow: written only over the revision it follows, so
// another tab's is never overwritten); the first change, and any after another tab wrote, is
// read under the lock first (changeDraft). The records go to the service worker, posted from
// the input event itself, and it finishes them even if the tab closes (sw.js). A few writes at
// most are on their way: what is typed meanwhile is kept, together, by the next. flush() waits for all of it (the router
// calls it before leaving the page).

import { changeDraft, changeDraftNow, draftOf, rememberDraft } from "./drafts.js";
import { unlockOnce } from "./pin-dialog.js";
import { heldId } from "./records.js";
import { blanks, childValues, clone, fillBlanks } from "./shell-fill.js";
import * as store from "./store.js";

// The id of the blank entry in a list's <template> (rhi/templates/interviews/_list.html).
const NEW_ENTRY_ID = "new-entry";

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
  // Suggestions the worker already answered "keep my words" to stay answered, in a box or a
  // one-line field alike (both are checked: rhi/templates/interviews/_fields.html `checked`).
  for (const box of root.querySelectorAll("[data-check-language]")) {
    const path = fieldPath(box);
    const pairs = (doc.language.dismissed || [])
      .filter((d) => d.path === path)
      .map((d) => [d.rule_id, d.text, d.before || "", d.after || ""]);
    box.setAttribute("data-dismissed", JSON.stringify(pairs));
  }
  followShownBy(root);
}

function followShownBy(root) {
  for (const more of root.querySelectorAll("[data-shown-by]")) {
    const box = document.getElementById(more.getAttribute("data-shown-by"));
    more.hidden = !(box && box.checked);
  }
}

// ---- fields kept from an open page ------------------------------------------------------
// A field of an open (online) page whose save could not reach the server is kept on its own,
// change:<uuid>:<path> (changes.js), as the field's form value with the value the page started
// from; upload.js sends it as the field's save, after the draft. So it is what the field will
// be: the part shows it, and the worker's next changes to that field go on in the same record
// (never in the draft, where the same field sent twice, two ways, clashed with itself: a
// probe). The server still checks the change against what it holds, as for any save.

const inputsFor = (root, path) =>
  [...root.querySelectorAll(`[name="${CSS.escape(`f:${path}`)}"]`)].filter(
    (e) => e.type !== "hidden",
  );

// The field's value as its form sends it (changes.js): a flag as "1" or "0".
function formValue(element) {
  if (element.type === "checkbox") return element.checked ? "1" : "0";
  const value = valueOf(element);
  return value === undefined || value === null ? "" : String(value);
}

function showFormValue(element, value) {
  if (element.type === "checkbox") element.checked = value === "1";
  else if (element.type === "radio") element.checked = element.value === value;
  else element.value = value;
}

/**
 * Show the kept changes of this part in their fields. Returns them by path, ready to take the
 * worker's next changes: {record, rev, written}.
 */
function showKeptChanges(root, keptChanges, say) {
  const byPath = new Map();
  for (const { id, record, rev } of keptChanges) {
    const inputs = inputsFor(root, record.path);
    if (!inputs.length) continue; // a field of another part: shown there
    for (const input of inputs) showFormValue(input, record.value);
    say(inputs.slice(0, 1), "Kept on this tablet", "save-kept");
    store.prepareWrites(id).catch(() => undefined);
    byPath.set(record.path, { id, record, rev, written: Promise.resolve() });
  }
  if (byPath.size) followShownBy(root);
  return byPath;
}

/**
 * Keep the field's new value in its kept change, at once: sealed on top of the revision this
 * page kept last (store.sealIf, handed to the service worker as the draft's writes are), so a
 * tab closed the next moment has it. Resolves false if another revision was there (the change
 * was sent meanwhile, or changed in another tab): nothing is written, and the field's changes
 * go to the draft from then on.
 */
function keepInChange(kept, element) {
  kept.record = { ...kept.record, value: formValue(element) };
  // Changed, so sent again, as a change kept anew on an open page is (upload.js marks one the
  // server refused, not to send it again unchanged).
  delete kept.record.refused;
  const rev = crypto.randomUUID();
  const written = store.sealIf(kept.id, kept.record, kept.rev, rev);
  kept.rev = rev;
  kept.written = kept.written.then(() => written.then(Boolean, () => false));
  return kept.written;
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

// How many writes may be on their way to the service worker at once: enough for every
// keystroke to leave the page as it is typed, even on a tablet busy elsewhere (with 16, a
// slowed tablet kept keystrokes waiting here, lost when the tab closed: bench/last_words.py).
// The service worker folds a record into one still waiting (sw.js), so the writes stay few.
const IN_FLIGHT = 1000;

const newBatch = () => ({ ops: [], paths: new Set(), elements: new Set() });

// A batch of changes made on a draft as the tablet holds it.
function applyTo(draft, batch) {
  if (!draft.content) draft.content = clone(draft.base_content || blanks().content);
  for (const op of batch.ops) op(draft.content);
  draft.changed_paths = [...new Set([...(draft.changed_paths || []), ...batch.paths])];
}

// Every change on an interview page is an operation on the document. It is applied at once
// to the page's own copy, and, when kept, to the draft as the tablet holds it then
// (changeDraft), so two tabs, the episode page and a finished upload never undo each other.
let keepOpenPage = async () => undefined; // the open part's keepNow, once one is filled

/** Keep the open part's last changes now (before leaving it, or the tab closing). */
// A draft the server refused as it stands (held:<uuid>, upload.js): each value a page would
// refuse is said beside its field on this part, as the page says a refused save ("Not sent:
// ..."), and listed at the top with those of the other parts, linked to them. The labels, parts
// and words are the server's (rhi/sync/validate.py FieldProblem). A field's mark goes when the
// worker changes it; the draft is sent again once it has changed (upload.js notHeld).
// Returns what takes a field's mark away, by its path.
function showRefused(form, refused, uuid) {
  const problems = (refused && refused.fields) || [];
  if (!problems.length) return () => undefined;
  const summary = document.createElement("div");
  summary.className = "error-summary refused-fields";
  summary.setAttribute("role", "alert");
  summary.tabIndex = -1;
  const heading = document.createElement("h2");
  heading.textContent = "Not sent yet: change what is marked and it will be sent again";
  summary.append(heading);
  // Listed under the part each is on, this part first: the same label on several parts (when
  // the child chose how they feel, on each) was listed again and again with no word of where.
  const titles = (blanks() || {}).page_titles || {};
  const groups = new Map(); // page -> its list
  const onThisPart = (problem) =>
    [...form.querySelectorAll(`[name="${CSS.escape(`f:${problem.path}`)}"]`)].some(
      (e) => e.type !== "hidden",
    );
  const here = problems.filter(onThisPart);
  const ordered = [...here, ...problems.filter((p) => !here.includes(p))];
  const listFor = (problem) => {
    if (groups.has(problem.page)) return groups.get(problem.page);
    const part = document.createElement("h3");
    const title = titles[problem.page] || problem.page;
    part.textContent = here.includes(problem) ? `${title} (this part)` : title;
    const list = document.createElement("ul");
    summary.append(part, list);
    groups.set(problem.page, list);
    return list;
  };
  const marks = new Map();
  ordered.forEach((problem) => {
    const i = problems.indexOf(problem);
    const list = listFor(problem);
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.textContent = `${problem.label}: ${problem.message}`;
    const inputs = [...form.querySelectorAll(`[name="${CSS.escape(`f:${problem.path}`)}"]`)].filter(
      (e) => e.type !== "hidden",
    );
    const status = inputs.length && inputs[0].closest(".autosave")?.querySelector(".save-status");
    if (status) {
      const id = `refused-${i}`;
      status.id = id;
      status.textContent = `Not sent: ${problem.message}`;
      status.className = "save-status save-error";
      const group = inputs[0].type === "radio" ? inputs[0].closest("fieldset") : null;
      for (const described of group ? [group] : inputs) {
        const ids = (described.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
        described.setAttribute("aria-describedby", [...ids, id].join(" "));
      }
      for (const input of inputs) input.setAttribute("aria-invalid", "true");
      link.href = `#${inputs[0].id}`;
      marks.set(problem.path, { item, inputs, group, id });
    } else {
      // On another part: the link opens it, and it is marked there.
      link.href = `/interviews/${uuid}/${problem.page}`;
    }
    item.append(link);
    list.append(item);
  });
  form.before(summary);
  return (path) => {
    const mark = marks.get(path);
    if (!mark) return;
    marks.delete(path);
    for (const input of mark.inputs) input.removeAttribute("aria-invalid");
    for (const described of mark.group ? [mark.group] : mark.inputs) {
      const ids = (described.getAttribute("aria-describedby") || "").split(" ");
      const left = ids.filter((id) => id && id !== mark.id);
      if (left.length) described.setAttribute("aria-describedby", left.join(" "));
      else described.removeAttribute("aria-describedby");
    }
    const list = mark.item.parentElement;
    mark.item.remove();
    if (list && !list.children.length) {
      list.previousElementSibling?.remove(); // the part's heading
      list.remove();
    }
    if (!summary.querySelector("li")) summary.remove();
    // Not marked again on coming back to this part before the draft goes again.
    store
      .get(heldId(uuid))
      .then((held) =>
        held
          ? store.seal(heldId(uuid), {
              ...held,
              fields: (held.fields || []).filter((f) => f.path !== path),
            })
          : undefined,
      )
      .catch(() => undefined);
  };
}

// ---- a date and time, checked as the server checks it -------------------------------------
// A "when" field (data-when: rhi/templates/interviews/_fields.html) took any words with no
// signal, and the server then refused the whole interview for one ("about teatime"). It is
// checked here with the server's own rule, handed over in the page's blanks (rhi/shells.py
// when_rule: the formats /save reads, and its message), never written again here. What was
// typed is still kept on the tablet, as every change is: nothing is lost, and the worker sees
// what to change before it is sent.

const WHEN_STATUS = "when-";

function whenRule() {
  const rule = (blanks() || {}).when;
  if (!rule || !rule.pattern) return null;
  return { pattern: new RegExp(`^(?:${rule.pattern})$`), message: rule.message };
}

/**
 * Say beside a "when" field whether the server would take its value. Returns true when it is
 * marked as one the server would not take.
 */
function checkWhen(element, rule) {
  if (!rule || !element.hasAttribute("data-when") || element.type === "hidden") return false;
  const status = element.closest(".autosave")?.querySelector(".save-status");
  const id = `${WHEN_STATUS}${element.id}`;
  const ids = (element.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  const others = ids.filter((x) => x !== id);
  const wrong = !rule.pattern.test(element.value);
  if (wrong) {
    if (status) {
      status.id = id;
      status.textContent = `Kept on this tablet, but it will not be sent like this. ${rule.message}`;
      status.className = "save-status save-error";
      element.setAttribute("aria-describedby", [...others, id].join(" "));
    }
    element.setAttribute("aria-invalid", "true");
    element.setAttribute("data-when-wrong", "");
  } else if (element.hasAttribute("data-when-wrong")) {
    element.removeAttribute("data-when-wrong");
    element.removeAttribute("aria-invalid");
    if (others.length) element.setAttribute("aria-describedby", others.join(" "));
    else element.removeAttribute("aria-describedby");
    if (status && status.id === id) status.removeAttribute("id");
  }
  return wrong;
}

export function flush() {
  return keepOpenPage();
}

/** Nothing of the part left will be kept after this: the router is showing another page. */
export function leave() {
  keepOpenPage = async () => undefined;
}

/**
 * Fill the interview's part in `main` from `record` (a copy or a draft), and keep its changes.
 * `refused`: the server's refusal of the draft as it stands (held:<uuid>), if any.
 */
export function fillInterview(main, record, rules, refused) {
  const { kept_changes: keptChanges, ...held } = record;
  const start = draftOf(held);
  let doc = start.content || clone(start.base_content || blanks().content);
  const ids = { uuid: start.uuid, episode: start.episode_ids[0] };
  fillBlanks(main, childValues(start, rules), ids);
  fillLists(main, doc, ids);
  fillFields(main, doc);
  main.dispatchEvent(new CustomEvent("htmx:load", { bubbles: true })); // the writing check
  const form = main.querySelector("#interview-form");
  if (!form) return;
  const changedSinceRefused = showRefused(form, refused, start.uuid);
  // Changes not yet sent to the store, all kept together by the next write: {ops, paths, elements}.
  let pending = newBatch();
  let unconfirmed = []; // batches written by changeDraftNow, in order, not yet done
  let running = null; // a changeDraft (read under the lock, then written) in flight, if any
  let locked = false; // the store stayed locked: the changes wait for the PIN
  const say = (elements, text, className) => {
    for (const element of elements) {
      // Kept, with a date the server would not take: it says both already (checkWhen).
      if (className === "save-kept" && element.hasAttribute("data-when-wrong")) continue;
      const status = element.closest(".autosave")?.querySelector(".save-status");
      if (status) {
        status.textContent = text;
        status.className = `save-status ${className}`;
      }
    }
  };
  const keptChangesByPath = showKeptChanges(form, keptChanges || [], say);
  const when = whenRule();
  // Kept earlier with a date the server would not take: said as the part opens. A field the
  // server already refused says so itself (showRefused).
  for (const input of form.querySelectorAll("[data-when]")) {
    if (input.getAttribute("aria-invalid") !== "true") checkWhen(input, when);
  }
  const putBack = (batch) => {
    pending = {
      ops: batch.ops.concat(pending.ops),
      paths: new Set([...batch.paths, ...pending.paths]),
      elements: new Set([...batch.elements, ...pending.elements]),
    };
  };
  const take = () => {
    const batch = pending;
    pending = newBatch();
    return batch;
  };
  const kept = (batch, draft) => {
    doc = draft.content;
    for (const op of pending.ops) op(doc); // typed since this write began: on the page already
    for (const later of unconfirmed) later.ops.forEach((op) => op(doc));
    say(
      [...batch.elements].filter((element) => !pending.elements.has(element)),
      "Kept on this tablet",
      "save-kept",
    );
  };
  // The way while typing: written at once on what this page kept last, no read, no lock.
  const keepNow = () => {
    const batch = take();
    const written = changeDraftNow(start.uuid, (d) => applyTo(d, batch));
    if (!written) {
      putBack(batch);
      return false;
    }
    unconfirmed.push(batch);
    batch.done = written
      .catch(() => null)
      .then((draft) => {
        if (batch.moved) return;
        if (draft) {
          unconfirmed = unconfirmed.filter((b) => b !== batch);
          kept(batch, draft);
          return go();
        }
        // Something else was written meanwhile: this change and every one written after it
        // (chained on it, so not written either) are made again, in order, by changeDraft.
        const from = unconfirmed.indexOf(batch);
        const again = unconfirmed.slice(from);
        unconfirmed = unconfirmed.slice(0, from);
        again.forEach((b) => (b.moved = true));
        for (const b of again.reverse()) putBack(b);
        go();
      });
    return true;
  };
  // The first change, and again after another tab wrote: read under the lock, then written.
  const keepRead = async () => {
    await Promise.all(unconfirmed.map((b) => b.done)); // they are made again first, in order
    if (!pending.ops.length) return;
    const batch = take();
    try {
      kept(batch, await changeDraft(start.uuid, start, (d) => applyTo(d, batch)));
    } catch {
      // Locked after being left idle: nothing is dropped. The changes wait on the page until
      // the PIN is given, then are kept.
      putBack(batch);
      say(batch.elements, "Not kept yet: enter your PIN to keep it on this tablet", "save-error");
      locked = !((await store.state()) === "locked" && (await unlockOnce()));
    }
  };
  const go = () => {
    // A page's own IndexedDB writes still queued when its tab closes are given up, so it
    // writes one at a time; the service worker's are not, so a few may be on their way (sw.js).
    // Either way, what is typed meanwhile goes in the next write, together.
    const most = store.writesOutlastThePage() ? IN_FLIGHT : 1;
    if (running || unconfirmed.length >= most || !pending.ops.length || locked) return;
    if (keepNow()) return;
    running = keepRead().finally(() => {
      running = null;
      go();
    });
  };
  // Everything typed, kept (the router calls this before leaving the part).
  keepOpenPage = async () => {
    locked = false;
    await Promise.all([...keptChangesByPath.values()].map((k) => k.written));
    for (let turn = 0; turn < 20; turn += 1) {
      go();
      await running;
      await Promise.all(unconfirmed.map((b) => b.done));
      if (locked || (!running && !pending.ops.length && !unconfirmed.length)) return;
    }
  };
  rememberDraft(start.uuid);
  const apply = (op, path, element) => {
    locked = false; // asked again, as the worker goes on typing
    op(doc);
    pending.ops.push(op);
    pending.paths.add(path);
    if (element) pending.elements.add(element);
    go();
  };
  const changed = (event) => {
    const element = event.target;
    const path = fieldPath(element);
    if (!path || element.type === "hidden" || !locate(doc, path, true)) return;
    const value = valueOf(element);
    changedSinceRefused(path);
    checkWhen(element, when);
    const keptChange = keptChangesByPath.get(path);
    if (keptChange) {
      keepInChange(keptChange, element).then((written) => {
        if (written) return say([element], "Kept on this tablet", "save-kept");
        // Not its record any more: the field's value as it is now goes in the draft.
        if (keptChangesByPath.get(path) !== keptChange) return;
        keptChangesByPath.delete(path);
        changed(event);
      });
      for (const more of main.querySelectorAll(`[data-shown-by="${CSS.escape(element.id)}"]`)) {
        more.hidden = !element.checked;
      }
      return;
    }
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
    const { path, rule_id: ruleId, text, action, reason, before, after } = event.detail;
    apply(
      (d) => {
        const said = d.language.dismissed;
        if (action === "dismissed") {
          said.push({
            path,
            rule_id: ruleId,
            text: text.slice(0, 200),
            reason: reason.slice(0, 500),
            // The words either side of the use kept, so it is found again (writing.js).
            before: before || "",
            after: after || "",
          });
        } else if (action === "replaced") {
          // As rhi/interviews/service.py language_action keeps it online: the count, and
          // the tap's field, so a copy counts only the taps in the fields it holds.
          d.language.replaced = (d.language.replaced || 0) + 1;
          d.language.taps = [...(d.language.taps || []), { path, rule_id: ruleId.slice(0, 80) }];
        } else if (action === "reason") {
          const entry = [...said]
            .reverse()
            .find((x) => x.path === path && x.rule_id === ruleId && x.text === text.slice(0, 200));
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
        id: crypto.randomUUID().replace(/-/g, "").slice(0, 12),
      };
      apply((d) => {
        if (!d[kind].some((e) => e.id === entry.id)) d[kind].push(clone(entry));
      }, `${kind}.${entry.id}`);
      const node = entryNode(list, kind, entry.id);
      fillBlanks(node, {}, ids);
      list.insertBefore(node, list.querySelector("template"));
      fillFields(node, doc);
      node.dispatchEvent(new CustomEvent("htmx:load", { bubbles: true })); // the writing check
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
