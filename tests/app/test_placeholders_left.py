"""A part of a suggested wording left unfilled ("[person]") is a gap on review and is named
again when finishing, which is still allowed (issue 14 item 1, the placeholder part). Only the
rules' own placeholders count: a worker's own brackets are theirs."""

from __future__ import annotations

from tests.app.helpers import autosave, content, start


def test_an_unfilled_placeholder_is_a_gap_and_is_named_when_finishing(app, web, world):
    uuid = start(web, world)
    text = "Ada was exploited by [person or place] near Beeston [she said the name twice]"
    assert autosave(web, uuid, "sections.away.text", text, None).status_code == 200
    review = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert "\u201cWhile away: What Ada said\u201d still has [person or place] to fill in." in review
    assert "[she said the name twice] to fill in" not in review
    finished = web.post(
        f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review", follow=True
    ).get_data(as_text=True)
    assert "Interview finished." in finished
    assert "Still to fill in, as an addendum:" in finished and "[person or place]" in finished
    assert content(app, uuid)[2] in ("finished", "shared")


def test_no_placeholder_no_gap(app, web, world):
    uuid = start(web, world)
    autosave(web, uuid, "sections.away.text", "Ada stayed with a friend [her words].", None)
    review = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert "to fill in." not in review
