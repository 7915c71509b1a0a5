"""The question bank loads, covers every section and age band, and speaks without blame."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rhi.prompts import (
    BAND_IDS,
    SECTION_IDS,
    PromptFileError,
    age_band_for,
    load_bank,
)
from rhi.prompts.bank import DEFAULT_PATH


@pytest.fixture
def raw() -> dict[str, Any]:
    # A fresh copy of the shipped file for each test to break in its own way.
    return copy.deepcopy(json.loads(DEFAULT_PATH.read_text(encoding="utf-8")))


def write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "questions.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def section_of(data: dict[str, Any], section_id: str) -> dict[str, Any]:
    return next(s for s in data["sections"] if s["id"] == section_id)


# --- the shipped bank --------------------------------------------------------------------------


def test_shipped_bank_loads_with_sections_in_order() -> None:
    bank = load_bank()
    assert tuple(s.id for s in bank.sections) == SECTION_IDS
    assert bank.section("away").child_title == "While you were away"
    assert bank.section("analysis").audience == "worker"
    assert {s.audience for s in bank.sections if s.id != "analysis"} == {"child"}


def test_default_bank_is_cached() -> None:
    assert load_bank() is load_bank()


def test_explicit_path_loads_the_same_content() -> None:
    assert load_bank(DEFAULT_PATH) == load_bank()


def test_every_section_has_five_to_eight_prompts() -> None:
    for section in load_bank().sections:
        assert 5 <= len(section.prompts) <= 8, section.id


def test_every_prompt_has_three_distinct_band_texts() -> None:
    for section in load_bank().sections:
        for prompt in section.prompts:
            texts = [prompt.text_for(band) for band in BAND_IDS]
            assert all(texts), prompt.id
            assert len(set(texts)) == 3, prompt.id


def test_prompt_ids_are_unique_and_prefixed() -> None:
    ids = [p.id for s in load_bank().sections for p in s.prompts]
    assert len(ids) == len(set(ids))
    for section in load_bank().sections:
        assert all(p.id.startswith(f"{section.id}-") for p in section.prompts)


def test_lookups() -> None:
    bank = load_bank()
    assert bank.prompt("before-1").text_for("under_11")
    assert bank.section("before").prompt("before-2").id == "before-2"
    with pytest.raises(KeyError):
        bank.section("nowhere")
    with pytest.raises(KeyError):
        bank.prompt("before-1").text_for("adult")


def test_before_we_start_covers_what_the_worker_must_explain() -> None:
    ids = {point.id for point in load_bank().before_we_start}
    assert {"voluntary", "stop_any_time", "confidentiality", "who_sees_what"} <= ids
    for point in load_bank().before_we_start:
        assert point.worker_text
        assert all(point.child_text_for(band) for band in BAND_IDS)


def test_who_sees_what_tells_the_child_they_have_a_say_as_the_sharing_page_asks() -> None:
    """A probe: the start told every child "Your social worker and the police will see it",
    then the sharing page asked them whether each may, and a no was kept. Each age band now
    says the child has a say, naming the social worker and the police among those asked."""
    point = next(p for p in load_bank().before_we_start if p.id == "who_sees_what")
    for band in BAND_IDS:
        text = point.child_text_for(band)
        assert "will see it" not in text and "goes to" not in text, band
        assert "police" in text and ("who you" in text or "who sees it" in text), band


def test_safety_info_gives_the_helplines() -> None:
    lines = {line.id: line for line in load_bank().safety_info.helplines}
    assert lines["missing_people"].number == "116 000"
    assert "text" in lines["missing_people"].how.lower()
    assert lines["missing_people"].cost == "Free"
    assert lines["missing_people"].hours == "24 hours"
    assert lines["childline"].number == "0800 1111"
    assert "999" in load_bank().safety_info.emergency_text_for("under_11")


# --- age bands ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (0, "under_11"),
        (10, "under_11"),
        (11, "11_to_14"),
        (14, "11_to_14"),
        (15, "15_to_17"),
        (17, "15_to_17"),
        (18, "15_to_17"),
        (25, "15_to_17"),
    ],
)
def test_age_band_for_boundaries(age: int, band: str) -> None:
    assert age_band_for(age) == band


def test_age_band_for_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        age_band_for(-1)
    with pytest.raises(TypeError):
        age_band_for(12.5)  # type: ignore[arg-type]


# --- malformed files ---------------------------------------------------------------------------


def test_missing_band_names_the_prompt(tmp_path: Path, raw: dict[str, Any]) -> None:
    del section_of(raw, "away")["prompts"][2]["text"]["11_to_14"]
    with pytest.raises(PromptFileError) as err:
        load_bank(write(tmp_path, raw))
    assert "away-3" in str(err.value)
    assert "11_to_14" in str(err.value)


def test_empty_band_text_names_the_prompt(tmp_path: Path, raw: dict[str, Any]) -> None:
    section_of(raw, "help")["prompts"][0]["text"]["under_11"] = "   "
    with pytest.raises(PromptFileError, match="help-1"):
        load_bank(write(tmp_path, raw))


def test_unknown_band_names_the_prompt(tmp_path: Path, raw: dict[str, Any]) -> None:
    section_of(raw, "after")["prompts"][0]["text"]["adult"] = "How are you?"
    with pytest.raises(PromptFileError, match="after-1.*adult"):
        load_bank(write(tmp_path, raw))


def test_same_text_in_every_band_is_refused(tmp_path: Path, raw: dict[str, Any]) -> None:
    section_of(raw, "before")["prompts"][0]["text"] = dict.fromkeys(BAND_IDS, "What happened?")
    with pytest.raises(PromptFileError, match="before-1"):
        load_bank(write(tmp_path, raw))


def test_duplicate_prompt_id_is_named(tmp_path: Path, raw: dict[str, Any]) -> None:
    prompts = section_of(raw, "before")["prompts"]
    prompts[3]["id"] = prompts[1]["id"]
    with pytest.raises(PromptFileError) as err:
        load_bank(write(tmp_path, raw))
    assert "before-2" in str(err.value)
    assert "duplicate" in str(err.value)


def test_prompt_in_the_wrong_section_is_named(tmp_path: Path, raw: dict[str, Any]) -> None:
    section_of(raw, "after")["prompts"][0]["id"] = "before-99"
    with pytest.raises(PromptFileError, match="before-99"):
        load_bank(write(tmp_path, raw))


def test_unknown_section_is_named(tmp_path: Path, raw: dict[str, Any]) -> None:
    section_of(raw, "help")["id"] = "gossip"
    with pytest.raises(PromptFileError) as err:
        load_bank(write(tmp_path, raw))
    assert "gossip" in str(err.value)
    assert err.value.where == "section 'gossip'"


def test_duplicate_section_is_named(tmp_path: Path, raw: dict[str, Any]) -> None:
    raw["sections"].append(copy.deepcopy(section_of(raw, "before")))
    with pytest.raises(PromptFileError, match="section 'before'.*more than once"):
        load_bank(write(tmp_path, raw))


def test_missing_section_is_named(tmp_path: Path, raw: dict[str, Any]) -> None:
    raw["sections"] = [s for s in raw["sections"] if s["id"] != "own_words"]
    with pytest.raises(PromptFileError, match="own_words"):
        load_bank(write(tmp_path, raw))


def test_sections_out_of_order_are_refused(tmp_path: Path, raw: dict[str, Any]) -> None:
    raw["sections"].reverse()
    with pytest.raises(PromptFileError, match="out of order"):
        load_bank(write(tmp_path, raw))


def test_missing_section_field_is_named(tmp_path: Path, raw: dict[str, Any]) -> None:
    del section_of(raw, "after")["child_title"]
    with pytest.raises(PromptFileError, match="section 'after'.*child_title"):
        load_bank(write(tmp_path, raw))


def test_wrong_age_bands_are_refused(tmp_path: Path, raw: dict[str, Any]) -> None:
    raw["age_bands"][1]["id"] = "teens"
    with pytest.raises(PromptFileError, match="age_bands"):
        load_bank(write(tmp_path, raw))


def test_missing_helpline_text_is_named(tmp_path: Path, raw: dict[str, Any]) -> None:
    del raw["safety_info"]["helplines"][1]["child_text"]["15_to_17"]
    with pytest.raises(PromptFileError, match="helpline 'childline'.*15_to_17"):
        load_bank(write(tmp_path, raw))


def test_bad_json_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "questions.json"
    path.write_text('{\n  "sections": [\n', encoding="utf-8")
    with pytest.raises(PromptFileError) as err:
        load_bank(path)
    assert str(path) in str(err.value)
    assert "line" in str(err.value)


def test_missing_file_is_a_prompt_file_error(tmp_path: Path) -> None:
    with pytest.raises(PromptFileError, match="cannot read"):
        load_bank(tmp_path / "nope.json")


def test_not_an_object_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PromptFileError, match="JSON object"):
        load_bank(write(tmp_path, ["before"]))


# --- words -------------------------------------------------------------------------------------

# Phrases that blame a child or minimise harm (see docs on language). A fuller check with the
# app's own language matcher comes later; this keeps the worst out of the bank meanwhile.
BLAMING = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"abscond",
        r"\bput\w*\b[^.?!]{0,40}\bat risk",
        r"risky",
        r"choice",
        r"boyfriend",
        r"girlfriend",
        r"refus",
        r"engag",
        r"safe and well",
        r"absent",
        r"\b(?:run|runs|running|ran)\s+away",
        r"runaway",
    )
]


def all_strings(value: Any) -> Iterator[str]:
    # Every string in the file, titles, hints and helpline texts included, since the
    # child or the worker may see any of them.
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from all_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from all_strings(item)


def test_the_blame_check_itself_catches_variants() -> None:
    for phrase in (
        "She was putting herself at risk",
        "He puts himself at risk",
        "Why did you run away?",
        "a RUNAWAY",
        "risky choices",
        "refused to engage",
    ):
        assert any(p.search(phrase) for p in BLAMING), phrase
    assert not any(p.search("at risk from adults") for p in BLAMING)


def test_no_prompt_text_uses_blaming_words() -> None:
    for section in load_bank().sections:
        for prompt in section.prompts:
            for band in BAND_IDS:
                text = prompt.text_for(band)
                hits = [p.pattern for p in BLAMING if p.search(text)]
                assert not hits, f"{prompt.id} ({band}): {hits}"


def test_nothing_in_the_file_uses_blaming_words(raw: dict[str, Any]) -> None:
    for text in all_strings(raw):
        hits = [p.pattern for p in BLAMING if p.search(text)]
        assert not hits, f"{text!r}: {hits}"
