"""Every action rhi records in the audit (audit.record's first argument, anywhere under rhi/)
has words on a child's record trail (rhi/children/trail_words.py WORDS), so a new action never
reaches a manager as a code such as "episode.allocate".

The source is read, not run: each call's first argument is collected where it is a string, a
choice of strings ("a" if x else "b"), or a parameter of the function making the call (the
strings its callers pass, and its default). Anything else (an f-string, a value worked out)
fails here, as it cannot be checked: name the action as a string."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from rhi.children import trail

RHI = Path(trail.__file__).resolve().parents[1]
RECORDERS = ("record", "record_each")


@dataclass(frozen=True)
class Relay:
    """A function that passes one of its parameters to audit.record as the action."""

    module: Path
    name: str
    index: int  # the parameter's position
    parameter: str
    default: ast.expr | None


def _is_record_call(node: ast.Call, path: Path) -> bool:
    func = node.func
    if isinstance(func, ast.Attribute):
        return (
            func.attr in RECORDERS and isinstance(func.value, ast.Name) and func.value.id == "audit"
        )
    # rhi/audit.py calls its own `record` by its bare name.
    return path.name == "audit.py" and isinstance(func, ast.Name) and func.id in RECORDERS


def _strings(node: ast.expr | None, where: str, problems: list[str]) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _strings(node.body, where, problems) | _strings(node.orelse, where, problems)
    problems.append(f"{where}: an action that is not a string ({ast.unparse(node or ast.Pass())})")
    return set()


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.arg]:
    args = function.args
    return [*args.posonlyargs, *args.args, *args.kwonlyargs]


def _default(function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> ast.expr | None:
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    defaults = dict(
        zip(
            [a.arg for a in positional[len(positional) - len(args.defaults) :]],
            args.defaults,
            strict=True,
        )
    )
    for arg, value in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        if value is not None:
            defaults[arg.arg] = value
    return defaults.get(name)


def scan() -> tuple[set[str], list[str]]:
    """The actions the source records, and what could not be read as one."""
    actions: set[str] = set()
    problems: list[str] = []
    relays: list[Relay] = []
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in RHI.rglob("*.py")}
    for path, tree in trees.items():
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            names = [a.arg for a in _parameters(function)]
            for node in ast.walk(function):
                if not (isinstance(node, ast.Call) and _is_record_call(node, path)):
                    continue
                first = node.args[0] if node.args else None
                where = f"{path.relative_to(RHI.parent)}:{node.lineno}"
                if isinstance(first, ast.Name) and first.id in names:
                    relays.append(
                        Relay(
                            path,
                            function.name,
                            names.index(first.id),
                            first.id,
                            _default(function, first.id),
                        )
                    )
                else:
                    actions |= _strings(first, where, problems)
    for relay in relays:
        if relay.default is not None:
            actions |= _strings(relay.default, f"{relay.name}'s default", problems)
        # A private function is called in its own module; any other, anywhere in rhi.
        places = [relay.module] if relay.name.startswith("_") else list(trees)
        calls = 0
        for path in places:
            for node in ast.walk(trees[path]):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                if called != relay.name:
                    continue
                calls += 1
                where = f"{path.relative_to(RHI.parent)}:{node.lineno}"
                given = [k.value for k in node.keywords if k.arg == relay.parameter]
                if relay.index < len(node.args):
                    given.append(node.args[relay.index])
                for value in given:
                    actions |= _strings(value, where, problems)
        assert calls, f"{relay.name} passes its {relay.parameter} to audit.record: no call found"
    return actions, problems


def test_every_recorded_action_has_words_on_the_trail():
    actions, problems = scan()
    assert not problems, problems
    # The scan finds what it must: literal, chosen and passed-on actions alike.
    assert {
        "child.profile.view",  # a string
        "episode.allocate",  # one of two, chosen
        "episode.return.update",
        "sharing.confirm",  # passed to a function that records it
        "register.view",  # a parameter's default
        "summary.question",
        "page.refused",  # rhi/audit.py's own
    } <= actions
    missing = sorted(a for a in actions if a not in trail.WORDS)
    assert not missing, f"no words on the record trail for: {missing}"


def test_the_words_are_words():
    """No entry is itself a code. (An action no longer recorded keeps its words: the audit's
    rows are kept, and older ones still name it.)"""
    code = re.compile(r"\b[a-z]+(?:[._][a-z0-9]+)+\b")
    for action, words in trail.WORDS.items():
        assert words and words[0].isupper() and not code.search(words), (action, words)


def test_every_recorded_outcome_has_words_on_the_trail():
    """The Outcome column says what happened in words: a failed job read "Allowed", as
    everything not refused did. Every outcome given to audit.record (a keyword, as a string)
    has its words."""
    outcomes: set[str] = set()
    problems: list[str] = []
    for path in RHI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and _is_record_call(node, path)):
                continue
            for keyword in node.keywords:
                # A variable (interviews/views.py's unlock) holds strings set just above.
                if keyword.arg == "outcome" and not isinstance(keyword.value, ast.Name):
                    where = f"{path.relative_to(RHI.parent)}:{node.lineno}"
                    outcomes |= _strings(keyword.value, where, problems)
    assert not problems, problems
    assert {"refused", "failed", "invalid", "not_found"} <= outcomes  # the scan finds them
    missing = sorted(o for o in outcomes | {"ok"} if o not in trail.RESULTS)
    assert not missing, f"no words on the record trail for the outcomes: {missing}"
    assert trail.RESULTS["failed"] == "Failed" and trail.RESULTS["refused"] == "Refused"
