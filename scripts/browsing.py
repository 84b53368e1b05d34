"""A built site served on 127.0.0.1 and a headless Chromium that records what each page fetches.

Shared by the browser tests, `page_weight.py` and `bench_search.py`, so that the sizes they
report come from the same measurement: every response body the browser received, gzipped
at level 6 (what a web server typically sends for text; already-compressed formats count as is).
"""

from __future__ import annotations

import functools
import gzip
import http.server
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
_ALREADY_COMPRESSED = (".png", ".jpg", ".jpeg", ".webp", ".mp4", ".webm", ".gz", ".zip", ".woff2")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Tests read assertions, not access logs."""


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 (a free port) in a thread; yields the base URL ending in '/'."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def launch(playwright: Any) -> Any:
    """Debian's Chromium (Playwright cannot download its own browser here)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def wait_for(page: Any, expression: str, arg: Any = None, timeout: float = 30_000) -> Any:
    """Poll `expression` (a JS expression or function of `arg`) until truthy, like `page.wait_for_function`.

    Playwright's own wait_for_function compiles its predicate with eval() inside the page, which
    the site's Content-Security-Policy forbids; evaluate() goes through the DevTools protocol.
    """
    deadline = time.monotonic() + timeout / 1000
    while True:
        value = page.evaluate(expression, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"not true within {timeout / 1000:.0f} s: {expression}")
        time.sleep(0.05)


def compressed_size(url: str, body: bytes) -> int:
    """Bytes on the wire if the server gzips text (level 6) and sends media as they are."""
    if url.split("?")[0].lower().endswith(_ALREADY_COMPRESSED):
        return len(body)
    return len(gzip.compress(body, compresslevel=6, mtime=0))


@dataclass
class Transfer:
    url: str
    kind: str
    raw: int
    compressed: int


@dataclass
class Recorder:
    """Every request a page makes, and the body size of every response it gets."""

    requests: list[str] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)

    def attach(self, page: Any) -> Recorder:
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("response", self._on_response)
        return self

    def _on_response(self, response: Any) -> None:
        try:
            body = response.body()
        except PlaywrightError:  # redirects and aborted media ranges have no body to weigh
            return
        url = response.url
        self.transfers.append(
            Transfer(url, response.request.resource_type, len(body), compressed_size(url, body))
        )

    def clear(self) -> None:
        self.requests.clear()
        self.transfers.clear()

    def total(self, matching: str = "") -> int:
        return sum(t.compressed for t in self.transfers if matching in t.url)
