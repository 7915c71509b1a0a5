"""The coordinator imports the police's file in Chromium: upload, confirm the columns, preview,
import; the new return waits to be allocated, is allocated to a worker, and shows on the
worker's Returns list. The pages pass axe."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from rhi.models.base import utcnow
from tests.browser.helpers import serious_violations, sign_in

pytestmark = pytest.mark.browser


def test_import_preview_apply_allocate_and_the_workers_list(page, tmp_path):
    # Times in the past on the real clock (the live server's), in the file's local form.
    missing = (utcnow() - timedelta(days=2)).strftime("%d/%m/%Y 09:00")
    found = (utcnow() - timedelta(days=1)).strftime("%d/%m/%Y 10:30")
    csv = tmp_path / "police.csv"
    csv.write_text(
        "Police Reference,Forename,Surname,Date of birth,Reported missing,Found,Risk grade\n"
        f"BRW-IMPORT-1,Orla,Importfield,12/06/2012,{missing},{found},Medium\n"
        f"BRW-IMPORT-2,Pip,Importfield,31/02/2012,{missing},,Low\n",
        encoding="utf-8",
    )
    sign_in(page, "coordinator@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Import").click()
    page.get_by_label("The police's notifications file (CSV)").set_input_files(str(csv))
    page.get_by_role("button", name="Read the file").click()

    page.wait_for_url("**/columns")
    assert page.get_by_label("Date of birth", exact=True).input_value() == "Date of birth"
    assert serious_violations(page) == []
    page.get_by_label("Save these columns as").fill("Browser test export")
    page.get_by_role("button", name="Save the columns and preview").click()

    expect(page.get_by_text("1 new, 0 to update, 0 unchanged, 0 waiting")).to_be_visible()
    expect(page.get_by_text("“31/02/2012” is not a real date")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Import these notifications").click()
    expect(page.get_by_role("heading", name="What the import did")).to_be_visible()
    expect(page.get_by_role("link", name="Download the refused rows")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Returns").click()
    waiting = page.locator("section.unallocated")
    expect(waiting.get_by_role("link", name="Orla Importfield", exact=True)).to_be_visible()
    waiting.get_by_role("link", name="Allocate Orla Importfield's return").click()
    page.get_by_label("Sam Ahmed").check()
    with page.expect_navigation():  # the allocation done before the next sign-in
        page.get_by_role("button", name="Allocate", exact=True).click()
    expect(page.get_by_text("Sam Ahmed").first).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    expect(page.get_by_text("Orla Importfield").first).to_be_visible()
    assert page.console_errors == []
