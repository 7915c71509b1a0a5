"""Ethnicity: stored as the Census 2021 (ONS harmonised) category, DfE code derived from it.

The DfE code is what statutory returns (SSDA903, the Standard Safeguarding Dataset) use. It is
never typed in by hand, so the two cannot disagree.
"""

from __future__ import annotations

from typing import NamedTuple


class Ethnicity(NamedTuple):
    key: str
    group: str
    label: str
    dfe: str


CATEGORIES: tuple[Ethnicity, ...] = (
    Ethnicity("asian_bangladeshi", "Asian, Asian British or Asian Welsh", "Bangladeshi", "ABAN"),
    Ethnicity("asian_chinese", "Asian, Asian British or Asian Welsh", "Chinese", "CHNE"),
    Ethnicity("asian_indian", "Asian, Asian British or Asian Welsh", "Indian", "AIND"),
    Ethnicity("asian_pakistani", "Asian, Asian British or Asian Welsh", "Pakistani", "APKN"),
    Ethnicity(
        "asian_other", "Asian, Asian British or Asian Welsh", "Any other Asian background", "AOTH"
    ),
    Ethnicity(
        "black_african",
        "Black, Black British, Black Welsh, Caribbean or African",
        "African",
        "BAFR",
    ),
    Ethnicity(
        "black_caribbean",
        "Black, Black British, Black Welsh, Caribbean or African",
        "Caribbean",
        "BCRB",
    ),
    Ethnicity(
        "black_other",
        "Black, Black British, Black Welsh, Caribbean or African",
        "Any other Black, Black British or Caribbean background",
        "BOTH",
    ),
    Ethnicity("mixed_white_asian", "Mixed or Multiple ethnic groups", "White and Asian", "MWAS"),
    Ethnicity(
        "mixed_white_black_african",
        "Mixed or Multiple ethnic groups",
        "White and Black African",
        "MWBA",
    ),
    Ethnicity(
        "mixed_white_black_caribbean",
        "Mixed or Multiple ethnic groups",
        "White and Black Caribbean",
        "MWBC",
    ),
    Ethnicity(
        "mixed_other",
        "Mixed or Multiple ethnic groups",
        "Any other Mixed or Multiple ethnic background",
        "MOTH",
    ),
    Ethnicity(
        "white_british", "White", "English, Welsh, Scottish, Northern Irish or British", "WBRI"
    ),
    Ethnicity("white_irish", "White", "Irish", "WIRI"),
    # The census groups Gypsy and Irish Traveller together; the DfE list splits "Traveller of
    # Irish heritage" (WIRT) from "Gypsy/Roma" (WROM). We take WIRT and say so in the label.
    Ethnicity("white_gypsy_irish_traveller", "White", "Gypsy or Irish Traveller", "WIRT"),
    Ethnicity("white_roma", "White", "Roma", "WROM"),
    Ethnicity("white_other", "White", "Any other White background", "WOTH"),
    # The DfE list has no Arab group: Arab is counted as "any other ethnic group".
    Ethnicity("other_arab", "Other ethnic group", "Arab", "OOTH"),
    Ethnicity("other_any", "Other ethnic group", "Any other ethnic group", "OOTH"),
    Ethnicity("prefer_not_to_say", "Not given", "Prefer not to say", "REFU"),
    Ethnicity("not_known", "Not given", "Not yet known", "NOBT"),
)

BY_KEY = {e.key: e for e in CATEGORIES}


def dfe_code(key: str) -> str:
    """The DfE ethnicity code for a Census 2021 category key ("NOBT" when not known)."""
    entry = BY_KEY.get(key)
    return entry.dfe if entry else "NOBT"


def label(key: str) -> str:
    entry = BY_KEY.get(key)
    return f"{entry.group}: {entry.label}" if entry else "Not yet known"


def broad_group(key: str) -> str:
    """The census high-level group, used by managers to compare how children are served."""
    entry = BY_KEY.get(key)
    return entry.group if entry else "Not given"
