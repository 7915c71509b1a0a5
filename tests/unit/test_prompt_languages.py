"""Issue 17, item 3: the child's words in their language. Every shipped catalogue holds every
child-facing text of the English in every band, or loading fails naming what is missing; right
to left languages are marked so; every catalogue says it is a draft; a child's recorded language
finds its catalogue (or none, and English is shown); rhi's own child-facing words are translated.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from rhi import i18n
from rhi.interviews.child_words import ChildWords, every_key, interpreter_words, words_for
from rhi.prompts import BAND_IDS, PromptFileError, load_bank
from rhi.prompts.languages import (
    STATUSES,
    by_code,
    catalogue_for,
    catalogue_paths,
    catalogues,
    english_texts,
    load_language,
)

REQUIRED = {"cy", "ar", "pl", "ro", "so", "ps", "ti"}
RIGHT_TO_LEFT = {"ar", "ps"}


def test_every_language_asked_for_is_shipped_and_complete():
    english = english_texts(load_bank())
    shipped = {c.code: c for c in catalogues()}
    assert set(shipped) >= REQUIRED
    for code, catalogue in shipped.items():
        for key, bands in english.items():
            for band in BAND_IDS:
                words = catalogue.text(key, band)
                assert words, (code, key, band)
                # A text left in English by mistake is not a translation.
                if not key.startswith("section_titles"):
                    assert words != bands[band], (code, key, band)


def test_the_worker_questions_are_not_in_the_catalogues():
    """The analysis is the worker's, never read to the child: only child texts are translated."""
    english = english_texts(load_bank())
    assert "prompts:before-1" in english and "section_titles:before" in english
    assert not any("analysis" in key for key in english)


def test_right_to_left_languages_are_marked():
    for catalogue in catalogues():
        expected = "rtl" if catalogue.code in RIGHT_TO_LEFT else "ltr"
        assert catalogue.direction == expected, catalogue.code


def test_every_catalogue_is_a_draft_and_says_so():
    for catalogue in catalogues():
        assert catalogue.status == "draft", catalogue.code
        assert catalogue.is_draft
        assert catalogue.status_note == (
            "Draft translation, not yet checked by a qualified translator"
        )
    assert set(STATUSES) == {"draft", "reviewed"}


def _arabic() -> dict:
    path = next(p for p in catalogue_paths() if p.name == "questions.ar.json")
    return json.loads(path.read_text(encoding="utf-8"))


def _write(tmp_path: Path, raw: dict) -> Path:
    path = tmp_path / "questions.xx.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_catalogue_with_texts_missing_is_refused_naming_each_one(tmp_path):
    raw = _arabic()
    del raw["prompts"]["before-1"]
    del raw["prompts"]["away-2"]["11_to_14"]
    del raw["emergency_text"]
    with pytest.raises(PromptFileError) as caught:
        load_language(_write(tmp_path, raw))
    message = str(caught.value)
    assert "3 texts of the English are missing" in message
    assert "prompts:before-1" in message
    assert "prompts:away-2 (11_to_14)" in message
    assert "emergency_text" in message


def test_a_catalogue_being_written_shows_english_where_it_has_no_words(tmp_path):
    raw = _arabic()
    del raw["prompts"]["before-1"]
    partial = load_language(_write(tmp_path, raw), allow_missing=True)
    words = ChildWords("11_to_14", partial)
    assert words.translated("prompts:before-1") is None  # the page shows the English, and says so
    assert words.translated("prompts:before-2") == raw["prompts"]["before-2"]["11_to_14"]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda raw: raw["prompts"].update({"before-99": raw["prompts"]["before-1"]}), "before-99"),
        (lambda raw: raw.update({"direction": "sideways"}), "'direction'"),
        (lambda raw: raw.update({"status": "final"}), "'status'"),
        (lambda raw: raw.update({"language": "en"}), "'language'"),
        (lambda raw: raw["prompts"]["before-1"].update({"under_11": " "}), "empty"),
        (lambda raw: raw["prompts"]["before-1"].update({"teens": "x"}), "unknown age band"),
    ],
)
def test_a_broken_catalogue_is_refused_with_a_clear_error(tmp_path, change, problem):
    raw = _arabic()
    change(raw)
    with pytest.raises(PromptFileError, match=problem):
        load_language(_write(tmp_path, raw))


@pytest.mark.parametrize(
    ("recorded", "code"),
    [
        ("Arabic", "ar"),
        ("  arabic ", "ar"),
        ("العربية", "ar"),
        ("ar", "ar"),
        ("Polish", "pl"),
        ("Somali", "so"),
        ("Tigrinya", "ti"),
        ("Pashto", "ps"),
        ("Welsh", "cy"),
        ("Romanian", "ro"),
        ("Sylheti", None),
        ("English", None),
        (None, None),
        ("", None),
    ],
)
def test_the_childs_recorded_language_finds_its_catalogue(recorded, code):
    found = catalogue_for(recorded)
    assert (found.code if found else None) == code


def _child(
    age_on_day: int,
    language: str | None = None,
    band: str | None = None,
    *,
    sex: str | None = None,
    gender: str | None = None,
    pronouns: str | None = None,
):
    born = date(2026 - age_on_day, 1, 1)
    return SimpleNamespace(
        first_language=language,
        question_band=band,
        sex=sex,
        gender=gender,
        pronouns=pronouns,
        age_on=lambda day: day.year - born.year - ((day.month, day.day) < (1, 1)),
    )


def test_words_for_follows_the_age_unless_the_worker_chose_a_band():
    day = date(2026, 11, 23)
    by_age = words_for(_child(15, "Arabic"), day)
    assert (by_age.band, by_age.lang, by_age.direction, by_age.chosen) == (
        "15_to_17",
        "ar",
        "rtl",
        False,
    )
    assert by_age.key == "15_to_17.ar"
    easy = words_for(_child(15, "Arabic", "under_11"), day)
    assert (easy.band, easy.chosen, easy.key) == ("under_11", True, "under_11.ar")


def test_a_language_without_a_catalogue_is_shown_in_english_and_said():
    words = words_for(_child(12, "Sylheti"), date(2026, 11, 23))
    assert words.catalogue is None and words.key == "11_to_14" and words.speech == "en-GB"
    assert words.no_catalogue_note == (
        "rhi has no questions in Sylheti yet, so they are shown in English. An interpreter can "
        "help."
    )
    assert words_for(_child(12, "English"), date(2026, 11, 23)).no_catalogue_note == ""


def test_rhis_own_words_for_the_child_are_in_every_language():
    compiled = i18n.compile_catalogues()
    for catalogue in catalogues():
        assert catalogue.code in compiled, catalogue.code
        for message in i18n.CHILD_MESSAGES:
            words = compiled[catalogue.code].gettext(message)
            assert words and words != message, (catalogue.code, message)
    assert by_code("ar") is not None
    assert compiled["ar"].gettext("Read aloud") == "اقرأ بصوت عالٍ"


@pytest.mark.parametrize(
    ("start", "said"),
    [
        ({}, "None recorded"),
        ({"interpreter_present": True}, "Yes"),
        (
            {
                "interpreter_present": True,
                "interpreter_language": "Arabic",
                "interpreter_name": "Amal Haddad",
                "interpreter_agency": "Language Line",
            },
            "Yes: Arabic, Amal Haddad (Language Line)",
        ),
        ({"interpreter_agency": "Language Line"}, "Yes: Language Line"),
    ],
)
def test_the_interpreter_as_the_summary_says_it(start, said):
    assert interpreter_words({"start": start}) == said


# ---- a girl is spoken to as a girl ------------------------------------------------------------


def test_who_is_spoken_to_as_a_girl():
    day = date(2026, 11, 23)
    for record, girl in (
        ({"pronouns": "she/her"}, True),
        ({"pronouns": "She/Her", "gender": "Boy"}, True),  # their own word comes first
        ({"pronouns": "they/them", "sex": "Female"}, False),
        ({"pronouns": "he/him"}, False),
        ({"gender": "Girl"}, True),
        ({"gender": "Trans girl", "sex": "Male"}, True),
        ({"gender": "Non-binary", "sex": "Female"}, False),
        ({"gender": "Boy"}, False),
        ({"sex": "Female"}, True),
        ({}, False),
        # Free text, as a review found it written (any word of a boy's or of neither wins).
        ({"gender": "Trans boy (assigned female at birth)"}, False),
        ({"gender": "Non-binary (assigned female at birth)"}, False),
        ({"gender": "Not a girl"}, False),
        ({"gender": "Girl (assigned male at birth)"}, True),
        ({"gender": "Female/girl"}, True),
        ({"gender": "Trans-girl"}, True),
        ({"gender": "Prefer not to say", "sex": "Female"}, False),
        ({"pronouns": "they/she"}, False),  # the first given
        ({"pronouns": "Her/Hers"}, True),
    ):
        words = words_for(_child(12, "Polish", **record), day)
        assert words.feminine is girl, record
        assert words.key == "11_to_14.pl" + (".f" if girl else ""), record


def test_a_girl_reads_her_questions_in_the_feminine_where_her_language_says_so():
    day = date(2026, 11, 23)
    girl = words_for(_child(12, "Polish", gender="Girl"), day)
    boy = words_for(_child(12, "Polish", gender="Boy"), day)
    assert "chciałaś" in girl.translated("prompts:before-2")
    assert "chciałeś" in boy.translated("prompts:before-2")
    assert girl.translated("section_titles:before") == "Zanim odeszłaś"
    # Words that do not change for a girl are the same words.
    assert girl.translated("prompts:before-3") == boy.translated("prompts:before-3")
    # A language whose drafts have no words for a girl: the same words, the same variant.
    welsh = words_for(_child(12, "Welsh", gender="Girl"), day)
    assert not welsh.feminine and welsh.key == "11_to_14.cy"
    # A shell page holds her variant too.
    assert {"11_to_14.pl.f", "11_to_14.ar.f", "11_to_14.ro.f"} <= set(every_key())


def test_the_words_for_a_girl_change_only_the_words_that_say_she_is_one():
    """Each of a draft's texts for a girl keeps its numbers and its length: a slip that dropped
    a helpline's number or half a question would be read to a child."""
    changed = 0
    for catalogue in catalogues():
        for key, bands in catalogue.feminine.items():
            for band, hers in bands.items():
                theirs = catalogue.texts[key][band]
                assert hers != theirs, (catalogue.code, key, band)
                assert re.findall(r"\d+", hers) == re.findall(r"\d+", theirs), (key, band)
                assert len(hers.split()) == len(theirs.split()), (catalogue.code, key, band)
                changed += 1
    assert changed > 50
