"""The build cache is never stale: after each kind of change, a warm build equals a cold one.

One project (the demo) is built with the cache; then each dependency changes in turn (an
entry's body, a title other pages show, a template, the config, a manifest, a translation
removed and added, an entry deleted) and the warm build is compared with a cold build of the
same tree (`--no-cache`) by `tests/sitediff.py` (all files, stamps aside) and by the search
records the cache holds (Pagefind's bundle itself differs from run to run). A corrupt state,
a state of another format or Memoria, and a changed cached page are ignored, never trusted.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write_project
from memoria import build_cache
from memoria.build_cache import BuildCache, LanguageState, digest
from memoria.search import read_page
from sitediff import differences

MEMORIA = [sys.executable, "-m", "memoria.cli"]
PRESS = "docs/press/2014/protect-women-defenders-mesoamerica"
EVENT = "docs/events/2014/roundtable-whrd-mexico-2014"
FROM_CACHE = re.compile(r"(\w+): (\d+) pages from the cache, (\d+) rendered \((warm|cold) cache\)")


def _build(project: Path, site: str, *options: str) -> str:
    result = subprocess.run(
        [*MEMORIA, "build", "--strict", "--timings", "-d", site, *options],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "MEMORIA_BUILD_TIME": "2026-11-29T12:00:00+00:00", "MEMORIA_LANG": "en"},
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


def _assert_like_cold(project: Path) -> dict[str, tuple[int, bool]]:
    """Build warm into site/, cold into cold/: same files, same search records; what came from the cache."""
    report = _build(project, "site")
    _build(project, "cold", "--no-cache")
    assert differences(project / "site", project / "cold") == []
    assert _cached_records(project) == _search_records(project / "cold")
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

    # an entry's body: its own page again, the others from the cache
    _edit(project / f"{PRESS}.en.md", "\n\n", "\n\nA sentence added for the cache test.\n\n")
    body = _assert_like_cold(project)
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


def test_a_corrupt_or_foreign_state_means_a_cold_build(project: Path) -> None:
    for damage in ("checksum", "format", "memoria"):
        for lang in ("en", "es"):
            path = project / ".cache" / "memoria" / lang / "state.json"
            header, _, payload = path.read_bytes().partition(b"\n")
            magic, version, memoria, checksum = header.decode().split(" | ")
            if damage == "checksum":
                payload = payload.replace(b'"key":"', b'"key":"0', 1)  # the checksum no longer matches
            elif damage == "format":
                version = str(int(version) + 1)
            else:
                memoria = "0" * len(memoria)  # written by another Memoria
            path.write_bytes(" | ".join((magic, version, memoria, checksum)).encode() + b"\n" + payload)
        report = _build(project, "site")
        assert _from_cache(report) == {"en": (0, False), "es": (0, False)}, (damage, report)


def test_state_round_trip_and_memoria_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = BuildCache(tmp_path)
    state = LanguageState(key="k", rendered={"press/x": "<p>x</p>"})
    cache.save("en", state)
    assert cache.load("en") == state
    monkeypatch.setattr(build_cache, "memoria_digest", lambda: "another memoria")
    assert cache.load("en") is None


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
