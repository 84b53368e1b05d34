"""The build cache is never stale: after each kind of change, a warm build equals a cold one.

One project (the demo) is built with the cache; then each dependency changes in turn (an
entry's body, a title other pages show, a template, the config, a manifest, a translation
removed and added, an entry deleted) and the warm build is compared with a cold build of the
same tree (`--no-cache`) by `tests/sitediff.py` (all files, stamps aside) and by the search
records the cache holds (Pagefind's bundle itself differs from run to run). A corrupt state,
a state of another format or Memoria, and a changed cached page are ignored, never trusted.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import write_project
from memoria import build_cache
from memoria.build_cache import BuildCache, LanguageState, digest
from memoria.search import read_page, searchable_page
from sitediff import differences

MEMORIA = [sys.executable, "-m", "memoria.cli"]
PRESS = "docs/press/2014/protect-women-defenders-mesoamerica"
EVENT = "docs/events/2014/roundtable-whrd-mexico-2014"
NOTHING_TO_DO = "nothing changed since the last build"
FROM_CACHE = re.compile(r"(\w+): (\d+) pages from the cache, (\d+) rendered \((warm|cold) cache\)")


def _build(
    project: Path,
    site: str,
    *options: str,
    moment: str = "2026-11-29T12:00:00+00:00",
    env: dict[str, str] | None = None,
) -> str:
    result = subprocess.run(
        [*MEMORIA, "build", "--strict", "--timings", "-d", site, *options],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "MEMORIA_LANG": "en", **(env or {}), "MEMORIA_BUILD_TIME": moment},
    )
    assert result.returncode == 0, result.stderr
    return result.stderr


def _from_cache(report: str) -> dict[str, tuple[int, bool]]:
    """Per language: pages that came from the cache, and whether the cache was warm."""
    return {lang: (int(reused), state == "warm") for lang, reused, _r, state in FROM_CACHE.findall(report)}


def _search_records(site: Path) -> dict[str, dict[str, str]]:
    """Per language, each entry page's search record (what Pagefind indexes), as a digest."""
    records: dict[str, dict[str, str]] = {"en": {}, "es": {}}
    for path in sorted(site.rglob("*.html")):
        relative = path.relative_to(site).as_posix()
        if "pagefind/" in relative:
            continue
        page = read_page(path)
        if page is not None:
            records["es" if relative.startswith("es/") else "en"][relative] = digest(page.staging_html())
    return records


def _cached_records(project: Path) -> dict[str, dict[str, str]]:
    cache = BuildCache(project / ".cache" / "memoria")
    out = {}
    for lang in ("en", "es"):
        state = cache.load(lang)
        assert state is not None
        out[lang] = state.search_digests
    return out


def _indexed(site: Path) -> dict[str, dict[str, object]]:
    """What the site's search bundles hold, per result URL: Pagefind's fragments (gzip, a signature,
    JSON). Their file names and the filter shards vary from run to run; their content does not."""
    found = {}
    for fragment in site.glob("**/pagefind/fragment/*.pf_fragment"):
        raw = gzip.decompress(fragment.read_bytes())
        record = json.loads(raw[raw.index(b"{") :])
        found[record["url"]] = record
    return found


def _indexed_page(lang: str, title: str, text: str) -> str:
    """A search record as the build writes one, for a page with this title and text."""
    page = searchable_page(
        f'<html lang="{lang}"><body><article data-pagefind-body><h1>{title}</h1><p>{text}</p></article></body></html>'.encode()
    )
    assert page is not None
    return page.staging_html()


def _assert_like_cold(project: Path) -> dict[str, tuple[int, bool]]:
    """Build warm into site/, cold into cold/: same files, same search records, the same indexed in
    the bundles; what came from the cache."""
    report = _build(project, "site")
    _build(project, "cold", "--no-cache")
    assert differences(project / "site", project / "cold") == []
    assert _cached_records(project) == _search_records(project / "cold")
    assert _indexed(project / "site") == _indexed(project / "cold")
    return _from_cache(report)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = write_project(tmp_path / "project", copy_demo=True)
    report = _build(project, "site")
    assert _from_cache(report) == {"en": (0, False), "es": (0, False)}
    return project


def test_every_kind_of_change_gives_what_a_cold_build_gives(project: Path) -> None:
    # nothing changed, but someone edited one published page in place (the cache shares its file):
    # that page is rendered again, every other one comes from the cache
    cache = BuildCache(project / ".cache" / "memoria")
    state = cache.load("en")
    assert state is not None
    page = next(r.outputs[0][0] for uri, r in state.pages.items() if uri.startswith("press/2014/"))
    with (project / "site" / page).open("ab") as handle:
        handle.write(b"<!-- tampered -->")
    unchanged = _assert_like_cold(project)
    assert b"tampered" not in (project / "site" / page).read_bytes()
    assert unchanged["en"][0] > 30 and unchanged["es"][0] > 30, unchanged

    # an entry's body: its own page again, the others from the cache; Pagefind reads the cache's
    # search records, where a build killed mid-write left a record no page has: never indexed
    stray = project / ".cache" / "memoria" / "en" / "search" / "press" / "ghost" / "index.html"
    stray.parent.mkdir(parents=True)
    stray.write_text(_indexed_page("en", "Ghost", "zebraword"), encoding="utf-8")
    _edit(project / f"{PRESS}.en.md", "\n\n", "\n\nA sentence added for the cache test.\n\n")
    body = _assert_like_cold(project)
    assert not stray.exists() and not any("zebraword" in str(r) for r in _indexed(project / "site").values())
    assert 0 < body["en"][0] < unchanged["en"][0], body

    # an event's title, which its press release, its recordings and the listings show
    _edit(project / f"{EVENT}.es.md", 'title: "', 'title: "Mesa redonda renombrada — ')
    title = _assert_like_cold(project)
    assert title["es"][1] and title["es"][0] < body["es"][0], title

    # a template override
    template = next((project / "overrides").rglob("*.html"))
    template.write_text(template.read_text(encoding="utf-8") + "\n<!-- changed -->\n", encoding="utf-8")
    _assert_like_cold(project)

    # the configuration
    _edit(project / "mkdocs.yml", "This demo archive keeps", "This demo archive now keeps")
    _assert_like_cold(project)

    # a recording's manifest: its original is gone and no copy is held
    media = project / "media" / "ustream-51404484"
    media.mkdir(parents=True)
    (media / "manifest.json").write_text(
        json.dumps(
            {"id": "ustream-51404484", "outcome": "failed", "files": [], "origin": {"status": "dead"}}
        ),
        encoding="utf-8",
    )
    _assert_like_cold(project)

    # a translation removed, then added back
    spanish = project / f"{PRESS}.es.md"
    kept = spanish.read_text(encoding="utf-8")
    spanish.unlink()
    _assert_like_cold(project)
    spanish.write_text(kept, encoding="utf-8")
    _assert_like_cold(project)

    # an entry deleted (nothing refers to a press release)
    for lang in ("en", "es"):
        (project / f"{PRESS}.{lang}.md").unlink()
    deleted = _assert_like_cold(project)
    assert deleted["en"][1], deleted


def test_search_records_changed_while_pagefind_reads_them_are_indexed_from_the_builds_own_pages(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Pagefind reads the cache's records where the language's process left them. Another build
    # changes one meanwhile (a new file renamed over it): this build's bundle is made again from
    # its own pages, never from the other build's record.
    from memoria.commands.build import SearchSource, _index

    records = project / ".cache" / "memoria" / "es" / "search"
    stamps = build_cache.file_stamps(records)
    site = tmp_path / "site"
    shutil.copytree(project / "site", site)
    shutil.rmtree(site / "es" / "pagefind")
    victim = sorted(records.rglob("*.html"))[0]
    build_cache.replace_with_text(_indexed_page("es", "Otro", "cebrapalabra"), victim)

    assert _index({"es": SearchSource(records, stamps, tmp_path / "staging")}, ["en", "es"], site) is None
    assert "changed while Pagefind read them" in capsys.readouterr().err
    spanish = {url: r for url, r in _indexed(project / "site").items() if url.startswith("/es/")}
    assert _indexed(site / "es") == spanish and spanish
    # or the cache is removed meanwhile (Pagefind then finds nothing to index)
    shutil.rmtree(site / "es" / "pagefind")
    shutil.move(records, tmp_path / "records")
    assert _index({"es": SearchSource(records, stamps, tmp_path / "s1")}, ["en", "es"], site) is None
    assert "changed while Pagefind read them" in capsys.readouterr().err
    assert _indexed(site / "es") == spanish
    shutil.move(tmp_path / "records", records)
    # and unchanged records are simply indexed where they are
    shutil.rmtree(site / "es" / "pagefind")
    assert (
        _index(
            {"es": SearchSource(records, build_cache.file_stamps(records), tmp_path / "s2")},
            ["en", "es"],
            site,
        )
        is None
    )
    assert "cebrapalabra" in str(_indexed(site / "es")) and "changed while" not in capsys.readouterr().err


IN_PLACE = re.compile(r"(\w+): started from the site the last build replaced, (\d+) files kept in place")


def test_a_warm_build_starts_from_the_replaced_site_and_keeps_only_what_is_current(
    project: Path, tmp_path: Path
) -> None:
    # The site a build replaces is kept in the cache, without its search bundles and media (the
    # media are copies as big as the archive), and the next warm build starts from it.
    _edit(project / f"{PRESS}.en.md", "\n\n", "\n\nA sentence for the replaced site.\n\n")
    first = _build(project, "site")
    replaced = project / ".cache" / "memoria" / "replaced-site"
    assert (replaced / "index.html").is_file() and (replaced / "es" / "index.html").is_file()
    assert not (replaced / "pagefind").exists() and not (replaced / "es" / "pagefind").exists()
    assert not (replaced / "media").exists()
    assert IN_PLACE.findall(first) == []  # the first build replaced no site: nothing to start from

    # What anyone could have left in it: a page no build made, a link to a file outside the
    # site, a folder where a current page's file goes, a current page's file edited in place
    # (the cache shares it: it is rendered again) and a folder of a language no longer built.
    outside = tmp_path / "outside.txt"
    outside.write_text("not the site's", encoding="utf-8")
    (replaced / "press" / "stray").mkdir(parents=True)
    (replaced / "press" / "stray" / "index.html").write_text("stray", encoding="utf-8")
    (replaced / "press" / "link.html").symlink_to(outside)
    (replaced / "fr" / "press").mkdir(parents=True)
    state = BuildCache(project / ".cache" / "memoria").load("en")
    assert state is not None
    pages = sorted(r.outputs[0][0] for uri, r in state.pages.items() if uri.startswith("press/20"))
    folder_page, edited_page = replaced / pages[0], replaced / pages[-1]
    folder_page.unlink()
    folder_page.mkdir()
    (folder_page / "inside.html").write_text("a folder's file", encoding="utf-8")
    with edited_page.open("ab") as handle:
        handle.write(b"<!-- edited in the replaced site -->")

    _edit(project / f"{EVENT}.es.md", 'title: "', 'title: "Mesa redonda del sitio reemplazado — ')
    second = _build(project, "site")
    kept, reused = dict(IN_PLACE.findall(second)), _from_cache(second)
    assert all(0 < int(kept[lang]) <= reused[lang][0] for lang in ("en", "es")), second
    assert outside.read_text(encoding="utf-8") == "not the site's"
    _build(project, "cold", "--no-cache")
    assert differences(project / "site", project / "cold") == []
    assert _indexed(project / "site") == _indexed(project / "cold")
    assert b"edited in the replaced site" not in (project / "site" / pages[-1]).read_bytes()

    # Two builds at once: one takes the replaced site, the other builds from nothing; both publish.
    _edit(project / f"{PRESS}.es.md", "\n\n", "\n\nUna frase para dos compilaciones a la vez.\n\n")
    env = {**os.environ, "MEMORIA_LANG": "en", "MEMORIA_BUILD_TIME": "2026-11-29T12:00:00+00:00"}
    builds = [
        subprocess.Popen(
            [*MEMORIA, "build", "--strict", "--timings", "-d", "site"],
            cwd=project,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    reports = [build.communicate(timeout=600)[1] for build in builds]
    assert [build.returncode for build in builds] == [0, 0], reports
    _build(project, "cold", "--no-cache")
    assert differences(project / "site", project / "cold") == []


def test_a_file_another_build_is_writing_among_the_search_records_is_left_to_it(project: Path) -> None:
    # Seen with two builds at once: one removed the other's new record before its rename, which
    # then failed ("could not write …: No such file or directory"). A young one is left alone;
    # one an hour old was left by a killed build and goes.
    folder = next((project / ".cache" / "memoria" / "en" / "search" / "press").rglob("index.html")).parent
    young, old = folder / ".index.html.0123abcd", folder / ".index.html.89abcdef"
    for path in (young, old):
        path.write_text("<html></html>", encoding="utf-8")
    hours_ago = time.time() - 2 * 3600
    os.utime(old, (hours_ago, hours_ago))
    _edit(project / f"{PRESS}.en.md", "\n\n", "\n\nA sentence while another build writes.\n\n")
    _build(project, "site")
    assert young.exists() and not old.exists()


def test_a_corrupt_or_foreign_state_means_a_cold_build(project: Path) -> None:
    for damage in ("checksum", "format", "memoria"):
        for name in ("en/state.pickle", "es/state.pickle", "published.json"):
            path = project / ".cache" / "memoria" / name
            header, _, payload = path.read_bytes().partition(b"\n")
            magic, version, memoria, checksum = header.decode().split(" | ")
            if damage == "checksum":
                payload = payload[:-1] + bytes([payload[-1] ^ 1])  # the checksum no longer matches
            elif damage == "format":
                version = str(int(version) + 1)
            else:
                memoria = "0" * len(memoria)  # written by another Memoria
            path.write_bytes(" | ".join((magic, version, memoria, checksum)).encode() + b"\n" + payload)
        report = _build(project, "site")
        assert NOTHING_TO_DO not in report, damage  # the published site's record is not trusted either
        assert _from_cache(report) == {"en": (0, False), "es": (0, False)}, (damage, report)


def test_state_round_trip_and_memoria_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = BuildCache(tmp_path)
    state = LanguageState(key="k", rendered={"press/x": "<p>x</p>"})
    cache.save("en", state)
    assert cache.load("en") == state
    monkeypatch.setattr(build_cache, "memoria_digest", lambda: "another memoria")
    assert cache.load("en") is None


def _build_at(project: Path, moment: str, *options: str, env: dict[str, str] | None = None) -> str:
    return _build(project, "site", *options, moment=moment, env=env)


def test_a_build_with_nothing_to_do_leaves_the_site_untouched_and_anything_else_builds(
    project: Path,
) -> None:
    noon, half_past, one, later = (f"2026-11-29T{h}+00:00" for h in ("12:00", "12:30", "13:00", "13:30"))
    site = project / "site"
    # an embargo that lifts at one o'clock: until then, builds for any moment publish the same entries
    (project / "docs/press/2026").mkdir(parents=True, exist_ok=True)
    (project / "docs/press/2026/quetzal-embargoed-release.en.md").write_text(
        f"---\ntitle: Quetzal embargoed release\ndate: 2026-11-20\npublish: {one}\n"
        "summary: Quetzal summary.\ntopics: [Quetzal topic]\n---\n\nQuetzal text.\n",
        encoding="utf-8",
    )
    assert NOTHING_TO_DO not in _build_at(project, noon)
    before = build_cache.site_stamps(site)
    assert NOTHING_TO_DO in _build_at(project, half_past)
    assert build_cache.site_stamps(site) == before  # not one file written, replaced or removed
    # a file saved again unchanged: contents are compared, not times
    press = project / f"{PRESS}.en.md"
    press.write_bytes(press.read_bytes())
    assert NOTHING_TO_DO in _build_at(project, half_past)

    # the embargo lifts: the build runs and publishes it, like a cold build for that moment
    assert NOTHING_TO_DO not in _build_at(project, later)
    assert (site / "press/2026/quetzal-embargoed-release/index.html").is_file()
    _build(project, "cold", "--no-cache", moment=later)
    assert differences(site, project / "cold") == []
    # back before it (MEMORIA_BUILD_TIME can go back): held back again
    assert NOTHING_TO_DO not in _build_at(project, half_past)
    assert not (site / "press/2026/quetzal-embargoed-release/index.html").exists()
    assert NOTHING_TO_DO in _build_at(project, half_past)

    # each of these makes the build run, and what it publishes is what a cold build publishes
    changes = {
        "a published file removed": lambda: (site / "es/feeds/index.html").unlink(),
        "a published file edited": lambda: (site / "index.html").write_text("tampered", encoding="utf-8"),
        "a file added to the site": lambda: (site / "stray.html").write_text("x", encoding="utf-8"),
        "an empty folder added to the site": lambda: (site / "stray").mkdir(),
        "an entry edited": lambda: _edit(press, "\n\n", "\n\nOne more sentence.\n\n"),
        "mkdocs.yml edited": lambda: _edit(
            project / "mkdocs.yml", "This demo archive keeps", "This demo archive still keeps"
        ),
    }
    for change, make in changes.items():
        make()
        assert NOTHING_TO_DO not in _build_at(project, half_past), change
        _build(project, "cold", "--no-cache", moment=half_past)
        assert differences(site, project / "cold") == [], change
        assert NOTHING_TO_DO in _build_at(project, half_past), change
    # the interface language is part of what a build reads (its messages, its pages' tools)
    spanish = _build_at(project, half_past, env={"MEMORIA_LANG": "es"})
    assert NOTHING_TO_DO not in spanish
    assert re.search(r"memoria build: en, es: sitio construido en [0-9.]+ s en \S*site\n", spanish), spanish
    # another site folder, --serial and --no-cache always build
    assert NOTHING_TO_DO not in _build_at(project, half_past, "--serial")
    assert NOTHING_TO_DO not in _build_at(project, half_past, "--no-cache")


def test_links_elsewhere_finds_what_the_relative_link_pattern_finds() -> None:
    # The page fingerprint takes the site map only when the text links elsewhere: a link missed is a stale page.
    written = [
        "[a](b)",
        "[a]( <b>",
        "[a](http://x)",
        "[a](#x)",
        "[a](/x)",
        "[a]: b",
        "[a]:  <https://x>",
        'href="x"',
        "HREF = 'x'",
        "src=x",
        "\u017frc=x",
        "href =  /x",
        "src= #x",
        "a=b",
        "xsrc =y",
        "hr ef=x",
        "href\u00a0=\u2003x",
        "\tsrc\n=\n'x'",
        "](\u212a:x)",
        "](Ka:x)",
        "src==x",
        "",
    ]
    alphabet = list("]([:<>=#/ \t\nhrefsrcHREFSRC\u017f\u212aak:.-\"'x1")
    rng = random.Random(17)
    made = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14))) for _ in range(30000)]
    found = [text for text in written + made if bool(build_cache._RELATIVE_LINK.search(text))]
    assert len(found) > 300  # the random texts hold links of every kind, not only none
    for text in written + made:
        assert build_cache.links_elsewhere(text) == bool(build_cache._RELATIVE_LINK.search(text)), repr(text)


def test_a_digest_taken_before_the_fork_stands_only_while_its_file_is_unchanged(tmp_path: Path) -> None:
    # memoria build digests every file of docs/ before it forks the language processes, which
    # take those digests for the entries' keys instead of reading every file again.
    docs = tmp_path / "docs"
    docs.mkdir()
    entry = docs / "release.en.md"
    entry.write_bytes(b"first version")

    def read_now() -> bytes:
        return hashlib.blake2b(entry.read_bytes(), digest_size=16).digest()

    build_cache.folder_digest(docs)
    assert build_cache.file_digest(entry) == read_now()
    entry.write_bytes(b"second versi0")  # rewritten in place, same size: a new time
    assert build_cache.file_digest(entry) == read_now()
    build_cache.folder_digest(docs)
    stat = entry.stat()
    replacement = docs / ".release.tmp"
    replacement.write_bytes(b"third versio0")  # same size, the time put back, renamed over it: a new inode
    os.utime(replacement, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    os.replace(replacement, entry)
    assert entry.stat().st_mtime_ns == stat.st_mtime_ns and entry.stat().st_size == stat.st_size
    assert build_cache.file_digest(entry) == read_now()


def test_entries_kept_by_their_files_bytes_equal_entries_read_again(tmp_path: Path) -> None:
    from memoria.build_cache import EntryStore
    from memoria.content import load_archive

    project = write_project(tmp_path / "project", copy_demo=True)
    docs = project / "docs"
    cache = BuildCache(tmp_path / "cache")
    first = load_archive(docs, kept=EntryStore(cache, "v1"))
    kept = sorted((cache.root / "entries").iterdir())
    assert len(kept) == len(first.entries) and first.entries
    written = {path.name: path.stat().st_mtime_ns for path in kept}

    again = EntryStore(cache, "v1")
    assert load_archive(docs, kept=again).entries == first.entries
    assert {
        p.name: p.stat().st_mtime_ns for p in (cache.root / "entries").iterdir()
    } == written  # all read back

    # an edited entry is read again; the others come back; the old file goes at the prune
    _edit(project / f"{PRESS}.en.md", "\n\n", "\n\nA sentence for the entry store.\n\n")
    edited = EntryStore(cache, "v1")
    loaded = load_archive(docs, kept=edited)
    assert loaded.entries == load_archive(docs).entries != first.entries
    edited.prune()
    assert len(list((cache.root / "entries").iterdir())) == len(first.entries)

    # a damaged file, or files written under other package versions: read from the Markdown again
    victim = sorted((cache.root / "entries").iterdir())[0]
    data = bytearray(victim.read_bytes())
    data[-5] ^= 0xFF
    victim.write_bytes(bytes(data))
    assert load_archive(docs, kept=EntryStore(cache, "v1")).entries == load_archive(docs).entries
    other = EntryStore(cache, "v2")
    assert load_archive(docs, kept=other).entries == load_archive(docs).entries
    assert all(other.get(key) is not None for key in other.used)  # rewritten under v2


def test_each_language_process_writes_its_share_of_the_missing_entries(tmp_path: Path) -> None:
    from memoria.build_cache import EntryStore
    from memoria.content import load_archive

    project = write_project(tmp_path / "project", copy_demo=True)
    cache = BuildCache(tmp_path / "cache")
    first, second = EntryStore(cache, "v1", share=(0, 2)), EntryStore(cache, "v1", share=(1, 2))
    entries = load_archive(project / "docs", kept=first).entries
    written = {p.name for p in (cache.root / "entries").iterdir()}
    assert len(first.used) == len(entries)
    assert written == {key for key in first.used if int(key[:8], 16) % 2 == 0}
    assert load_archive(project / "docs", kept=second).entries == entries
    assert len(list((cache.root / "entries").iterdir())) == len(entries)  # together: every entry
