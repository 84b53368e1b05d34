"""Per-language full-text search: run Pagefind over a built site.

Pagefind writes one index per `<html lang>` and splits it into small chunks, so a reader
downloads only the language they read and only the chunks their words need (lunr, Material's
default, ships one index for both languages, whole). Only elements marked
`data-pagefind-body` are indexed: entry content, not listings, fallback copies or navigation.
Engine-independent: imports no MkDocs; the adapter calls `index_site` once every language
is built.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pagefind_bin import get_executable

BUNDLE_DIR = "pagefind"
"""Where the search bundle goes, relative to the site root (the browser script expects it there)."""


class SearchIndexError(Exception):
    """Pagefind failed; the message carries its own output so the cause is visible."""


@dataclass(frozen=True)
class SearchIndexReport:
    """What Pagefind indexed, read from its summary, so a build can log it and tests can check it."""

    languages: int
    pages: int
    words: int


_SUMMARY = {
    "languages": re.compile(r"Indexed (\d+) languages?"),
    "pages": re.compile(r"Indexed (\d+) pages?"),
    "words": re.compile(r"Indexed (\d+) words?"),
}


def index_site(site_dir: Path) -> SearchIndexReport:
    """Index every HTML page under `site_dir` into `site_dir/pagefind/`, one index per language."""
    site_dir = Path(site_dir)
    command = [str(get_executable()), "--site", str(site_dir), "--output-subdir", BUNDLE_DIR]
    result = subprocess.run(command, capture_output=True, text=True, timeout=1800, check=False)
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise SearchIndexError(f"pagefind failed on {site_dir} (exit {result.returncode}):\n{output}")
    counts = {}
    for name, pattern in _SUMMARY.items():
        match = pattern.search(output)
        counts[name] = int(match.group(1)) if match else 0
    return SearchIndexReport(**counts)
