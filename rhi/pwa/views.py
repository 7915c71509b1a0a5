"""The installable app: manifest, service worker and the offline page.

The service worker's script is a plain file (static/js/sw.js). This view puts two lines in front
of it: the list of app-shell files to keep on the device, and a version made from their contents,
so a change to any of them installs a new worker and clears the old cache.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from flask import Blueprint, current_app, render_template, url_for
from werkzeug.wrappers import Response

from rhi import shells
from rhi.interviews.pages import PAGE_IDS

bp = Blueprint("pwa", __name__)

# The app shell: no personal data in any of these.
SHELL_STATIC = [
    "css/app.css",
    "js/app.js",
    "js/language-check.js",
    "js/writing.js",
    "js/device-store.js",
    "js/offline.js",
    "js/shell.js",
    "vendor/htmx.min.js",
    "vendor/idb.umd.js",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/favicon.png",
]


@cache
def _shell_version(static_folder: str) -> str:
    """Changes whenever anything kept in the shell cache could: static files, the templates the
    shell pages are made from, the prompts and the writing-check rules."""
    digest = hashlib.sha256()
    root = Path(static_folder).parent
    files = [Path(static_folder) / name for name in [*SHELL_STATIC, "js/sw.js"]]
    files += sorted((root / "templates").rglob("*.html"))
    files += [root / "language" / "rules.json", root / "prompts" / "questions.json"]
    for path in files:
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@bp.route("/manifest.webmanifest")
def manifest() -> Response:
    data = {
        "name": "rhi: return home interviews",
        "short_name": "rhi",
        "description": "Return home interviews with children who have been missing.",
        "start_url": url_for("home.index"),
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "background_color": "#f3f4f7",
        "theme_color": "#124f7a",
        "lang": "en-GB",
        "icons": [
            {"src": url_for("static", filename="icons/icon-192.png"), "sizes": "192x192",
             "type": "image/png"},
            {"src": url_for("static", filename="icons/icon-512.png"), "sizes": "512x512",
             "type": "image/png"},
            {"src": url_for("static", filename="icons/icon-maskable-512.png"),
             "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        ],
    }
    response = Response(json.dumps(data), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/sw.js")
def service_worker() -> Response:
    static = current_app.static_folder or ""
    version = _shell_version(static)
    shell = [url_for("static", filename=name) for name in SHELL_STATIC]
    shell += [url_for("pwa.offline"), url_for("writing.rules"), url_for("episodes.shell_returns"),
              url_for("episodes.shell_episode")]
    # Every part of a blank interview (rhi/shells.py): filled on the tablet from its store.
    shell += [url_for("interviews.shell", page_id=page_id) for page_id in PAGE_IDS]
    script = (Path(static) / "js" / "sw.js").read_text(encoding="utf-8")
    head = (f"const VERSION = {json.dumps(version)};\n"
            f"const SHELL = {json.dumps(shell)};\n")
    response = Response(head + script, mimetype="text/javascript")
    # The browser must always check for a new worker; the worker itself holds no data.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/offline")
def offline() -> str:
    """Shown by the service worker when a page cannot be reached. Holds no personal data."""
    # Kept in the cache like the shell pages: rendered the same way, with no one in it.
    return render_template("pwa/offline.html", **shells.shell_context())
