/*
 * The writing check in the browser: finds blaming or minimising phrases in a worker's own
 * notes, using the same rules file (rhi/language/rules.json) and the same steps as the
 * Python matcher (rhi/language/matcher.py). tests/unit/test_language_js.py checks that
 * both give identical flags; change them together.
 *
 *   import { check, compile } from "./language-check.js";
 *   const compiled = compile(rulesJson);   // object or JSON text
 *   const flags = check(compiled, text);
 *   // [{start, end, text, rule_id, severity, reason, suggestions}], sorted by start
 *   const r = replacement(compiled, text, flag);  // {start, end, text, options}: what a tap
 *   const done = apply(compiled, text, flag, 0);  // {value, select: [from, to]} (UTF-16)
 *
 * A tap replaces the whole phrase a flag concerns (the rules' "rewrites", see rules.py), the
 * same way as matcher.py's Matcher.replacement; tests/language_before_after.json holds both
 * to the same sentences. With no rewrite that fits, only the rule's suggestions that fit in
 * place of the flagged text alone are offered (the rules file's "alone" section); with none,
 * `options` is empty and apply() gives null: the suggestions are advice, with no tap. A wording
 * agrees with a plural subject just before it ("agree": "They were"), and none repeats the
 * word beside it.
 *
 * Offsets are in Unicode code points (as Python's str indices), not UTF-16 units:
 * use Array.from(text) or a code-point walk to map them back onto a JS string.
 *
 * An ES module with no imports and no DOM, so Node loads it too (`require()` of an ES module,
 * Node 20.19 and later: tests/unit/test_language_js.py). No eval: safe under a CSP without
 * 'unsafe-eval'.
 * Needs RegExp lookbehind (Safari 16.4 or later).
 */

// Character classes: the same characters as rules.py's WS, WORD and HYPHENS.
// Python's \w (str.isalnum() or "_") is [\p{L}\p{N}_] here; JS \b and \w are ASCII-only.
const WS = '[\\t-\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const WORD = '[\\p{L}\\p{N}_\\u0300-\\u036f]';
const HYPHENS = '[\\-\\u2010\\u2011]';
const BOUNDARY_BEFORE = '(?<!' + WORD + ')(?<!' + WORD + HYPHENS + ')';
const BOUNDARY_AFTER = '(?!' + WORD + ')(?!' + HYPHENS + WORD + ')';
const SEVERITIES = ['correction', 'question'];
const PHRASE_CHARS = /^[A-Za-z0-9 '\u2019\-.,/&{}#]+$/;
// Case is matched through explicit classes, not the i flag, so that JS and Python
// fold case identically: only these two extra characters fold onto ASCII letters.
const EXTRA_CASES = { k: '\u212a', s: '\u017f' };

const DOUBLE_QUOTES = '"\u201c\u201d\u201e';
const SINGLE_OPENERS = "'\u2018";
const SINGLE_CLOSERS = "'\u2019";
const QUOTE_RE = /["'\u2018\u2019\u201c\u201d\u201e]/gu;
const PARAGRAPH_BREAK_RE = new RegExp('\\n(?:(?!\\n)' + WS + ')*\\n', 'gu');
// WORD holds the combining marks (U+0300-U+036F) on purpose: rules.py counts them as word
// characters too. ESLint takes the range for a misleading combined character.
// eslint-disable-next-line no-misleading-character-class
const WORD_RE = new RegExp('^' + WORD + '$', 'u');
const WS_RE = new RegExp('^' + WS + '$', 'u');

function escapeRegex(ch) {
  // Only syntax characters may be escaped under the u flag.
  return /[\^$\\.*+?()[\]{}|/]/.test(ch) ? '\\' + ch : ch;
}

function variants(ch) {
  const low = ch.toLowerCase();
  if (!/^[a-z]$/.test(low)) return ch;
  return low + low.toUpperCase() + (EXTRA_CASES[low] || '');
}

function translateText(text) {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === ' ') {
      while (i < text.length && text[i] === ' ') i += 1;
      out += WS + '+';
      continue;
    }
    if (ch === '-') out += '(?:' + HYPHENS + '|' + WS + '+)?';
    else if (ch === "'" || ch === '\u2019') out += "['\u2019]";
    else if (ch === '#') out += '[0-9]+';
    else if (/^[A-Za-z]$/.test(ch)) out += '[' + variants(ch) + ']';
    else out += escapeRegex(ch);
    i += 1;
  }
  return out;
}

function byLength(items) {
  // Array.prototype.sort is stable (ES2019), like Python's sorted().
  return items.slice().sort((a, b) => b.length - a.length);
}

const SLOT_NAME = /^[a-z]+$/;
const RESERVED_NAMES = ['before', 'phrase', 'after', 'rest'];

// Literal text and brace groups: {a,b,} is one of the alternatives, longest first. With
// `names` (a rewrite's phrases), {name:a,b} is a capturing group and its name is pushed.
function translate(phrase, names) {
  if (!phrase || phrase !== phrase.trim()) throw new Error('is empty or has spaces at either end');
  // A slot's name ends at ":", so a rewrite's phrase may hold one (only inside braces).
  if (!PHRASE_CHARS.test(names ? phrase.replace(/:/g, '') : phrase))
    throw new Error('uses characters the phrase syntax does not allow');
  let out = '';
  let i = 0;
  while (i < phrase.length) {
    const openAt = phrase.indexOf('{', i);
    const closeAt = phrase.indexOf('}', i);
    if (closeAt !== -1 && (openAt === -1 || closeAt < openAt))
      throw new Error("has a '}' without a '{'");
    const literal = openAt === -1 ? phrase.slice(i) : phrase.slice(i, openAt);
    if (literal.includes(':')) throw new Error("has a ':' outside braces");
    out += translateText(literal);
    if (openAt === -1) break;
    if (closeAt === -1) throw new Error("has a '{' that is never closed");
    const body = phrase.slice(openAt + 1, closeAt);
    if (body.includes('{')) throw new Error('has nested braces');
    const colon = body.indexOf(':');
    if (colon !== -1) {
      const name = body.slice(0, colon);
      if (!names) throw new Error('names a group, which only a rewrite may do');
      if (!SLOT_NAME.test(name) || RESERVED_NAMES.includes(name))
        throw new Error('has a bad group name');
      names.push(name);
      const alternatives = body.slice(colon + 1).split(',');
      out += '(' + byLength(alternatives).map(translateText).join('|') + ')';
    } else {
      const alternatives = body.split(',');
      if (alternatives.length < 2) throw new Error('has braces with fewer than two alternatives');
      out += '(?:' + byLength(alternatives).map(translateText).join('|') + ')';
    }
    i = closeAt + 1;
  }
  return out;
}

function alternation(phrases) {
  return '(?:' + byLength(phrases).map(translate).join('|') + ')';
}

// The same regex as rules.py's _plain_source(): group 1 marks unless_preceded_by.
function ruleSource(rule) {
  let source = '';
  if (rule.unless_preceded_by && rule.unless_preceded_by.length) {
    source += '(?:(' + BOUNDARY_BEFORE + alternation(rule.unless_preceded_by) + ')' + WS + '+)?';
  }
  source += BOUNDARY_BEFORE + alternation(rule.phrases) + BOUNDARY_AFTER;
  if (rule.unless_followed_by && rule.unless_followed_by.length) {
    source += '(?!' + WS + '+' + alternation(rule.unless_followed_by) + BOUNDARY_AFTER + ')';
  }
  return source;
}

// A rewrite's part: the same source as rules.py's _slot_alternation(); names in group order.
function slotAlternation(phrases, names) {
  return (
    '(?:' +
    byLength(phrases)
      .map((p) => translate(p, names))
      .join('|') +
    ')'
  );
}

// A regex made the first time it is read. Making every rewrite's regexes took half of
// compile() (about 200 ms in each new page's worker on a fast machine), and a page uses only
// those of the rules it flags; the sources are still built, and checked, in compile().
function madeOnFirstUse(out, key, source, flags) {
  let made = null;
  Object.defineProperty(out, key, {
    enumerable: true,
    get() {
      if (!made) made = new RegExp(source, flags);
      return made;
    },
  });
}

// The same regexes as rules.py's rewrite_sources(), with matcher.py's anchors.
function compileRewrite(rewrite) {
  const part = (key) => (Array.isArray(rewrite[key]) && rewrite[key].length ? rewrite[key] : null);
  if (!rewrite || !isStringList(rewrite.suggestions))
    throw new Error("a rewrite needs 'suggestions', a non-empty list");
  const out = { suggestions: rewrite.suggestions.slice(), names: {} };
  if (part('before')) {
    out.names.before = [];
    const alts = slotAlternation(part('before'), out.names.before);
    // Searched in the text cut at the flag, so $ is "just before the flag".
    madeOnFirstUse(out, 'before', BOUNDARY_BEFORE + '(' + alts + ')' + WS + '+$', 'gu');
  }
  if (part('phrase')) {
    out.names.phrase = [];
    const alts = slotAlternation(part('phrase'), out.names.phrase);
    madeOnFirstUse(out, 'phrase', '^' + alts + BOUNDARY_AFTER, 'u');
  }
  if (part('after')) {
    out.names.after = [];
    const alts = slotAlternation(part('after'), out.names.after);
    madeOnFirstUse(out, 'after', WS + '+(' + alts + ')' + BOUNDARY_AFTER, 'uy');
  }
  return out;
}

function isStringList(value) {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((v) => typeof v === 'string' && v.trim() !== '')
  );
}

// The file's "alone" and "agree" sections, as rules.py's validate_fit reads them.
function compileFit(alone, agree) {
  const fit = {
    kinds: compileKinds(alone),
    openEnds: new Set((alone && Array.isArray(alone.open_ends) && alone.open_ends) || []),
    agreeAfter: new Set(),
    agreeWords: new Map(),
  };
  if (agree === undefined || agree === null) return fit;
  if (typeof agree !== 'object' || !Array.isArray(agree.after) || !agree.words)
    throw new Error("agree: needs 'after' (a list) and 'words' (an object)");
  fit.agreeAfter = new Set(agree.after);
  fit.agreeWords = new Map(Object.entries(agree.words));
  return fit;
}

function compileKinds(raw) {
  if (raw === undefined || raw === null) return [];
  if (typeof raw !== 'object' || !Array.isArray(raw.kinds) || !raw.kinds.length)
    throw new Error("alone: 'kinds' must be a non-empty list");
  return raw.kinds.map((kind, n) => {
    const words = (key) => {
      const list = kind && kind[key];
      if (!Array.isArray(list) || !list.every((w) => typeof w === 'string' && w))
        throw new Error('alone kind ' + n + ": '" + key + "' must be a list of words");
      return new Set(list);
    };
    return { starts: words('starts'), after: words('after') };
  });
}

export function compile(rulesJson) {
  const data = typeof rulesJson === 'string' ? JSON.parse(rulesJson) : rulesJson;
  if (!data || !Array.isArray(data.rules))
    throw new Error("rules: expected an object with a 'rules' list");
  const fit = compileFit(data.alone, data.agree);
  const seen = new Set();
  const rules = data.rules.map((rule, index) => {
    const where =
      'rule ' + index + (rule && typeof rule.id === 'string' ? " ('" + rule.id + "')" : '');
    if (!rule || typeof rule.id !== 'string' || !rule.id) throw new Error(where + ': missing id');
    if (seen.has(rule.id)) throw new Error(where + ': duplicate id');
    seen.add(rule.id);
    if (!isStringList(rule.phrases))
      throw new Error(where + ": 'phrases' must be a non-empty list");
    if (!SEVERITIES.includes(rule.severity)) throw new Error(where + ': bad severity');
    let regex;
    try {
      regex = new RegExp(ruleSource(rule), 'gu');
    } catch (err) {
      throw new Error(where + ': ' + err.message, { cause: err });
    }
    let rewrites;
    try {
      rewrites = (Array.isArray(rule.rewrites) ? rule.rewrites : []).map(compileRewrite);
    } catch (err) {
      throw new Error(where + ': rewrites: ' + err.message, { cause: err });
    }
    return {
      id: rule.id,
      severity: rule.severity,
      reason: rule.reason,
      suggestions: Array.isArray(rule.suggestions) ? rule.suggestions.slice() : [],
      regex,
      rewrites,
    };
  });
  return { rules, byId: new Map(rules.map((r) => [r.id, r])), fit };
}

// Code point just before / at a UTF-16 index (so astral letters count as letters).
function codePointBefore(text, i) {
  const low = text.charCodeAt(i - 1);
  if (low >= 0xdc00 && low <= 0xdfff && i >= 2) {
    const high = text.charCodeAt(i - 2);
    if (high >= 0xd800 && high <= 0xdbff) return text.codePointAt(i - 2);
  }
  return low;
}

function isWord(cp) {
  return WORD_RE.test(String.fromCodePoint(cp));
}

function isSpace(cp) {
  return WS_RE.test(String.fromCodePoint(cp));
}

function bisectRight(sorted, value) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// Spans in quotation marks (UTF-16 offsets), marks included: see matcher.py for the rules.
export function quotedSpans(text) {
  const n = text.length;
  const breaks = [];
  PARAGRAPH_BREAK_RE.lastIndex = 0;
  for (let m = PARAGRAPH_BREAK_RE.exec(text); m; m = PARAGRAPH_BREAK_RE.exec(text))
    breaks.push(m.index);
  const paragraphEnd = (i) => {
    const k = bisectRight(breaks, i);
    return k < breaks.length ? breaks[k] : n;
  };
  const doubles = [];
  const openers = [];
  const closers = [];
  QUOTE_RE.lastIndex = 0;
  for (let m = QUOTE_RE.exec(text); m; m = QUOTE_RE.exec(text)) {
    const i = m.index;
    const ch = text[i];
    if (DOUBLE_QUOTES.includes(ch)) {
      doubles.push(i);
      continue;
    }
    const beforeOk = i === 0 || !isWord(codePointBefore(text, i));
    if (SINGLE_OPENERS.includes(ch) && beforeOk && i + 1 < n && !isSpace(text.codePointAt(i + 1))) {
      openers.push(i);
    }
    if (
      SINGLE_CLOSERS.includes(ch) &&
      i > 0 &&
      !isSpace(codePointBefore(text, i)) &&
      (i + 1 === n || !isWord(text.codePointAt(i + 1)))
    ) {
      closers.push(i);
    }
  }
  const spans = [];
  const events = doubles.concat(openers).sort((a, b) => a - b);
  let position = 0;
  for (const i of events) {
    if (i < position) continue;
    const endOfParagraph = paragraphEnd(i);
    let end;
    if (DOUBLE_QUOTES.includes(text[i])) {
      const k = bisectRight(doubles, i);
      end = k < doubles.length && doubles[k] < endOfParagraph ? doubles[k] + 1 : endOfParagraph;
    } else {
      const k = bisectRight(closers, i);
      if (k === closers.length || closers[k] >= endOfParagraph) continue; // an apostrophe
      end = closers[k] + 1;
    }
    spans.push([i, end]);
    position = end;
  }
  return spans;
}

// Map ascending UTF-16 offsets to code point offsets in one walk over the text.
function toCodePoints(text, offsets) {
  const result = new Map();
  let unit = 0;
  let point = 0;
  for (const target of offsets) {
    while (unit < target) {
      const c = text.charCodeAt(unit);
      const pair =
        c >= 0xd800 &&
        c <= 0xdbff &&
        unit + 1 < text.length &&
        text.charCodeAt(unit + 1) >= 0xdc00 &&
        text.charCodeAt(unit + 1) <= 0xdfff;
      unit += pair ? 2 : 1;
      point += 1;
    }
    result.set(target, point);
  }
  return result;
}

export function check(compiled, text) {
  if (!text) return [];
  const spans = quotedSpans(text);
  const spanStarts = spans.map((s) => s[0]);
  const inQuotes = (start, end) => {
    // bisect_left(spanStarts, end) - 1: the last span starting before `end`.
    let lo = 0;
    let hi = spanStarts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (spanStarts[mid] < end) lo = mid + 1;
      else hi = mid;
    }
    const k = lo - 1;
    return k >= 0 && spans[k][1] > start;
  };

  const candidates = [];
  compiled.rules.forEach((rule, index) => {
    const regex = rule.regex;
    regex.lastIndex = 0;
    for (let m = regex.exec(text); m; m = regex.exec(text)) {
      if (m[0].length === 0) {
        // cannot happen with validated rules; never loop forever
        regex.lastIndex += 1;
        continue;
      }
      if (m.length > 1 && m[1] !== undefined) continue; // unless_preceded_by took part
      const start = m.index;
      const end = start + m[0].length;
      if (!inQuotes(start, end)) candidates.push([start, end, index]);
    }
  });
  // Earliest start, then longest (largest end), then the rule listed first.
  candidates.sort((a, b) => a[0] - b[0] || b[1] - a[1] || a[2] - b[2]);

  const chosen = [];
  let lastEnd = 0;
  for (const c of candidates) {
    if (c[0] < lastEnd) continue;
    chosen.push(c);
    lastEnd = c[1];
  }
  const offsets = [];
  for (const c of chosen) offsets.push(c[0], c[1]);
  const points = toCodePoints(text, offsets);
  return chosen.map(([start, end, index]) => {
    const rule = compiled.rules[index];
    return {
      start: points.get(start),
      end: points.get(end),
      text: text.slice(start, end),
      rule_id: rule.id,
      severity: rule.severity,
      reason: rule.reason,
      suggestions: rule.suggestions.slice(),
    };
  });
}

// ---- what a tap puts in: the same steps as matcher.py's Matcher.replacement --------------

// How far back (code points) a rewrite's `before` may start.
const BEFORE_WINDOW = 60;
const LEADING_WS = new RegExp('^' + WS + '+', 'u');
const TEMPLATE_REF = /\{([a-z]+)\}/g;
const PLACEHOLDER = /\[[^[\]\n]{1,40}\]/u;

// UTF-16 index of a code point offset.
function unitsAt(text, codePoints) {
  let units = 0;
  let seen = 0;
  while (seen < codePoints && units < text.length) {
    const c = text.charCodeAt(units);
    const pair =
      c >= 0xd800 &&
      c <= 0xdbff &&
      units + 1 < text.length &&
      text.charCodeAt(units + 1) >= 0xdc00 &&
      text.charCodeAt(units + 1) <= 0xdfff;
    units += pair ? 2 : 1;
    seen += 1;
  }
  return units;
}

function fill(template, values) {
  // A named group inside an alternative that did not match leaves nothing.
  return template.replace(TEMPLATE_REF, (_, name) =>
    Object.hasOwn(values, name) ? values[name] : '',
  );
}

function startsSentence(text, start) {
  let j = start;
  while (j > 0 && isSpace(text.charCodeAt(j - 1))) {
    if (text[j - 1] === '\n') return true;
    j -= 1;
  }
  return j === 0 || '.!?'.includes(text[j - 1]);
}

// A wording that starts a sentence the worker began with a capital starts with one.
function capitalised(option, text, start) {
  if (/^[A-Z]$/.test(text[start] || '') && /^[a-z]/.test(option) && startsSentence(text, start))
    return option[0].toUpperCase() + option.slice(1);
  return option;
}

// ---- fitting a wording into the sentence: the same steps as rules.py's Fit ------------------

const FIRST_WORD = /^(?:\[[^[\]\n]{1,40}\]|[A-Za-z]+)/u;
const LAST_WORD = /(?<![A-Za-z])[A-Za-z]+$/u;
const HYPHEN_CHARS = '-\u2010\u2011'; // matcher.py HYPHEN_CHARS
const isAsciiLetter = (ch) => /^[A-Za-z]$/.test(ch || '');

// A character that makes the letters beside it part of a longer word (matcher.py _joins_words).
function joinsWords(cp) {
  const ch = String.fromCodePoint(cp);
  return isWord(cp) || HYPHEN_CHARS.includes(ch) || SINGLE_CLOSERS.includes(ch);
}

// The word just before UTF-16 index `start`, whitespace between, lower-cased (matcher.py).
function wordBefore(text, start) {
  let i = start;
  // Whitespace is never outside the BMP, so one UTF-16 unit is one character here.
  while (i > 0 && isSpace(text.charCodeAt(i - 1))) i -= 1;
  if (i === start) return '';
  let j = i;
  while (j > 0 && isAsciiLetter(text[j - 1])) j -= 1;
  if (j === i || (j > 0 && joinsWords(codePointBefore(text, j)))) return '';
  return text.slice(j, i).toLowerCase();
}

// The word just after UTF-16 index `end`, whitespace between, lower-cased (matcher.py).
function wordAfter(text, end) {
  let i = end;
  while (i < text.length && isSpace(text.charCodeAt(i))) i += 1;
  if (i === end) return '';
  let j = i;
  while (j < text.length && isAsciiLetter(text[j])) j += 1;
  if (j === i || (j < text.length && joinsWords(text.codePointAt(j)))) return '';
  return text.slice(i, j).toLowerCase();
}

function firstWord(wording) {
  const found = FIRST_WORD.exec(wording);
  return found ? found[0].toLowerCase() : '';
}

// Whether a wording put in between the words `before` and `after` would repeat one (rules.py).
function repeatsAWord(wording, before, after) {
  const first = firstWord(wording);
  const found = LAST_WORD.exec(wording);
  const last = found ? found[0].toLowerCase() : '';
  return Boolean((first && first === before) || (last && last === after));
}

// A wording put in right after `before`, agreeing with it: "was ..." after "they" is "were ...".
function agreeing(fit, wording, before) {
  if (!fit.agreeAfter.has(before)) return wording;
  const found = FIRST_WORD.exec(wording);
  if (!found || !fit.agreeWords.has(found[0])) return wording;
  return fit.agreeWords.get(found[0]) + wording.slice(found[0].length);
}

// Whether a flagged text can be replaced by a suggestion alone: not if it ends with one of
// `open_ends` ("swap sex for"), which needs the words after it (rules.py Fit.takes_alone).
function takesAlone(fit, flagged) {
  const found = LAST_WORD.exec(flagged);
  return !(found && fit.openEnds.has(found[0].toLowerCase()));
}

function fitsAlone(fit, suggestion, before, after) {
  if (repeatsAWord(suggestion, before, after)) return false;
  const first = firstWord(suggestion);
  for (const kind of fit.kinds) {
    if (kind.starts.has(first)) return kind.after.has(before);
  }
  return true;
}

function addGroups(values, names, match, skip) {
  names.forEach((name, k) => {
    values[name] = match[k + 1 + skip] ?? '';
  });
}

// In UTF-16 units: {start, end, options}.
function replacementUnits(compiled, text, flag) {
  const rule = compiled.byId.get(flag.rule_id);
  if (!rule) throw new Error('no rule ' + flag.rule_id);
  const flagStart = unitsAt(text, flag.start);
  const flagEnd = flagStart + flag.text.length;
  const spans = quotedSpans(text);
  const touchesQuotes = (start, end) => spans.some(([s, e]) => s < end && start < e);
  for (const rewrite of rule.rewrites) {
    const values = { phrase: flag.text };
    let start = flagStart;
    let end = flagEnd;
    if (rewrite.phrase) {
      const m = rewrite.phrase.exec(flag.text);
      if (!m) continue;
      values.rest = flag.text.slice(m[0].length).replace(LEADING_WS, '');
      addGroups(values, rewrite.names.phrase, m, 0);
    }
    if (rewrite.before) {
      rewrite.before.lastIndex = unitsAt(text, Math.max(0, flag.start - BEFORE_WINDOW));
      const m = rewrite.before.exec(text.slice(0, start));
      if (!m) continue;
      values.before = m[1];
      addGroups(values, rewrite.names.before, m, 1);
      start = m.index;
    }
    if (rewrite.after) {
      rewrite.after.lastIndex = end;
      const m = rewrite.after.exec(text);
      if (!m) continue;
      values.after = m[1];
      addGroups(values, rewrite.names.after, m, 1);
      end = m.index + m[0].length;
    }
    // The child's own words are never changed (as matcher.py).
    if (touchesQuotes(start, end)) continue;
    // A wording that would repeat the word beside it is not offered; a rewrite left with none
    // does not fit (as matcher.py).
    const before = wordBefore(text, start);
    const after = wordAfter(text, end);
    const options = rewrite.suggestions
      .map((t) => agreeing(compiled.fit, fill(t, values), before))
      .filter((o) => !repeatsAWord(o, before, after))
      .map((o) => capitalised(o, text, start));
    if (options.length) return { start, end, options };
  }
  // No rewrite fits: the suggestions that fit alone; none may (then no tap, advice only).
  const before = wordBefore(text, flagStart);
  const after = wordAfter(text, flagEnd);
  return {
    start: flagStart,
    end: flagEnd,
    options: rule.suggestions
      .map((o) => agreeing(compiled.fit, o, before))
      .filter(
        (o) => takesAlone(compiled.fit, flag.text) && fitsAlone(compiled.fit, o, before, after),
      )
      .map((o) => capitalised(o, text, flagStart)),
  };
}

/** What one tap on `flag` replaces (code point offsets, as check()) and the wordings offered. */
export function replacement(compiled, text, flag) {
  const r = replacementUnits(compiled, text, flag);
  const points = toCodePoints(text, [r.start, r.end]);
  return {
    start: points.get(r.start),
    end: points.get(r.end),
    text: text.slice(r.start, r.end),
    options: r.options,
  };
}

/**
 * `text` after a tap on the flag's suggestion number `choice`, and what to select then (UTF-16
 * units, for setSelectionRange): the first placeholder put in ("[describe]"), for the worker to
 * type over, or else the end of the wording. null for a wording not offered (a flag may offer
 * none: its suggestions are then advice, with no tap).
 */
export function apply(compiled, text, flag, choice = 0) {
  const r = replacementUnits(compiled, text, flag);
  if (!Number.isInteger(choice) || choice < 0 || choice >= r.options.length) return null;
  const option = r.options[choice];
  const value = text.slice(0, r.start) + option + text.slice(r.end);
  const hole = PLACEHOLDER.exec(option);
  const select = hole
    ? [r.start + hole.index, r.start + hole.index + hole[0].length]
    : [r.start + option.length, r.start + option.length];
  return { value, select };
}

// How much of the words either side of a kept use its answer keeps, to find that use again
// (code points). The same number as rhi/writing/counts.py KEPT_CONTEXT.
export const KEPT_CONTEXT = 40;
// How many of an answer's characters either side must still be beside a use for it to keep
// that use (fewer where it kept fewer): rhi/writing/counts.py KEPT_SAME_AT_LEAST.
export const KEPT_SAME_AT_LEAST = 8;

const phraseKey = (ruleId, phrase) =>
  JSON.stringify([ruleId, Array.from(phrase).slice(0, 200).join('')]);

/**
 * The words either side of a use of a phrase (`flag`, with code-point offsets into `text`), as
 * a "Keep my words" answer keeps them: [before, after], at most KEPT_CONTEXT code points each.
 */
export function useContext(text, flag) {
  const points = Array.from(text);
  return [
    points.slice(Math.max(0, flag.start - KEPT_CONTEXT), flag.start).join(''),
    points.slice(flag.end, flag.end + KEPT_CONTEXT).join(''),
  ];
}

// How many code points next to a use are as they were next to the use an answer kept.
function closeness(before, after, answer) {
  const was = [Array.from(answer[2] || ''), Array.from(answer[3] || '')];
  const now = [Array.from(before), Array.from(after)];
  let same = 0;
  for (let i = 1; i <= Math.min(was[0].length, now[0].length); i += 1) {
    if (was[0][was[0].length - i] !== now[0][now[0].length - i]) break;
    same += 1;
  }
  for (let i = 0; i < Math.min(was[1].length, now[1].length); i += 1) {
    if (was[1][i] !== now[1][i]) break;
    same += 1;
  }
  return same;
}

/**
 * Which of one box's `flags` (over `text`) its "Keep my words" answers keep: a Set of their
 * places in `flags`. Each answer is [rule_id, phrase, before, after] (before and after may be
 * missing: answers kept before the words around them were). One answer keeps one use, the one
 * whose words either side are most as they were when it was kept, the closest pairs first, ties
 * to the earlier answer then the earlier use. The same rule as rhi/writing/counts.py kept_uses,
 * which the review and every copy count by (tests/unit/test_kept_use_js.py holds the two to it).
 */
export function keptUses(text, flags, answers) {
  const given = new Map();
  for (const answer of answers) {
    const key = phraseKey(answer[0], answer[1]);
    if (!given.has(key)) given.set(key, []);
    given.get(key).push(answer);
  }
  const uses = new Map();
  flags.forEach((flag, place) => {
    const key = phraseKey(flag.rule_id, flag.text);
    if (!uses.has(key)) uses.set(key, []);
    uses.get(key).push(place);
  });
  const kept = new Set();
  for (const [key, places] of uses) {
    const mine = given.get(key);
    if (!mine) continue;
    const around = places.map((place) => useContext(text, flags[place]));
    const pairs = [];
    mine.forEach((answer, a) => {
      const atLeast = Math.min(
        KEPT_SAME_AT_LEAST,
        Array.from(answer[2] || '').length + Array.from(answer[3] || '').length,
      );
      around.forEach(([before, after], u) => {
        const same = closeness(before, after, answer);
        if (same >= atLeast) pairs.push([same, a, u]);
      });
    });
    pairs.sort((x, y) => y[0] - x[0] || x[1] - y[1] || x[2] - y[2]);
    const answered = new Set();
    for (const [, a, u] of pairs) {
      if (answered.has(a) || kept.has(places[u])) continue;
      answered.add(a);
      kept.add(places[u]);
    }
  }
  return kept;
}

/**
 * `apply` to the use of the flag's phrase the worker was shown: the one at `flag.start` in
 * `text` as it is now (writing.js moves it there), not the first with those words. With the
 * first use kept and the same words written again, the second is the one shown, and a tap once
 * rewrote the kept first one (a probe). A use the box's "Keep my words" `answers` keep
 * (keptUses) is never rewritten; null when the use shown is not there any more or is kept, so
 * no other use is rewritten in its place. One rule for the worker (language-worker.js) and for
 * the page's own thread (writing.js).
 */
export function applyToUse(compiled, text, flag, answers, choice = 0) {
  const found = check(compiled, text);
  const at = found.findIndex(
    (f) => f.rule_id === flag.rule_id && f.text === flag.text && f.start === flag.start,
  );
  if (at < 0 || keptUses(text, found, answers || []).has(at)) return null;
  return apply(compiled, text, found[at], choice);
}
