"""The writing check in the app: rules for the browser, dismissals, review, team counts, CLI."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from rhi import create_app
from rhi.extensions import db
from rhi.language import RuleFileError, check, rules_as_json
from rhi.models import LanguageEvent
from tests.app.helpers import autosave, content, start
from tests.conftest import Web, csrf_from


def test_browser_gets_the_same_rules_the_server_checks_with(client):
    response = client.get("/language/rules.json")
    assert response.status_code == 200
    assert response.get_json() == rules_as_json()


def test_dismissed_flag_leaves_the_review_and_is_counted_in_the_summary(app, web, world):
    uuid = start(web, world)
    autosave(web, uuid, "sections.away.text", "She absconded from the placement at 9pm.", "")
    review = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert "Wording to look at again (1)" in review
    assert "“absconded”" in review
    token = csrf_from(review)
    response = web.client.post(
        f"/interviews/{uuid}/language",
        data={
            "path": "sections.away.text",
            "rule_id": "absconding",
            "text": "absconded",
            "action": "dismissed",
            # The words either side of the use kept, as the page sends them (writing.js).
            "before": "She ",
            "after": " from the placement at 9pm.",
        },
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 204
    review = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert "Wording to look at again" not in review
    why = web.client.post(
        f"/interviews/{uuid}/language",
        data={
            "path": "sections.away.text",
            "rule_id": "absconding",
            "text": "absconded",
            "action": "reason",
            "reason": "Quoting the police log.",
        },
        headers={"X-CSRFToken": token},
    )
    assert why.status_code == 204
    assert content(app, uuid)[0]["language"]["dismissed"][0]["reason"] == "Quoting the police log."
    page = web.get(f"/interviews/{uuid}/away").get_data(as_text=True)
    kept = '[["absconding", "absconded", "She ", " from the placement at 9pm."]]'
    assert f"data-dismissed='{kept}'" in page
    # Written again later: a new use to look at, listed and counted (one "Keep my words"
    # answers one use; a probe found the later ones hidden and counted as kept).
    again = "She absconded from the placement at 9pm. On Sunday she absconded again."
    autosave(web, uuid, "sections.away.text", again, "She absconded from the placement at 9pm.")
    review = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert "Wording to look at again (1)" in review
    assert "1 flagged phrase left as written; 1 kept by the worker" in " ".join(review.split())
    saved = content(app, uuid)[0]
    assert saved["language"]["dismissed"][0]["rule_id"] == "absconding"
    # The PDF counts dismissed suggestions and never shows which.
    import io

    from pypdf import PdfReader

    web.post(
        f"/interviews/{uuid}/overrides",
        {
            "recipient": "police",
            "parts": ["away"],
            "reason": "Risk.",
            "decider": str(world.users["manager_a"]),
            "child_told": "told",
            "urgent": "y",
            "urgent_reason": "Tonight.",
        },
        page=f"/interviews/{uuid}/consent",
    )
    pdf = web.get(f"/interviews/{uuid}/copies/police.pdf").data
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    # Counted over the final words, as the review counts them (rhi/writing/counts.py).
    assert (
        "Language check: 1 flagged phrase left as written; 1 kept by the worker with "
        "\u201cKeep my words\u201d (1 with a reason given); 0 changed to suggested wording."
    ) in text
    assert "absconding" not in text


def test_language_action_on_an_unknown_field_is_refused(web, world):
    uuid = start(web, world)
    token = csrf_from(web.get(f"/interviews/{uuid}/away").get_data(as_text=True))
    response = web.client.post(
        f"/interviews/{uuid}/language",
        data={
            "path": "start.explained_voluntary",
            "rule_id": "x",
            "text": "y",
            "action": "dismissed",
        },
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 400


def test_team_view_counts_without_names(app, web, world):
    uuid = start(web, world)
    autosave(web, uuid, "sections.away.text", "He absconded twice and is a gang member.", "")
    token = csrf_from(web.get(f"/interviews/{uuid}/away").get_data(as_text=True))
    web.client.post(
        f"/interviews/{uuid}/language",
        data={
            "path": "sections.away.text",
            "rule_id": "absconding",
            "text": "absconded",
            "action": "replaced",
        },
        headers={"X-CSRFToken": token},
    )
    with app.app_context():
        events = db.session.execute(select(LanguageEvent.rule_id, LanguageEvent.action)).all()
        assert ("absconding", "flagged") in events and ("absconding", "replaced") in events
    manager = Web(app.test_client())
    manager.sign_in(world.emails["manager_a"])
    html = manager.get("/oversight/language").get_data(as_text=True)
    assert "Wording in the team" in html
    assert "abscond" in html
    assert "Ada" not in html and "Worker A" not in html
    other_team = Web(app.test_client())
    other_team.sign_in(world.emails["manager_b"])
    assert "abscond" not in other_team.get("/oversight/language").get_data(as_text=True)
    assert web.get("/oversight/language").status_code == 403  # workers do not see it


def test_check_language_command(app):
    result = app.test_cli_runner().invoke(
        args=["rhi", "check-language"], input='She was absconding. She said "I absconded".'
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [f["text"] for f in data["flags"]] == ["absconding"]
    assert data["flags"][0]["start"] == 8


def test_a_malformed_rules_file_stops_the_app_naming_the_rule(tmp_path):
    bad = json.loads(json.dumps(rules_as_json()))
    bad["rules"][3]["severity"] = "shouting"
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(bad))
    with pytest.raises(RuleFileError, match=bad["rules"][3]["id"]):
        create_app(
            {
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "SECRET_KEY": "k" * 40,
                "RHI_LANGUAGE_RULES": str(path),
            }
        )


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


def test_the_apps_own_words_pass_its_own_check(app, web, world):
    from pathlib import Path

    import rhi.prompts
    from rhi import demo

    bank_file = Path(rhi.prompts.__file__).parent / "questions.json"
    texts = list(_strings(json.loads(bank_file.read_text())))
    texts += list(
        _strings([demo.EPISODES, demo.PROFILES, demo.CHILDREN, list(demo.AMARA_INTERVIEW.values())])
    )
    # Why an interview was late, the words the child reads back, the error pages.
    from rhi import errors
    from rhi.interviews import read_back
    from rhi.interviews.fields import ACTION_KINDS, FINDING_GROUPS
    from rhi.models.interviews import DELAY_REASONS

    texts += list(_strings([DELAY_REASONS, read_back.CHILD_FINDINGS, read_back.CHILD_ACTIONS]))
    texts += list(_strings([FINDING_GROUPS, ACTION_KINDS]))  # the checklists, and every copy
    texts += list(_strings(list(errors.MESSAGES.values())))
    flagged = [(t, [f.text for f in check(t)]) for t in texts if check(t)]
    assert flagged == []
    import re

    uuid = start(web, world)
    pages = ["/returns", f"/episodes/{world.episodes['a']}"] + [
        f"/interviews/{uuid}/{p}"
        for p in (
            "start",
            "before",
            "away",
            "after",
            "help",
            "own_words",
            "findings",
            "analysis",
            "consent",
            "review",
        )
    ]
    for url in pages:
        html = web.get(url).get_data(as_text=True)
        text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[\s\S]*?</\1>", " ", html))
        assert [f.text for f in check(text)] == [], url
