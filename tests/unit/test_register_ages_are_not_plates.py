"""An age in decades is not a vehicle (coordinator probe, finding 5): "A man in his 20s called
Tiny" went into the register of places and people as a vehicle "HIS20S" and a person "A man in
called Tiny", and both into the pack for the multi-agency exploitation meeting."""

from __future__ import annotations

from datetime import datetime

from rhi.oversight.register import find_plates, is_plate, profile_mentions

WHEN = datetime(2026, 11, 20, 10, 0)


def test_ages_in_decades_are_not_registrations() -> None:
    for text in ("A man in his 20s", "dee (adult, mid 20s)", "her 30S", "a man 40s"):
        assert find_plates(text) == [], text
    assert not is_plate("HIS20S") and not is_plate("MID20S")


def test_registrations_are_still_found() -> None:
    text = "picked up in AB12 CDE, then a van A123 BCD, and an old car ABC 123D"
    assert find_plates(text) == ["AB12CDE", "A123BCD", "ABC123D"]
    assert is_plate("AB12CDE") and is_plate("ABC123D")


def test_a_person_is_listed_as_written_with_the_vehicle_of_their_own() -> None:
    profile = {
        "friends_and_associates": "A man in his 20s called Tiny; Jay who drives AB12 CDE",
        "places_known": "",
    }
    dated = {"friends_and_associates": WHEN, "places_known": WHEN}
    found = profile_mentions(7, profile, dated)
    people = [m.words for m in found if m.kind == "person"]
    vehicles = [m.key for m in found if m.kind == "vehicle"]
    assert "A man in his 20s called Tiny" in people
    assert vehicles == ["AB12CDE"]
    assert not any("AB12" in label for label in people)
