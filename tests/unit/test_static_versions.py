"""Static files are named by their contents: every static URL a page, the manifest or the service
worker names carries `?v=` and the file's hash, so new HTML never runs with an old script after
a deploy; the service worker's cache is named by one version of all the shell's files."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from flask import Flask, url_for

from rhi import create_app
from rhi.extensions import db

STATIC = Path(__file__).resolve().parents[2] / "rhi" / "static"
STATIC_URL = re.compile(r"/static/[\w.-][\w./-]*(?:\?[^\"'\s)]*)?")
IMMUTABLE = "public, max-age=31536000, immutable"


def make_app(tmp_path: Path, static: Path = STATIC) -> Flask:
    """A new app (a new process, as after a deploy) serving `static`."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "static-" + "k" * 30,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'static.sqlite3'}",
        }
    )
    app.static_folder = str(static)
    with app.app_context():
        db.create_all()
    return app


IMPORT_MAP = re.compile(r'<script type="importmap"[^>]*>(.*?)</script>', re.S)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def worker(app: Flask) -> tuple[str, list[str]]:
    """The service worker's cache version and its list of shell URLs, as served."""
    script = app.test_client().get("/sw.js").get_data(as_text=True)
    version = json.loads(re.search(r"^const VERSION = (.*);$", script, re.M).group(1))
    shell = json.loads(re.search(r"^const SHELL = (.*);$", script, re.M).group(1))
    return version, shell


def static_urls(app: Flask) -> dict[str, set[str]]:
    """Every static URL named by the pages a visitor or a tablet gets, by where it was named."""
    client = app.test_client()
    _, shell = worker(app)
    pages = ["/sign-in", "/manifest.webmanifest", "/sw.js"]
    pages += [url for url in shell if not url.startswith("/static/")]  # shell pages, /offline
    found: dict[str, set[str]] = {}
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        html = response.get_data(as_text=True)
        # The import map names each module by the plain address modules import it by, mapped
        # to its versioned URL: the plain addresses are its keys, never fetched as they are.
        import_map = IMPORT_MAP.search(html)
        if import_map:
            imports = json.loads(import_map.group(1))["imports"]
            assert all(versioned.startswith(plain + "?v=") for plain, versioned in imports.items())
            html = html.replace(import_map.group(1), " ".join(f'"{v}"' for v in imports.values()))
        found[page] = set(STATIC_URL.findall(html))
    return found


def url_of(app: Flask, filename: str) -> str:
    with app.test_request_context():
        return url_for("static", filename=filename)


@pytest.fixture
def static_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "static"
    shutil.copytree(STATIC, folder)
    return folder


def test_every_static_url_in_the_pages_carries_the_files_content_hash(tmp_path):
    app = make_app(tmp_path)
    found = static_urls(app)
    assert found["/sign-in"] and found["/shell/returns"] and found["/manifest.webmanifest"]
    named = set().union(*found.values())
    assert any(u.startswith("/static/js/store.js?") for u in named)  # a module, by import map
    for url in named:
        path, _, query = url.partition("?")
        file = STATIC / path.removeprefix("/static/")
        assert file.is_file(), url
        assert query == f"v={digest(file)}", url
    # The service worker keeps exactly these URLs, each under its version.
    _, shell = worker(app)
    kept = [u for u in shell if u.startswith("/static/")]
    assert kept and all(re.search(r"\?v=[0-9a-f]{12}$", u) for u in kept)


def test_a_versioned_file_is_immutable_and_any_other_request_is_asked_again(tmp_path):
    app = make_app(tmp_path)
    client = app.test_client()
    url = url_of(app, "js/app.js")
    current = client.get(url)
    assert current.status_code == 200
    assert current.headers["Cache-Control"] == IMMUTABLE
    assert current.get_data() == (STATIC / "js" / "app.js").read_bytes()
    for other in ("/static/js/app.js", "/static/js/app.js?v=000000000000"):
        response = client.get(other)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-cache", other
    assert client.get("/static/js/no-such-file.js?v=1").status_code == 404


def test_changing_a_files_bytes_changes_its_url_and_the_workers_cache_name(tmp_path, static_copy):
    before = make_app(tmp_path, static_copy)
    old_version, old_shell = worker(before)
    old_js, old_css = url_of(before, "js/app.js"), url_of(before, "css/app.css")

    # A deploy: one shell file changes, and the app starts again.
    script = static_copy / "js" / "app.js"
    script.write_bytes(script.read_bytes() + b"\n// changed\n")
    after = make_app(tmp_path, static_copy)
    new_version, new_shell = worker(after)
    new_js = url_of(after, "js/app.js")

    assert new_js != old_js and new_js == f"/static/js/app.js?v={digest(script)}"
    assert url_of(after, "css/app.css") == old_css  # the others keep their URLs
    assert new_js in new_shell and old_js not in new_shell
    assert new_version != old_version
    assert any(new_js in urls for urls in static_urls(after).values())
    # The old process keeps what it computed once; nothing is hashed again per request.
    assert url_of(before, "js/app.js") == old_js and worker(before)[0] == old_version


def test_the_workers_cache_name_is_the_same_when_nothing_changed(tmp_path, static_copy):
    one, two = make_app(tmp_path, static_copy), make_app(tmp_path, static_copy)
    assert worker(one) == worker(two)


def test_the_workers_cache_name_changes_with_the_python_the_shell_pages_are_made_from(tmp_path):
    """A label changed in the field catalogue is a new shell page: the cache is renamed."""
    root = STATIC.parent
    copy = tmp_path / "rhi"
    shutil.copytree(root / "templates", copy / "templates")
    for name in ("interviews/fields.py", "interviews/pages.py", "shells.py", "deadlines.py"):
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / name, copy / name)
    app = make_app(tmp_path)
    app.root_path = str(copy)
    before = worker(app)[0]
    with (copy / "interviews" / "fields.py").open("a") as source:
        source.write("\n# a label changed\n")
    app.extensions.pop("rhi.shell_version")
    assert worker(app)[0] != before
