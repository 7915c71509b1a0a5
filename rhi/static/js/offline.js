// When the signal drops: keep what the worker writes on the tablet, encrypted, and send it when
// the network is back. Uses rhiDevice (device-store.js): writes are sealed with the tablet's
// public key, so keeping words never asks for the PIN; sending them (reading) does.
//
// Two kinds of kept work, both sent from here:
// - draft:<uuid>: an interview (and its offer, answer and contact attempts) worked on in the
//   shell pages with no signal (shell.js). Sent in batches to POST /sync/v1/interviews
//   (docs/openapi.yaml) with its UUID, the server version it started from and a content hash;
//   the server answers per item and the tablet lets go only of what the server has.
// - change:<uuid>:<path>: one field of an open page whose save could not reach the server. Sent
//   as a fresh field save (new CSRF token, never a stored raw request), so the server's
//   field-by-field conflict check still applies.
//
// held:<uuid> marks a draft the server refused as it stands (`rejected`, `drop: false`: the item
// breaks a rule, so sending the same again would be refused again): the server's messages and
// the draft's revision. The draft is kept (it holds a child's words) but not sent again until
// it changes, which gives it a new revision. A passing failure of the server is not marked.
"use strict";

(function () {
  const device = () => window.rhiDevice;
  const LAST_SENT = "rhi-last-sent"; // a time only: no personal data in localStorage
  const OLD_AFTER_DAYS = 3;
  let sending = false;
  let backoff = 0;
  let retryTimer = null;
  // The server answered 401 (the session is gone, e.g. after the browser restarted): sending
  // waits for the worker to sign in, with nothing removed and no retry timer. A page load after
  // signing in starts afresh; on this page, "Send now" asks the server again.
  let signedOut = false;
  const SIGNED_OUT =
    "Sign in to send what is kept on this tablet. Nothing on this tablet has been removed.";

  // ---- the bar: always says what is on the tablet and not yet sent -------------------------
  function bar() {
    return document.getElementById("tablet-bar");
  }

  function plural(n, one, many) {
    return n === 1 ? `1 ${one}` : `${n} ${many}`;
  }

  function age(savedAt) {
    const hours = Math.floor((Date.now() - new Date(savedAt).getTime()) / 3600000);
    if (hours < 1) return "less than an hour ago";
    if (hours < 48) return plural(hours, "hour", "hours") + " ago";
    return plural(Math.floor(hours / 24), "day", "days") + " ago";
  }

  async function refreshBar(message) {
    const el = bar();
    if (!el || !device()) return;
    const state = await device()
      .state()
      .catch(() => "empty");
    const kept =
      state === "empty"
        ? []
        : await device()
            .ids()
            .catch(() => []);
    const waiting = kept.filter((item) => /^(change|draft):/.test(item.id));
    const versions = kept.filter((i) => i.id.startsWith("versions:"));
    const choices = kept.filter((item) => item.id.startsWith("conflict:"));
    // One line per interview, however many of its fields wait.
    const interviews = new Map();
    for (const item of waiting) {
      const uuid = item.id.split(":")[1];
      const seen = interviews.get(uuid);
      if (!seen || item.savedAt < seen) interviews.set(uuid, item.savedAt);
    }
    // Refused by the server and not changed since (ids and times only: no PIN needed). Why, and
    // for which child, is said once the store is open (upload()).
    const refused = new Set();
    for (const item of kept) {
      if (!item.id.startsWith("held:")) continue;
      const uuid = item.id.slice(5);
      const draft = kept.find((d) => d.id === `draft:${uuid}`);
      if (draft && draft.savedAt <= item.savedAt) refused.add(uuid);
    }
    const online = navigator.onLine;
    el.querySelector("[data-online]").textContent = online ? "Online" : "Offline: no connection";
    el.classList.toggle("is-offline", !online);
    el.querySelector("[data-waiting]").textContent = interviews.size
      ? `${plural(interviews.size, "interview", "interviews")} on this tablet waiting to send`
      : "Nothing waiting to send";
    const last = window.localStorage.getItem(LAST_SENT);
    el.querySelector("[data-last]").textContent = last
      ? `Last sent ${new Date(last).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" })}`
      : "";
    const list = el.querySelector("[data-items]");
    list.textContent = "";
    let old = false;
    for (const [uuid, savedAt] of interviews) {
      const li = document.createElement("li");
      li.textContent =
        `An interview, kept since ${age(savedAt)}` +
        (refused.has(uuid)
          ? ": not sent, the server did not accept it as it stands. It waits here until it is changed."
          : "");
      list.appendChild(li);
      old = old || Date.now() - new Date(savedAt).getTime() > OLD_AFTER_DAYS * 86400000;
    }
    const warn = el.querySelector("[data-warning]");
    warn.textContent = old ? "Something has waited over 3 days. Connect to send it soon." : "";
    const here = choices.filter((item) => item.id.includes(currentUuid() || "\u0000"));
    const choose = el.querySelector("[data-choose]");
    choose.hidden = !here.length;
    if (versions.length) {
      warn.textContent += ` ${plural(versions.length, "interview", "interviews")} changed somewhere else too: both versions are kept on the server. Open the interview to choose what to keep.`;
    }
    if (choices.length) {
      warn.textContent +=
        ` ${plural(choices.length, "change kept on this tablet needs", "changes kept on this tablet need")} your choice: it changed somewhere else too.` +
        (here.length ? "" : " Open that interview to choose.");
    }
    if (navigator.storage && navigator.storage.persisted && kept.length) {
      const persisted = await navigator.storage.persisted().catch(() => true);
      if (!persisted) {
        warn.textContent +=
          " This browser may clear what is kept here: add rhi to the home screen.";
      }
    }
    if (message !== undefined) el.querySelector("[data-message]").textContent = message;
    // Setting a PIN needs the server: offered online, on the Returns list and writing pages.
    const writingPage =
      !document.querySelector("[data-shell-page]") &&
      (Boolean(document.querySelector("[data-autosave]")) ||
        window.location.pathname === "/returns");
    const offerSetUp = state === "empty" && writingPage;
    el.querySelector("[data-send]").hidden = !waiting.length || !online;
    el.querySelector("[data-setup]").hidden = !offerSetUp;
    const shown = el.querySelector("[data-message]").textContent;
    // Quiet when there is nothing to say: online, nothing waiting, nothing to set up.
    el.hidden =
      online && !waiting.length && !choices.length && !versions.length && !offerSetUp && !shown;
  }

  // Ask the browser not to clear what is kept here when space runs low (granted at once to an
  // installed app in Chromium; the bar warns while it is not granted).
  function askToPersist() {
    if (navigator.storage && navigator.storage.persist)
      navigator.storage.persist().catch(() => false);
  }

  // ---- the PIN dialog ----------------------------------------------------------------------
  async function session() {
    const response = await fetch("/sync/v1/session", {
      credentials: "same-origin",
      cache: "no-store",
    });
    if (!response.ok) throw new Error(response.status === 401 ? "signed-out" : "session");
    return response.json();
  }

  function askPin(mode) {
    const dialog = document.getElementById("pin-dialog");
    const form = dialog.querySelector("form");
    const pin = dialog.querySelector("#pin");
    const again = dialog.querySelector("#pin-again");
    const error = dialog.querySelector("[data-error]");
    dialog.querySelector("[data-title]").textContent =
      mode === "setup" ? "Set a PIN for this tablet" : "Enter your tablet PIN";
    dialog.querySelector("[data-hint]").textContent =
      mode === "setup"
        ? "At least 6 digits. rhi uses it to lock what it keeps on this tablet if the signal drops."
        : "Your notes kept on this tablet are locked. Enter your PIN to send them.";
    dialog.querySelector("[data-again]").hidden = mode !== "setup";
    error.textContent = "";
    pin.value = again.value = "";
    return new Promise((resolve) => {
      const done = (value) => {
        form.removeEventListener("submit", submit);
        dialog.removeEventListener("close", cancel);
        if (dialog.open) dialog.close();
        resolve(value);
      };
      const cancel = () => done(null);
      const submit = async (event) => {
        event.preventDefault();
        if (event.submitter && event.submitter.value === "cancel") return done(null);
        if (!/^\d{6,}$/.test(pin.value)) {
          error.textContent = "Use at least 6 digits.";
          return pin.focus();
        }
        if (mode === "setup" && pin.value !== again.value) {
          error.textContent = "The two PINs are different. Type them again.";
          return again.focus();
        }
        try {
          // Online, the server's secret comes fresh; offline, the tablet uses the one it keeps.
          const info = await session().catch(() => null);
          if (mode === "setup") {
            if (!info) throw new Error("offline");
            await device().setUp(pin.value, info.device_secret, info.user.id);
            askToPersist();
            return done(true);
          }
          const result = await device().unlock(pin.value, info ? info.device_secret : undefined);
          if (result === true) return done(true);
          if (result.wiped) {
            error.textContent = "Too many wrong PINs: what was kept on this tablet has been wiped.";
            return;
          }
          error.textContent = `That PIN is not right. ${plural(result.attemptsLeft, "try", "tries")} left before what is kept on this tablet is wiped.`;
        } catch {
          error.textContent = "rhi needs a connection to check the PIN. Try again when online.";
        }
      };
      form.addEventListener("submit", submit);
      dialog.addEventListener("close", cancel);
      dialog.showModal();
      pin.focus();
    });
  }

  // ---- keeping a change when a save could not reach the server -----------------------------
  function fieldChange(elt) {
    const name = elt.getAttribute("name") || "";
    if (!name.startsWith("f:")) return null;
    const path = name.slice(2);
    let value = elt.value;
    if (elt.type === "checkbox") value = elt.checked ? "1" : "0";
    if (elt.type === "radio") {
      const checked = document.querySelector(
        `input[type=radio][name="${CSS.escape(name)}"]:checked`,
      );
      value = checked ? checked.value : "";
    }
    const original = document.querySelector(
      `input[type=hidden][name="${CSS.escape("o:" + path)}"]`,
    );
    const form = elt.closest("[data-interview-uuid]");
    if (!form) return null;
    return {
      uuid: form.getAttribute("data-interview-uuid"),
      save_url: form.getAttribute("action"),
      path,
      value,
      original: original ? original.value : null,
      page: window.location.pathname,
    };
  }

  async function keep(elt) {
    const change = fieldChange(elt);
    if (!change || !device() || (await device().state()) === "empty") return false;
    // The id names the interview and field only (no personal data): a later change to the same
    // field replaces the earlier one, with the same starting value, so one send is enough.
    await device().seal(`change:${change.uuid}:${change.path}`, change);
    await refreshBar();
    return true;
  }

  // ---- sending -----------------------------------------------------------------------------
  async function sendNow(askForPin) {
    if (sending || !navigator.onLine || !device()) return;
    if (signedOut) {
      if (!askForPin) return refreshBar(); // the timers and the signal coming back: still waiting
      // Ask the server before the PIN: a PIN cannot help while signed out.
      const still = await session().then(
        () => false,
        (error) => error.message === "signed-out",
      );
      if (still) return showSignedOut();
      signedOut = false;
    }
    const ids = await device()
      .ids()
      .catch(() => []);
    if (!ids.some((item) => /^(change|draft):/.test(item.id))) return refreshBar();
    if ((await device().state()) === "locked") {
      if (!askForPin) return refreshBar();
      if (!(await askPin("unlock"))) return refreshBar();
    }
    const run = () =>
      upload().catch((error) =>
        error && error.message === "signed-out" ? showSignedOut() : scheduleRetry(),
      );
    sending = true; // one send at a time in this tab
    try {
      // And one at a time across every open tab (and not while the Returns page is keeping
      // copies). The next in line reads the store afresh: what another tab sent is gone.
      await (navigator.locks ? navigator.locks.request("rhi-upload", run) : run());
    } finally {
      sending = false;
    }
  }

  async function upload() {
    const all = await device().all();
    const records = all.records.filter((r) => r.id.startsWith("change:"));
    const problems = [];
    const drafts = await notHeld(all.records, problems);
    const damaged = all.damaged;
    const info = await session();
    let done = await sendDrafts(drafts, info, problems);
    // An open page shows a field replayed here in its saved state after a reload. A shell page
    // is not reloaded: the worker may be typing, and what they type next is kept on top of
    // what the server now has (shell.js changeDraft starts from the fresh copy).
    let reloadPage = false;
    for (const { id, record, rev } of records) {
      await refreshBar(`Sending ${done + 1} of ${records.length + drafts.length}…`);
      const body = new URLSearchParams();
      body.set("f:" + record.path, record.value);
      if (record.original !== null) body.set("o:" + record.path, record.original);
      // If the network went again, this throws: everything is kept, and tried later.
      const response = await fetch(record.save_url, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: {
          "X-CSRFToken": info.csrf_token,
          "HX-Request": "true",
          "X-RHI-Device": deviceId(),
        },
      });
      // Signed out meanwhile: the save was not made (a redirect to the sign-in page is not one).
      if (
        response.status === 401 ||
        (response.redirected && new URL(response.url).pathname === "/sign-in")
      )
        throw new Error("signed-out");
      if (response.ok) {
        // The server has it: only now does the tablet let go (unless it changed meanwhile).
        await device().removeIf(id, rev);
        done += 1;
        reloadPage = reloadPage || window.location.pathname.includes(record.uuid);
      } else if (response.status === 404 || response.status === 403) {
        await device().remove(id); // no longer theirs to see: the tablet must not keep it
        problems.push("A change was not sent: you no longer have access to that record.");
      } else if (response.status >= 500) {
        throw new Error("server");
      } else {
        // It changed somewhere else too, or the interview was finished: keep both, let the
        // worker choose on the interview page. Never retried blindly.
        const reply = new DOMParser().parseFromString(await response.text(), "text/html");
        const theirs = reply.querySelector(".theirs");
        const reason = reply.querySelector(".save-status, [role=alert] p");
        await device().seal(id.replace(/^change:/, "conflict:"), {
          ...record,
          theirs: theirs ? theirs.textContent : null,
          message: reason ? reason.textContent.trim() : "",
        });
        await device().remove(id);
        problems.push(
          "A change could not be saved as it stands. Open the interview to choose what to keep.",
        );
      }
    }
    if (damaged.length)
      problems.push(
        `${plural(damaged.length, "kept item is", "kept items are")} damaged and cannot be read. They are kept aside.`,
      );
    backoff = 0;
    if (done) window.localStorage.setItem(LAST_SENT, new Date().toISOString());
    await refreshBar(
      problems.length
        ? problems.join(" ")
        : done
          ? `Sent ${plural(done, "item", "items")}. The server has everything.`
          : "",
    );
    if (reloadPage && !problems.length) window.location.reload();
  }

  // ---- sending drafts: the batch upload API ----------------------------------------------------
  // The JSON the content hash is taken over: keys sorted, no spaces (docs/openapi.yaml,
  // ContentHash; rhi/sync/protocol.py canonical_json is the server's side of it).
  function canonical(value) {
    if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
    if (value && typeof value === "object") {
      return `{${Object.keys(value)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
        .join(",")}}`;
    }
    return JSON.stringify(value);
  }

  async function sha256(text) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // The tablet's id for the audit trail: random, and nothing to do with anyone.
  function deviceId() {
    let id = window.localStorage.getItem("rhi-device-id");
    if (!id) {
      id = crypto.randomUUID().replace(/-/g, "");
      window.localStorage.setItem("rhi-device-id", id);
    }
    return id;
  }

  async function itemFor(draft) {
    return {
      uuid: draft.uuid,
      episode_ids: draft.episode_ids,
      base_version: draft.base_version,
      content: draft.content,
      content_hash: draft.content ? await sha256(canonical(draft.content)) : null,
      events: draft.events,
      // What the worker changed here: on a conflict only these are offered against the server's.
      changed_paths: draft.content ? draft.changed_paths || [] : null,
    };
  }

  // Sends every draft, a batch at a time; returns how many the server now has. A failure of the
  // network or the server throws: everything stays on the tablet for the next try.
  async function sendDrafts(drafts, info, problems) {
    let done = 0;
    const size = (info.limits && info.limits.max_items) || 20;
    for (let i = 0; i < drafts.length; i += size) {
      const batch = drafts.slice(i, i + size);
      await refreshBar(
        `Sending ${plural(drafts.length, "interview", "interviews")}: ${done} of ${drafts.length} arrived…`,
      );
      const body = JSON.stringify({
        items: await Promise.all(batch.map((d) => itemFor(d.record))),
        device_id: deviceId(),
      });
      // The same body always goes with the same key, so a retry after a lost answer gets the
      // server's first answer back and changes nothing.
      const key = `rhi-${(await sha256(body)).slice(0, 48)}`;
      const response = await fetch("/sync/v1/interviews", {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "X-CSRFToken": info.csrf_token,
          "Idempotency-Key": key,
        },
      });
      if (response.status === 401) throw new Error("signed-out");
      if (!response.ok) throw new Error(`upload ${response.status}`);
      const { results } = await response.json();
      for (const result of results) {
        const kept = batch.find((d) => d.record.uuid === result.uuid);
        if (!kept) continue;
        done += await settle(kept, result, problems);
      }
    }
    return done;
  }

  // The drafts to send: all but those the server refused as they stand now (held:<uuid> with
  // the draft's revision). Those stay on the tablet, and the bar says again why they wait.
  async function notHeld(records, problems) {
    const held = new Map();
    for (const { id, record } of records) if (id.startsWith("held:")) held.set(id.slice(5), record);
    const send = [];
    for (const draft of records) {
      if (!draft.id.startsWith("draft:")) continue;
      const uuid = draft.record.uuid;
      const mark = held.get(uuid);
      held.delete(uuid);
      if (mark && mark.rev === draft.rev) {
        problems.push(notSent(draft.record, mark.messages));
      } else {
        if (mark) await device().remove(`held:${uuid}`); // changed since: it goes again
        send.push(draft);
      }
    }
    for (const uuid of held.keys()) await device().remove(`held:${uuid}`); // its draft is gone
    return send;
  }

  function notSent(record, messages) {
    const name = (record.child && record.child.display_name) || "a child";
    return `Not sent (${name}): ${messages.join(" ")}`;
  }

  // A passing failure of the server (rhi/sync/apply.py apply_item; `try_again` in the answer):
  // the answer is not kept under the Idempotency-Key, and the item is sent again next time.
  function passing(result) {
    return result.try_again === true;
  }

  // One item's answer: let go of what the server has; keep and say what it does not.
  async function settle({ id, record, rev }, result, problems) {
    if (["created", "updated", "unchanged"].includes(result.outcome)) {
      const removed = await device().removeIf(id, rev);
      if (!removed && window.rhiShell) {
        // Written to while it was being sent: the newer work goes next time, on top of the
        // version the server has now.
        const sent = new Set((record.events || []).map((e) => e.id));
        await window.rhiShell.changeDraft(record.uuid, record, (d) => {
          if (result.version) d.base_version = result.version;
          d.events = (d.events || []).filter((e) => !sent.has(e.id));
        });
      }
      const uuid = result.server_uuid || record.uuid;
      if (record.content && result.version) {
        // Offline again before the next Returns visit: carry on from what the server now has.
        await device().seal(`copy:${uuid}`, {
          uuid,
          version: result.version,
          status: "in_progress",
          episode_ids: record.episode_ids,
          content: record.content,
          child: record.child,
          due_at: record.due_at,
          returned_at: record.returned_at,
          police_risk_grade: record.police_risk_grade,
          offer_recorded: record.offer_recorded,
          clock: record.clock,
          repeat: record.repeat,
          shown: record.shown,
        });
        await device()
          .forget(`return:${record.episode_ids[0]}`)
          .catch(() => undefined);
      }
      return 1;
    }
    const name = (record.child && record.child.display_name) || "a child";
    if (result.outcome === "conflict") {
      // The server keeps both; the worker chooses on the interview's "versions" page. Kept
      // here until then, and not sent again.
      await device().seal(`versions:${record.uuid}`, {
        ...record,
        server_uuid: (result.server || {}).uuid || record.uuid,
      });
      await device().removeIf(id, rev);
      problems.push(
        `The interview with ${name} changed somewhere else too. Both versions are kept: open it to choose what to keep.`,
      );
    } else if (result.drop) {
      await device().remove(id);
      await device()
        .forget(`copy:${record.uuid}`)
        .catch(() => undefined);
      for (const episode of record.episode_ids)
        await device()
          .forget(`return:${episode}`)
          .catch(() => undefined);
      problems.push(result.messages.join(" "));
    } else {
      if (!passing(result)) {
        // The item itself is refused: sending it unchanged would be refused again. Kept (never
        // deleted: it holds the child's words), and held back until the worker changes it.
        await device().seal(`held:${record.uuid}`, { rev, messages: result.messages });
      }
      problems.push(notSent(record, result.messages));
    }
    return 0;
  }

  // After the worker chose between versions (rhi/sync/versions.py), the tablet's copy of its
  // version can go: the server has kept it, and the choice is made.
  async function forgetResolved() {
    const mark = document.querySelector("[data-versions-resolved]");
    if (!mark || !device() || (await device().state()) === "empty") return;
    await device().forget(`versions:${mark.getAttribute("data-versions-resolved")}`);
  }

  // Signed out: say so, with the way to sign in; keep everything; stop the retry timer.
  async function showSignedOut() {
    signedOut = true;
    backoff = 0;
    window.clearTimeout(retryTimer);
    retryTimer = null;
    await refreshBar(SIGNED_OUT);
    const message = bar() && bar().querySelector("[data-message]");
    if (!message || message.querySelector("[data-sign-in]")) return;
    const link = document.createElement("a");
    link.href = "/sign-in";
    link.className = "button";
    link.dataset.signIn = "";
    link.textContent = "Sign in";
    message.append(" ", link);
  }

  function scheduleRetry() {
    backoff = Math.min(backoff ? backoff * 2 : 2000, 300000);
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(() => sendNow(false), backoff);
    return refreshBar("Could not send just now. rhi will try again.");
  }

  // ---- choosing, when a kept change met a different saved version -------------------------
  function currentUuid() {
    const page = document.querySelector("[data-interview-page]");
    return page ? page.getAttribute("data-interview-page") : null;
  }

  async function showChoices() {
    if ((await device().state()) === "locked" && !(await askPin("unlock"))) return;
    const uuid = currentUuid();
    const { records } = await device().all();
    for (const { id, record } of records) {
      if (!id.startsWith(`conflict:${uuid}:`)) continue;
      if (document.getElementById(`choice-${id}`)) continue;
      const field = document.querySelector(`[name="${CSS.escape("f:" + record.path)}"]`);
      const addendum = document.querySelector('form[action$="/addenda"]');
      if (!field) {
        // Finished meanwhile: the words can still join the record, as a correction.
        if (addendum) offerAddendum(id, record, addendum);
        continue;
      }
      choicePanel(id, record, {
        title: "Words kept on this tablet, not saved:",
        note: record.message || "What is saved now is in the box above.",
        take: "Use the words kept on this tablet",
        takeIt: async () => {
          field.value = record.value;
          field.dispatchEvent(new Event("change", { bubbles: true })); // saved as a fresh edit
        },
        leave: "Keep what is saved",
        place: (panel) => field.insertAdjacentElement("afterend", panel),
      });
    }
  }

  // Finished meanwhile: the words can still join the record, as a correction.
  function offerAddendum(id, record, form) {
    choicePanel(id, record, {
      title: "Written on this tablet after the interview was finished, not yet in the record:",
      take: "Add these words as a correction",
      takeIt: async () => {
        form.querySelector("textarea").value =
          `Written on a tablet while offline (${record.path}): ${record.value}`;
        form.requestSubmit();
      },
      leave: "Discard them",
      place: (panel) => form.insertAdjacentElement("beforebegin", panel),
    });
  }

  // The kept words, set apart, with two choices: take them, or let them go. Either way the
  // tablet's copy is removed only once the choice is made.
  function choicePanel(id, record, { title, note, take, takeIt, leave, place }) {
    const panel = document.createElement("div");
    panel.className = "conflict kept-choice";
    panel.id = `choice-${id}`;
    const heading = document.createElement("p");
    const strong = document.createElement("strong");
    strong.textContent = title;
    heading.appendChild(strong);
    const words = document.createElement("div");
    words.className = "theirs prose";
    words.textContent = record.value;
    const actions = document.createElement("div");
    actions.className = "conflict-actions";
    const button = (label, className, onClick) => {
      const b = document.createElement("button");
      b.type = "button";
      b.className = className;
      b.textContent = label;
      b.addEventListener("click", onClick);
      return b;
    };
    actions.append(
      button(take, "button", async () => {
        await device().remove(id);
        panel.remove();
        await takeIt();
        refreshBar("");
      }),
      button(leave, "button button-secondary", async () => {
        await device().remove(id);
        panel.remove();
        refreshBar("");
      }),
    );
    panel.append(heading, words);
    if (note) {
      const p = document.createElement("p");
      p.textContent = note;
      panel.append(p);
    }
    panel.append(actions);
    place(panel);
  }

  // ---- wiring -------------------------------------------------------------------------------
  window.rhiOffline = { keep, sendNow, refreshBar, askPin };

  document.addEventListener("DOMContentLoaded", () => {
    const el = bar();
    if (!el) return;
    const idle = Number(document.body.getAttribute("data-device-idle-minutes"));
    if (idle > 0 && device()) device().setIdleLock(idle); // RHI_DEVICE_IDLE_MINUTES
    el.querySelector("[data-send]").addEventListener("click", () => sendNow(true));
    el.querySelector("[data-choose]").addEventListener("click", () => showChoices());
    el.querySelector("[data-setup]").addEventListener("click", async () => {
      if (await askPin("setup"))
        refreshBar("This tablet now keeps your notes safe if the signal drops.");
    });
    window.addEventListener("online", () => {
      refreshBar();
      sendNow(false);
    });
    window.addEventListener("offline", () => refreshBar());
    window.setInterval(() => navigator.onLine && sendNow(false), 60000);
    forgetResolved()
      .then(() => refreshBar())
      .then(() => sendNow(false));
    device()
      .state()
      .then(
        (state) => state !== "empty" && askToPersist(),
        () => undefined,
      );

    // Signing out with changes not yet sent: offer to send, never throw them away silently.
    const signOut = document.querySelector("form.sign-out");
    if (signOut) {
      signOut.addEventListener("submit", async (event) => {
        if (signOut.dataset.confirmed) return;
        event.preventDefault(); // decide first: counting what is waiting takes a moment
        const ids = await device()
          .ids()
          .catch(() => []);
        // Copies of what is on the server may go; changes and choices not yet sent may not.
        const waiting = ids.filter(
          (item) => !/^(copy|return|keep|versions|held|rules):/.test(item.id),
        ).length;
        if (waiting) {
          const ok = window.confirm(
            `${plural(waiting, "piece of work is", "pieces of work are")} on this tablet and not sent yet. Press OK to sign out and keep them here, locked, until you sign in again; Cancel to stay and send them.`,
          );
          if (!ok) return sendNow(true);
          const keepIt = document.createElement("input");
          keepIt.type = "hidden";
          keepIt.name = "keep_device";
          keepIt.value = "1";
          signOut.appendChild(keepIt);
        }
        signOut.dataset.confirmed = "1";
        signOut.submit();
      });
    }
  });
})();
