"""Any language can be the original: a Spanish-first press release from `memoria new --lang es` to published."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest

from conftest import run_build, write_project
from memoria.content import load_archive

CLI = [sys.executable, "-m", "memoria.cli"]
TITLE = "Honduras: protección urgente para las defensoras"
SUMMARY = "Organizaciones hondureñas piden medidas de protección."
RELEASE = "docs/press/2024/honduras-proteccion-urgente-para-las-defensoras"


def memoria(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], cwd=project, capture_output=True, text=True, timeout=120)


def feed_titles(site: Path, rel: str) -> list[str]:
    parsed = feedparser.parse((site / rel).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return [entry.title for entry in parsed.entries]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "project", copy_demo=True)


@pytest.mark.slow
def test_spanish_first_release_from_new_to_published(project: Path) -> None:
    created = memoria(
        project,
        "new",
        "press",
        "--lang",
        "es",
        "--title",
        TITLE,
        "--date",
        "2024-05-02",
        "--summary",
        SUMMARY,
    )
    assert created.returncode == 0, created.stderr
    assert created.stdout.splitlines()[0] == f"created {RELEASE}.es.md"
    assert not (project / f"{RELEASE}.en.md").exists()
    spanish = project / f"{RELEASE}.es.md"
    scaffold = spanish.read_text(encoding="utf-8")
    assert "<!-- memoria:write" in scaffold
    # Until the scaffold's line is replaced by text, the release is a draft.
    held = memoria(project, "status", "--json")
    assert [row["file"] for row in json.loads(held.stdout)["not_published"]] == [f"{RELEASE}.es.md"]
    marker = next(line for line in scaffold.splitlines() if line.startswith("<!-- memoria:write"))
    spanish.write_text(scaffold.replace(marker, "Texto del comunicado."), encoding="utf-8")
    check = memoria(project, "check")
    assert check.returncode == 0, check.stdout

    built = run_build(project)
    assert built.returncode == 0, built.output
    slug = RELEASE.removeprefix("docs/")
    english_page = built.page(f"{slug}/")
    # On the English site: the Spanish text, marked as Spanish, under a notice in English.
    assert english_page.xpath("//html/@lang") == ["en"]
    assert english_page.xpath("//article//h1/@lang") == ["es"]
    assert english_page.xpath("//article//h1")[0].text_content() == TITLE
    assert [
        " ".join(p.text_content().split())
        for p in english_page.xpath("//div[contains(@class, 'memoria-fallback')]")
    ] == ["This page has not been translated into English yet; it is shown in Spanish."]
    assert english_page.xpath("//div[contains(@class, 'memoria-body')]/@lang") == ["es"]
    assert not english_page.xpath("//*[@data-pagefind-body]")  # not indexed as English
    listed = built.page("press/").xpath(f"//a[@hreflang='es'][contains(., '{TITLE}')]")
    assert len(listed) == 1
    spanish_page = built.page(f"es/{slug}/")
    assert spanish_page.xpath("//html/@lang") == ["es"]
    assert not spanish_page.xpath("//div[contains(@class, 'memoria-fallback')]")
    # Feeds: the Spanish ones carry it, the English ones do not.
    assert TITLE in feed_titles(built.site, "es/feeds/press.rss.xml")
    assert TITLE in feed_titles(built.site, "es/feeds/all.atom.xml")
    assert TITLE not in feed_titles(built.site, "feeds/press.rss.xml")
    assert TITLE not in feed_titles(built.site, "feeds/all.atom.xml")

    # Translating towards English: only what a translation carries, the text below the marker.
    translated = memoria(project, "translate", f"{RELEASE}.es.md")
    assert translated.returncode == 0, translated.stderr
    english = project / f"{RELEASE}.en.md"
    text = english.read_text(encoding="utf-8")
    assert "date:" not in text and "title: 'Honduras: protección urgente para las defensoras'" in text
    assert "<!-- memoria:translate" in text
    # Until the marker goes, nothing of the unfinished file is published: English readers keep the Spanish page.
    unfinished = run_build(project)
    assert unfinished.returncode == 0, unfinished.output
    assert unfinished.page(f"{slug}/").xpath("//article//h1/@lang") == ["es"]
    english.write_text(
        text.replace(
            "'Honduras: protección urgente para las defensoras'",
            "'Honduras: urgent protection for defenders'",
        )
        .replace(SUMMARY, "Honduran organisations ask for protection.")
        .split("<!-- memoria:translate")[0]
        + "Text of the release.\n",
        encoding="utf-8",
    )
    finished = run_build(project)
    assert finished.returncode == 0, finished.output
    page = finished.page(f"{slug}/")
    assert page.xpath("//article//h1")[0].text_content() == "Honduras: urgent protection for defenders"
    assert not page.xpath("//div[contains(@class, 'memoria-fallback')]")
    assert "Honduras: urgent protection for defenders" in feed_titles(finished.site, "feeds/press.rss.xml")
    [entry] = [e for e in load_archive(project / "docs").entries if e.id.startswith("honduras")]
    assert entry.original_lang == "es"  # the Spanish file, written first, keeps the dates


@pytest.mark.slow
def test_an_english_file_holding_the_marker_is_not_published(project: Path) -> None:
    """An untranslated placeholder never goes out as English (the bug this issue reports)."""
    untranslated = project / "docs/press/2015/fictional-early-warning-networks.es.md"
    assert (
        memoria(project, "translate", "docs/press/2015/fictional-early-warning-networks.en.md").returncode
        == 0
    )
    built = run_build(project)
    assert built.returncode == 0, built.output
    page = built.page("es/press/2015/fictional-early-warning-networks/")
    assert page.xpath("//div[contains(@class, 'memoria-fallback')]")
    assert (
        "memoria:translate"
        not in (built.site / "es/press/2015/fictional-early-warning-networks/index.html").read_text()
    )
    assert untranslated.is_file()


def test_original_true_makes_the_spanish_file_the_original(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    docs = tmp_path / "docs" / "press" / "2024"
    docs.mkdir(parents=True)
    (docs / "x.es.md").write_text(
        "---\noriginal: true\ntitle: Original\ndate: 2024-01-02\nsummary: Resumen.\n---\n", encoding="utf-8"
    )
    (docs / "x.en.md").write_text("---\ntitle: Translation\ndate: 2024-01-03\n---\n", encoding="utf-8")
    problems = [str(p) for p in load_archive(tmp_path / "docs").problems]
    assert problems == [
        "docs/press/2024/x.en.md:3: date: conflicts with the Spanish file (docs/press/2024/x.es.md says "
        "'2024-01-02'): 'date' is language-neutral; set it only in the Spanish file and remove it here"
    ]
    (docs / "x.en.md").write_text("---\noriginal: true\ntitle: Translation\n---\n", encoding="utf-8")
    problems = [str(p) for p in load_archive(tmp_path / "docs").problems]
    assert problems == [
        "docs/press/2024/x.es.md:2: original: docs/press/2024/x.en.md is marked 'original: true' too: only one "
        "file of an entry is its original; remove the line from the other"
    ]


def test_an_original_still_holding_the_scaffold_marker_is_a_draft(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    from memoria.publication import PublicationState, publication_of

    monkeypatch.chdir(tmp_path)
    docs = tmp_path / "docs" / "press" / "2024"
    docs.mkdir(parents=True)
    (docs / "x.en.md").write_text(
        "---\ntitle: Título en español\ndate: 2024-01-02\nsummary: Resumen.\n---\n\n"
        "<!-- memoria:translate: translate the title, the summary and the text below into English, "
        "then delete this line -->\n\nTexto en español.\n",
        encoding="utf-8",
    )
    [entry] = load_archive(tmp_path / "docs").entries
    publication = publication_of(entry, dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    assert (publication.state, publication.reason) == (PublicationState.DRAFT, "body")


@pytest.mark.slow
def test_a_lagging_translation_never_stops_a_strict_build(build_site) -> None:  # type: ignore[no-untyped-def]
    built = build_site(
        {
            "press/2024/lag.en.md": """
            ---
            title: Lagging
            date: 2024-03-01
            summary: English summary.
            topics: [Protection, Land defenders]
            ---

            Text.
            """,
            "press/2024/lag.es.md": """
            ---
            title: Rezagado
            summary: Resumen en español.
            topics: [Protección]
            ---

            Texto.
            """,
        }
    )
    assert built.returncode == 0, built.output
    assert "lag.es.md:4: topics: has 1 topics but the English file has 2" in built.output  # told, not stopped
    page = built.page("es/press/2024/lag/")
    assert page.xpath("//article//h1")[0].text_content() == "Rezagado"
    assert "Land defenders" in page.text_content()
