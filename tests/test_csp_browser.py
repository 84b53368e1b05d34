"""The Content-Security-Policy in a real Chromium: a script planted past the content policy is blocked,
and the site's own scripts (Material, search) run under it without a single violation."""

from __future__ import annotations

import http.server
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, run_build, write_project

sys.path.insert(0, str(ROOT / "scripts"))
from browsing import Recorder, serve, wait_for

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGE = "press/2014/protect-women-defenders-mesoamerica/"
PLANTED = """

<script>window.plantedScript = "ran"; console.log("planted script ran");</script>

<img src="missing.png" alt="planted" onerror="window.plantedHandler = 'ran'">

<img src="TRACKER/pixel.gif" alt="tracker">

<p style="background: url('TRACKER/style.gif')">planted style</p>
"""


@contextmanager
def tracker() -> Iterator[tuple[str, list[str]]]:
    """A host other than the test server (another loopback address) that records every request it gets."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    server = http.server.ThreadingHTTPServer(("127.0.0.2", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.2:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


def _open(browser: Any, url: str) -> tuple[Any, Recorder, list[str]]:
    context = browser.new_context()
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    recorder = Recorder().attach(page)
    page.goto(url, wait_until="networkidle")
    return page, recorder, console


def test_a_script_planted_past_the_content_policy_is_blocked(tmp_path: Path, browser: Any) -> None:
    with tracker() as (tracker_url, hits):
        _plant_and_visit(tmp_path, browser, tracker_url, hits)


def _plant_and_visit(tmp_path: Path, browser: Any, tracker_url: str, hits: list[str]) -> None:
    project = write_project(tmp_path / "project", copy_demo=True)
    config = project / "mkdocs.yml"
    # The policy off (a warning, so not under strict: a strict build refuses to publish that way)
    text = config.read_text(encoding="utf-8").replace("strict: true", "strict: false")
    text = text.replace(
        "feed_id_authority: archive.example.org,2014",
        "feed_id_authority: archive.example.org,2014\n      content_policy: false",
    )
    config.write_text(text, encoding="utf-8")
    with (project / "docs" / PAGE.rstrip("/")).with_suffix(".en.md").open("a", encoding="utf-8") as handle:
        handle.write(PLANTED.replace("TRACKER", tracker_url))
    built = run_build(project, strict=False)
    assert built.returncode == 0, built.output
    assert "content_policy: false" in built.output
    html = (project / "site" / PAGE / "index.html").read_text(encoding="utf-8")
    assert "window.plantedScript" in html  # the content policy is off: the script reached the page

    with serve(project / "site") as base_url:
        page, _recorder, console = _open(browser, base_url + PAGE)
        ran = page.evaluate("[window.plantedScript, window.plantedHandler]")
        page.context.close()
    print("\n".join(console))
    assert ran == [None, None], "the planted script or handler ran"
    violations = [line for line in console if "Content Security Policy" in line]
    assert any("inline script" in line and "script-src" in line for line in violations), console
    assert any("inline event handler" in line for line in violations), console
    assert any("Loading the image" in line and "img-src" in line for line in violations), console
    assert any("inline style" in line and "style-src" in line for line in violations), console
    assert hits == [], f"the other host was contacted: {hits}"
    assert "planted script ran" not in "\n".join(console)


def test_the_demo_runs_under_its_policy_without_a_violation(tmp_path: Path, browser: Any) -> None:
    project = write_project(tmp_path / "project", copy_demo=True)
    built = run_build(project)
    assert built.returncode == 0, built.output
    with serve(project / "site") as base_url:
        for path in ("", "es/", PAGE, "es/recordings/"):
            page, _recorder, console = _open(browser, base_url + path)
            # Material's scripts ran (its header search toggles), and search loads and answers
            page.locator(".md-search__input").fill("defensoras" if path.startswith("es") else "defenders")
            wait_for(
                page,
                "document.querySelector('.md-search-result__meta').textContent.match(/\\d/)",
                timeout=15000,
            )
            page.context.close()
            assert not [line for line in console if "Content Security Policy" in line], (path, console)
