// "Read aloud": a child's words read out by the tablet's own voice (the browser's speechSynthesis),
// in the child's language. The page says which language each text is in (data-lang, a BCP-47
// tag the server worked out: rhi/interviews/child_words.py); this module only looks for a voice
// for it. With no voice for that language the button says so and reads nothing, rather than
// reading Arabic or Tigrinya words in an English voice. A "Stop" button shows while it speaks.
// Buttons start hidden: without JavaScript there is nothing to press.

const synth = "speechSynthesis" in window ? window.speechSynthesis : null;

function normalised(tag) {
  return String(tag || "")
    .toLowerCase()
    .replace(/_/g, "-");
}

// A voice for the language: the exact tag ("cy-gb") first, then the language alone ("cy").
export function voiceFor(voices, lang) {
  const want = normalised(lang);
  if (!want) return null;
  const base = want.split("-")[0];
  return (
    voices.find((voice) => normalised(voice.lang) === want) ||
    voices.find((voice) => normalised(voice.lang).split("-")[0] === base) ||
    null
  );
}

function voices() {
  return synth ? synth.getVoices() : [];
}

// Each button shows "Read aloud" when there is a voice for its language, or its "no voice"
// words when there is none. Asked again when the browser's list of voices arrives.
function setUp(root) {
  const list = voices();
  for (const button of root.querySelectorAll("[data-read-aloud]")) {
    const found = voiceFor(list, button.getAttribute("data-lang"));
    const label = button.querySelector("[data-read-label]");
    const none = button.querySelector("[data-no-voice-label]");
    if (label) label.hidden = !found;
    if (none) none.hidden = Boolean(found);
    // aria-disabled, not disabled: the button stays focusable, so the reason can be heard.
    if (found) button.removeAttribute("aria-disabled");
    else button.setAttribute("aria-disabled", "true");
    button.hidden = false;
  }
}

function showStop(speaking) {
  for (const stop of document.querySelectorAll("[data-read-aloud-stop]")) {
    stop.hidden = !speaking;
  }
}

function speak(button) {
  const lang = button.getAttribute("data-lang");
  const voice = voiceFor(voices(), lang);
  const source = document.getElementById(button.getAttribute("data-read-aloud"));
  if (!synth || !voice || !source) return;
  synth.cancel();
  const utterance = new SpeechSynthesisUtterance(source.textContent.trim());
  utterance.lang = lang;
  utterance.voice = voice;
  utterance.addEventListener("end", () => showStop(false));
  utterance.addEventListener("error", () => showStop(false));
  showStop(true);
  synth.speak(utterance);
}

document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target : null;
  if (!target) return;
  if (target.closest("[data-read-aloud-stop]")) {
    if (synth) synth.cancel();
    showStop(false);
    return;
  }
  const button = target.closest("[data-read-aloud]");
  if (button) {
    if (button.getAttribute("aria-disabled") !== "true") speak(button);
    return;
  }
  // "Show large" (app.js copies the words into the dialog): the words keep their language and
  // direction there too, so Arabic or Pashto shown large still reads right to left.
  const large = target.closest("[data-show-large]");
  const source = large && document.getElementById(large.getAttribute("data-show-large"));
  const shown = document.getElementById("prompt-dialog-text");
  if (source && shown) {
    shown.setAttribute("lang", source.getAttribute("lang") || "en");
    shown.setAttribute("dir", source.getAttribute("dir") || "ltr");
  }
});

// Leaving the page stops the voice: it would otherwise carry on over the next page.
window.addEventListener("pagehide", () => {
  if (synth) synth.cancel();
});

if (synth) synth.addEventListener("voiceschanged", () => setUp(document));
setUp(document);
