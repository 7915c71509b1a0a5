"""The question bank: open, child-led prompts for each part of a return home interview.

The wording lives in ``questions.json`` so practice leads can change it without touching code;
this module only loads it into frozen dataclasses and refuses a file that would leave a child
with a missing or muddled question. It imports no Flask so it can be used and tested anywhere.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

# The order here is the order of the conversation; pages, PDFs and the offline copy rely on it.
SECTION_IDS: tuple[str, ...] = ("before", "away", "after", "help", "own_words", "analysis")

# Every text is written once per band; code that picks a band depends on these exact ids.
BAND_IDS: tuple[str, ...] = ("under_11", "11_to_14", "15_to_17")

AUDIENCES: tuple[str, ...] = ("child", "worker")

DEFAULT_PATH = Path(__file__).with_name("questions.json")

Audience = Literal["child", "worker"]


class PromptFileError(ValueError):
    """The question file is unreadable or breaks a rule; ``where`` names the item at fault."""

    def __init__(self, where: str, problem: str) -> None:
        self.where = where
        self.problem = problem
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class AgeBand:
    id: str
    label: str
    max_age: int


@dataclass(frozen=True)
class BandTexts:
    """One wording per age band. Kept as pairs, not a dict, so the dataclasses stay hashable."""

    pairs: tuple[tuple[str, str], ...]

    def for_band(self, band: str) -> str:
        for band_id, text in self.pairs:
            if band_id == band:
                return text
        raise KeyError(f"unknown age band {band!r}; expected one of {', '.join(BAND_IDS)}")

    def as_dict(self) -> dict[str, str]:
        return dict(self.pairs)


@dataclass(frozen=True)
class Prompt:
    id: str
    texts: BandTexts

    def text_for(self, band: str) -> str:
        return self.texts.for_band(band)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    child_title: str
    hint: str
    # "worker" sections (the analysis) are questions for the worker, never read to the child.
    audience: Audience
    prompts: tuple[Prompt, ...]

    def prompt(self, prompt_id: str) -> Prompt:
        for item in self.prompts:
            if item.id == prompt_id:
                return item
        raise KeyError(f"section {self.id!r} has no prompt {prompt_id!r}")


@dataclass(frozen=True)
class StartPoint:
    """Something the worker explains before any question: voluntary, confidentiality, sharing."""

    id: str
    worker_text: str
    child_texts: BandTexts

    def child_text_for(self, band: str) -> str:
        return self.child_texts.for_band(band)


@dataclass(frozen=True)
class Helpline:
    id: str
    name: str
    number: str
    how: str
    cost: str
    hours: str
    web: str
    child_texts: BandTexts

    def child_text_for(self, band: str) -> str:
        return self.child_texts.for_band(band)


@dataclass(frozen=True)
class SafetyInfo:
    worker_text: str
    helplines: tuple[Helpline, ...]
    emergency_texts: BandTexts

    def emergency_text_for(self, band: str) -> str:
        return self.emergency_texts.for_band(band)


@dataclass(frozen=True)
class QuestionBank:
    age_bands: tuple[AgeBand, ...]
    sections: tuple[Section, ...]
    before_we_start: tuple[StartPoint, ...]
    safety_info: SafetyInfo

    def section(self, section_id: str) -> Section:
        for item in self.sections:
            if item.id == section_id:
                return item
        raise KeyError(f"no section {section_id!r}; expected one of {', '.join(SECTION_IDS)}")

    def prompt(self, prompt_id: str) -> Prompt:
        for section in self.sections:
            for item in section.prompts:
                if item.id == prompt_id:
                    return item
        raise KeyError(f"no prompt {prompt_id!r}")

    def band_for(self, age_years: int) -> str:
        return _band_for(self.age_bands, age_years)

    def __iter__(self) -> Iterator[Section]:
        return iter(self.sections)


def age_band_for(age_years: int) -> str:
    """The age band id for a child's age in whole years; 18 and over use the oldest band.

    Care leavers and young people who turned 18 during an episode still get an interview, so an
    older age is not an error; a negative one is.
    """
    return load_bank().band_for(age_years)


def _band_for(bands: tuple[AgeBand, ...], age_years: int) -> str:
    if isinstance(age_years, bool) or not isinstance(age_years, int):
        raise TypeError(f"age_years must be an int, not {type(age_years).__name__}")
    if age_years < 0:
        raise ValueError(f"age_years cannot be negative: {age_years}")
    for band in bands:
        if age_years <= band.max_age:
            return band.id
    return bands[-1].id


def load_bank(path: str | os.PathLike[str] | None = None) -> QuestionBank:
    """Load and check a question file; with no path, the shipped bank (read once, then cached)."""
    if path is None:
        return _default_bank()
    return _load(Path(path))


@functools.cache
def _default_bank() -> QuestionBank:
    return _load(DEFAULT_PATH)


def _load(path: Path) -> QuestionBank:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PromptFileError(str(path), f"cannot read file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise PromptFileError(str(path), "file is not UTF-8") from exc
    except json.JSONDecodeError as exc:
        raise PromptFileError(
            str(path), f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from exc
    return _parse(raw)


# --- parsing and validation -----------------------------------------------------------------
# Each helper is given a "where" label (e.g. "section 'away', prompt 'away-3'") so an error
# points at the exact item a practice lead must fix, not just at the file.


def _parse(raw: Any) -> QuestionBank:
    top = _object(raw, "file")
    age_bands = _parse_age_bands(_field(top, "age_bands", list, "file"))
    sections = _parse_sections(_field(top, "sections", list, "file"))
    start = _parse_start(_field(top, "before_we_start", list, "file"))
    safety = _parse_safety(_field(top, "safety_info", dict, "file"))
    return QuestionBank(age_bands, sections, start, safety)


def _parse_age_bands(items: list[Any]) -> tuple[AgeBand, ...]:
    bands: list[AgeBand] = []
    for index, item in enumerate(items):
        where = f"age band #{index + 1}"
        obj = _object(item, where)
        band_id = _text(obj, "id", where)
        where = f"age band {band_id!r}"
        max_age = obj.get("max_age")
        if isinstance(max_age, bool) or not isinstance(max_age, int) or max_age < 0:
            raise PromptFileError(where, "'max_age' must be a whole number of years, 0 or more")
        bands.append(AgeBand(band_id, _text(obj, "label", where), max_age))
    ids = tuple(band.id for band in bands)
    if ids != BAND_IDS:
        # Prompt texts are keyed by these ids, so the list must match the code exactly.
        raise PromptFileError(
            "age_bands", f"ids must be {list(BAND_IDS)} in order, got {list(ids)}"
        )
    ages = [band.max_age for band in bands]
    if ages != sorted(set(ages)):
        raise PromptFileError("age_bands", f"'max_age' values must rise band by band, got {ages}")
    return tuple(bands)


def _parse_sections(items: list[Any]) -> tuple[Section, ...]:
    sections: list[Section] = []
    seen_prompts: dict[str, str] = {}
    for index, item in enumerate(items):
        obj = _object(item, f"section #{index + 1}")
        section_id = _text(obj, "id", f"section #{index + 1}")
        where = f"section {section_id!r}"
        if section_id not in SECTION_IDS:
            raise PromptFileError(
                where, f"unknown section; expected one of {', '.join(SECTION_IDS)}"
            )
        if any(done.id == section_id for done in sections):
            raise PromptFileError(where, "section appears more than once")
        audience = obj.get("audience", "child")
        if audience not in AUDIENCES:
            raise PromptFileError(where, f"'audience' must be one of {', '.join(AUDIENCES)}")
        raw_prompts = _field(obj, "prompts", list, where)
        if not raw_prompts:
            raise PromptFileError(where, "has no prompts")
        prompts = tuple(
            _parse_prompt(raw, section_id, number, seen_prompts)
            for number, raw in enumerate(raw_prompts, start=1)
        )
        sections.append(
            Section(
                id=section_id,
                title=_text(obj, "title", where),
                child_title=_text(obj, "child_title", where),
                hint=_text(obj, "hint", where),
                audience=audience,
                prompts=prompts,
            )
        )
    ids = tuple(section.id for section in sections)
    if ids != SECTION_IDS:
        missing = [section_id for section_id in SECTION_IDS if section_id not in ids]
        problem = f"missing {missing}" if missing else f"out of order: {list(ids)}"
        raise PromptFileError("sections", f"{problem}; expected {list(SECTION_IDS)}")
    return tuple(sections)


def _parse_prompt(raw: Any, section_id: str, number: int, seen: dict[str, str]) -> Prompt:
    section_where = f"section {section_id!r}"
    obj = _object(raw, f"{section_where}, prompt #{number}")
    prompt_id = _text(obj, "id", f"{section_where}, prompt #{number}")
    where = f"{section_where}, prompt {prompt_id!r}"
    # Saved answers are keyed by prompt id, so ids must be unique across the whole bank and
    # carry their section's name: a copied prompt left in the wrong section is caught here.
    if prompt_id in seen:
        raise PromptFileError(where, f"duplicate prompt id (also in section {seen[prompt_id]!r})")
    if not prompt_id.startswith(f"{section_id}-"):
        raise PromptFileError(where, f"prompt id must start with '{section_id}-'")
    seen[prompt_id] = section_id
    texts = _band_texts(obj, "text", where)
    if len(set(texts.as_dict().values())) != len(BAND_IDS):
        raise PromptFileError(where, "each age band needs its own wording")
    return Prompt(prompt_id, texts)


def _parse_start(items: list[Any]) -> tuple[StartPoint, ...]:
    points: list[StartPoint] = []
    for index, item in enumerate(items):
        obj = _object(item, f"before_we_start #{index + 1}")
        point_id = _text(obj, "id", f"before_we_start #{index + 1}")
        where = f"before_we_start {point_id!r}"
        if any(done.id == point_id for done in points):
            raise PromptFileError(where, "duplicate id")
        points.append(
            StartPoint(
                point_id, _text(obj, "worker_text", where), _band_texts(obj, "child_text", where)
            )
        )
    if not points:
        raise PromptFileError("before_we_start", "is empty")
    return tuple(points)


def _parse_safety(obj: Mapping[str, Any]) -> SafetyInfo:
    helplines: list[Helpline] = []
    for index, item in enumerate(_field(obj, "helplines", list, "safety_info")):
        entry = _object(item, f"helpline #{index + 1}")
        line_id = _text(entry, "id", f"helpline #{index + 1}")
        where = f"helpline {line_id!r}"
        if any(done.id == line_id for done in helplines):
            raise PromptFileError(where, "duplicate id")
        helplines.append(
            Helpline(
                id=line_id,
                name=_text(entry, "name", where),
                number=_text(entry, "number", where),
                how=_text(entry, "how", where),
                cost=_text(entry, "cost", where),
                hours=_text(entry, "hours", where),
                web=_text(entry, "web", where),
                child_texts=_band_texts(entry, "child_text", where),
            )
        )
    if not helplines:
        raise PromptFileError("safety_info", "has no helplines")
    return SafetyInfo(
        worker_text=_text(obj, "worker_text", "safety_info"),
        helplines=tuple(helplines),
        emergency_texts=_band_texts(obj, "emergency_text", "safety_info"),
    )


def _band_texts(obj: Mapping[str, Any], key: str, where: str) -> BandTexts:
    texts = _field(obj, key, dict, where)
    unknown = sorted(set(texts) - set(BAND_IDS))
    if unknown:
        raise PromptFileError(where, f"unknown age band {unknown[0]!r} in '{key}'")
    pairs: list[tuple[str, str]] = []
    for band in BAND_IDS:
        if band not in texts:
            raise PromptFileError(where, f"missing text for age band {band!r}")
        value = texts[band]
        if not isinstance(value, str) or not value.strip():
            raise PromptFileError(where, f"text for age band {band!r} is empty")
        pairs.append((band, value.strip()))
    return BandTexts(tuple(pairs))


def _object(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise PromptFileError(where, "must be a JSON object")
    return value


def _field(obj: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in obj:
        raise PromptFileError(where, f"missing '{key}'")
    value = obj[key]
    if not isinstance(value, kind):
        expected = "a list" if kind is list else "an object"
        raise PromptFileError(where, f"'{key}' must be {expected}")
    return value


def _text(obj: Mapping[str, Any], key: str, where: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise PromptFileError(where, f"missing or empty '{key}'")
    return value.strip()
