"""The benchmark corpus is valid Memoria content and builds strictly, so the benchmark times real work."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, run_build
from memoria.catalog import build_catalog
from memoria.content import load_archive

pytestmark = pytest.mark.slow  # every test here builds or runs a command in a subprocess

MAKE_CORPUS = ROOT / "scripts" / "make_corpus.py"


def make_corpus(n: int, project: Path, hugo: Path | None = None) -> None:
    command = [sys.executable, str(MAKE_CORPUS), str(n), str(project)]
    if hugo is not None:
        command += ["--hugo", str(hugo)]
    subprocess.run(command, check=True, capture_output=True)


def test_small_corpus_is_valid_content(tmp_path: Path) -> None:
    make_corpus(12, tmp_path / "project")
    result = load_archive(tmp_path / "project" / "docs")
    assert result.errors == []
    catalog, problems = build_catalog(result.entries)
    assert problems == []
    sections = {entry.section for entry in catalog.entries}
    assert sections == {"press", "events", "recordings"}
    assert len(catalog.entries) == 12
    assert all(entry.is_translated("es") for entry in catalog.entries)
    for event in catalog.section("events"):
        assert 1 <= len(catalog.recordings_of(event)) <= 5
    for press in catalog.section("press"):
        assert catalog.event_of(press) is not None


def test_corpus_is_deterministic_and_spanish_has_accents(tmp_path: Path) -> None:
    make_corpus(8, tmp_path / "a")
    make_corpus(8, tmp_path / "b")
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a" / "docs").rglob("*.md"))
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b" / "docs").rglob("*.md"))
    assert files_a == files_b
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
    spanish = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "a" / "docs").rglob("*.es.md"))
    assert any(ch in spanish for ch in "áéíóúñ")


def test_small_corpus_builds_strict_and_peer_config_has_no_memoria(tmp_path: Path) -> None:
    project = tmp_path / "project"
    make_corpus(10, project, hugo=tmp_path / "hugo")
    built = run_build(project, strict=True)
    assert built.returncode == 0, built.output
    entry = next((project / "docs" / "press").rglob("*.es.md"))
    year, slug = entry.parent.name, entry.name[: -len(".es.md")]
    assert (built.site / "es" / "press" / year / slug / "index.html").is_file()
    peer = yaml.safe_load((project / "mkdocs.peer.yml").read_text(encoding="utf-8"))
    names = [next(iter(p)) if isinstance(p, dict) else p for p in peer["plugins"]]
    assert "memoria" not in names and {"rss", "i18n"} <= set(names)
    hugo_pages = list((tmp_path / "hugo" / "content").rglob("*.es.md"))
    assert len(hugo_pages) == 10 + 3  # every entry, plus the three section pages
