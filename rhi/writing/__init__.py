"""The writing check in the app: the rules the app runs, the browser's copy, flag events.

`rhi.language` is the matcher and knows nothing of Flask; this package gives the app one
matcher, built at start-up from RHI_LANGUAGE_RULES (the shipped file by default), so a broken
rules file stops the app when it starts, naming the rule, never when a worker types.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app

from rhi.language import Matcher
from rhi.language.rules import RULES_PATH, read_data, validate_data

EXTENSION = "rhi.language"


def init_app(app: Flask) -> None:
    path = app.config.get("RHI_LANGUAGE_RULES") or RULES_PATH
    data = read_data(path)
    rules = validate_data(data)  # raises RuleFileError naming the rule and the problem
    app.extensions[EXTENSION] = (Matcher(rules), data)


def matcher() -> Matcher:
    return current_app.extensions[EXTENSION][0]


def rules_data() -> dict[str, Any]:
    return current_app.extensions[EXTENSION][1]
