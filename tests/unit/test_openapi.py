"""docs/openapi.yaml says what the upload API does: its lists and limits are the code's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from rhi import deadlines
from rhi.interviews import content as c
from rhi.models.interviews import CONTACT_METHODS, CONTACT_OUTCOMES
from rhi.sync import events, protocol

SPEC = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


def schemas() -> dict[str, Any]:
    return yaml.safe_load(SPEC.read_text(encoding="utf-8"))["components"]["schemas"]


def test_the_documented_choices_are_the_codes():
    event = schemas()["Event"]["properties"]
    assert event["method"]["enum"] == list(CONTACT_METHODS)
    assert event["outcome"]["enum"] == list(CONTACT_OUTCOMES)
    content = schemas()["InterviewContent"]["properties"]
    assert content["risk_view"]["enum"] == list(c.RISK_VIEWS)


def test_the_documented_limits_are_the_codes():
    found = schemas()
    assert found["Upload"]["properties"]["items"]["maxItems"] == protocol.MAX_ITEMS
    assert found["UploadItem"]["properties"]["events"]["maxItems"] == events.MAX_EVENTS
    assert f"{c.MAX_TEXT:,}" in SPEC.read_text(encoding="utf-8")


@pytest.mark.parametrize("prefix", ["/sync/", "/api/"])
def test_every_path_the_app_serves_to_tablets_and_systems_is_documented(app, prefix):
    paths = yaml.safe_load(SPEC.read_text(encoding="utf-8"))["paths"]
    documented = {p for p in paths if p.startswith(prefix)}
    served = {r.rule for r in app.url_map.iter_rules() if r.rule.startswith(prefix)}
    assert served == documented
    assert served  # each prefix serves something: the comparison is not of two empty sets


def test_the_documented_clock_tones_are_the_codes():
    clock = schemas()["Copy"]["properties"]["clock"]["allOf"][1]["properties"]
    tone = clock["tone"]["items"]["prefixItems"][1]
    assert set(tone["enum"]) == set(deadlines.TAGS)
