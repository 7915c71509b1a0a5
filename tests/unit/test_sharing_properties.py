"""For every recipient and any interview: the PDF copy holds every part they may read and none
that they may not (kept-back text, private parts, other recipients' consent and decisions).
Real WeasyPrint, read back with pypdf; the oracle is tests/sharing_cases.py."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from pypdf import PdfReader

from rhi import create_app
from rhi.interviews.content import RECIPIENTS
from rhi.sharing import view_for
from rhi.summaries import pdf as summary_pdf
from tests.sharing_cases import Case, cases


@pytest.fixture(scope="module")
def pdf_app() -> Iterator[Any]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x" * 40})
    with app.app_context():
        yield app


def pdf_text(case: Case, recipient: str) -> str:
    data = summary_pdf.render_summary(
        child=SimpleNamespace(display_name="Jordan Reyes", date_of_birth=date(2011, 3, 4)),
        episodes=[
            SimpleNamespace(
                started_at=datetime(2026, 11, 20, 22, 5),
                returned_at=datetime(2026, 11, 21, 9, 30),
                risk_grade="High",
            )
        ],
        interview=SimpleNamespace(held_at=datetime(2026, 11, 22, 15, 0)),
        view=view_for(case.content, recipient, in_force=case.in_force),
        prepared_for="A reader",
        prepared_at=datetime(2026, 11, 23, 10, 42),
        interviewer="Alex Morgan",
        place="A café",
        present="Jordan and Alex",
        dismissed_flags=0,
    )
    # Without whitespace: a marker may be wrapped at the edge of a table cell.
    return "".join("".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.slow
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(case=cases())
def test_each_copy_holds_exactly_what_its_reader_may_read(pdf_app: Any, case: Case) -> None:
    for recipient in RECIPIENTS:
        text = pdf_text(case, recipient)
        found = {m for m in case.markers if m in text}
        allowed = case.may_read(recipient)
        assert found == allowed, (recipient, sorted(found - allowed), sorted(allowed - found))
