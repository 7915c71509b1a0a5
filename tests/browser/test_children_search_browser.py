"""The Children list's search by name in Chromium: a labelled box and button a finger can hit
(44 px, WCAG 2.5.8), Enter shows the children found (the name never in the address), the back
button returns to the whole list, and axe finds nothing serious on either page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import serious_violations, sign_in

pytestmark = pytest.mark.browser


def test_a_coordinator_finds_a_child_by_typing_part_of_the_name(page):
    sign_in(page, "coordinator@example.org")
    page.wait_for_load_state("load")
    page.goto("/children")
    box = page.get_by_label("Search by name")
    expect(page.locator("label[for=children-search]")).to_be_visible()
    button = page.get_by_role("button", name="Search")
    assert box.bounding_box()["height"] >= 44
    assert button.bounding_box()["height"] >= 44
    assert serious_violations(page) == []
    box.fill("pric")
    box.press("Enter")
    expect(page.get_by_text("Children whose name matches “pric”")).to_be_visible()
    assert page.url.endswith("/children") and "pric" not in page.url  # never in the address
    rows = page.locator("tbody th[scope=row]")
    expect(rows.first).to_have_text("Ellie Price")
    assert all("Price" in name for name in rows.all_inner_texts())
    expect(page.get_by_label("Search by name")).to_have_value("pric")
    assert serious_violations(page) == []
    page.go_back()
    page.wait_for_url(re.compile(r"/children$"))
    expect(page.get_by_label("Search by name")).to_have_value("")
