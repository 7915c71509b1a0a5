"""The review's "Wording to look at again" offers what the box itself offers for the same words
(Matcher.replacement, which static/js/language-check.js mirrors: tests/unit hold the two to the
same answers), not the rule's own list: a probe found the box offering "is being exposed to
risk by…" and the review, for the same phrase, other words."""

from __future__ import annotations

import html

from rhi.writing import matcher
from tests.app.helpers import autosave, page_text, start

TYPED = "She keeps putting herself at risk by going to the park at night."


def test_the_review_offers_the_boxs_own_wordings(app, web, world):
    uuid = start(web, world)
    assert autosave(web, uuid, "sections.away.text", TYPED, "").status_code == 200
    review = html.unescape(page_text(web.get(f"/interviews/{uuid}/review").get_data(as_text=True)))
    with app.app_context():
        check = matcher()
        (flag,) = [f for f in check.check(TYPED) if "risk" in f.text]
        offered = check.replacement(TYPED, flag)
    assert offered.options, "the box offers a tap for this phrase"
    said = f"your words “{offered.text}”. {flag.reason} Try: {'; '.join(offered.options)}."
    assert said in review
