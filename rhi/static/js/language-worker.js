// The writing check beside the page, not on its thread (issue 14 item 6). Compiling the rules'
// patterns and running them over a long note held a tablet's page for over a second, so a
// tap or a keystroke waited; here the same matcher (language-check.js) runs in a worker.
//
// Started by writing.js as a module worker. Each message carries the URL of this version of
// language-check.js (a worker does not read the page's import map, so the page resolves it) and
// of the rules; they are loaded and compiled once for the worker's life. Asked:
//   {id, op: "check", text}                 -> {id, result: [flag with its `options`]}
//   {id, op: "apply", text, flag, dismissed, choice}
//                                           -> {id, result: {value, select} or null}
// An error is answered {id, error}; the page then checks on its own thread instead.

let matcher = null;
let compiled = null;
let ready = null;

function setUp(checkUrl, rulesUrl) {
  if (!ready) {
    ready = (async () => {
      matcher = await import(checkUrl);
      const response = await fetch(rulesUrl, { credentials: "same-origin" });
      if (!response.ok) throw new Error("rules " + response.status);
      compiled = matcher.compile(await response.json());
    })().catch((error) => {
      ready = null; // try again with the next message
      throw error;
    });
  }
  return ready;
}

function answer(message) {
  const { op, text } = message;
  if (op === "check") {
    // Each flag with the wordings as they fit this sentence: the page draws its buttons.
    return matcher
      .check(compiled, text)
      .map((flag) => ({ ...flag, options: matcher.replacement(compiled, text, flag).options }));
  }
  if (op === "apply") {
    // Checked again on the text as it is now (it may have changed since the list was drawn),
    // and only the use shown (language-check.js applyToUse).
    return matcher.applyToUse(compiled, text, message.flag, message.dismissed, message.choice);
  }
  throw new Error("unknown op " + op);
}

self.addEventListener("message", async (event) => {
  const message = event.data;
  try {
    await setUp(message.checkUrl, message.rulesUrl);
    self.postMessage({ id: message.id, result: answer(message) });
  } catch (error) {
    self.postMessage({ id: message.id, error: String((error && error.message) || error) });
  }
});
