#!/usr/bin/env python3
"""What a reader downloads for one search: `python scripts/bench_search.py SITE_DIR [--lang es] [--query defensoras]`.

SITE_DIR is a built Memoria site, e.g. from `scripts/make_corpus.py 10000 DIR` then
`mkdocs build` in DIR (the plugin indexes it with Pagefind). Opens the language's home page
in Chromium with an empty cache, records what the page itself loads, then opens the search
box, types the query and waits for the first page of results; prints every search request
with its gzip size. Budget: 300 KB for the search.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from browsing import Recorder, launch, serve, wait_for
from memoria.search import bundle_dirs

BUDGET = 300_000


def measure(site_dir: Path, lang: str, query: str) -> tuple[int, int, list[tuple[str, int, int]], int]:
    """(bytes before opening search, search bytes, [(url, raw, gzip)], result count)."""
    with serve(site_dir) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        recorder = Recorder().attach(page)
        page.goto(base + ("" if lang == "en" else f"{lang}/"), wait_until="networkidle")
        before = recorder.total()
        assert not [t for t in recorder.transfers if "/pagefind/" in t.url], (
            "search loaded before it was opened"
        )
        recorder.clear()
        page.locator(".md-search__input").focus()
        page.locator(".md-search__input").fill(query)
        wait_for(page, "document.querySelectorAll('.md-search-result__link').length > 0", timeout=60_000)
        page.wait_for_load_state("networkidle")
        count = len(page.locator(".md-search-result__link").all())
        rows = [(t.url.replace(base, "/"), t.raw, t.compressed) for t in recorder.transfers]
        total = recorder.total()
        context.close()
        browser.close()
    return before, total, rows, count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("site", type=Path)
    parser.add_argument("--lang", default="es")
    parser.add_argument("--query", default="defensoras")
    args = parser.parse_args()
    pages = {}
    for bundle in bundle_dirs(args.site):  # one per language: site/pagefind/, site/es/pagefind/
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        pages |= {lang: info["page_count"] for lang, info in entry["languages"].items()}
    before, total, rows, count = measure(args.site, args.lang, args.query)
    print(f"indexed pages per language: {pages}")
    print(f"page before opening search: {before / 1000:.1f} KB gzip, no search files")
    print(f"search for {args.query!r} on /{args.lang}/ ({count} results shown):")
    for url, raw, compressed in rows:
        print(f"  {url:<60} {raw / 1000:>8.1f} KB raw {compressed / 1000:>8.1f} KB gzip")
    print(
        f"total for the search: {total / 1000:.1f} KB gzip in {len(rows)} requests (budget {BUDGET / 1000:.0f} KB)"
    )
    return 0 if total <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
