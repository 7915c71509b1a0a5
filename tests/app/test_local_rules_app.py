"""A council's local rules file in the app (issue 14 item 7): RHI_LANGUAGE_RULES_LOCAL is
layered over the shipped rules at start-up; the server's check and the browser's rules are the
merged set; the rules' version (their ETag) changes when the local file does; a bad local file
stops start-up naming the file and the rule; `flask rhi check-language` says which rules came
from the local file."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from rhi import writing
from rhi.config import load_settings
from rhi.extensions import db
from rhi.language import RuleFileError, rules_as_json
from tests.app.helpers import autosave, start
from tests.conftest import csrf_from, make_test_app
from tests.unit.helpers import LOCAL, write_local


@pytest.fixture
def local_file(tmp_path: Path) -> Path:
    return write_local(tmp_path)


@pytest.fixture
def app(tmp_path: Path, local_file: Path) -> Iterator[Flask]:
    """The app (on SQLite) with the council's local rules file."""
    application = make_test_app(
        f"sqlite:///{tmp_path / 'rhi-test.sqlite3'}",
        tmp_path,
        RHI_LANGUAGE_RULES_LOCAL=str(local_file),
    )
    with application.app_context():
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_setting_is_read_from_the_environment(tmp_path: Path) -> None:
    env = {"RHI_LANGUAGE_RULES_LOCAL": " /etc/rhi/local-rules.json "}
    assert load_settings(tmp_path, env)["RHI_LANGUAGE_RULES_LOCAL"] == "/etc/rhi/local-rules.json"
    assert load_settings(tmp_path, {})["RHI_LANGUAGE_RULES_LOCAL"] is None


def test_the_browser_gets_the_merged_rules(client, app) -> None:
    response = client.get("/language/rules.json")
    assert response.status_code == 200
    served = response.get_json()
    by_id = {rule["id"]: rule for rule in served["rules"]}
    assert by_id["westshire-gallivanting"] == LOCAL["rules"][0]
    assert by_id["absconding"]["suggestions"] == ["was missing from home", "left without agreement"]
    assert "streetwise" not in by_id
    assert served["local"]["added"] == ["westshire-gallivanting"]
    # The server checks with exactly the rules it hands over.
    with app.app_context():
        assert [rule.id for rule in writing.matcher().rules] == [r["id"] for r in served["rules"]]
        assert served == writing.rules_data()
    assert len(served["rules"]) == len(rules_as_json()["rules"])  # one added, one off


def test_the_rules_version_changes_with_the_local_file(client, app, local_file, tmp_path) -> None:
    first = client.get("/language/rules.json")
    etag = first.headers["ETag"].strip('"')
    with app.app_context():
        assert etag == writing.rules_version()
    assert first.headers["Cache-Control"] == "no-cache"
    # Unchanged rules: the tablet's copy is still good.
    again = client.get("/language/rules.json", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    # The shipped rules alone have another version.
    shipped = make_test_app(f"sqlite:///{tmp_path / 'shipped.sqlite3'}", tmp_path)
    shipped_etag = shipped.test_client().get("/language/rules.json").headers["ETag"].strip('"')
    assert shipped_etag != etag
    # The council rewords a suggestion and restarts: a new version, and the old copy is stale.
    reworded = copy.deepcopy(LOCAL)
    reworded["rules"][1]["suggestions"] = ["went missing"]
    write_local(local_file.parent, reworded)
    restarted = make_test_app(
        f"sqlite:///{tmp_path / 'restarted.sqlite3'}", tmp_path, RHI_LANGUAGE_RULES_LOCAL=local_file
    )
    fresh = restarted.test_client().get(
        "/language/rules.json", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert fresh.status_code == 200
    assert fresh.headers["ETag"].strip('"') not in (etag, shipped_etag)
    assert {r["id"]: r for r in fresh.get_json()["rules"]}["absconding"]["suggestions"] == [
        "went missing"
    ]


def test_the_servers_check_uses_the_local_rules(app, web, world) -> None:
    uuid = start(web, world)
    text = "He was gallivanting around town. She absconded. He is streetwise."
    assert autosave(web, uuid, "sections.away.text", text, "").status_code == 200
    review = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert "Wording to look at again (2)" in review
    # Each said with the words a tap in the box replaces (the phrase, and any word it takes
    # with it), as the box offers them.
    assert re.search(r"your words “[^”]*gallivanting[^”]*”", review)
    assert re.search(r"your words “[^”]*absconded[^”]*”", review)
    assert "streetwise" not in review.split("Wording to look at again")[1].split("</section>")[0]
    # A tap on the council's own suggestion is counted for the team, as a shipped one is.
    token = csrf_from(web.get(f"/episodes/{world.episodes['a']}").get_data(as_text=True))
    tapped = web.client.post(
        "/language/events",
        data={"rule_id": "westshire-gallivanting", "action": "replaced"},
        headers={"X-CSRFToken": token},
    )
    assert tapped.status_code == 204
    off = web.client.post(
        "/language/events",
        data={"rule_id": "streetwise", "action": "replaced"},
        headers={"X-CSRFToken": token},
    )
    assert off.status_code == 400  # switched off: not a rule here


def test_check_language_says_which_rules_came_from_the_local_file(app, local_file) -> None:
    result = app.test_cli_runner().invoke(
        args=["rhi", "check-language"],
        input="He went walkabout, absconded and kicked off. He is streetwise.",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [(f["rule_id"], f["source"]) for f in data["flags"]] == [
        ("westshire-gallivanting", "local"),
        ("absconding", "local"),
        ("kicking-off", "shipped"),
    ]
    rules = data["rules"]
    assert rules["local_file"] == str(local_file)
    assert rules["local_added"] == ["westshire-gallivanting"]
    assert rules["local_replaced"] == ["absconding"]
    assert rules["local_off"] == ["streetwise"]
    assert rules["count"] == len(rules_as_json()["rules"])
    with app.app_context():
        assert rules["version"] == writing.rules_version()


def test_a_bad_local_file_stops_start_up_naming_the_file_and_the_rule(tmp_path: Path) -> None:
    bad = copy.deepcopy(LOCAL)
    bad["rules"][0]["severity"] = "shouting"
    path = write_local(tmp_path, bad, "bad-local.json")
    with pytest.raises(RuleFileError) as caught:
        make_test_app(
            f"sqlite:///{tmp_path / 'bad.sqlite3'}", tmp_path, RHI_LANGUAGE_RULES_LOCAL=str(path)
        )
    message = str(caught.value)
    assert message.startswith(f"{path}: rule 0 ('westshire-gallivanting'): 'severity'")
    missing = tmp_path / "missing.json"
    with pytest.raises(RuleFileError, match="missing.json: cannot read"):
        make_test_app(
            f"sqlite:///{tmp_path / 'bad.sqlite3'}", tmp_path, RHI_LANGUAGE_RULES_LOCAL=str(missing)
        )


def test_a_changed_local_file_renames_the_tablets_cache(client, app, local_file: Path) -> None:
    """The tablet keeps the rules with its offline pages: a council's edit must reach it, so the
    service worker's version (its cache name) follows the local file too."""

    def cache_name() -> str:
        script = client.get("/sw.js").get_data(as_text=True)
        return next(line for line in script.splitlines() if line.startswith("const VERSION"))

    before = cache_name()
    edited = json.loads(local_file.read_text())
    edited["rules"][0]["suggestions"] = ["was away from home without agreement"]
    local_file.write_text(json.dumps(edited))
    fresh = make_test_app(
        app.config["SQLALCHEMY_DATABASE_URI"],
        local_file.parent,
        RHI_LANGUAGE_RULES_LOCAL=str(local_file),
    )
    script = fresh.test_client().get("/sw.js").get_data(as_text=True)
    after = next(line for line in script.splitlines() if line.startswith("const VERSION"))
    assert after != before
