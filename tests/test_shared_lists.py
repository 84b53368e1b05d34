"""Shared lists of organisations and topics: one page per organisation, names in the page's language."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest

from conftest import answer_prompts, run_build, write_project
from memoria.checks import check_archive
from memoria.shared_lists import collation_key, load_shared_lists

ORGANISATIONS = """\
- id: ishr
  name:
    en: International Service for Human Rights
    es: Servicio Internacional para los Derechos Humanos
  short: ISHR
- id: onu-mujeres
  name: {en: UN Women, es: ONU Mujeres}
- id: nandu-network
  name: {en: Nandu Network, es: Red Ñandú}
- id: amnesty
  name: {en: Amnesty International, es: Amnistía Internacional}
"""
TOPICS = """\
- id: protection
  name: {en: Protection mechanisms, es: Mecanismos de protección}
"""


def release(name: str, organisation: str, topic: str, day: int) -> str:
    return f"""
    ---
    title: Release {name}
    date: 2024-03-{day:02d}
    summary: About {name}.
    organisations: ["{organisation}"]
    topics: ["{topic}"]
    ---

    Text.
    """


DOCS = {
    "press/2024/one.en.md": release("one", "ISHR", "Protection mechanisms", 1),
    "press/2024/two.en.md": release("two", "International Service for Human Rights", "protection", 2),
    "press/2024/three.en.md": release(
        "three", "International Service for Human Right", "Protection mechanisms", 3
    ),
    "press/2024/four.en.md": release("four", "Nandu Network", "Protection mechanisms", 4),
    "press/2024/five.en.md": release("five", "Amnesty International", "Protection mechanisms", 5),
    "press/2024/six.en.md": release("six", "UN Women", "Mecanismos de protección", 6),
    "press/2024/one.es.md": """
    ---
    title: Comunicado uno
    summary: Sobre uno.
    topics: [Protección]
    ---

    Texto.
    """,
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = write_project(tmp_path / "project", DOCS)
    (project / "data").mkdir()
    (project / "data/organisations.yml").write_text(ORGANISATIONS, encoding="utf-8")
    (project / "data/topics.yml").write_text(TOPICS, encoding="utf-8")
    return project


@pytest.mark.slow
def test_check_flags_a_misspelt_name_with_did_you_mean(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    report = check_archive(project / "docs", change_times={})
    assert report.errors == []
    assert [str(p) for p in report.warnings if p.field.startswith(("organisations", "topics"))] == [
        'docs/press/2024/three.en.md:5: organisations.0: "International Service for Human Right" is not in '
        'data/organisations.yml — did you mean "International Service for Human Rights"? Correct the name, '
        "or add it to the list (id, name in English and Spanish)"
    ]
    result = subprocess.run(
        [sys.executable, "-m", "memoria.cli", "check"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert 'did you mean "International Service for Human Rights"?' in result.stdout


@pytest.mark.slow
def test_one_page_per_organisation_named_in_the_page_language(project: Path) -> None:
    built = run_build(project, strict=False)
    assert built.returncode == 0, built.output
    organisations = sorted(p.parent.name for p in (built.site / "organisations").glob("*/index.html"))
    # ISHR and the full name are one page; the misspelling stays apart until corrected (check warns).
    assert organisations == [
        "amnesty",
        "international-service-for-human-right",
        "ishr",
        "nandu-network",
        "onu-mujeres",
    ]
    assert len(built.page("organisations/ishr/").xpath("//article//h3")) == 2
    spanish = built.page("es/press/2024/one/")
    meta = " ".join(spanish.xpath("//dl[@class='memoria-meta']")[0].text_content().split())
    assert "Servicio Internacional para los Derechos Humanos" in meta
    assert "Mecanismos de protección" in meta
    assert "Protection mechanisms" not in meta
    # A Spanish name in an English file is the same topic: one topic page, titled per language.
    assert [p.parent.name for p in (built.site / "topics").glob("*/index.html")] == ["protection"]
    assert (
        built.page("es/topics/protection/").xpath("//h1")[0].text_content()
        == "Tema: Mecanismos de protección"
    )
    # Spanish index of organisations in Spanish alphabetical order (accents ignored, ñ after n).
    index = [
        " ".join(a.text_content().split())
        for a in built.page("es/organisations/").xpath("//ul[@class='memoria-groups']//a")
    ]
    assert index == [
        "Amnistía Internacional",
        "International Service for Human Right",
        "ONU Mujeres",
        "Red Ñandú",
        "Servicio Internacional para los Derechos Humanos",
    ]
    # Feeds and search carry the page language's names.
    for lang, term, other in (
        ("", "Protection mechanisms", "Mecanismos de protección"),
        ("es/", "Mecanismos de protección", "Protection mechanisms"),
    ):
        feed = feedparser.parse((built.site / f"{lang}feeds/press.rss.xml").read_bytes())
        terms = {tag.term for entry in feed.entries for tag in entry.get("tags", [])}
        assert term in terms and other not in terms, terms
    # Search stores the text without function words ("para los"): the Spanish names are indexed.
    fragments = [gzip.decompress(p.read_bytes()) for p in (built.site / "es/pagefind/fragment").glob("*")]
    assert any(
        "Servicio Internacional Derechos Humanos Mecanismos protección".encode() in f for f in fragments
    )


def test_spanish_collation() -> None:
    words = ["Oaxaca", "Ñandú", "nube", "Ámbito", "azul", "Nuñez", "Núñez"]
    assert sorted(words, key=lambda w: collation_key(w, "es")) == [
        "Ámbito",
        "azul",
        "nube",
        "Nuñez",
        "Núñez",
        "Ñandú",
        "Oaxaca",
    ]


def test_a_list_with_a_missing_spanish_name_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data/topics.yml").write_text(
        "- id: land\n  name: {en: Land, es: Tierra}\n- id: water\n  name: {en: Water}\n- id: tierra\n  name: Tierra\n",
        encoding="utf-8",
    )
    problems = [str(p) for p in load_shared_lists(tmp_path / "data").problems]
    assert problems == [
        "data/topics.yml:3: 1: water: name: give the name in every language (es missing)",
        'data/topics.yml:5: tierra: "Tierra" already names "land": one name can stand for one item only',
    ]


@pytest.mark.slow
def test_new_offers_the_lists_and_asks_again_for_an_unknown_event(tmp_path: Path) -> None:
    """In a terminal, an unknown event id or topic is asked again; nothing typed before is lost."""

    from memoria.frontmatter import parse_front_matter

    project = write_project(tmp_path / "demo", copy_demo=True)
    returncode, text = answer_prompts(
        [sys.executable, "-m", "memoria.cli", "new", "press"],
        project,
        [
            "es",
            "Honduras: nueva ley de protección",
            "2024-07-09",
            "Las defensoras celebran la ley.",
            "roundtable-mexico",  # not an event: asked again
            "roundtable-whrd-mexico-2014",
            "Protection mechanism",  # a misspelling: asked again with the known name
            "Protection mechanisms, Defensoras de derechos humanos",
            "ISHR",
        ],
    )
    assert returncode == 0, text
    assert "known: fictional-hearing-defenders-2015, roundtable-whrd-mexico-2014" in text
    assert 'not valid: unknown event id "roundtable-mexico"' in text
    assert "known: Women human rights defenders, Protection mechanisms, Land and territory" in text
    assert (
        'not valid: "Protection mechanism" is not in the list — did you mean "Protection mechanisms"?' in text
    )
    written = project / "docs/press/2024/honduras-nueva-ley-de-proteccion.es.md"
    assert parse_front_matter(written.read_text(encoding="utf-8")).values == {
        "title": "Honduras: nueva ley de protección",
        "date": "2024-07-09",
        "summary": "Las defensoras celebran la ley.",
        "event": "roundtable-whrd-mexico-2014",
        "organisations": ["ISHR"],
        "topics": ["Protection mechanisms", "Defensoras de derechos humanos"],
    }
