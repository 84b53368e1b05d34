#!/usr/bin/env python3
"""What a first visit to each kind of page transfers: `python scripts/page_weight.py [SITE_DIR]`.

Serves the built site (default: site/, from `make site`) on 127.0.0.1, opens each page in a
fresh Chromium context (empty cache), and sums every response, gzipped as a server would send
text. The budget for a press release is 150 KB.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from browsing import Recorder, launch, serve

PAGES = {
    "home": "",
    "listing": "press/",
    "press release": "press/2014/protect-women-defenders-mesoamerica/",
    "event": "events/2014/roundtable-whrd-mexico-2014/",
    "recording": "recordings/ustream-51400296/",
}
BUDGET = 150_000


def weigh(site_dir: Path) -> list[tuple[str, str, int, int, int]]:
    """(page type, url, requests, raw bytes, compressed bytes) for each page type in both languages."""
    rows = []
    with serve(site_dir) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        for prefix in ("", "es/"):
            for kind, path in PAGES.items():
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                recorder = Recorder().attach(page)
                page.goto(base + prefix + path, wait_until="networkidle")
                raw = sum(t.raw for t in recorder.transfers)
                rows.append((kind, prefix + path, len(recorder.transfers), raw, recorder.total()))
                context.close()
        browser.close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("site", nargs="?", default="site", type=Path)
    args = parser.parse_args()
    if not (args.site / "index.html").is_file():
        print(f"page_weight: {args.site}/index.html not found: run 'make site' first", file=sys.stderr)
        return 1
    rows = weigh(args.site)
    print(f"{'page type':<14} {'url':<52} {'requests':>8} {'raw KB':>8} {'gzip KB':>8}")
    for kind, url, requests, raw, compressed in rows:
        print(f"{kind:<14} {'/' + url:<52} {requests:>8} {raw / 1000:>8.1f} {compressed / 1000:>8.1f}")
    worst = max(c for kind, _, _, _, c in rows if kind == "press release")
    print(f"press release, worst language: {worst / 1000:.1f} KB (budget {BUDGET / 1000:.0f} KB)")
    return 0 if worst <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
