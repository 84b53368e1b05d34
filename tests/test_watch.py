"""The preview's file watcher: file events on the MkDocs and watchdog it was written for, MkDocs' polling otherwise.

In-process, on MkDocs' real live-reload server (never started); only the server of an older
MkDocs, without `_watched_paths`, is a stand-in.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from mkdocs.livereload import LiveReloadServer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from memoria.engine.watch import KNOWN_WATCHDOG_MAJOR, use_file_events, watchdog_refused

LOGGER = "mkdocs.plugins.memoria.engine.watch"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveReloadServer]:
    served = tmp_path / "site"
    served.mkdir()
    live = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(served))
    for folder in ("docs", "overrides"):
        (tmp_path / folder).mkdir()
    live.watch(str(tmp_path / "docs"))
    live.watch(str(tmp_path / "docs"))  # watched twice: unwatched once, still watched
    live.watch(str(tmp_path / "overrides"))
    try:
        yield live
    finally:
        live.server_close()


def test_pinned_watchdog_is_accepted() -> None:
    assert watchdog_refused() is None
    pinned = (Path(__file__).parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"watchdog=={KNOWN_WATCHDOG_MAJOR}.' in pinned


def test_file_events_replace_polling_for_every_watched_path(server: LiveReloadServer) -> None:
    watched = dict(server._watched_paths)
    assert isinstance(server.observer, PollingObserver)
    observer = use_file_events(server)
    assert observer is server.observer and isinstance(observer, BaseObserver)
    assert not isinstance(observer, PollingObserver)
    assert server._watched_paths == watched  # each path as many times as before
    assert {emitter.watch.path for emitter in observer.emitters} == set(watched)
    server.unwatch(next(p for p, n in watched.items() if n == 2))  # the server's own bookkeeping still works
    assert sorted(server._watched_paths.values()) == [1, 1]


def test_another_watchdog_keeps_polling_and_says_why(
    server: LiveReloadServer, caplog: pytest.LogCaptureFixture
) -> None:
    polling, watched = server.observer, dict(server._watched_paths)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert use_file_events(server, watchdog_version="6.0.0") is None
    assert server.observer is polling and server._watched_paths == watched
    assert "watchdog 6.0.0 is installed" in caplog.text and "polling" in caplog.text
    assert watchdog_refused("6.0.0") is not None and watchdog_refused(f"{KNOWN_WATCHDOG_MAJOR}.9.0") is None


class _OlderServer:
    """A live-reload server that keeps what it watches under another name (as a future MkDocs might)."""

    def __init__(self) -> None:
        self.observer = object()
        self.paths = {"docs": 1}

    def watch(self, path: str) -> None:
        raise AssertionError("not to be called")

    def unwatch(self, path: str) -> None:
        raise AssertionError("not to be called")


def test_a_server_without_watched_paths_keeps_polling_and_says_why(caplog: pytest.LogCaptureFixture) -> None:
    older = _OlderServer()
    observer = older.observer
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert use_file_events(older) is None
    assert older.observer is observer
    assert "_watched_paths" in caplog.text and "polling" in caplog.text
