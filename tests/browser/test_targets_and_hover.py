"""What a finger taps is big enough, and a button stays readable when pointed at (WCAG 2.2 AA,
and this project's 44 px), in Chromium on a portrait tablet.

Before: links drawn as buttons ("Set up a second factor", "Add a child") took the link's hover
colour, dark blue text on the dark blue button, 1:1, and a tablet keeps the hover after a tap;
date and number boxes were 21 px tall, the service page's figures 11 px wide, "Your account"
and the episode's "Allocations" 27 px tall."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import sign_in, start_online, to_part

pytestmark = pytest.mark.browser

# Everything a finger can tap, as it is on screen; a link inside running text (display inline,
# with words of the sentence around it) is exempt (WCAG 2.5.8), as are a checkbox's or
# radio's own box, whose row and label are the target (checked below), and the skip link,
# which is off screen until focused.
SMALL_TARGETS = r"""() => {
  const small = [];
  const targets = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  for (const el of document.querySelectorAll(targets)) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility === 'hidden') continue;
    if (el.classList.contains('skip-link')) continue;
    // A link that is the whole of its line (a paragraph of its own) is in no sentence: not
    // exempt. Before: "About Ada", "Back to the service" and the like were 27 px tall.
    const line = el.parentElement;
    const alone = line && line.tagName === 'P' && line.textContent.trim() === el.textContent.trim();
    if (el.tagName === 'A' && style.display === 'inline' && !alone) continue;
    let w = box.width, h = box.height;
    if (el.type === 'checkbox' || el.type === 'radio') {
      const row = el.closest('.radio, .checkbox, label') || el;
      const r = row.getBoundingClientRect();
      if (w < 24 || h < 24) small.push(`${el.type} box ${Math.round(w)}x${Math.round(h)}`);
      w = r.width; h = r.height;
    }
    if (w < 44 || h < 44) {
      const name = (el.innerText || el.value || el.getAttribute('aria-label') || el.type || '')
        .trim().replace(/\s+/g, ' ').slice(0, 40);
      small.push(`${el.tagName.toLowerCase()} "${name}" ${Math.round(w)}x${Math.round(h)}`);
    }
  }
  return small;
}"""


def luminance(colour: str) -> float:
    r, g, b = (int(x) / 255 for x in re.findall(r"\d+", colour)[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(foreground: str, background: str) -> float:
    a, b = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def colours(locator) -> tuple[str, str]:
    return tuple(
        locator.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]")
    )


def test_a_link_drawn_as_a_button_stays_readable_when_pointed_at_or_tapped(page):
    tablet = page  # the page fixture is a portrait tablet (768 x 1024)
    sign_in(tablet, "worker@example.org")
    tablet.wait_for_url("**/returns")
    tablet.goto("/account")
    button = tablet.get_by_role("link", name="Set up a second factor")
    assert contrast(*colours(button)) >= 4.5
    button.hover()
    assert contrast(*colours(button)) >= 4.5
    # A secondary button (white, dark blue words) too: the Sign out button in the header.
    plain = tablet.get_by_role("button", name="Sign out", exact=True)
    plain.hover()
    assert contrast(*colours(plain)) >= 4.5


def test_every_target_on_the_workers_and_managers_pages_is_big_enough(
    page, browser, relay, new_return
):
    tablet = page
    episode_id = new_return("Tappola")
    sign_in(tablet, "worker@example.org")
    tablet.wait_for_url("**/returns")
    pages = {"returns": tablet.evaluate(SMALL_TARGETS)}
    tablet.locator(".card-title a").first.click()
    tablet.wait_for_url(re.compile(r"/episodes/\d+$"))
    pages["episode"] = tablet.evaluate(SMALL_TARGETS)
    tablet.goto("/account")
    pages["account"] = tablet.evaluate(SMALL_TARGETS)
    start_online(tablet, episode_id)
    pages["start"] = tablet.evaluate(SMALL_TARGETS)
    to_part(tablet, "Analysis and actions")
    tablet.get_by_role("button", name="Add an action").click()
    tablet.get_by_label("By when (a date)").first.wait_for()
    pages["analysis"] = tablet.evaluate(SMALL_TARGETS)
    manager = browser.new_context(base_url=relay.url, viewport={"width": 768, "height": 1024})
    try:
        other = manager.new_page()
        sign_in(other, "manager@example.org")
        other.wait_for_url("**/returns")
        for path in ("/service", "/service/repeats"):
            other.goto(path)
            pages[path] = other.evaluate(SMALL_TARGETS)
    finally:
        manager.close()
    assert {name: small for name, small in pages.items() if small} == {}
