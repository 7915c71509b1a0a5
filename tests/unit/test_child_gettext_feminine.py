"""rhi's own words to a girl: the entry of the same English words with the context "feminine",
where her language's words for a girl differ, else the usual one (rhi/i18n.py child_gettext).
A probe found an Arabic-speaking girl asked her questions as a girl but told "you can stop", her
read-back and her letter as a boy."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from rhi import i18n

PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: pl\\n"

msgid "You can stop or take a break at any time."
msgstr "Możesz przestać albo zrobić przerwę, kiedy zechcesz."

msgid "{who} will know:"
msgstr "{who} będzie wiedzieć:"

msgid "Dear {name}"
msgstr "Drogi {name}"

msgctxt "feminine"
msgid "Dear {name}"
msgstr "Droga {name}"
"""


def _app(tmp_path: Path) -> Flask:
    folder = tmp_path / "pl" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(PO, encoding="utf-8")
    app = Flask(__name__)
    app.extensions["rhi.child_translations"] = i18n.compile_catalogues(tmp_path)
    return app


def test_a_girl_reads_the_words_for_a_girl_and_a_boy_the_words_as_written(tmp_path: Path) -> None:
    with _app(tmp_path).app_context():
        assert i18n.child_gettext("pl.f", "Dear {name}") == "Droga {name}"
        assert i18n.child_gettext("pl", "Dear {name}") == "Drogi {name}"
        assert i18n.child_format("pl.f", "Dear {name}", {"name": "Maja"}) == "Droga Maja"


def test_words_the_same_for_a_girl_come_from_the_usual_entry(tmp_path: Path) -> None:
    with _app(tmp_path).app_context():
        said = "Możesz przestać albo zrobić przerwę, kiedy zechcesz."
        assert i18n.child_gettext("pl.f", "You can stop or take a break at any time.") == said
        assert i18n.child_gettext("pl.f", "Not in the file") is None
        assert i18n.child_gettext("xx.f", "Dear {name}") is None
