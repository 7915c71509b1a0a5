"""Question bank for return home interviews: data in questions.json, loaded by bank.py.

No Flask here: pages, PDFs and the offline copy all read the same bank through this API.
"""

from rhi.prompts.bank import (
    BAND_IDS,
    SECTION_IDS,
    AgeBand,
    BandTexts,
    Helpline,
    Prompt,
    PromptFileError,
    QuestionBank,
    SafetyInfo,
    Section,
    StartPoint,
    age_band_for,
    load_bank,
)

__all__ = [
    "BAND_IDS",
    "SECTION_IDS",
    "AgeBand",
    "BandTexts",
    "Helpline",
    "Prompt",
    "PromptFileError",
    "QuestionBank",
    "SafetyInfo",
    "Section",
    "StartPoint",
    "age_band_for",
    "load_bank",
]
