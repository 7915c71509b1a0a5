"""`content.normalise`, which every read and every save of an interview goes through: for any
stored document it keeps what is there, fills in what is missing with the blank document's
parts, and hands back a document of the caller's own (changing it changes neither the stored
document nor the next blank one)."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rhi.interviews import content as c

BLANK = c.empty_content()
PARTS = sorted({sub for part in BLANK.values() if isinstance(part, dict) for sub in part})

values = st.recursive(
    st.none() | st.booleans() | st.text(max_size=6) | st.integers(),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from([*PARTS, "other"]), inner, max_size=4)
    ),
    max_leaves=8,
)
# Stored documents as they may come: parts missing, null, partial, of another shape, or extra.
documents = st.dictionaries(st.sampled_from([*BLANK, "extra"]), values, max_size=10)


def every_container(value: Any) -> list[Any]:
    """The dicts and lists in a document, itself included."""
    if isinstance(value, dict):
        return [value, *(c for sub in value.values() for c in every_container(sub))]
    if isinstance(value, list):
        return [value, *(c for sub in value for c in every_container(sub))]
    return []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_normalise_keeps_what_is_there_and_fills_in_the_rest(stored: dict[str, Any]) -> None:
    before = copy.deepcopy(stored)
    try:
        document = c.normalise(stored)
    except AttributeError:
        # A part that should hold fields holds something else (a text, a list): refused, as
        # the upload check refuses such a document before it is stored.
        assert any(
            isinstance(BLANK[key], dict) and BLANK[key] and not isinstance(value, dict)
            for key, value in stored.items()
            if key in BLANK and value is not None
        )
        return
    assert stored == before  # the stored document is not changed
    for key, blank in BLANK.items():
        value = stored.get(key)
        if value is None and blank is not None:
            assert document[key] == blank
        elif isinstance(blank, dict) and isinstance(value, dict):
            assert document[key] == {**blank, **value}  # what is there wins
        else:
            assert document[key] == value  # kept as it is (an empty part takes anything)
    assert document["extra"] == stored["extra"] if "extra" in stored else "extra" not in document
    # The result is the caller's own: emptying every part of it changes neither the stored
    # document nor the blank one.
    for container in every_container(document):
        container.clear()
    assert stored == before
    assert c.empty_content() == BLANK


def test_changing_a_normalised_document_leaves_the_next_blank_one_blank() -> None:
    document = c.normalise({"sections": {"before": {"text": "At my nan's."}}})
    document["sections"]["away"]["text"] = "Changed."
    document["places"].append({"id": "p1"})
    document["consent"]["police"]["answer"] = "yes"
    again = c.normalise({"child_message": "Thank you."})
    assert again["sections"]["away"]["text"] == ""
    assert again["places"] == []
    assert again["consent"]["police"]["answer"] == "not_asked"
    assert c.empty_content() == BLANK
