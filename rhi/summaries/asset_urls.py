"""Where the PDF templates find rhi's own assets: a private URL scheme the locked-down fetcher
(`rhi.summaries.fetcher`) serves from memory.

Kept apart from the fetcher so that the templates' helpers can name these URLs without
importing WeasyPrint, which takes over a second to load: the app and its workers import it only
when a PDF is first made.
"""

from __future__ import annotations

from pathlib import Path

SCHEME = "rhi-asset"
BASE_URL = f"{SCHEME}:/"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

CSS_URL = f"{BASE_URL}css/pdf.css"
LOGO_URL = f"{BASE_URL}icons/logo"
