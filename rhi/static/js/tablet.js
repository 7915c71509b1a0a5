// Working with no connection. Two jobs:
// 1. Online, on the Returns page: keep a sealed copy of the worker's open interviews and
//    waiting returns on the tablet (/sync/v1/copies). Sealing needs no PIN.
// 2. Offline, in the frame the service worker shows for rhi's pages (/tablet): unlock with the
//    PIN, list what is kept, and let the worker go on writing the interview's sections. Each
//    change is sealed as it is typed, exactly as offline.js keeps a change that could not be
//    saved, and is sent the same way when the connection is back.
"use strict";

(function () {
  const device = () => window.rhiDevice;
  const INTERVIEW_PATH = /^\/interviews\/([0-9a-f-]{36})(?:\/([a-z_]+))?/;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "text") node.textContent = value;
      else node.setAttribute(key, value);
    }
    node.append(...children);
    return node;
  }

  // ---- 1. keeping copies while online -----------------------------------------------------
  async function keepCopies() {
    if (!device() || (await device().state()) === "empty") return;
    const response = await fetch("/sync/v1/copies", { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) return;
    const { copies } = await response.json();
    const current = new Set();
    for (const copy of copies) {
      // Ids name records, never children: "copy:<interview uuid>" or "return:<episode id>".
      const id = copy.uuid ? `copy:${copy.uuid}` : `return:${copy.episode_ids[0]}`;
      current.add(id);
      await device().seal(id, copy);
    }
    // Finished, moved to someone else, or no longer this worker's: off the tablet.
    for (const { id } of await device().ids()) {
      if (/^(copy|return):/.test(id) && !current.has(id)) await device().forget(id);
    }
  }

  // ---- 2. the offline frame ------------------------------------------------------------------
  function bank() {
    return JSON.parse(document.getElementById("question-bank").textContent);
  }

  function due(text) {
    if (!text) return "";
    return new Date(text).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
  }

  async function open() {
    const state = await device().state();
    const app = document.getElementById("tablet-app");
    if (state === "empty") {
      app.replaceChildren(el("h1", { text: "No connection" }),
        el("p", { text: "Nothing is kept on this tablet. Connect to the internet to use rhi." }));
      return;
    }
    if (state === "locked" && !(await window.rhiOffline.askPin("unlock"))) return;
    window.scrollTo(0, 0);
    const { records } = await device().all();
    const copies = new Map();
    const returns = [];
    const changes = new Map();
    for (const { id, record } of records) {
      if (id.startsWith("copy:")) copies.set(record.uuid, record);
      else if (id.startsWith("return:")) returns.push(record);
      else if (id.startsWith("change:")) changes.set(id, record);
    }
    const match = window.location.pathname.match(INTERVIEW_PATH);
    if (match && copies.has(match[1])) {
      editor(app, copies.get(match[1]), match[2], changes);
    } else {
      list(app, [...copies.values()], returns);
    }
  }

  function list(app, copies, returns) {
    const items = el("ul", { class: "cards" });
    for (const copy of copies.sort((a, b) => (a.due_at || "").localeCompare(b.due_at || ""))) {
      items.append(el("li", { class: "card" },
        el("h2", { class: "card-title" },
          el("a", { href: `/interviews/${copy.uuid}/before`, text: copy.child.display_name })),
        el("p", { text: `Interview ${copy.status.replace("_", " ")}. Due ${due(copy.due_at)}.` })));
    }
    for (const waiting of returns) {
      items.append(el("li", { class: "card" },
        el("h2", { class: "card-title", text: waiting.child.display_name }),
        el("p", { text: `Waiting for an interview, due ${due(waiting.due_at)}. It can be started when you are online.` })));
    }
    app.replaceChildren(
      el("h1", { text: "On this tablet" }),
      el("p", { class: "lead", text: "No connection. These are kept on this tablet, encrypted. What you write is kept here and sent when you are back online." }),
      copies.length || returns.length ? items : el("p", { class: "empty", text: "Nothing is kept on this tablet yet." }));
  }

  function editor(app, copy, part, changes) {
    const sections = bank().filter((s) => s.audience === "child" || s.id === "analysis");
    const section = sections.find((s) => s.id === part) || sections[0];
    const name = copy.child.first_name;
    const path = `sections.${section.id}.text`;
    const kept = changes.get(`change:${copy.uuid}:${path}`);
    const saved = (copy.content.sections[section.id] || {}).text || "";
    const nav = el("ol");
    for (const s of sections) {
      const link = el("a", { href: `/interviews/${copy.uuid}/${s.id}`, text: s.title });
      if (s.id === section.id) link.setAttribute("aria-current", "step");
      nav.append(el("li", {}, link));
    }
    const prompts = el("ul", { class: "prompts" });
    for (const prompt of section.prompts) {
      const text = prompt.text[copy.child.age_band] || prompt.text["15_to_17"];
      const id = `prompt-${prompt.id}`;
      prompts.append(el("li", { class: "prompt" }, el("span", { class: "prompt-text", id, text }),
        el("button", { type: "button", class: "button button-secondary", "data-show-large": id, text: "Show large" })));
    }
    const box = el("textarea", { id: `in-${path.replace(/\./g, "-")}`, name: `f:${path}`, rows: "10", "data-check-language": "" });
    box.value = kept ? kept.value : saved;
    const status = el("p", { class: "save-status", role: "status", text: kept ? "Kept on this tablet" : "" });
    let timer = null;
    box.addEventListener("input", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(async () => {
        await device().seal(`change:${copy.uuid}:${path}`, {
          uuid: copy.uuid, save_url: `/interviews/${copy.uuid}/save`, path, value: box.value,
          original: saved, page: window.location.pathname,
        });
        status.textContent = "Kept on this tablet: it will be sent when you are back online";
        status.className = "save-status save-kept";
        window.rhiOffline.refreshBar();
      }, 500);
    });
    const label = section.id === "analysis" ? "Your notes" : `What ${name} said`;
    app.replaceChildren(
      el("p", { class: "breadcrumb" }, el("a", { href: "/returns", text: "Back to what is on this tablet" })),
      el("h1", { text: `Talking with ${name}` }),
      el("p", { class: "stop-note", text: `${name} can stop or take a break at any time. No connection: what you write is kept on this tablet.` }),
      el("div", { class: "interview" },
        el("nav", { class: "interview-nav", "aria-label": "Parts of the interview" }, nav),
        el("div", { class: "interview-body" },
          el("h2", { text: section.child_title }), el("p", { class: "hint", text: section.hint }),
          el("h3", { text: "Questions you could ask" }), prompts,
          el("div", { class: "field" }, el("label", { for: box.id, text: label }),
            el("p", { class: "hint", text: "Put the child's exact words in quotation marks." }), box, status))));
    // Let the writing check find the new box.
    app.dispatchEvent(new CustomEvent("htmx:load", { bubbles: true }));
  }

  // Moving between what is kept without loading a page: a new page would forget the key and
  // ask for the PIN again. Real links still, so nothing breaks if this does not run.
  function followInside(event) {
    const link = event.target instanceof Element ? event.target.closest("#tablet-app a[href]") : null;
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey) return;
    event.preventDefault();
    window.history.pushState({}, "", link.getAttribute("href"));
    open();
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (!device()) return;
    if (document.body.hasAttribute("data-tablet-shell")) {
      document.addEventListener("click", followInside);
      window.addEventListener("popstate", () => open());
      const button = document.querySelector("[data-open-tablet]");
      if (button) button.addEventListener("click", () => open());
      device().state().then((state) => state === "unlocked" && open());
    } else if (window.location.pathname === "/returns" && navigator.onLine) {
      // The mark lets a person (and a test) know the tablet is up to date for offline work.
      keepCopies().then(() => { document.body.dataset.copiesKept = "1"; }, () => undefined);
    }
  });
})();
