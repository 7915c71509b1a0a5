"""Charts of the service's figures, drawn on the server as SVG with pygal. No Flask here.

The same SVG goes on the page (as an image: the page's Content-Security-Policy allows no inline
styles, and an SVG image keeps its own) and into the one-page PDF (inline, which WeasyPrint
draws itself, with no fetch). pygal's browser script for tooltips is left out (`js=[]`): it is
fetched from the internet, and a chart here has its table beside it, which says every number
for a screen reader and on paper.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pygal.style import Style


@cache
def _style() -> Style:
    """The app's own colours (static/css/app.css), dark enough on white for text and bars alike.
    pygal is imported here, on the first chart drawn, not when the app starts: only the
    oversight pages draw charts, and the import costs every process a fiftieth of a second."""
    from pygal.style import Style

    return Style(
        background="white",
        plot_background="white",
        foreground="#1d1d1b",
        foreground_strong="#1d1d1b",
        foreground_subtle="#5f6368",
        colors=("#1d4f91", "#2e7d32", "#8a4b00", "#6a1b9a", "#b00020"),
        font_family="Atkinson Hyperlegible, Arial, sans-serif",
        label_font_size=14,
        major_label_font_size=14,
        value_font_size=14,
        title_font_size=16,
    )


SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True)
class Chart:
    title: str
    svg: str  # the whole SVG document, without an XML declaration

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def bars(title: str, rows: Sequence[tuple[str, int]], *, width: int = 640) -> Chart:
    """A horizontal bar per row (label, number), each bar labelled with its number."""
    import pygal

    chart = pygal.HorizontalBar(
        style=_style(),
        width=width,
        height=70 + 44 * max(1, len(rows)),
        js=[],
        disable_xml_declaration=True,
        show_legend=False,
        print_values=True,
        show_y_guides=False,
        explicit_size=True,
        margin=8,
        title=None,  # the page's heading says it, once
    )
    # pygal draws the first label at the bottom; reversed, they read top to bottom as listed.
    listed = list(reversed(rows))
    chart.x_labels = [label for label, _ in listed]
    chart.add(title, [number for _, number in listed])
    rendered = chart.render()
    svg = rendered.decode() if isinstance(rendered, bytes) else str(rendered)
    # pygal still writes its tooltip configuration as an inline script: nothing here runs
    # script (an image never does, nor does the PDF), so it goes, and the SVG is only a drawing.
    return Chart(title, SCRIPT.sub("", svg))
