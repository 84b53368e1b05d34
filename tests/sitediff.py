"""How two built sites differ, apart from what a build stamps: `python tests/sitediff.py SITE_A SITE_B`.

Two builds of the same tree differ only in the generator tag (MkDocs or ProperDocs, and its
version), the gzip header time of sitemap.xml.gz (compared decompressed) and Pagefind's bundle
files (the same records in differently named shards from run to run, so the bundle is left
out: the pages it was made from are compared). Used by the engine comparison, the build
cache's never-stale tests and by hand before and after a refactoring.
"""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path

GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')
SKIPPED_FOLDER = "pagefind"


def _normalised(path: Path) -> bytes:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    if path.suffix == ".html":
        data = GENERATOR.sub(b'<meta name="generator" content="">', data)
    return data


def _files(site: Path) -> dict[str, Path]:
    return {
        p.relative_to(site).as_posix(): p
        for p in site.rglob("*")
        if p.is_file() and SKIPPED_FOLDER not in p.relative_to(site).parts
    }


def differences(first: Path, second: Path) -> list[str]:
    """One line per file only in one site or with different content (stamps aside); empty when equal."""
    a, b = _files(first), _files(second)
    out = [f"only in {first}: {name}" for name in sorted(a.keys() - b.keys())]
    out += [f"only in {second}: {name}" for name in sorted(b.keys() - a.keys())]
    out += [
        f"differs: {name}"
        for name in sorted(a.keys() & b.keys())
        if _normalised(a[name]) != _normalised(b[name])
    ]
    return out


if __name__ == "__main__":
    found = differences(Path(sys.argv[1]), Path(sys.argv[2]))
    print("\n".join(found) or "identical (apart from generator tags, gzip times and the search bundle)")
    sys.exit(1 if found else 0)
