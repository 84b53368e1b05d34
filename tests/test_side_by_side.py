"""The preview's copies per language (memoria.engine.side_by_side), with real forks and pipes, no MkDocs.

Each copy here "builds" by appending a line to a file: its language, and how many builds it
has made (its own memory, which the server never sees). End-to-end, with MkDocs' server:
tests/test_serve.py.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from memoria.engine.side_by_side import Failure, SideBySide, refused

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX only")


class Site:
    """What the builders did, as lines in a file each process appends to; the preview the copies serve."""

    def __init__(self, folder: Path, wanted: list[str]) -> None:
        self.log = folder / "builds.log"
        self.lang = "en"
        self.builds = 0  # this process's own count
        self.fail: Path = folder / "fail"  # while this file names a language, its build fails
        self.languages = wanted
        self.lost_because: list[str] = []
        self.failures: list[Failure] = []

    def rebuild_only(self, lang: str) -> None:
        self.lang, self.builds = lang, 0

    def wanted(self) -> list[str]:
        return self.languages

    def failed(self, failures: list[Failure]) -> None:
        self.failures = failures

    def lost(self, why: str) -> None:
        self.lost_because.append(why)

    def build(self) -> str:
        self.builds += 1
        if self.fail.exists() and self.fail.read_text() == self.lang:
            raise RuntimeError(f"{self.lang} cannot be built")
        with self.log.open("a") as log:
            log.write(f"{self.lang} {self.builds}\n")
        return self.lang

    def problems(self) -> list[str]:
        return [f"{self.lang}: a problem"]

    def lines(self) -> list[str]:
        return sorted(self.log.read_text().splitlines()) if self.log.exists() else []


@pytest.fixture(autouse=True)
def _forking_allowed(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """pytest-xdist's workers run a thread of their own: only the refusal's test sees it."""
    if request.node.name != "test_no_copy_is_forked_while_another_thread_runs":
        monkeypatch.setattr("memoria.engine.side_by_side.refused", lambda: None)


def _start(site: Site, languages: list[str]) -> SideBySide:
    side = SideBySide.start(languages, site.build, site, [])
    assert side is not None
    return side


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_each_copy_builds_its_language_beside_the_server_and_keeps_its_own_memory(tmp_path: Path) -> None:
    site = Site(tmp_path, ["es", "fr"])
    side = _start(site, ["es", "fr"])
    build = side.wrap(site.build)
    try:
        assert build() == "en"
        assert build() == "en"
        # every language built at each rebuild, each copy counting its own builds
        assert site.lines() == ["en 1", "en 2", "es 1", "es 2", "fr 1", "fr 2"]
        assert site.lang == "en" and site.lost_because == []
    finally:
        pids = [copy.pid for copy in side.copies]
        side.stop()
    assert all(_gone(pid) for pid in pids)


def test_a_copys_failed_build_fails_the_rebuild_with_its_problems(tmp_path: Path) -> None:
    site = Site(tmp_path, ["es"])
    side = _start(site, ["es"])
    build = side.wrap(site.build)
    try:
        site.fail.write_text("es")
        with pytest.raises(PluginError) as failed:
            build()
        assert str(failed.value) == "'es' build: es cannot be built"
        assert [(f.lang, f.message, f.problems) for f in site.failures] == [
            ("es", "es cannot be built", ["es: a problem"])
        ]
        site.fail.unlink()
        assert build() == "en"  # the copy is still there, and builds again
        assert site.lines() == ["en 1", "en 2", "es 2"]
    finally:
        side.stop()


def test_the_servers_failed_build_is_raised_once_the_copies_are_done(tmp_path: Path) -> None:
    site = Site(tmp_path, ["es"])
    side = _start(site, ["es"])
    build = side.wrap(site.build)
    try:
        site.fail.write_text("en")
        with pytest.raises(RuntimeError, match="en cannot be built"):
            build()
        assert site.lines() == ["es 1"]  # the copy's build was waited for, not left running
    finally:
        side.stop()


def test_a_copy_killed_hands_every_language_back_to_the_server(tmp_path: Path) -> None:
    site = Site(tmp_path, ["es"])
    side = _start(site, ["es"])
    build = side.wrap(site.build)
    pid = side.copies[0].pid
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    assert build() == "en"
    assert site.lost_because == ["stopped"]
    assert side.copies == []
    # the server's builder ran twice: once beside the dead copy, once more for every language
    assert site.lines() == ["en 1", "en 2"]
    assert build() == "en"  # from now on, the server's builder alone
    assert site.lines() == ["en 1", "en 2", "en 3"]


def test_languages_changed_in_the_configuration_stop_the_copies(tmp_path: Path) -> None:
    site = Site(tmp_path, ["es", "fr"])
    side = _start(site, ["es"])
    build = side.wrap(site.build)
    pid = side.copies[0].pid
    assert build() == "en"
    assert site.lost_because == ["languages"]
    assert side.copies == []
    assert _gone(pid) or os.waitpid(pid, os.WNOHANG) != (0, 0)


def test_a_copy_ends_when_the_server_is_gone(tmp_path: Path) -> None:
    site = Site(tmp_path, ["es"])
    side = _start(site, ["es"])
    copy = side.copies[0]
    os.close(copy.commands)  # what the kernel does when the server is killed
    deadline = time.monotonic() + 10
    while os.waitpid(copy.pid, os.WNOHANG) == (0, 0):
        assert time.monotonic() < deadline, "the copy outlived its server"
        time.sleep(0.05)
    os.close(copy.replies)


def test_no_copy_is_forked_while_another_thread_runs(tmp_path: Path) -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert refused() == "other threads run in the preview already"
        site = Site(tmp_path, ["es"])
        assert SideBySide.start(["es"], site.build, site, []) is None
    finally:
        stop.set()
        thread.join()


def test_a_copy_leaves_the_root_404_page_to_the_server() -> None:
    """MkDocs writes every build's 404 page to site/404.html: a copy's render is kept for es/404.html only."""
    from memoria.engine.plugin import MemoriaPlugin

    plugin = MemoriaPlugin()
    plugin.serving = True  # the preview: no Content-Security-Policy added
    page = '<html lang="es"><body>No encontrada</body></html>'
    for preview_language, lang, written in [("es", "es", ""), ("en", "en", page), (None, "es", page)]:
        plugin.preview_language, plugin.lang, plugin.not_found_pages = preview_language, lang, {}
        assert plugin.on_post_template(page, "404.html", None) == written  # type: ignore[arg-type]
        assert plugin.not_found_pages == {lang: page}
