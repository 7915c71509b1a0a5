""" "Show large" in Chromium: the worker turns the tablet to the child, often with a carer or
parent beside them, so while the question is shown large nothing of the worker's page may be
read around it. The page holds the worker's notes and what the child asked not to be passed on,
maybe from the very person sitting there; the browser's own backdrop only dims it. Checked as a
person would see it (the screenshot around the question is one flat colour) on a tablet held
either way, with forced colours too, and on paper; closing the question brings the page back."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.helpers import sign_in, start_online, to_part

pytestmark = pytest.mark.browser

KEPT_BACK = "Kuba made her carry a bag to Leeds"
# A tablet held either way, each with its own child: first names no other test uses.
HELD = {
    "portrait": ({"width": 768, "height": 1024}, "Briallen"),
    "landscape": ({"width": 1024, "height": 768}, "Bryony"),
}

# The page's kept-back box scrolled into view behind the open question, then a point of it
# outside the question's box (both in CSS pixels), the backdrop's colour, and what is there.
BEHIND = """(id) => {
    const box = document.getElementById(id);
    box.scrollIntoView({ block: "start" });
    const shown = document.getElementById("prompt-dialog").getBoundingClientRect();
    const rect = box.getBoundingClientRect();
    const x = Math.round(rect.left + rect.width / 2);
    const y = Math.round(rect.top + Math.min(rect.height, 40) / 2);
    const outside = y < shown.top || y > shown.bottom || x < shown.left || x > shown.right;
    return {
        x, y, outside,
        dialog: [shown.left, shown.top, shown.right, shown.bottom],
        backdrop: getComputedStyle(document.getElementById("prompt-dialog"), "::backdrop")
            .backgroundColor,
        there: document.elementFromPoint(x, y)?.id ?? null,
    };
}"""


def rgba(css: str) -> tuple[int, int, int, float]:
    """A computed colour ("rgb(r, g, b)" or "rgba(r, g, b, a)") as numbers."""
    parts = [float(p) for p in re.findall(r"[\d.]+", css)]
    alpha = parts[3] if len(parts) == 4 else 1.0
    return int(parts[0]), int(parts[1]), int(parts[2]), alpha


def colours_around(page, dialog: list[float]) -> set[tuple[int, int, int]]:
    """Every colour on the screen outside the question's box: one, if nothing shows around it."""
    shot = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    left, top, right, bottom = (round(v) for v in dialog)
    seen: set[tuple[int, int, int]] = set()
    for y in range(0, shot.height, 2):
        for x in range(0, shot.width, 2):
            # A pixel either side of the box: its rounded corners are smoothed into the backdrop.
            if left - 1 <= x <= right + 1 and top - 1 <= y <= bottom + 1:
                continue
            seen.add(shot.getpixel((x, y)))
    return seen


def show_large(page, box_id: str) -> dict:
    page.get_by_role("button", name="Show large").first.click()
    expect(page.locator("#prompt-dialog")).to_be_visible()
    return page.evaluate(BEHIND, box_id)


def assert_page_hidden(page, behind: dict) -> None:
    assert behind["outside"], f"the kept-back box is all behind the question: {behind}"
    red, green, blue, alpha = rgba(behind["backdrop"])
    assert alpha == 1, f"the page shows through the backdrop: {behind['backdrop']}"
    # What a tap or a finger there meets is the question's backdrop, not the worker's box...
    assert behind["there"] == "prompt-dialog", behind
    # ...and what an eye meets there, and all around the question, is the backdrop's colour.
    assert colours_around(page, behind["dialog"]) == {(red, green, blue)}


@pytest.mark.parametrize("held", HELD)
def test_show_large_hides_what_the_child_asked_not_to_pass_on(page, new_return, held):
    viewport, child = HELD[held]
    page.set_viewport_size(viewport)
    episode_id = new_return(child)
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    start_online(page, episode_id)
    to_part(page, "While away")
    kept_back = page.get_by_label(f"Anything {child} told you but asked you not to pass on")
    kept_back.fill(KEPT_BACK)
    box_id = kept_back.get_attribute("id")

    behind = show_large(page, box_id)
    assert_page_hidden(page, behind)
    close = page.locator("#prompt-dialog").get_by_role("button", name="Close")
    box = close.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44  # the way back is a full-size target

    close.click()
    expect(page.locator("#prompt-dialog")).not_to_be_visible()
    kept_back.evaluate("(box) => box.scrollIntoView({ block: 'start' })")
    expect(kept_back).to_have_value(KEPT_BACK)
    expect(kept_back).to_be_visible()
    there = f"() => document.elementFromPoint({behind['x']}, {behind['y']})?.id"
    assert page.evaluate(there) == box_id

    # High contrast (Windows' forced colours): the system's colours, and still nothing shows.
    page.emulate_media(forced_colors="active")
    behind = show_large(page, box_id)
    assert_page_hidden(page, behind)
    close.click()

    # Printed while the question is shown (no backdrop on paper): only the question is on it.
    page.emulate_media(forced_colors="none")
    shown = page.locator("#prompt-dialog-text")
    show_large(page, box_id)
    paper = PdfReader(io.BytesIO(page.pdf()))
    printed = "\n".join(sheet.extract_text() for sheet in paper.pages)
    assert shown.inner_text().split()[0] in printed
    assert KEPT_BACK.split()[0] not in printed and "pass on" not in printed
    close.click()
    assert page.console_errors == []
