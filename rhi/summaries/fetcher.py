"""The only way WeasyPrint may load anything while making a summary PDF.

WeasyPrint's own fetcher opens whatever a document names: `file:` (so `<link rel="attachment"
href="file:///etc/passwd">` embeds the server's files in the PDF), `http(s):` (so an `<img>`
can reach the internal network), `ftp:`, `data:`, and it follows redirects. This one serves an
in-memory map of the app's own static assets, read from disk once when it is built, under a
private scheme (`rhi-asset:/css/pdf.css`), and refuses everything else. It never opens a file or
a socket while rendering, so there is nothing to fall back to.

URLs must be absolute `rhi-asset:` URLs and match a key exactly: there is no path joining and no
decoding, so `rhi-asset:/../../etc/passwd` or `rhi-asset:/%2e%2e/x` are simply unknown.
(Python's `urljoin` does not resolve relative URLs against an unknown scheme, so the template
and `pdf.css` spell every URL out in full.)
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib import request

from fontTools.ttLib import woff2
from weasyprint.urls import URLFetcher, URLFetcherResponse

from rhi.summaries.asset_urls import BASE_URL, CSS_URL, LOGO_URL, SCHEME, STATIC_DIR

__all__ = ["BASE_URL", "CSS_URL", "LOGO_URL", "SCHEME", "STATIC_DIR", "AssetFetcher"]

log = logging.getLogger(__name__)

# Atkinson Hyperlegible (SIL OFL 1.1), from npm @fontsource/atkinson-hyperlegible, copied into
# static/vendor by scripts/build-frontend.mjs. They are served to WeasyPrint as TrueType, decoded
# from WOFF2 once when the fetcher is built: WeasyPrint decodes a WOFF2 font (with fontTools) each
# time a document names it, which was two thirds of the time of every PDF.
FONT_FILES: tuple[str, ...] = tuple(
    f"atkinson-hyperlegible-{subset}-{face}.woff2"
    for subset in ("latin", "latin-ext")
    for face in ("400-normal", "700-normal", "400-italic")
)

# The logo is optional: the first of these that exists is served at LOGO_URL.
LOGO_CANDIDATES: tuple[tuple[str, str], ...] = (
    ("icons/icon.svg", "image/svg+xml"),
    ("icons/icon-192.png", "image/png"),
)


def font_url_name(file_name: str) -> str:
    """The name pdf.css loads a font by: the vendored WOFF2 file's, as TrueType."""
    return file_name.removesuffix(".woff2") + ".ttf"


class AssetRefusedError(ValueError):
    """A URL the PDF renderer is not allowed to load. WeasyPrint logs it and skips it."""


class MissingAssetsError(RuntimeError):
    """The built front-end files (fonts) are not there: the PDF would not look as intended."""


@dataclass(frozen=True)
class Asset:
    body: bytes
    content_type: str


def _read_assets(static_dir: Path) -> dict[str, Asset]:
    """Every asset the PDF may use, keyed by its path under BASE_URL; read now, once."""
    missing = [name for name in FONT_FILES if not (static_dir / "vendor" / name).is_file()]
    if missing:
        raise MissingAssetsError(
            f"The PDF fonts are missing from {static_dir / 'vendor'} ({', '.join(missing)}). "
            "Run `npm ci && npm run build` in the project folder, then try again."
        )
    assets = {
        "css/pdf.css": Asset(
            (static_dir / "css" / "pdf.css").read_bytes(), "text/css; charset=utf-8"
        ),
    }
    for name in FONT_FILES:
        truetype = io.BytesIO()
        woff2.decompress(io.BytesIO((static_dir / "vendor" / name).read_bytes()), truetype)
        assets[f"fonts/{font_url_name(name)}"] = Asset(truetype.getvalue(), "font/ttf")
    for relative, content_type in LOGO_CANDIDATES:
        if (static_dir / relative).is_file():
            assets["icons/logo"] = Asset((static_dir / relative).read_bytes(), content_type)
            break
    return assets


class AssetFetcher(URLFetcher):
    """A WeasyPrint 70 URL fetcher that serves only the in-memory assets and refuses the rest."""

    def __init__(self, static_dir: Path = STATIC_DIR) -> None:
        # The parent sets the attributes WeasyPrint reads (e.g. `_fail_on_errors`). A refused URL
        # is not fatal: WeasyPrint skips it (an image shows its alt text) and carries on.
        super().__init__(allowed_protocols=(SCHEME,), allow_redirects=False, fail_on_errors=False)
        # Then drop every urllib handler the parent installed (file, http, https, ftp, data,
        # proxy): even a call to the inherited opener machinery has nothing it could open.
        request.OpenerDirector.__init__(self)
        self._assets = _read_assets(static_dir)

    def has(self, url: str) -> bool:
        return self._lookup(url) is not None

    def _lookup(self, url: str) -> Asset | None:
        if not isinstance(url, str) or not url.startswith(BASE_URL):
            return None
        return self._assets.get(url[len(BASE_URL) :])

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        asset = self._lookup(url)
        if asset is None:
            scheme = url.split(":", 1)[0][:20] if isinstance(url, str) and ":" in url else "?"
            # Only the scheme is logged: a URL could carry text from the record.
            log.warning("PDF renderer refused a %s: URL (only rhi-asset: files are served)", scheme)
            raise AssetRefusedError("the PDF renderer may load only rhi's own assets")
        return URLFetcherResponse(
            url, body=asset.body, headers={"Content-Type": asset.content_type}
        )

    def open(self, url: Any, data: Any = None, timeout: Any = None) -> URLFetcherResponse:
        # urllib-style callers pass a Request; either way only `fetch` decides.
        return self.fetch(url.full_url if isinstance(url, request.Request) else url)

    def __call__(self, url: str) -> URLFetcherResponse:
        return self.fetch(url)
