"""Fixtures: an app, a real database and a client per test, on SQLite and on PostgreSQL.

PostgreSQL runs when RHI_TEST_POSTGRES_URL is set or a local server answers; each test run makes
its own database and drops it at the end. With RHI_REQUIRE_POSTGRES=1 (CI) an unreachable server
fails the run instead of skipping.
"""

from __future__ import annotations

import gc
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Engine, make_url
from werkzeug.routing import Rule

from rhi import create_app
from rhi.extensions import db
from tests.world import World, build_world

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SQLITE_FILE = "rhi-test.sqlite3"  # a test's own SQLite database, in its tmp_path


def _share_url_builders() -> None:
    """Werkzeug writes and compiles a small Python function for each URL rule, to build its URLs
    (`Rule._compile_builder`). The suite makes an app per test, so it compiled the same 148
    functions some 3,400 times: three quarters of making an app (41 ms down to 10 ms here). The
    function is made from the rule alone (its text, parts and defaults; converters are called
    through the rule it is bound to), so one made for the same rule is kept for the process and
    bound to each new rule as Werkzeug binds its own. A server makes one app, so nothing outside
    the tests changes. If Werkzeug's private method is gone, this does nothing (slower, not
    wrong)."""
    make = getattr(Rule, "_compile_builder", None)
    if make is None or getattr(make, "shared", False):
        return
    made: dict[tuple[object, ...], object] = {}

    def shared(rule: Rule, append_unknown: bool = True) -> object:
        defaults = sorted((rule.defaults or {}).items(), key=repr)
        key = (rule.rule, rule.host, rule.subdomain, tuple(rule._trace), repr(defaults))
        key += (rule.merge_slashes, append_unknown)
        if key not in made:
            made[key] = make(rule, append_unknown)
        return made[key]

    shared.shared = True  # type: ignore[attr-defined]
    Rule._compile_builder = shared  # type: ignore[method-assign]


_share_url_builders()


# The SQLite files whose engine is kept for the process: the app fixture's one file, replaced by
# a fresh copy of the schema before each test (see `_fresh_sqlite`).
_KEPT_SQLITE_URLS: set[str] = set()


def _share_engines() -> None:
    """Apps on the same database share one engine for the process.

    SQLAlchemy keeps each statement's compiled SQL in its engine, so an engine per test's app
    compiled every statement again in every test: an eighth of the app tests' time. A server
    makes one app and one engine, as here. Only engines for the same URL and options are shared,
    so a test that points an app elsewhere (another database, a stopped server) still gets its
    own. On SQLite only the app fixture's file is shared (`_KEPT_SQLITE_URLS`): other tests make
    files of their own, whose engines should close with their apps."""
    make = SQLAlchemy._make_engine
    if getattr(make, "shared", False):
        return
    engines: dict[str, Engine] = {}

    def shared(self: SQLAlchemy, bind_key: str | None, options: dict, app: Flask) -> Engine:
        url = make_url(options["url"])
        text = url.render_as_string(hide_password=False)
        if url.get_backend_name() != "postgresql" and text not in _KEPT_SQLITE_URLS:
            return make(self, bind_key, options, app)
        rest = sorted((k, repr(v)) for k, v in options.items() if k != "url")
        key = repr((text, rest))
        if key not in engines:
            engines[key] = make(self, bind_key, options, app)
        return engines[key]

    shared.shared = True  # type: ignore[attr-defined]
    SQLAlchemy._make_engine = shared  # type: ignore[method-assign]


_share_engines()


def _pg_admin_url() -> str:
    return os.environ.get("RHI_TEST_POSTGRES_URL", DEFAULT_PG)


def _pg_connect(url: str):
    import psycopg

    u = make_url(url)
    return psycopg.connect(
        host=u.host or "127.0.0.1",
        port=u.port or 5432,
        user=u.username or "postgres",
        password=u.password or None,
        dbname=u.database or "postgres",
        autocommit=True,
        connect_timeout=3,
    )


def pytest_collection_finish(session: pytest.Session) -> None:
    """What is alive once the tests are collected (modules, the app's code, fixtures' classes)
    lives until the end: frozen, the collector stops walking it, and it runs less often. Each
    test makes an app, a world and some thousand objects, so the default thresholds ran full
    collections over everything again and again; this took a sixth off the app tests' time.
    Memory stays bounded: collections still run, only fewer and over less."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 1000)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The deployment tests first, then the browser tests and those marked `slow`, then the
    rest, each file's tests kept together and in order: on several processes (pytest-xdist's
    worksteal) the slowest tests then start early, and what is left to share out at the end is
    the many short ones.

    Worksteal hands each process an equal run of the list at the start and later moves tests
    from the end of a busy process's run to an idle one, never from its start. The deployment
    tests, at the very start, so all run in the first process, which starts their two servers
    once (a module fixture); further down, they were split and the servers started up to
    three times, 15 to 20 seconds each. The browser tests follow them there, one at a time,
    while the other processes run the rest: shared out so that two or three processes start
    with a part of them, the full run took longer (8:14 and 8:33 against 7:51 on this
    machine), as browsers at once cost more than their waits left free."""

    def order(item: pytest.Item) -> int:
        if "/deploy/" in str(item.path):
            return 0
        if "/browser/" in str(item.path) or item.get_closest_marker("slow") is not None:
            return 1
        return 2

    items.sort(key=order)  # a stable sort


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run, dropped afterwards."""
    required = os.environ.get("RHI_REQUIRE_POSTGRES") == "1"
    try:
        admin = _pg_connect(_pg_admin_url())
    except Exception as exc:
        if required:
            pytest.fail(f"PostgreSQL is required (RHI_REQUIRE_POSTGRES=1) but unreachable: {exc}")
        pytest.skip(f"PostgreSQL not available: {exc}")
    name = f"rhi_test_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    admin.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    url = make_url(_pg_admin_url()).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / SQLITE_FILE}"
    return request.getfixturevalue("postgres_url")


def make_test_app(url: str, tmp_path: Path, **overrides: object) -> Flask:
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-" + uuid.uuid4().hex,
        "RATELIMIT_ENABLED": True,
        "SERVER_NAME": None,
        # argon2 at its lowest cost (rhi/passwords.py); tests marked full_strength_passwords
        # run at the real cost.
        "RHI_FAST_PASSWORD_HASHING": True,
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


def _empty_tables(application: Flask) -> None:
    """Every row gone and the ids counting from 1 again, the schema kept for the next test:
    making the schema afresh for each test cost a third of the app tests' time.

    DELETE, in one round trip, rather than TRUNCATE: truncating 41 tables makes 41 new files
    and took about 0.3 s a test, deleting a test's few rows about 0.05 s. As the superuser, with
    `session_replication_role = replica`, the rows go without firing triggers (the audit
    table's refusal to delete, foreign keys), as TRUNCATE did. Only the sequences a test used
    (`last_value` is null until one is read) are restarted: restarting all 41 took three
    quarters of the time."""
    names = ", ".join(f"'{t.name}'" for t in db.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("SET LOCAL lock_timeout = '10s'")  # a leaked session fails, not hangs
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        conn.exec_driver_sql(
            f"""DO $$
            DECLARE name text;
            BEGIN
              FOREACH name IN ARRAY ARRAY[{names}] LOOP
                IF to_regclass(quote_ident(name)) IS NOT NULL THEN
                  EXECUTE 'DELETE FROM ' || quote_ident(name);
                END IF;
              END LOOP;
              FOR name IN SELECT quote_ident(sequencename) FROM pg_sequences
                          WHERE schemaname = current_schema() AND last_value IS NOT NULL LOOP
                EXECUTE 'ALTER SEQUENCE ' || name || ' RESTART';
              END LOOP;
            END $$"""
        )


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file holding the schema and no rows, made once per test process: each SQLite
    test starts from a copy instead of making the 41 tables again."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "schema.sqlite3"
    application = make_test_app(f"sqlite:///{path}", folder)
    with application.app_context():
        db.create_all()
        db.engine.dispose()  # the last connection closed: the WAL is folded into the file
    return path


@pytest.fixture(scope="session")
def sqlite_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where this test process's app fixture keeps its SQLite database, test after test."""
    return tmp_path_factory.mktemp("database") / SQLITE_FILE


def _fresh_sqlite(template: Path, path: Path) -> str:
    """`path` made a copy of the empty schema, and its URL. The copy is written beside it and
    renamed over it, so the old file is never rewritten in place, and the old write-ahead log
    and shared-memory files go first: the last test's rows cannot reach the next one."""
    fresh = path.with_name(path.name + ".new")
    shutil.copyfile(template, fresh)
    for extra in ("-wal", "-shm", "-journal"):
        path.with_name(path.name + extra).unlink(missing_ok=True)
    os.replace(fresh, path)
    url = f"sqlite:///{path}"
    _KEPT_SQLITE_URLS.add(url)
    return url


@pytest.fixture
def app(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Flask]:
    """The app on a database holding the schema and no rows.

    SQLite: one file per test process, replaced before each test by a copy of a template holding
    the schema; its engine is kept, with its connections closed after each test. PostgreSQL: one
    database for the run; the schema is made by the first test that needs it (or again after a
    test that dropped it, such as the migration tests), and each test's rows are deleted
    afterwards.
    """
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        url = _fresh_sqlite(template, request.getfixturevalue("sqlite_home"))
    else:
        url = database_url(backend, tmp_path, request)
    full = request.node.get_closest_marker("full_strength_passwords") is not None
    application = make_test_app(url, tmp_path, RHI_FAST_PASSWORD_HASHING=not full)
    if backend == "postgresql":
        with application.app_context():
            db.create_all()  # only the tables that are missing
    yield application
    with application.app_context():
        db.session.remove()
        if backend == "postgresql":
            _empty_tables(application)  # the engine, shared, keeps its connections
        else:
            db.engine.dispose()  # the engine and its compiled SQL kept; its connections closed


@pytest.fixture
def world(app: Flask) -> World:
    with app.app_context():
        return build_world()


@pytest.fixture
def world_i(app: Flask) -> World:
    """The test world with interviews in progress for episodes a and b."""
    with app.app_context():
        return build_world(with_interviews=True)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_META.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


class Web:
    """A test client that signs in and posts forms with their CSRF token, as a browser would.

    The token belongs to the session (Flask-WTF; `WTF_CSRF_TIME_LIMIT` is None), so, like a
    browser tab, the client keeps the one on the last page it was shown and posts with it. It
    fetches `page` for a token only when it holds none: at first, and after signing in or out,
    which start a new session (rhi/sessions.py). Fetching a page before every post had doubled
    the requests of the app tests. Should the server refuse a kept token as expired, the page
    is fetched and the form posted once more, as a person would after reloading."""

    EXPIRED = "The page had expired"  # rhi/errors.py's answer to a refused token

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.token: str | None = None

    def _keep_token(self, response):
        if response.mimetype == "text/html":
            match = CSRF_META.search(response.get_data(as_text=True))
            if match:
                self.token = match.group(1)
        return response

    def get(self, url: str, **kwargs: object):
        return self._keep_token(self.client.get(url, **kwargs))

    def csrf(self, page: str = "/") -> str:
        """The session's token: the one kept, or the one on `page`."""
        if self.token is None:
            self.get(page, follow_redirects=True)
        assert self.token, f"{page} has no CSRF token"
        return self.token

    def post(
        self,
        url: str,
        data: dict[str, object] | None = None,
        *,
        page: str = "/",
        headers: dict[str, str] | None = None,
        follow: bool = False,
    ):
        def send():
            form = {"csrf_token": self.csrf(page), **(data or {})}
            return self.client.post(url, data=form, headers=headers or {}, follow_redirects=follow)

        response = send()
        if response.status_code == 400 and self.EXPIRED in response.get_data(as_text=True):
            self.token = None
            response = send()
        return self._keep_token(response)

    def sign_in(self, email: str, password: str = "correct horse battery staple"):
        self.token = None
        response = self.post("/sign-in", {"email": email, "password": password}, page="/sign-in")
        self.token = None  # signing in starts a new session, with a new token
        return response

    def sign_out(self):
        response = self.post("/sign-out", page="/")
        self.token = None
        return response


@pytest.fixture
def web(client: FlaskClient) -> Web:
    return Web(client)
