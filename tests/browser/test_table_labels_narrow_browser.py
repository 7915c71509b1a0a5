"""At 320 px (a phone, or 400% zoom) a table is a card for each row with its headings off
screen: each value now shows its column's heading above it (table-labels.js, app.css), and
only there. Before, a probe read "17 / Looked after / 4 Dec 2026" with nothing saying which
was the age and which the date (WCAG 1.4.10 reflow, 1.3.1)."""

from __future__ import annotations

import pytest

from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser

# What is drawn before each cell of the first child's row: its label, or "none".
LABELS = """() => [...document.querySelectorAll("table.table tbody tr")][0]
  .querySelectorAll("td")
  .values()
  .map((cell) => getComputedStyle(cell, "::before").content)
  .toArray()"""


def test_each_value_says_its_column_on_a_narrow_screen_and_only_there(page):
    sign_in(page, "coordinator@example.org")
    page.wait_for_load_state("load")
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/children")
    headings = page.locator("table.table thead th").all_inner_texts()
    shown = page.evaluate(LABELS)
    # Every cell but the row's own heading (the name), under its column's heading.
    assert shown == [f'"{name.strip()}"' for name in headings[1:]]
    assert any("Age" in label for label in shown)
    page.set_viewport_size({"width": 1024, "height": 768})
    assert set(page.evaluate(LABELS)) == {"none"}
