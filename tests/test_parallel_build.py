"""`memoria build` (one process per language) makes the same site as `mkdocs build`."""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from conftest import no_staging_left, run_build, write_project

pytestmark = pytest.mark.slow  # every test here builds or runs a command in a subprocess

MEMORIA = [sys.executable, "-m", "memoria.cli"]


# Pagefind names its filter and metadata indexes by a hash of contents it writes in no stable
# order (Pagefind issue #638: fragments are stable since 1.3, "filter/metadata indexes" are not),
# so two runs over the same pages name them differently: compare how many there are, not names.
_UNSTABLE_NAMES = re.compile(r"pagefind/(filter/\w+\.pf_filter|pagefind\.\w+\.pf_meta)$")


def _files(site: Path) -> set[str]:
    names = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    stable = {name for name in names if not _UNSTABLE_NAMES.search(name)}
    unstable = Counter(name.rsplit("/", 1)[0] + "/" + name.rsplit(".", 1)[1] for name in names - stable)
    return stable | {f"{kind} × {count}" for kind, count in unstable.items()}


def _memoria_build(project: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MEMORIA, "build", *options],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "MEMORIA_LANG": "en"},
    )


def test_parallel_build_matches_mkdocs_build(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project", copy_demo=True)
    serial = run_build(project)
    assert serial.returncode == 0, serial.output
    result = _memoria_build(project, "--strict", "-d", "site-parallel")
    assert result.returncode == 0, result.stderr
    parallel = project / "site-parallel"
    assert _files(parallel) == _files(serial.site)
    for rel in sorted(_files(serial.site)):
        if rel.endswith((".html", ".xml")) and rel != "es/404.html":
            # es/404.html: static-i18n leaves the last rendered page's switcher links in the
            # sequential build's Spanish 404 page; the parallel one links the home pages.
            assert (parallel / rel).read_bytes() == (serial.site / rel).read_bytes(), rel
    assert (
        gzip.decompress((parallel / "sitemap.xml.gz").read_bytes()) == (parallel / "sitemap.xml").read_bytes()
    )
    sitemap = (parallel / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://archive.example.org/es/" in sitemap and 'hreflang="es"' in sitemap


def test_parallel_build_reports_content_errors(tmp_path: Path) -> None:
    project = write_project(
        tmp_path / "project",
        docs={"press/2014/bad.en.md": "---\ntitle: Bad\ndate: 2014-02-30\nsummary: x\n---\n\nBody.\n"},
    )
    result = _memoria_build(project)
    assert result.returncode == 1
    assert "press/2014/bad.en.md" in result.stderr and "date" in result.stderr


def test_parallel_build_replaces_the_previous_site_and_leaves_no_staging(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project", copy_demo=True)
    stale = project / "site" / "stale.html"
    stale.parent.mkdir(parents=True)
    stale.write_text("<html lang='en'><body>old</body></html>", encoding="utf-8")
    result = _memoria_build(project, "--strict")
    assert result.returncode == 0, result.stderr
    assert not stale.exists()
    assert (project / "site" / "index.html").is_file()
    assert (project / "site" / "pagefind" / "pagefind.js").is_file(), "the default language's search bundle"
    assert (project / "site" / "es" / "pagefind" / "pagefind.js").is_file(), "the Spanish search bundle"
    assert "search indexed 19 pages in 2 languages" in result.stderr
    assert no_staging_left(project)  # removed in the background once the site is published
