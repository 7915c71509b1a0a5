"""Parts of a suggested wording the worker has not filled yet ("[person]"), found in every
field the writing check reads: listed on review as gaps and named again when finishing (never
blocking). The placeholders are the rules' own (Matcher.placeholders), so a worker's own
brackets are not taken for one."""

from __future__ import annotations

from typing import Any

from rhi.interviews import content as c
from rhi.interviews import fields as catalogue
from rhi.writing import matcher


def left_unfilled(content: dict[str, Any], child: str = catalogue.CHILD) -> list[str]:
    known = matcher().placeholders
    document = c.normalise(content)
    gaps = []
    for path, text in c.text_fields(document):
        found = sorted({p for p in known if p in text}, key=text.index)
        if found:
            title = catalogue.title(path, (document,), child)
            gaps.append(f"\u201c{title}\u201d still has {', '.join(found)} to fill in.")
    return gaps
