"""Every page sent back with a form's errors says so at the top of its content, one line per
field linking to it, and "Error:" in its title (rhi/forms/base.py, base.html), whether or not
its view passed the errors itself; a page with none says nothing of the kind."""

from __future__ import annotations

import re


def _summary(html: str) -> list[tuple[str, str]]:
    block = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', html, re.S)
    if not block:
        return []
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', block.group(1))


def test_the_admins_new_user_form_sent_back_says_what_to_fix_at_the_top(web, world):
    web.sign_in(world.emails["admin"])
    blank = web.get("/admin/users").get_data(as_text=True)
    assert _summary(blank) == [] and "<title>Error: " not in blank
    new = {
        "name": "",
        "email": "not an address",
        "role": "worker",
        "team_id": "0",
        "password": "a kettle, two owls and a lighthouse 42",
    }
    response = web.post("/admin/users", new, page="/admin/users")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>Error: " in html
    lines = dict(_summary(html))
    assert lines["name"] == "Full name: Enter the person&#39;s name."
    assert lines["email"].startswith("Email address: Enter an email address like")
    assert html.count('class="error-summary"') == 1
    # An error the view adds after the form was valid is listed too.
    taken = {**new, "name": "Sam Smith", "email": world.emails["worker_a"]}
    html = web.post("/admin/users", taken, page="/admin/users").get_data(as_text=True)
    assert dict(_summary(html))["email"] == "Email address: Someone already has this email address."


def test_a_page_that_lists_its_own_errors_lists_them_once(app, web, world):
    web.sign_in(world.emails["worker_a"])
    episode = world.episodes["a"]
    html = web.post(
        f"/episodes/{episode}/attempts",
        {"attempted_at": "", "method": "visit", "outcome": "no_answer"},
        page=f"/episodes/{episode}",
    ).get_data(as_text=True)
    assert html.count('class="error-summary"') == 1
    assert html.count("<title>Error: ") == 1 and "Error: Error:" not in html
