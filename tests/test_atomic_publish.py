"""`memoria build` publishes atomically: the complete new site, search included, or the previous one untouched."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import no_staging_left, write_project
from memoria.commands.build import publish

MEMORIA = [sys.executable, "-m", "memoria.cli"]
PRESS = "docs/press/2014/protect-women-defenders-mesoamerica.en.md"
PATHS = {
    "parallel": ([], False),
    "serial": (["--serial"], False),
    "one-language": ([], True),
}


def _build(
    project: Path, *options: str, env: dict[str, str] | None = None, write_limit: int | None = None
) -> subprocess.CompletedProcess[str]:
    """`memoria build`; `write_limit`: no file it writes may grow past so many bytes (a full disk's effect)."""

    def limit_writes() -> None:
        assert write_limit is not None
        resource.setrlimit(resource.RLIMIT_FSIZE, (write_limit, write_limit))

    return subprocess.run(
        [*MEMORIA, "build", "--strict", *options],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
        preexec_fn=None if write_limit is None else limit_writes,
    )


def _snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _project(tmp_path: Path, one_language: bool) -> Path:
    project = write_project(tmp_path / "project", copy_demo=True)
    if one_language:
        config = project / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        config.write_text(
            text.replace("name: Español\n          build: true", "name: Español\n          build: false")
        )
    return project


@pytest.mark.slow
@pytest.mark.parametrize("path", PATHS)
def test_a_failed_build_leaves_the_published_site_byte_identical(tmp_path: Path, path: str) -> None:
    options, one_language = PATHS[path]
    project = _project(tmp_path, one_language)
    first = _build(project, *options)
    assert first.returncode == 0, first.stderr
    site = project / "site"
    before = _snapshot(site)
    assert "pagefind/pagefind.js" in before
    assert ("es/index.html" in before) is not one_language

    # 1. a broken content file: the build stops before anything is written
    press = project / PRESS
    good = press.read_text(encoding="utf-8")
    press.write_text(good.replace("date: 2014-08-25", "date: 2014-02-30"), encoding="utf-8")
    broken = _build(project, *options)
    assert broken.returncode == 1
    assert "date" in broken.stderr
    assert f"nothing was published: the site in {site} is unchanged" in broken.stderr
    assert _snapshot(site) == before

    # 2. a file the build cannot write (the disk full, here a limit on a file's size): said
    # plainly, which file and why, without a traceback
    press.write_text(good + "\nA sentence added.\n", encoding="utf-8")
    unwritable = _build(project, *options, write_limit=20_000)
    assert unwritable.returncode == 1, unwritable.stderr
    assert "could not write" in unwritable.stderr and "File too large" in unwritable.stderr
    assert "Traceback" not in unwritable.stderr
    assert "nothing was published" in unwritable.stderr
    assert _snapshot(site) == before

    # 3. search indexing fails after every page is written (an archive with no entry: Pagefind refuses)
    press.write_text(good, encoding="utf-8")
    for section in ("press", "events", "recordings"):
        shutil.rmtree(project / "docs" / section)
    no_search = _build(project, *options)
    assert no_search.returncode == 1, no_search.stderr
    assert "Pagefind" in no_search.stderr
    assert "nothing was published" in no_search.stderr
    assert _snapshot(site) == before

    # Spanish speakers read it in Spanish
    spanish = _build(project, *options, env={"LANG": "es_ES.UTF-8"})
    assert f"no se publicó nada: el sitio en {site} no ha cambiado" in spanish.stderr
    assert _snapshot(site) == before
    assert no_staging_left(project)  # removed in the background once the site is published


@pytest.mark.slow
def test_a_site_folder_asked_for_under_a_file_is_said_plainly(tmp_path: Path) -> None:
    project = _project(tmp_path, one_language=False)
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    result = _build(project, "-d", str(tmp_path / "a-file" / "site"), env={"LANG": "es_ES.UTF-8"})
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert (
        f"no se pudo escribir {tmp_path / 'a-file'}: hay un archivo donde debería haber una carpeta"
        in result.stderr
    )
    assert "no se publicó nada" in result.stderr


@pytest.mark.slow
def test_readers_always_find_a_whole_site_with_search_during_a_rebuild(tmp_path: Path) -> None:
    project = _project(tmp_path, one_language=False)
    assert _build(project).returncode == 0
    site = project / "site"
    missing: list[str] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            for name in ("index.html", "pagefind/pagefind.js", "es/pagefind/pagefind.js"):
                if not (site / name).is_file():
                    missing.append(name)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for _ in range(2):
            assert _build(project).returncode == 0
    finally:
        done.set()
        watcher.join()
    assert missing == []


def test_publish_swaps_and_keeps_the_previous_site_for_deletion(tmp_path: Path) -> None:
    site, new, trash = tmp_path / "site", tmp_path / "new", tmp_path / "trash"
    site.mkdir()
    (site / "old.html").write_text("old")
    new.mkdir()
    (new / "new.html").write_text("new")
    publish(new, site, trash)
    assert [p.name for p in site.iterdir()] == ["new.html"]
    assert [p.name for p in trash.iterdir()] == ["old.html"]
    assert not new.exists()
    # the first build: nothing to replace
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    publish(fresh, tmp_path / "first-site", tmp_path / "unused")
    assert (tmp_path / "first-site").is_dir() and not (tmp_path / "unused").exists()
