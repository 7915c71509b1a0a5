"""The warning that rate limits kept in memory:// are per process (gunicorn.conf.py and the app)."""

from __future__ import annotations

import logging
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest

from rhi.config import rate_limit_storage_uri, shared_storage_warning

GUNICORN_CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


@pytest.mark.parametrize("uri", ["memory://", "MEMORY://", " memory:// ", "", None])
def test_several_workers_with_memory_storage_are_warned_about(uri):
    message = shared_storage_warning(4, uri)
    assert message is not None
    assert "4 times as loose" in message and "redis://" in message


@pytest.mark.parametrize("workers", [0, 1])
def test_one_worker_is_fine(workers):
    assert shared_storage_warning(workers, "memory://") is None


@pytest.mark.parametrize(
    "uri", ["redis://cache:6379/0", "rediss://cache:6380", "memcached://cache:11211"]
)
def test_shared_storage_is_fine_with_any_number_of_workers(uri):
    assert shared_storage_warning(8, uri) is None
    assert shared_storage_warning(None, uri) is None


def test_unknown_workers_with_memory_storage_is_warned_about_in_general_terms():
    message = shared_storage_warning(None, "memory://")
    assert message is not None and "N times as loose" in message


def test_the_storage_setting_defaults_to_memory():
    assert rate_limit_storage_uri({}) == "memory://"
    assert rate_limit_storage_uri({"RHI_RATELIMIT_STORAGE_URI": ""}) == "memory://"
    assert rate_limit_storage_uri({"RHI_RATELIMIT_STORAGE_URI": "redis://r"}) == "redis://r"


class FakeLog:
    def __init__(self) -> None:
        self.warnings: list[str] = []

    def warning(self, message: str) -> None:
        self.warnings.append(message)


def run_hook(workers: int) -> list[str]:
    hooks = runpy.run_path(str(GUNICORN_CONF))
    server = SimpleNamespace(cfg=SimpleNamespace(workers=workers), log=FakeLog())
    hooks["when_ready"](server)
    return server.log.warnings


def test_gunicorn_hook_warns_for_several_workers_on_memory(monkeypatch):
    monkeypatch.delenv("RHI_RATELIMIT_STORAGE_URI", raising=False)
    (warning,) = run_hook(4)
    assert "4 times as loose" in warning
    monkeypatch.setenv("RHI_RATELIMIT_STORAGE_URI", "memory://")
    assert len(run_hook(2)) == 1


def test_gunicorn_hook_is_quiet_for_one_worker_or_shared_storage(monkeypatch):
    monkeypatch.delenv("RHI_RATELIMIT_STORAGE_URI", raising=False)
    assert run_hook(1) == []
    monkeypatch.setenv("RHI_RATELIMIT_STORAGE_URI", "redis://cache:6379/0")
    assert run_hook(4) == []


def test_the_app_warns_once_in_production_with_memory_storage(tmp_path, caplog):
    from rhi import create_app

    url = f"sqlite:///{tmp_path / 'w.sqlite3'}"
    with caplog.at_level(logging.WARNING, logger="rhi"):
        create_app(
            {
                "RHI_ENV": "production",
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": "s" * 40,
                "RATELIMIT_STORAGE_URI": "memory://",
            }
        )
    expected = shared_storage_warning(None, "memory://")
    assert [r.getMessage() for r in caplog.records].count(expected) == 1
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="rhi"):
        create_app({"RHI_ENV": "development", "SQLALCHEMY_DATABASE_URI": url})
    assert expected not in [r.getMessage() for r in caplog.records]
