"""What a reader finds around the entries (issue 13), read from the HTML of a real build of the demo.

The demo is built once with a transcript on one recording and a manifest saying another one's
original is gone with no copy anywhere ("lost"); every check runs in both languages.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from base import catalog_of, project
from conftest import BuiltSite, run_build
from memoria.i18n import format_date_range, t
from memoria.identity import Identity, IdentityError, read_identity
from memoria.manifest import RecordingStatus
from memoria.reader_pages import STATE_ORDER, cite_view
from memoria.search import read_page
from searchsite import RECORDING_ID, build_search_demo

LOST = "ustream-51404484"
LOST_URL = "http://www.ustream.tv/recorded/51404484"
EVENT_2015 = "events/2015/fictional-hearing-defenders-2015/"
PRESS = "press/2014/protect-women-defenders-mesoamerica/"
LANGS = (("en", ""), ("es", "es/"))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    project = tmp_path_factory.mktemp("reader") / "project"
    build_search_demo(project)  # the demo with Spanish captions on RECORDING_ID
    media = project / "media" / LOST
    media.mkdir(parents=True)
    (media / "manifest.json").write_text(
        json.dumps({"id": LOST, "outcome": "failed", "files": [], "origin": {"status": "dead"}}),
        encoding="utf-8",
    )
    built = run_build(project)
    assert built.returncode == 0, built.output
    return built


def text(node: object) -> str:
    return " ".join(str(node).split())


# --- 2. every recording state helps the reader ------------------------------------------------


def test_every_status_of_the_manifest_has_plain_words_in_both_languages() -> None:
    assert set(STATE_ORDER) == set(RecordingStatus)
    for status in RecordingStatus:
        for lang in ("en", "es"):
            assert len(t(f"status.{status.value}.text", lang)) > 40, (status, lang)
    assert t("status.changed", "es") == "Cambiada en el origen"


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "prefix"), LANGS)
def test_states_page_explains_all_eight_states_and_every_badge_links_to_it(
    site: BuiltSite, lang: str, prefix: str
) -> None:
    states = site.page(f"{prefix}states/")
    ids = states.xpath("//div[contains(@class,'memoria-states__row')]/@id")
    assert ids == [s.value for s in STATE_ORDER]
    lost = text(states.xpath("string(//div[@id='lost']/dd)"))
    assert lost == t("status.lost.text", lang)
    recordings = site.page(f"{prefix}recordings/")
    badges = recordings.xpath("//a[@data-memoria-badge]")
    assert len(badges) >= 6  # one per recording plus the counts
    for badge in badges:
        target = badge.get("href")
        assert re.fullmatch(r"\.\./states/#(\w+)", target), target
        assert target.split("#")[1] in ids


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "prefix"), LANGS)
def test_a_lost_recording_says_so_links_wayback_marks_the_dead_link_and_asks_for_a_copy(
    site: BuiltSite, lang: str, prefix: str
) -> None:
    page = site.page(f"{prefix}recordings/{LOST}/")
    state = page.xpath("//*[@data-memoria-state]")[0]
    assert state.get("data-memoria-state") == "lost"
    assert t("status.lost.text", lang) in text(state.text_content())
    ask = page.xpath("//*[@data-memoria-ask-copy]")[0]
    assert t("recording.ask_copy", lang) in ask.text_content()
    mailto = ask.xpath(".//a/@href")[0]
    assert mailto.startswith("mailto:archive@example.org?subject=")
    assert LOST_URL in unquote(mailto)
    wayback = page.xpath("//a[@data-memoria-capture-list]/@href")
    assert wayback == [f"https://web.archive.org/web/*/{LOST_URL}"]
    dead = page.xpath("//a[@data-memoria-dead-link]")
    assert [a.get("href") for a in dead] == [LOST_URL]
    assert text(page.xpath("string(//*[@data-memoria-link-note])")) == f"({t('recording.dead_link', lang)})"
    # No page loads anything from the Wayback Machine: it is a link only.
    assert not page.xpath("//*[contains(@src,'archive.org')]")


@pytest.mark.slow
def test_an_unchecked_recording_says_its_link_is_not_checked(site: BuiltSite) -> None:
    page = site.page("es/recordings/ustream-51407558/")
    assert page.xpath("//*[@data-memoria-state]/@data-memoria-state") == ["unknown"]
    assert "sin comprobar" in text(page.xpath("string(//*[@data-memoria-link-note])"))
    assert not page.xpath("//a[@data-memoria-dead-link]")


# --- 4. identity --------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "prefix"), LANGS)
def test_home_opens_with_whose_archive_and_what_it_holds(site: BuiltSite, lang: str, prefix: str) -> None:
    home = site.page(prefix)
    intro = text(home.xpath("string(//*[@data-memoria-intro])"))
    organisation = {
        "en": "Example Defenders Network (fictional)",
        "es": "Red de Defensoras de Ejemplo (ficticia)",
    }
    assert organisation[lang] in intro
    holdings = {
        "en": "It holds 2 press releases, 2 event summaries and 6 recordings, from 2014 to 2015, "
        "in English and Spanish.",
        "es": "Contiene 2 comunicados de prensa, 2 resúmenes de eventos y 6 grabaciones, de 2014 a 2015, "
        "en inglés y español.",
    }
    assert holdings[lang] in intro
    about = site.page(f"{prefix}about/")
    assert about.xpath("string(//html/@lang)") == lang
    assert about.xpath("//*[@data-memoria-contact]//a/@href") == ["mailto:archive@example.org"]
    assert t("about.privacy", lang) in text(about.text_content())


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "prefix"), LANGS)
def test_staff_guide_is_out_of_the_menu_but_built_and_in_the_small_print(
    site: BuiltSite, lang: str, prefix: str
) -> None:
    home = site.page(prefix)
    tabs = [text(a.text_content()) for a in home.xpath("//a[contains(@class,'md-tabs__link')]")]
    assert "Guide" not in tabs and "Guía" not in tabs
    assert t("about.title", lang) in tabs
    menu = home.xpath("//nav[contains(@class,'md-nav--primary')]//a/@href")
    assert not [href for href in menu if "guide" in href]
    guide = home.xpath("//footer//a[@data-memoria-guide]/@href")
    assert guide == ["./guide/"] or guide == [".//guide/"] or guide[0].rstrip("/").endswith("guide")
    assert (site.site / prefix / "guide" / "errors" / "index.html").is_file()
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert "docs/guide/" in readme


# --- 5. Spanish throughout -----------------------------------------------------------------------


@pytest.mark.slow
def test_spanish_pages_carry_spanish_organisations_footer_and_dates(site: BuiltSite) -> None:
    event = site.page("es/" + EVENT_2015)
    panel = text(event.xpath("string(//dl[@class='memoria-meta'])"))
    assert "Red de Defensoras de Ejemplo (ficticia)" in panel
    assert "Example Defenders Network" not in panel
    footer = text(event.xpath("string(//footer)"))
    assert "Archivo de demostración de la Red de Defensoras de Ejemplo (ficticia)" in footer
    assert "Hecho con Memoria" in footer and "Made with" not in footer
    organisation = site.page("es/organisations/")
    assert "Red de Defensoras de Ejemplo (ficticia)" in text(organisation.text_content())


def test_date_ranges_name_month_and_year_once() -> None:
    import datetime as dt

    assert format_date_range(dt.date(2015, 3, 18), dt.date(2015, 3, 19), "es") == "18–19 de marzo de 2015"
    assert format_date_range(dt.date(2015, 3, 18), dt.date(2015, 4, 2), "en") == "18 March – 2 April 2015"


@pytest.mark.slow
def test_fallback_items_are_marked_and_lang_tagged_and_parts_are_numbered(site: BuiltSite) -> None:
    press = site.page("es/press/")
    untranslated = press.xpath("//li[.//*[@data-memoria-fallback-marker]]")
    assert len(untranslated) == 1
    item = untranslated[0]
    assert text(item.xpath("string(.//*[@data-memoria-fallback-marker])")) == "(en inglés)"
    assert item.xpath(".//h3/a/@lang") == ["en"]
    assert item.xpath(".//p[contains(@class,'summary')]/@lang") == ["en"]
    recordings = site.page("es/recordings/")
    parts = [text(p) for p in recordings.xpath("//span[@class='memoria-item__part']/text()")]
    assert parts == ["Parte 1 de 2", "Parte 2 de 2"]
    titles = [text(a) for a in recordings.xpath("//h3/a/text()")]
    assert len({title.casefold() for title in titles}) == len(titles), titles


# --- 6. reading comfort ----------------------------------------------------------------------------


@pytest.mark.slow
def test_summary_is_a_lead_before_the_metadata_and_parts_link_each_other(site: BuiltSite) -> None:
    page = site.page("es/" + PRESS)
    content = page.xpath("//div[contains(@class,'memoria-content')]")[0]
    order = [el.get("class") for el in content.iterchildren() if el.get("class")]
    assert order.index("memoria-lead") < order.index("memoria-meta")
    first = site.page(f"es/recordings/{RECORDING_ID}/")
    nxt = first.xpath("//nav[contains(@class,'memoria-parts')]//a[@rel='next']")[0]
    assert nxt.get("href") == "../ustream-51403229/"
    assert "Parte 2 de 2" in nxt.text_content()
    second = site.page("es/recordings/ustream-51403229/")
    assert second.xpath("//nav[contains(@class,'memoria-parts')]//a[@rel='prev']/@href") == [
        f"../{RECORDING_ID}/"
    ]


# --- 7. cite and share ------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "prefix"), LANGS)
def test_link_previews_citation_and_share_links_load_nothing(site: BuiltSite, lang: str, prefix: str) -> None:
    page = site.page(prefix + PRESS)
    permalink = f"https://archive.example.org/{prefix}{PRESS}"
    assert page.xpath("//meta[@property='og:url']/@content") == [permalink]
    assert page.xpath("//meta[@property='og:type']/@content") == ["article"]
    assert page.xpath("//meta[@name='twitter:card']/@content") == ["summary"]
    title = page.xpath("string(//h1)")
    assert page.xpath("//meta[@property='og:title']/@content") == [text(title)]
    assert page.xpath("//meta[@property='og:locale']/@content") == [{"en": "en_GB", "es": "es_ES"}[lang]]
    citation = text(page.xpath("string(//*[@data-memoria-citation])"))
    assert permalink in citation and text(title) in citation
    assert t("cite.accessed", lang, date="").strip() in citation
    csl_url = page.xpath("//a[@data-memoria-csl]/@href")[0]
    assert csl_url.startswith("data:application/vnd.citationstyles.csl+json")
    csl = json.loads(unquote(csl_url.split(",", 1)[1]))
    assert csl[0]["URL"] == permalink and csl[0]["title"] == text(title)
    assert csl[0]["issued"] == {"date-parts": [[2014, 8, 25]]}
    bibtex = unquote(page.xpath("//a[@data-memoria-bibtex]/@href")[0].split(",", 1)[1])
    assert bibtex.startswith("@misc{") and f"url = {{{permalink}}}" in bibtex
    shares = page.xpath("//a[@data-memoria-share]/@href")
    assert shares[0].startswith("mailto:?subject=")
    for share in shares[1:]:
        query = parse_qs(urlsplit(share).query)
        assert any(permalink in value for values in query.values() for value in values), share
    # Nothing on the page is loaded from another host: no src, no stylesheet elsewhere.
    for url in page.xpath("//*[@src]/@src | //link[@rel='stylesheet']/@href"):
        assert not url.startswith(("http:", "https:", "//")), url
    assert page.xpath("//link[@media='print']/@href")[0].endswith("memoria-print.css")


def test_a_citation_names_the_language_of_the_text_the_page_shows(tmp_path: Path) -> None:
    """A release written only in Spanish is cited as Spanish on the English page too (it shows the Spanish text)."""
    root = project(
        tmp_path / "project",
        {
            "press/2024/solo-es.es.md": "---\ntitle: Solo en español\ndate: 2024-05-02\nsummary: Resumen.\n---\n\nTexto.\n",
            "press/2024/both.en.md": "---\ntitle: Both\ndate: 2024-05-03\nsummary: Summary.\n---\n\nText.\n",
            "press/2024/both.es.md": "---\ntitle: Ambos\nsummary: Resumen.\n---\n\nTexto.\n",
        },
    )
    catalog = catalog_of(root)
    found = {}
    for entry in catalog.entries:
        for lang in ("en", "es"):
            cite = cite_view(
                entry,
                Identity(),
                "Archive",
                lang,
                f"https://a.example/{lang}/{entry.id}/",
                dt.date(2026, 12, 8),
            )
            csl = json.loads(unquote(cite.csl_json.split(",", 1)[1]))[0]
            bibtex = unquote(cite.bibtex.split(",", 1)[1])
            found[(entry.id, lang)] = (
                csl["language"],
                re.search(r"language = \{(\w+)\}", bibtex)[1],
                csl["title"],
            )
    assert found == {
        ("solo-es", "en"): ("es", "es", "Solo en español"),
        ("solo-es", "es"): ("es", "es", "Solo en español"),
        ("both", "en"): ("en", "en", "Both"),
        ("both", "es"): ("es", "es", "Ambos"),
    }


# --- 8. transcripts ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_transcripts_download_as_webvtt_and_text_and_cues_are_anchors(site: BuiltSite) -> None:
    page = site.page(f"es/recordings/{RECORDING_ID}/")
    downloads = page.xpath("//a[@data-memoria-transcript-download]/@href")
    assert downloads == ["transcript-1-es.vtt", "transcript-1-es.txt"]
    folder = site.site / "es" / "recordings" / RECORDING_ID
    assert (folder / "transcript-1-es.vtt").read_text(encoding="utf-8").startswith("WEBVTT")
    assert (folder / "transcript-1-es.txt").read_text(encoding="utf-8").splitlines() == [
        "[0:01] Moderadora: Bienvenidas a este conversatorio sobre la protección de las defensoras.",
        "[0:07] Las radiodifusoras comunitarias denuncian amenazas contra sus periodistas.",
    ]
    cues = page.xpath("//li[@data-memoria-cue]")
    assert [c.get("id") for c in cues] == ["t1-1", "t1-7"]
    assert [c.xpath("string(.//a/@data-memoria-seek)") for c in cues] == ["1", "7"]


@pytest.mark.slow
def test_search_staging_weights_titles_carries_facets_and_anchors_spoken_lines(site: BuiltSite) -> None:
    staged = read_page(site.site / "es" / "recordings" / RECORDING_ID / "index.html")
    assert staged is not None and staged.facets is not None
    assert staged.facets["kind"] == "Grabación" and staged.facets["language"] == "español"
    assert [(anchor, time) for anchor, time, _ in staged.cues] == [("t1-1", "0:01"), ("t1-7", "0:07")]
    assert "radiodifusoras" in staged.cues[1][2]
    html = staged.staging_html()
    assert '<h2 id="t1-7" data-pagefind-weight="0">0:07</h2>' in html
    assert 'data-pagefind-filter="kind[content]" content="Grabación"' in html
    assert 'data-pagefind-sort="date[content]" content="2014-08-15"' in html
    press = read_page(site.site / "es" / PRESS.rstrip("/") / "index.html")
    assert press is not None
    assert '<h1 data-pagefind-weight="10.0">' in press.staging_html()
    assert (
        '<h1 data-pagefind-weight="3.0">' in html
    )  # a recording's title counts less than its press release's


# --- configuration errors ----------------------------------------------------------------------------


def test_identity_settings_with_the_wrong_shape_are_named() -> None:
    with pytest.raises(IdentityError, match=r"organisation: unknown language 'fr'"):
        read_identity(organisation={"fr": "Réseau"})
    with pytest.raises(IdentityError, match=r"organisation_names: expected a mapping"):
        read_identity(organisation_names=["a"])
    identity = read_identity(organisation="Network", contact="https://example.org/contact")
    assert identity.text("organisation", "es") == "Network"
    assert identity.contact_url == "https://example.org/contact"


@pytest.mark.slow
def test_a_bad_identity_setting_fails_the_build_naming_it(tmp_path: Path) -> None:
    from conftest import write_project

    project = write_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "      contact: archive@example.org\n",
            "      contact: archive@example.org\n      description: {de: x}\n",
        ),
        encoding="utf-8",
    )
    built = run_build(project)
    assert built.returncode != 0
    assert "mkdocs.yml: plugins: memoria: description: unknown language 'de'" in built.output
