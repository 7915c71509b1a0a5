"""The installable app: manifest, service worker, the offline page, and static files versioned
by their content.

Every `url_for("static", filename=...)` carries `?v=` and the first 12 hex digits of the file's
SHA-256 (each file hashed once per process, the first time its URL is made). New HTML after a
deploy names new URLs, so it never runs with an old script kept by a browser, a proxy or the
service worker; a versioned file is served as immutable for a year (rhi/security_headers.py).

The browser code is ES modules (static/js, and the vendored idb) that import each other by
plain relative URLs ("./store.js"). Every page carries an import map (`import_map()`) that maps
each module's plain URL to its versioned one, so a page's whole module graph is fixed by its HTML:
a page never runs one version's HTML with another version's module, and no module's bytes need
rewriting. The map is an inline script, so the CSP allows it by its SHA-256
(`import_map_csp_source()`, rhi/security_headers.py) and still allows no other inline script.

The service worker's script is a plain file (static/js/sw.js). This view puts two lines in front
of it: the list of app-shell files to keep on the device (versioned URLs: every module in the
import map, so exactly the URLs the pages ask for), and one version made from their contents, so
a change to any of them installs a new worker, whose cache is named by that version, and clears
the old caches.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

from flask import Blueprint, Request, current_app, render_template, url_for
from markupsafe import Markup
from werkzeug.security import safe_join
from werkzeug.wrappers import Response

from rhi import shells, writing
from rhi.interviews.pages import PAGE_IDS
from rhi.language.rules import RULES_PATH
from rhi.naming import interview_name
from rhi.prompts.bank import DEFAULT_PATH as QUESTIONS_PATH
from rhi.settings import EDITABLE

bp = Blueprint("pwa", __name__)

VERSION_ARG = "v"
IMMUTABLE = "public, max-age=31536000, immutable"
_STATIC_VERSIONS = "rhi.static_versions"  # app.extensions: {filename: version}
_SHELL_VERSION = "rhi.shell_version"
_MODULES = "rhi.modules"
_IMPORT_MAP = "rhi.import_map"  # app.extensions: (the map's JSON text, its CSP hash source)

# The service worker's own script: a classic worker script, never a page's module.
SERVICE_WORKER = "js/sw.js"
# ES modules from npm (scripts/build-frontend.mjs copies them into static/vendor).
VENDOR_MODULES = ["vendor/idb.js"]

# The app shell besides the modules: no personal data in any of these.
SHELL_FILES = [
    "css/app.css",
    "vendor/htmx.min.js",  # a classic script (it sets the global `htmx`)
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/favicon.png",
]


def _file_version(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def static_version(filename: str) -> str | None:
    """The version of a file under the static folder (None if there is no such file), hashed
    once per process: a deploy restarts the processes, and so versions every changed file."""
    versions: dict[str, str] = current_app.extensions.setdefault(_STATIC_VERSIONS, {})
    version = versions.get(filename)
    if version is None:
        path = safe_join(current_app.static_folder or "", filename)
        if path is None or not Path(path).is_file():
            return None  # not remembered: a file built later is versioned when it appears
        version = versions[filename] = _file_version(Path(path))
    return version


@bp.app_url_defaults
def _versioned_static(endpoint: str, values: dict[str, Any]) -> None:
    """`url_for("static", filename=...)` everywhere (templates, the manifest, the service
    worker's list) names the file's current version."""
    if endpoint == "static" and "filename" in values and VERSION_ARG not in values:
        version = static_version(values["filename"])
        if version is not None:
            values[VERSION_ARG] = version


def is_current_static(request: Request) -> bool:
    """A request for a static file under its current version: its bytes never change."""
    filename = (request.view_args or {}).get("filename")
    wanted = request.args.get(VERSION_ARG)
    return (
        request.endpoint == "static"
        and isinstance(filename, str)
        and wanted is not None
        and wanted == static_version(filename)
    )


def modules() -> list[str]:
    """Every ES module a page may load, as static filenames: each .js file under static/js
    but the service worker, and the vendored modules. Read from the folder once per process, so
    a module added is mapped and kept on the device with no list to update."""
    found: list[str] | None = current_app.extensions.get(_MODULES)
    if found is None:
        folder = Path(current_app.static_folder or "")
        own = sorted(p.relative_to(folder).as_posix() for p in (folder / "js").rglob("*.js"))
        found = [name for name in own if name != SERVICE_WORKER] + VENDOR_MODULES
        current_app.extensions[_MODULES] = found
    return found


def shell_static() -> list[str]:
    """The static files of the app shell, kept on the device by the service worker."""
    return [*SHELL_FILES, *modules()]


def _import_map() -> tuple[str, str]:
    cached = current_app.extensions.get(_IMPORT_MAP)
    if cached is None:
        # Plain URL (what a relative import resolves to) -> the URL of this version's bytes.
        imports = {
            url_for("static", filename=name, **{VERSION_ARG: None}): url_for(
                "static", filename=name
            )
            for name in modules()
        }
        # Compact and sorted: the same bytes every time, so one hash in the CSP fits them.
        text = json.dumps({"imports": imports}, sort_keys=True, separators=(",", ":"))
        text = text.replace("<", "\\u003c")  # never "</script>" inside the tag
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        cached = current_app.extensions[_IMPORT_MAP] = (text, f"'sha256-{digest}'")
    return cached


@bp.app_template_global()
def import_map() -> Markup:
    """The text of the page's `<script type="importmap">` (base.html): JSON of our own URLs."""
    # Our own URLs as JSON with "<" escaped, so it cannot close the script element.
    return Markup(_import_map()[0])  # noqa: S704  # nosec B704


def import_map_csp_source() -> str:
    """The CSP source that allows the import map, and no other inline script."""
    return _import_map()[1]


def shell_version() -> str:
    """Changes whenever anything kept in the shell cache could: its files (`_files_version`)
    and the settings an administrator changes (rhi/settings.py), which the shell pages print:
    the council's name for the interview, the 72 hours... Read per request, as settings are,
    so a change on the Settings page reaches every tablet's offline pages at its next visit."""
    settings = "\n".join(f"{name}={current_app.config.get(name)!r}" for name in sorted(EDITABLE))
    digest = hashlib.sha256(f"{_files_version()}\n{settings}".encode())
    return digest.hexdigest()[:16]


def _files_version() -> str:
    """The shell's static files and the worker's own script, the templates and the Python the
    shell pages are made from, the prompts and the writing-check rules. Computed once per
    process, from each file's version."""
    version = current_app.extensions.get(_SHELL_VERSION)
    if version is None:
        digest = hashlib.sha256()
        for name in [*shell_static(), SERVICE_WORKER]:
            digest.update(f"static/{name} {static_version(name)}\n".encode())
        templates = Path(current_app.root_path) / (current_app.template_folder or "templates")
        rules = Path(current_app.config.get("RHI_LANGUAGE_RULES") or RULES_PATH)
        # The Python the shell pages and their JSON are made from: the field catalogue, the
        # pages, the shell builder and the clock's rules (a changed label is a new shell).
        root = Path(current_app.root_path)
        sources = [
            root / "interviews" / "fields.py",
            root / "interviews" / "pages.py",
            root / "shells.py",
            root / "deadlines.py",
        ]
        # The child's words in every language the shells carry, and the app's own for children.
        languages = [
            *sorted((root / "prompts").glob("questions.*.json")),
            *sorted((root / "translations").rglob("*.po")),
        ]
        for path in [
            *sorted(templates.rglob("*.html")),
            rules,
            QUESTIONS_PATH,
            *languages,
            *sources,
        ]:
            if path.is_file():
                digest.update(f"{path.name} {_file_version(path)}\n".encode())
        # The rules in use, a council's local file included (the same version as their ETag).
        digest.update(f"rules {writing.rules_version()}\n".encode())
        version = current_app.extensions[_SHELL_VERSION] = digest.hexdigest()[:16]
    return version


@bp.route("/manifest.webmanifest")
def manifest() -> Response:
    data = {
        "name": f"rhi: {interview_name(plural=True)}",
        "short_name": "rhi",
        "description": f"{interview_name(plural=True, capital=True)} with children who have "
        "been missing.",
        "start_url": url_for("home.index"),
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "background_color": "#f3f4f7",
        "theme_color": "#124f7a",
        "lang": "en-GB",
        "icons": [
            {
                "src": url_for("static", filename="icons/icon-192.png"),
                "sizes": "192x192",
                "type": "image/png",
            },
            {
                "src": url_for("static", filename="icons/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
            },
            {
                "src": url_for("static", filename="icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = Response(json.dumps(data), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/sw.js")
def service_worker() -> Response:
    static = current_app.static_folder or ""
    version = shell_version()
    shell = [url_for("static", filename=name) for name in shell_static()]  # versioned URLs
    shell += [
        url_for("pwa.offline"),
        url_for("writing.rules"),
        url_for("episodes.shell_returns"),
        url_for("episodes.shell_episode"),
    ]
    # Every part of a blank interview (rhi/shells.py): filled on the tablet from its store.
    shell += [url_for("interviews.shell", page_id=page_id) for page_id in PAGE_IDS]
    script = (Path(static) / SERVICE_WORKER).read_text(encoding="utf-8")
    head = f"const VERSION = {json.dumps(version)};\nconst SHELL = {json.dumps(shell)};\n"
    response = Response(head + script, mimetype="text/javascript")
    # The browser must always check for a new worker; the worker itself holds no data.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/offline")
def offline() -> str:
    """Shown by the service worker when a page cannot be reached. Holds no personal data."""
    # Kept in the cache like the shell pages: rendered the same way, with no one in it.
    return render_template("pwa/offline.html", **shells.shell_context())
