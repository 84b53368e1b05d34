"""Live preview: `mkdocs serve --dirty` (what `make serve` runs) and plain `mkdocs serve` show an edit in
both languages, listings and feeds included; a dirty rebuild never serves a stale listing."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest
from lxml import html as lxml_html

from base import BUILD_TIME
from conftest import MKDOCS, write_project
from sitediff import differences

pytestmark = pytest.mark.slow  # every test here builds or runs a command in a subprocess

#: how long a change may take to appear; `make serve` rebuilds the demo in about a second
CHANGE_DEADLINE_SECONDS = 20.0
START_DEADLINE_SECONDS = 60.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def _wait_until(condition: Callable[[], bool], deadline_seconds: float) -> float:
    """Seconds until `condition` held; fails the test when the deadline passes."""
    started = time.monotonic()
    while time.monotonic() - started < deadline_seconds:
        if condition():
            return time.monotonic() - started
        time.sleep(0.2)
    pytest.fail(f"not seen within {deadline_seconds} s")


def _start_serve(
    project: Path, port: int, log: IO[str], options: list[str], **env: str
) -> subprocess.Popen[bytes]:
    """`mkdocs serve OPTIONS --livereload` of `project` on 127.0.0.1:`port`, its output to `log`."""
    return subprocess.Popen(
        [*MKDOCS, "serve", *options, "--livereload", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env},
    )


@pytest.fixture(params=[["--dirty", "--no-strict"], []], ids=["make-serve-dirty", "full-rebuild"])
def served(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Path, str, Path]]:
    project = write_project(tmp_path / "project", copy_demo=True)
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    process = _start_serve(project, port, log, request.param)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until(lambda: "Early warning networks" in _get(f"{base}/"), START_DEADLINE_SECONDS)
        yield project, base, tmp_path / "serve.log"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _tab_labels(page: str) -> list[str]:
    """The texts of Material's navigation tabs."""
    links = lxml_html.fromstring(page).xpath('//a[contains(@class, "md-tabs__link")]')
    return [" ".join(link.text_content().split()) for link in links]


def test_serve_shows_an_edit_in_both_languages(served: tuple[Path, str, Path]) -> None:
    project, base, _log = served
    untranslated = project / "docs/press/2015/fictional-early-warning-networks.en.md"
    text = untranslated.read_text(encoding="utf-8")
    untranslated.write_text(
        text.replace("Early warning networks for land defenders", "Alarm networks for land defenders"),
        encoding="utf-8",
    )
    new_title = "Alarm networks for land defenders"
    # An untranslated entry is shown in English on the Spanish site but is in English feeds only.
    pages = [
        f"{base}/",
        f"{base}/press/",
        f"{base}/es/",
        f"{base}/es/press/",
        f"{base}/es/press/2015/fictional-early-warning-networks/",
        f"{base}/feeds/all.rss.xml",
        f"{base}/feeds/press.atom.xml",
    ]
    seconds = _wait_until(lambda: all(new_title in _get(url) for url in pages), CHANGE_DEADLINE_SECONDS)
    print(f"English edit seen on {len(pages)} pages after {seconds:.1f} s")
    # Feeds written after a dirty rebuild still carry every entry's content, not only the edited one's.
    feed = _get(f"{base}/feeds/all.rss.xml")
    assert feed.count("<item>") > 1 and feed.count("<content:encoded>") == feed.count("<item>")
    # A page rendered again names every tab, also those of pages a dirty rebuild did not render.
    for lang in ("", "/es"):
        tabs = _tab_labels(_get(f"{base}{lang}/press/2015/fictional-early-warning-networks/"))
        assert tabs == _tab_labels(_get(f"{base}{lang}/topics/")), lang
        assert "None" not in tabs and "" not in tabs, tabs

    translated = project / "docs/press/2014/protect-women-defenders-mesoamerica.es.md"
    text = translated.read_text(encoding="utf-8")
    translated.write_text(
        text.replace("fortalecer la protección", "reforzar la protección"), encoding="utf-8"
    )
    spanish_pages = [
        f"{base}/es/",
        f"{base}/es/press/",
        f"{base}/es/press/2014/protect-women-defenders-mesoamerica/",
        f"{base}/es/feeds/press.rss.xml",
    ]
    seconds = _wait_until(
        lambda: all("reforzar la protección" in _get(url) for url in spanish_pages), CHANGE_DEADLINE_SECONDS
    )
    print(f"Spanish edit seen on {len(spanish_pages)} pages after {seconds:.1f} s")
    assert "reforzar la protección" not in _get(f"{base}/press/")


def test_serve_reports_a_mistake_and_recovers(served: tuple[Path, str, Path]) -> None:
    """A saved mistake is printed as `memoria check` prints it; once fixed, the preview carries on.

    (While the mistake is there, pages are the preview's error page: tests/test_preview_errors.py.)
    """
    project, base, log = served
    entry = project / "docs/press/2015/fictional-early-warning-networks.en.md"
    good = entry.read_text(encoding="utf-8")
    entry.write_text(good.replace("date: 2015-03-25", "date: 25/03/2015"), encoding="utf-8")
    message = 'docs/press/2015/fictional-early-warning-networks.en.md:3: date: expected YYYY-MM-DD, got "25/03/2015"'
    _wait_until(lambda: message in log.read_text(encoding="utf-8"), CHANGE_DEADLINE_SECONDS)
    entry.write_text(good.replace("Early warning networks", "Warning networks"), encoding="utf-8")
    _wait_until(lambda: "Warning networks for land" in _get(f"{base}/es/press/"), CHANGE_DEADLINE_SECONDS)


def _titles_in_order(page: str, titles: list[str]) -> list[str]:
    """The given titles sorted by where they first appear in the page (missing ones left out)."""
    found = [title for title in titles if title in page]
    return sorted(found, key=page.index)


def test_serve_moves_an_entry_whose_date_changed(served: tuple[Path, str, Path]) -> None:
    """A new date moves the entry in every listing of both languages, and out of its old year's."""
    project, base, _log = served
    older = "Mexico and Mesoamerica: strengthen protection of women human rights defenders"
    newer = "Early warning networks for land defenders"
    older_es = "México y Mesoamérica: fortalecer la protección de las defensoras de derechos humanos"
    assert _titles_in_order(_get(f"{base}/press/"), [older, newer]) == [newer, older]
    entry = project / "docs/press/2014/protect-women-defenders-mesoamerica.en.md"
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text.replace("date: 2014-08-25", "date: 2016-01-10"), encoding="utf-8")

    def moved() -> bool:
        return (
            _titles_in_order(_get(f"{base}/press/"), [older, newer]) == [older, newer]
            and _titles_in_order(_get(f"{base}/es/press/"), [older_es, newer]) == [older_es, newer]
            and older in _get(f"{base}/press/2016/")
            and older_es in _get(f"{base}/es/press/2016/")
            and 'datetime="2016-01-10"' in _get(f"{base}/es/")
        )

    _wait_until(moved, CHANGE_DEADLINE_SECONDS)
    # Its Spanish page inherits the date from the English file it did not change.
    assert "10 de enero de 2016" in _get(f"{base}/es/press/2014/protect-women-defenders-mesoamerica/")
    # The 2014 press listing had only this entry: it is gone, not served stale.
    assert older not in _get(f"{base}/press/2014/")
    assert older_es not in _get(f"{base}/es/press/2014/")


def test_serve_links_a_translation_added_while_running(served: tuple[Path, str, Path]) -> None:
    """A new Spanish file replaces the English fallback, and both pages' switchers and hreflang find it."""
    project, base, _log = served
    spanish_url = f"{base}/es/press/2015/fictional-early-warning-networks/"
    assert "Early warning networks" in _get(spanish_url)  # the English fallback
    (project / "docs/press/2015/fictional-early-warning-networks.es.md").write_text(
        '---\ntitle: "Redes de alerta temprana para defensoras de la tierra"\n'
        "summary: Un comunicado ficticio.\n---\n\nTexto en español.\n",
        encoding="utf-8",
    )
    _wait_until(lambda: "Redes de alerta temprana" in _get(spanish_url), CHANGE_DEADLINE_SECONDS)
    english = lxml_html.fromstring(_get(f"{base}/press/2015/fictional-early-warning-networks/"))
    spanish = lxml_html.fromstring(_get(spanish_url))
    spanish_path = "/es/press/2015/fictional-early-warning-networks/"
    assert all(href.endswith(spanish_path) for href in english.xpath('//link[@hreflang="es"]/@href'))
    # No longer a fallback: nothing on the page is marked as English, and Spanish feeds now carry it.
    assert spanish.xpath("//html/@lang") == ["es"] and not spanish.xpath('//article//*[@lang="en"]')
    assert "Redes de alerta temprana" in _get(f"{base}/es/feeds/press.rss.xml")
    assert "Redes de alerta temprana" in _get(f"{base}/es/press/")


def _builds(log: Path) -> int:
    return log.read_text(encoding="utf-8").count("Building documentation")


def test_serve_rebuilds_once_per_save_and_not_when_idle(served: tuple[Path, str, Path]) -> None:
    """File events, not polling (memoria.engine.watch): a build reading every entry must not trigger another."""
    project, base, log = served
    time.sleep(3)
    assert _builds(log) == 1, log.read_text(encoding="utf-8")
    entry = project / "docs/press/2015/fictional-early-warning-networks.en.md"
    entry.write_text(
        entry.read_text(encoding="utf-8").replace("land defenders", "land keepers"), encoding="utf-8"
    )
    _wait_until(lambda: "land keepers" in _get(f"{base}/press/"), CHANGE_DEADLINE_SECONDS)
    time.sleep(3)
    assert _builds(log) == 2, log.read_text(encoding="utf-8")


def test_serve_polls_when_asked(tmp_path: Path) -> None:
    """`preview_polling: true` keeps MkDocs' own polling (Docker, network mounts), and edits still show."""
    project = write_project(tmp_path / "project", copy_demo=True)
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "  - memoria:\n", "  - memoria:\n      preview_polling: true\n"
        ),
        encoding="utf-8",
    )
    port = _free_port()
    with (tmp_path / "serve.log").open("w") as log:
        process = _start_serve(project, port, log, ["--dirty", "--no-strict"])
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_until(lambda: "Early warning networks" in _get(f"{base}/"), START_DEADLINE_SECONDS)
            entry = project / "docs/press/2015/fictional-early-warning-networks.en.md"
            text = entry.read_text(encoding="utf-8")
            entry.write_text(text.replace("Early warning networks", "Polled networks"), encoding="utf-8")
            _wait_until(lambda: "Polled networks" in _get(f"{base}/press/"), CHANGE_DEADLINE_SECONDS)
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_a_terminated_preview_leaves_no_temporary_folders(tmp_path: Path) -> None:
    """SIGTERM (a process manager, an editor, a test) cleans up as Ctrl-C does: MkDocs' site and the preview's files."""
    project = write_project(tmp_path / "project", copy_demo=True)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    port = _free_port()
    with (tmp_path / "serve.log").open("w") as log:
        process = _start_serve(project, port, log, ["--dirty", "--no-strict"], TMPDIR=str(temporary))
        try:
            _wait_until(
                lambda: "Early warning networks" in _get(f"http://127.0.0.1:{port}/"), START_DEADLINE_SECONDS
            )
            assert sorted(p.name.split("_")[0].split("-")[0] for p in temporary.iterdir()) == [
                "memoria",
                "mkdocs",
            ]
            process.terminate()
            process.wait(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
    assert list(temporary.iterdir()) == [], (tmp_path / "serve.log").read_text(encoding="utf-8")


STANDALONE_EVENT = """
    ---
    title: "Community assembly on water (fictional example)"
    date: 2015-06-02
    summary: A fictional one-day assembly, linked to nothing else, so that it can be deleted.
    city: San Salvador
    country: SV
    topics: [Land and territory]
    ---

    A fictional assembly.
    """


ADDED_RELEASE = """---
title: "A release added while the preview runs (fictional example)"
date: 2015-07-01
summary: A fictional press release, written while the preview was running.
topics:
  - Land and territory
countries: [HN]
---

A fictional release.
"""


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path} does not say {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _served_folder(log: Path) -> Path:
    """The temporary folder `mkdocs serve` builds into, as static-i18n's first log line names it."""
    found = re.search(r"Building 'en' documentation to directory: (\S+)", log.read_text(encoding="utf-8"))
    assert found, log.read_text(encoding="utf-8")
    return Path(found.group(1))


def _wait_for_builds(log: Path, builds: int) -> None:
    """Until the server has ended `builds` builds and shows the last one's pages."""

    def ended() -> bool:
        # MkDocs serves once the first build ends, and says "Reloading browsers" after each rebuild
        text = log.read_text(encoding="utf-8")
        return "Serving on" in text and text.count("Reloading browsers") >= builds - 1

    _wait_until(ended, START_DEADLINE_SECONDS)


def _fresh_preview(project: Path, port: int, into: Path) -> None:
    """What a preview of `project` started now on `port` serves (its first build makes everything), copied to `into`."""
    log_path = into.with_suffix(".log")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as log:
        process = _start_serve(project, port, log, ["--dirty", "--no-strict"], MEMORIA_BUILD_TIME=BUILD_TIME)
        try:
            _wait_for_builds(log_path, 1)
            shutil.copytree(_served_folder(log_path), into)
        finally:
            process.terminate()
            process.wait(timeout=30)


def test_a_preview_after_edits_serves_what_a_fresh_preview_serves(tmp_path: Path) -> None:
    """After each kind of edit, every file the running preview serves equals a freshly started one's.

    Edits: an entry's body; an event's title (shown on listings, feeds, calendars and the
    pages that link to it); a translation added; a translation removed; an entry added; an
    event deleted (its page, its calendar file, its place in listings). The last four add or
    remove files: static-i18n's choice of each language's files, which the preview keeps while
    the files are the same (memoria.engine.localised_files), is made again. Then what every
    page shows besides entries: the site's name in mkdocs.yml, a template of the theme's
    overrides, a topic's Spanish name in the shared lists (memoria.preview.environment_stamps). Compared file by file by tests/sitediff.py (the search bundle
    aside: the preview indexes search once, at its first build). Both previews run on the same
    address, so absolute URLs match.
    """
    project = write_project(
        tmp_path / "project", copy_demo=True, docs={"events/2015/water-assembly.en.md": STANDALONE_EVENT}
    )
    docs = project / "docs"
    edits: dict[str, Callable[[], object]] = {
        "body": lambda: _replace(
            docs / "press/2015/fictional-early-warning-networks.en.md",
            "funded and recognised",
            "funded, trained and recognised",
        ),
        "title": lambda: _replace(
            docs / "events/2014/roundtable-whrd-mexico-2014.en.md", 'title: "', 'title: "Renamed, '
        ),
        "translation": lambda: (docs / "press/2015/fictional-early-warning-networks.es.md").write_text(
            '---\ntitle: "Redes de alerta temprana"\nsummary: Un comunicado ficticio.\n---\n\nTexto.\n',
            encoding="utf-8",
        ),
        "translation removed": lambda: (
            docs / "press/2014/protect-women-defenders-mesoamerica.es.md"
        ).unlink(),
        "entry added": lambda: (docs / "press/2015/added-release.en.md").write_text(
            ADDED_RELEASE, encoding="utf-8"
        ),
        "deletion": lambda: (docs / "events/2015/water-assembly.en.md").unlink(),
        # What every page shows besides entries: mkdocs.yml, the theme's overrides, the shared lists
        "site name": lambda: _replace(
            project / "mkdocs.yml", "site_name: Memoria", "site_name: Memoria renamed"
        ),
        "template": lambda: _replace(
            project / "overrides/main.html",
            "{% block extrahead %}",
            '{% block extrahead %}<meta name="x-edited" content="template edited">',
        ),
        "shared list": lambda: _replace(
            project / "data/topics.yml",
            "es: Mecanismos de protección",
            "es: Mecanismos estatales de protección",
        ),
    }
    port = _free_port()
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        process = _start_serve(project, port, log, ["--dirty", "--no-strict"], MEMORIA_BUILD_TIME=BUILD_TIME)
        try:
            _wait_for_builds(log_path, 1)
            served = _served_folder(log_path)
            assert (served / "events/2015/water-assembly/water-assembly.ics").is_file()
            for number, (name, edit) in enumerate(edits.items(), start=2):
                edit()
                _wait_for_builds(log_path, number)
                shutil.copytree(served, tmp_path / "served" / name)
                shutil.copytree(project, tmp_path / "projects" / name)  # the tree it was built from
        finally:
            process.terminate()
            process.wait(timeout=30)
    assert "ERROR" not in log_path.read_text(encoding="utf-8")
    # everything rendered again for the last three edits only, not for the entries' edits
    assert log_path.read_text(encoding="utf-8").count("every page is rendered again") == 3
    assert not (tmp_path / "served/deletion/events/2015/water-assembly/water-assembly.ics").exists()
    entry_page = (
        "press/2015/fictional-early-warning-networks/index.html"  # an entry page, not rendered every time
    )
    assert "Memoria renamed" in (tmp_path / "served/site name" / entry_page).read_text(encoding="utf-8")
    assert "template edited" in (tmp_path / "served/template/es" / entry_page).read_text(encoding="utf-8")
    assert "Mecanismos estatales de protección" in (
        tmp_path / "served/shared list/es/press/2014/protect-women-defenders-mesoamerica/index.html"
    ).read_text(encoding="utf-8")
    for name in edits:
        _fresh_preview(tmp_path / "projects" / name, port, tmp_path / "fresh" / name)
        found = differences(tmp_path / "served" / name, tmp_path / "fresh" / name)
        # The 404 pages' language links are those of the last page a build rendered (static-i18n
        # sets them per page in the configuration; published builds have it too): not compared.
        assert [line for line in found if not line.endswith("404.html")] == [], name


def _children(pid: int) -> list[int]:
    """The processes `pid` forked (Linux: /proc)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc")
def test_a_preview_whose_spanish_process_is_killed_rebuilds_every_language_itself(tmp_path: Path) -> None:
    """After its first build the preview rebuilds Spanish in a copy of itself (memoria.engine.side_by_side).

    An edit to each language shows; the copy killed with SIGKILL, the next edits still show in
    both languages, the log says why; `preview_side_by_side: false` forks nothing; and a
    terminated preview leaves no process behind.
    """
    project = write_project(tmp_path / "project", copy_demo=True)
    base_port = _free_port()
    base = f"http://127.0.0.1:{base_port}"
    english = project / "docs/press/2015/fictional-early-warning-networks.en.md"
    spanish = project / "docs/press/2014/protect-women-defenders-mesoamerica.es.md"
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        process = _start_serve(project, base_port, log, ["--dirty", "--no-strict"], MEMORIA_LANG="en")
        try:
            _wait_for_builds(log_path, 1)
            _wait_until(lambda: len(_children(process.pid)) == 1, START_DEADLINE_SECONDS)
            copy = _children(process.pid)[0]
            for number, word in enumerate(["first", "second"]):
                if number == 1:
                    os.kill(copy, 9)
                _replace(english, "funded", f"{word} funded")
                _replace(spanish, "fortalecer la protección", f"{word} fortalecer la protección")
                _wait_until(
                    lambda w=word: (
                        f"{w} funded" in _get(f"{base}/press/2015/fictional-early-warning-networks/")
                        and f"{w} fortalecer"
                        in _get(f"{base}/es/press/2014/protect-women-defenders-mesoamerica/")
                        and f"{w} funded" in _get(f"{base}/es/press/2015/fictional-early-warning-networks/")
                    ),
                    CHANGE_DEADLINE_SECONDS,
                )
                if number == 0:  # the server's own 404 page at the root, the copy's in its folder
                    assert '<html lang="en"' in _get(f"{base}/404.html")
                    assert '<html lang="es"' in _get(f"{base}/es/404.html")
            assert _children(process.pid) == []
        finally:
            process.terminate()
            process.wait(timeout=30)
    text = log_path.read_text(encoding="utf-8")
    assert "a language's process stopped: every language is rebuilt in this one" in text
    assert "Traceback" not in text

    # Switched off: no copy; terminated with one running: none left.
    _replace(project / "mkdocs.yml", "  - memoria:\n", "  - memoria:\n      preview_side_by_side: false\n")
    for side_by_side in (False, True):
        if side_by_side:
            _replace(project / "mkdocs.yml", "preview_side_by_side: false", "preview_side_by_side: true")
        with log_path.open("w") as log:
            process = _start_serve(project, base_port, log, ["--dirty", "--no-strict"])
            try:
                _wait_for_builds(log_path, 1)
                _replace(english, "funded", "third funded")
                _wait_until(
                    lambda: "third funded" in _get(f"{base}/es/press/2015/fictional-early-warning-networks/"),
                    CHANGE_DEADLINE_SECONDS,
                )
                copies = _children(process.pid)
                assert len(copies) == (1 if side_by_side else 0)
            finally:
                process.terminate()
                process.wait(timeout=30)
        assert all(not Path(f"/proc/{pid}").exists() for pid in copies)
