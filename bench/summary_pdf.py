"""Benchmark the summary PDF: rendering one, and serving a kept one again.

Run from the repo root:  .venv/bin/python bench/summary_pdf.py [--repeat 10]

1. Rendering: a 3-4 page summary (Amara's demo interview with longer, realistic notes) through
   `rhi.summaries.pdf.render_summary`, against raw WeasyPrint on the exact HTML that
   `render_html` produced (same base URL, same cached fetcher, plain `write_pdf()`). A third row,
   raw WeasyPrint with rhi's PDF variant (PDF/UA-1), splits rhi's cost into "tagging" and "the
   rest" (building the view and the template). Warm: one untimed call each first; the timed runs
   alternate between targets so drift hits them alike.
2. Serving: the real app under gunicorn on a throwaway SQLite with the demo data, signed in as the
   demo social worker. One untimed GET of the kept summary's PDF (the first download), then
   --repeat timed GETs of /summaries/<id>/pdf against GET /healthz on the same server.

It prints median and p95 per target and the ratios. It exits non-zero only when something broke
(a render failed, the PDF is not 3-4 pages, a server did not start, sign-in failed, a request
was not 200), never because of a timing.
"""

from __future__ import annotations

import argparse
import http.client
import io
import math
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

# The shared gunicorn harness (it also puts the repo on sys.path, so `rhi` imports below work).
from harness import (
    COOKIE_NAME,
    GUNICORN_ARGS,
    HOST,
    BenchError,
    demo_database,
    gunicorn,
    run,
    session_cookie,
    sign_in,
    temp_dir,
)

# pypdf and weasyprint are rhi's own dependencies.
from pypdf import PdfReader
from weasyprint import HTML

from rhi import create_app
from rhi.demo import AMARA_INTERVIEW
from rhi.interviews import content as c
from rhi.sharing import view_for
from rhi.summaries import pdf as summary_pdf
from rhi.summaries.fetcher import BASE_URL, LOGO_URL

SOCIAL_WORKER = "social.worker@example.org"
PAGES_WANTED = range(3, 5)  # a "typical" summary: 3 or 4 pages


@dataclass
class Timing:
    target: str
    median_ms: float
    p95_ms: float
    runs: int
    size: int  # bytes of the PDF (or response body) the target produced


def p95(values: list[float]) -> float:
    """95th percentile, nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def timing(target: str, seconds: list[float], size: int) -> Timing:
    ms = [s * 1000 for s in seconds]
    return Timing(target, statistics.median(ms), p95(ms), len(ms), size)


def print_table(title: str, rows: list[Timing]) -> None:
    print(title)
    print(f"  {'target':<34}{'runs':>6}{'median ms':>12}{'p95 ms':>10}{'bytes':>10}")
    for r in rows:
        print(f"  {r.target:<34}{r.runs:>6}{r.median_ms:>12.1f}{r.p95_ms:>10.1f}{r.size:>10}")


# --- 1. Rendering -------------------------------------------------------------------------------

# Longer notes than the demo's, in the same voice: enough for a summary of 3-4 pages.
LONG_TEXT = {
    "sections.before.text": (
        "Amara said things at the home had been hard since a new young person moved in about six "
        "weeks ago. \u201cNobody listens when I say I'm scared of her.\u201d She described two "
        "arguments in the kitchen that staff broke up, and said she has started staying in her "
        "room in the evenings to keep out of the way. She said she told a member of staff once "
        "but \u201cthey just said we all have to get along\u201d.\n\n"
        "On the day she went missing she had been sent home from school early with a headache. "
        "She said the house felt \u201cloud and horrible\u201d and she messaged Dee, who said she "
        "could come round. She did not tell staff where she was going because she thought they "
        "would stop her. She said she knew staff would report her missing and that she felt bad "
        "about that afterwards, but at the time she \u201cjust needed to be somewhere "
        "else\u201d.\n\n"
        "She also talked about her nan, who moved to Wakefield last year. She used to see her "
        "every weekend and now sees her once a month, and she misses her a lot."
    ),
    "sections.away.text": (
        "Amara stayed two nights at a flat in Beeston. An adult she knows as \u2018Dee\u2019 "
        "bought her food and topped up her phone, and told her not to tell anyone. She slept on a "
        "sofa. She was given alcohol.\n\n"
        "She said other people came and went from the flat, mostly older men she did not know. "
        "Some of them were friendly and one gave her \u00a320 \u201cfor the bus\u201d. She said "
        "nobody hurt her, but when asked whether anyone had asked her to do anything she went "
        "quiet and said \u201cnot really\u201d. She did not want to say more and this was not "
        "pressed.\n\n"
        "On the second night Dee asked her to take a bag to a friend's house on the next street. "
        "She said she did not look inside it. She came back to the flat afterwards and Dee gave "
        "her a new phone case. She said she felt \u201ckind of special\u201d because Dee treats "
        "her like an adult.\n\n"
        "She came home on her own on the third morning because her phone had run out of battery "
        "and she was worried about missing her nan's call. She took two buses and walked the "
        "last part. She had not eaten breakfast."
    ),
    "sections.after.text": (
        "\u201cTired. A bit embarrassed. Glad to have a shower.\u201d She said staff were kind "
        "when she got back and that the manager made her toast. She said she was worried she "
        "would be in trouble with school because she missed two days, and that she did not want "
        "her friends there to know where she had been."
    ),
    "sections.help.text": (
        "She would like to talk to her social worker about moving to a placement nearer her nan, "
        "and agreed to meet the exploitation team's youth worker. She said she would find it "
        "easier to talk to a woman, and would rather meet somewhere that is not the home.\n\n"
        "She would like someone at school to know she is having a hard time, but not the details. "
        "She said the form tutor, Ms Clarke, is \u201cthe only teacher who gets it\u201d. She "
        "asked whether she could have her nan's number saved as an emergency contact so that "
        "staff could call her nan if she goes missing again."
    ),
    "sections.own_words.text": (
        "\u201cI want Jo to know I'm not being bad. I just didn't want to be there. I know Dee "
        "isn't really my friend but she's the only one who picks up when I call. If I could live "
        "near my nan I wouldn't need to go anywhere.\u201d"
    ),
    "sections.analysis.text": (
        "Amara is 16 and is being groomed by an adult known as Dee, who uses food, phone credit "
        "and a place to stay to control her. Concerns of child sexual exploitation. Push factor: "
        "conflict in the placement.\n\n"
        "The bag she was asked to carry, the cash from an unknown adult and the number of adults "
        "visiting the flat are also indicators of criminal exploitation. Her wish to be treated "
        "as an adult and her isolation from her nan make her more vulnerable to this. This is "
        "her second missing episode in a month and both have been to the same address.\n\n"
        "Protective factors are real: she came home by herself, she was open about most of what "
        "happened, she attends school most days and she has a warm relationship with her nan. "
        "Recommend a strategy meeting, a referral to the exploitation team, and that the "
        "placement plan looks at contact with her nan."
    ),
    "protective_factors": (
        "A close relationship with her nan; attends school most days; trusts her form tutor; "
        "came home on her own and spoke openly about most of what happened."
    ),
    "push.placement_relationships.note": "Conflict with a new young person in the home.",
    "push.far_from_family.on": True,
    "push.far_from_family.note": "Her nan moved to Wakefield; contact is now monthly.",
    "pull.exploiting_adults.note": "Dee, about 30, provides food, phone credit and a bed.",
    "pull.gifts.note": "Phone top-ups, a phone case, \u00a320 from a visitor.",
    "pull.somewhere_to_stay.on": True,
    "harms.criminal_exploitation.on": True,
    "harms.criminal_exploitation.note": "Asked to carry a bag to another address.",
    "harms.unexplained_items.on": True,
    "harms.unexplained_items.note": "New phone case and cash.",
    "harms.missing_education.on": True,
    "harms.missing_education.note": "Missed two school days.",
}

PLACES = [
    {
        "name": "A flat above the shops",
        "area": "Beeston, Leeds",
        "when": "Both nights",
        "note": "Dee's flat; several adults visiting.",
    },
    {
        "name": "A house on the next street",
        "area": "Beeston, Leeds",
        "when": "Second night",
        "note": "Took a bag there for Dee.",
    },
    {
        "name": "Bus station",
        "area": "Leeds city centre",
        "when": "Third morning",
        "note": "Changed buses on the way home.",
    },
]
PEOPLE = [
    {
        "name": "Dee",
        "age": "about 30",
        "relationship": "\u201ca friend\u201d",
        "concern": "Gives her gifts and a place to stay; may be exploiting her.",
    },
    {
        "name": "Unknown man (\u2018Kev\u2019)",
        "age": "40s",
        "relationship": "visitor to the flat",
        "vehicle": "Silver hatchback",
        "concern": "Gave her \u00a320.",
    },
]
ACTIONS = [
    {
        "kind": "exploitation_team",
        "owner": "Sam Ahmed",
        "due": "Friday",
        "note": "Youth worker to meet Amara at school, a woman if possible.",
    },
    {
        "kind": "strategy_meeting",
        "owner": "Jo Smith",
        "due": "Within 5 working days",
        "note": "Second episode at the same address.",
    },
    {
        "kind": "school",
        "owner": "Alex Morgan",
        "due": "Monday",
        "note": "Let Ms Clarke know Amara is having a hard time; no details.",
    },
    {
        "kind": "safety_plan",
        "owner": "Home manager",
        "due": "Today",
        "note": "Add her nan's number as an emergency contact.",
    },
]


def long_content() -> dict[str, Any]:
    """Amara's demo interview, with longer notes and more places, people and actions."""
    doc = c.empty_content()
    for path, value in {**AMARA_INTERVIEW, **LONG_TEXT}.items():
        doc = c.set_field(doc, path, value)
    for kind, items in (("places", PLACES), ("people", PEOPLE), ("actions", ACTIONS)):
        for fields in items:
            doc, item_id = c.add_item(doc, kind)
            for field, value in fields.items():
                doc = c.set_field(doc, f"{kind}.{item_id}.{field}", value)
    return doc


def summary_kwargs() -> dict[str, Any]:
    """The keyword arguments `render_summary` and `render_html` take, like `render_for` builds."""
    content = long_content()
    return {
        "child": SimpleNamespace(display_name="Amara Okoye", date_of_birth=date(2010, 5, 14)),
        "episodes": [
            SimpleNamespace(
                started_at=datetime(2026, 11, 17, 16, 40),
                returned_at=datetime(2026, 11, 19, 9, 15),
                risk_grade="High",
            )
        ],
        "interview": SimpleNamespace(held_at=datetime(2026, 11, 20, 15, 30)),
        "view": view_for(content, "social_worker"),
        "prepared_for": "Jo Smith",
        "prepared_at": datetime(2026, 11, 20, 17, 5),
        "interviewer": "Alex Morgan",
        "place": content["start"]["location"],
        "present": content["start"]["present"],
        "dismissed_flags": 2,
    }


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def bench_render(repeat: int) -> tuple[list[Timing], int]:
    """Time rhi's render_summary against raw WeasyPrint on the same HTML; return rows, pages."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x" * 40})
    with app.app_context():
        kwargs = summary_kwargs()
        fetcher = summary_pdf.asset_fetcher()  # the same cached fetcher render_summary uses
        html = summary_pdf.render_html(**kwargs, logo=fetcher.has(LOGO_URL))

        def rhi_render() -> bytes:
            return summary_pdf.render_summary(**kwargs)

        def raw(variant: str | None) -> Callable[[], bytes]:
            def run() -> bytes:
                document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
                out = document.write_pdf(pdf_variant=variant) if variant else document.write_pdf()
                assert out is not None  # bytes when given no target
                return bytes(out)

            return run

        targets: list[tuple[str, Callable[[], bytes]]] = [
            ("raw WeasyPrint (baseline)", raw(None)),
            (f"raw WeasyPrint + {summary_pdf.pdf_variant()}", raw(summary_pdf.pdf_variant())),
            ("rhi render_summary", rhi_render),
        ]
        if summary_pdf.pdf_variant() is None:  # this WeasyPrint has no PDF/UA: row 2 = row 1
            targets.pop(1)
        sizes = {name: len(fn()) for name, fn in targets}  # warm-up, untimed
        pages = page_count(rhi_render())
        if pages not in PAGES_WANTED:
            raise BenchError(f"the summary is {pages} pages, not 3-4: adjust LONG_TEXT")
        seconds: dict[str, list[float]] = {name: [] for name, _ in targets}
        for _ in range(repeat):  # interleaved, so slow drift affects every target alike
            for name, fn in targets:
                t0 = time.perf_counter()
                fn()
                seconds[name].append(time.perf_counter() - t0)
    return [timing(name, seconds[name], sizes[name]) for name, _ in targets], pages


# --- 2. Serving a kept summary ------------------------------------------------------------------


def sign_in_and_find_summary(port: int) -> tuple[str, int]:
    """Sign in as the demo social worker; return the session cookie and the summary's id."""
    cookie, _, inbox = sign_in(port, SOCIAL_WORKER, "/inbox", what="sign-in or inbox")
    found = re.search(r'href="/summaries/(\d+)"', inbox)
    if not found:
        raise BenchError("no summary link on /inbox (is the demo summary there?)")
    return session_cookie(cookie), int(found.group(1))


def get(conn: http.client.HTTPConnection, path: str, headers: dict[str, str]) -> tuple[float, int]:
    """One keep-alive GET; return its seconds and body size, or raise if it is not 200."""
    t0 = time.perf_counter()
    conn.request("GET", path, headers=headers)
    resp = conn.getresponse()
    body = resp.read()  # drain the body so the connection can be reused
    elapsed = time.perf_counter() - t0
    if resp.status != 200:
        raise BenchError(f"GET {path} answered {resp.status}")
    if path.endswith("/pdf") and not body.startswith(b"%PDF-"):
        raise BenchError(f"GET {path} did not return a PDF")
    return elapsed, len(body)


def bench_serving(repeat: int, tmp: Path) -> tuple[list[Timing], int]:
    """Time GET /summaries/<id>/pdf against GET /healthz on one gunicorn; return rows, pages."""
    env = demo_database(tmp)
    with gunicorn("wsgi:app", env, tmp / "gunicorn.log") as port:
        cookie, summary_id = sign_in_and_find_summary(port)
        headers = {"Cookie": f"{COOKIE_NAME}={cookie}"}
        pdf_path = f"/summaries/{summary_id}/pdf"
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        try:
            get(conn, pdf_path, headers)  # the first download: untimed
            get(conn, "/healthz", {})  # warm the baseline path too
            runs: dict[str, list[float]] = {"/healthz": [], pdf_path: []}
            sizes: dict[str, int] = {}
            for _ in range(repeat):  # interleaved, like the render benchmark
                for path, hdrs in (("/healthz", {}), (pdf_path, headers)):
                    seconds, sizes[path] = get(conn, path, hdrs)
                    runs[path].append(seconds)
            conn.request("GET", pdf_path, headers=headers)
            pages = page_count(conn.getresponse().read())
        finally:
            conn.close()
        return [
            timing("GET /healthz (baseline)", runs["/healthz"], sizes["/healthz"]),
            timing(f"GET {pdf_path} (kept)", runs[pdf_path], sizes[pdf_path]),
        ], pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="timed runs per target")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    with temp_dir("rhi-bench-pdf-") as tmp:
        rows, pages = bench_render(args.repeat)
        print_table(f"Rendering a {pages}-page summary (warm, {args.repeat} runs each)", rows)
        base, rhi_row = rows[0], rows[-1]
        ratio = rhi_row.median_ms / base.median_ms
        print(
            f"  render_summary / raw WeasyPrint: median x{ratio:.2f}, "
            f"p95 x{rhi_row.p95_ms / base.p95_ms:.2f}"
        )
        if len(rows) == 3:  # split the median ratio: PDF/UA tagging, then rhi's own work
            tagged = rows[1]
            print(
                f"    of which PDF/UA tagging x{tagged.median_ms / base.median_ms:.2f}, "
                f"rhi's own work x{rhi_row.median_ms / tagged.median_ms:.2f}"
            )

        rows, pages = bench_serving(args.repeat, tmp)
        print_table(
            f"Serving a kept summary again (gunicorn {' '.join(GUNICORN_ARGS[:4])}, "
            f"{pages}-page demo PDF, second+ download)",
            rows,
        )
        base, pdf_row = rows
        print(
            f"  PDF download / healthz: median x{pdf_row.median_ms / base.median_ms:.2f}, "
            f"p95 x{pdf_row.p95_ms / base.p95_ms:.2f}"
        )
        return 0


if __name__ == "__main__":
    sys.exit(run(main))
