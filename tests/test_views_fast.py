"""The views templates receive, from a real in-process build (tests/base.py) and from direct calls.

Values are read as the templates read them (`value`), so the tests hold whether a view is a
dict or a typed object. The end-to-end builds (test_site.py) prove the same pages in HTML.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from urllib.parse import quote, unquote, urlencode

import pytest

from base import SMALL_ARCHIVE, Site, build, catalog_of, project, value
from memoria import reader_pages
from memoria.catalog import Catalog, Listing
from memoria.identity import Identity
from memoria.publication import Publication, PublicationState
from memoria.reader_pages import about_view, cite_view, home_intro, social_tags, state_texts
from memoria.views import entry_view, item_for, listing_view, page_feed_names, publication_banner


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return project(tmp_path_factory.mktemp("views") / "project", SMALL_ARCHIVE)


@pytest.fixture(scope="module")
def spanish(archive: Path) -> Site:
    return build(archive, "es")


@pytest.fixture(scope="module")
def english(archive: Path) -> Site:
    return build(archive, "en")


@pytest.fixture(scope="module")
def catalog(archive: Path) -> Catalog:
    return catalog_of(archive)


def rows(view: object) -> dict[str, list[tuple[str, str | None, str | None]]]:
    """A view's rows as label → [(text, url, note)]."""
    return {
        value(row, "label"): [
            (value(v, "text"), value(v, "url"), value(v, "note")) for v in value(row, "values")
        ]
        for row in value(view, "rows")
    }


def related(view: object) -> dict[str, list[tuple[str, str | None, str | None]]]:
    return {
        value(row, "label"): [
            (value(v, "text"), value(v, "url"), value(v, "note")) for v in value(row, "values")
        ]
        for row in value(view, "related")
    }


def to_uri(uri: str) -> str:
    """A url_of for direct calls: the source path itself, so the test sees which page a view links to."""
    return "/" + uri


# --- entry pages -------------------------------------------------------------------------


def test_press_release_rows_in_spanish_link_to_their_listings(spanish: Site) -> None:
    view = value(spanish.memoria("es/press/2014/statement/"), "entry")
    assert value(view, "kind_label") == "Comunicado de prensa"
    assert rows(view) == {
        "Fecha": [("25 de agosto de 2014", None, None)],
        "Lugar": [("Ginebra", None, None)],
        "Organizaciones": [
            (
                "Servicio Internacional para los Derechos Humanos",  # organisation_names in mkdocs.yml
                "../../../organisations/international-service-for-human-rights/",
                None,
            )
        ],
        "Países": [("México", "../../../countries/mx/", None), ("Guatemala", "../../../countries/gt/", None)],
        "Contactos": [("Pooja Patel", "mailto:p.patel@example.org", "Advocacy Manager")],
        "Temas": [("Mecanismos de protección", "../../../topics/protection-mechanisms/", None)],
    }
    assert related(view) == {
        "Evento": [
            ("Mesa regional sobre protección", "../../../events/2014/roundtable/", "15–16 de agosto de 2014")
        ],
        "Grabaciones": [
            (
                "Roundtable, opening",
                "../../../recordings/session-part-1/",
                "Parte 1 de 2 · 15 de agosto de 2014",
            )
        ],
    }
    facets = value(view, "facets")
    assert facets["countries"] == ["México", "Guatemala"]
    assert (facets["year"], facets["date_iso"], facets["language"]) == ("2014", "2014-08-25", "español")


def test_event_rows_and_its_recordings_in_part_order(english: Site) -> None:
    view = value(english.memoria("events/2014/roundtable/"), "entry")
    got = rows(view)
    assert got["Dates"] == [("15–16 August 2014", None, None)]  # end_date: a range, under "Dates"
    assert got["Venue"] == [("Casa de la Cultura", None, None)]
    assert got["Location"] == [("Mexico City", None, None), ("Mexico", "../../../countries/mx/", None)]
    assert [text for text, _, _ in got["Organisers"]] == [
        "JASS Mesoamerica",
        "International Service for Human Rights",
    ]
    assert got["Sponsors"] == [("UN Women", "../../../organisations/un-women/", None)]
    assert got["Speakers"] == [("Ana Güezmes", None, "Director, UN Women")]
    assert got["Participants from"] == [
        ("Guatemala", "../../../countries/gt/", None),
        ("Honduras", "../../../countries/hn/", None),
    ]
    assert got["Documents"] == [("Resolution 68/181", "https://undocs.org/A/RES/68/181", None)]
    assert related(view) == {
        "Press releases": [
            ("Strengthen protection of defenders", "../../../press/2014/statement/", "25 August 2014")
        ],
        "Recordings": [
            ("Roundtable, opening", "../../../recordings/session-part-1/", "Part 1 of 2 · 15 August 2014"),
            ("Roundtable, closing", "../../../recordings/session-part-2/", "Part 2 of 2 · 15 August 2014"),
        ],
    }
    assert value(view, "facets")["countries"] == ["Mexico", "Guatemala", "Honduras"]


def test_recording_rows_and_links_to_the_other_parts(spanish: Site) -> None:
    first = value(spanish.memoria("es/recordings/session-part-1/"), "entry")
    assert rows(first) == {
        "Grabado": [("15 de agosto de 2014", None, None)],
        "Idioma de la grabación": [("español", None, None)],
        "Parte": [("Parte 1 de 2", None, None)],
        "Duración": [("1:02:05", None, None)],
        "Plataforma original": [("Example Video", None, None)],
        "Temas": [("Mecanismos de protección", "../../topics/protection-mechanisms/", None)],
    }
    assert value(first, "previous_part") is None
    after = value(first, "next_part")
    assert (value(after, "text"), value(after, "url"), value(after, "note")) == (
        "Roundtable, closing",
        "../session-part-2/",
        "Parte 2 de 2",
    )
    second = value(spanish.memoria("es/recordings/session-part-2/"), "entry")
    assert value(second, "next_part") is None
    assert value(value(second, "previous_part"), "url") == "../session-part-1/"
    assert "Plataforma original" not in rows(second)  # no platform: no empty row


def test_untranslated_entry_falls_back_to_english_and_says_so(spanish: Site) -> None:
    memoria = spanish.memoria("es/press/2015/untranslated/")
    assert value(memoria, "fallback") is True
    assert value(memoria, "content_lang") == "en"
    assert value(memoria, "fallback_notice")
    page = spanish.page("es/press/2015/untranslated/")
    assert page.xpath("//html/@lang") == ["es"]
    assert "Only in English." in page.text_content()


def test_entry_view_asks_url_of_for_the_pages_it_links(catalog: Catalog) -> None:
    press = catalog.get("press", "statement")
    assert press is not None
    view = entry_view(catalog, press, "en", to_uri)
    assert rows(view)["Countries"] == [
        ("Mexico", "/countries/mx/index.en.md", None),
        ("Guatemala", "/countries/gt/index.en.md", None),
    ]
    assert related(view)["Event"][0][1] == "/events/2014/roundtable.en.md"
    assert related(view)["Recordings"][0][1] == "/recordings/session-part-1.en.md"
    # the organisation as written, unless the page's language names it otherwise (name_of)
    assert rows(view)["Organisations"] == [
        (
            "International Service for Human Rights",
            "/organisations/international-service-for-human-rights/index.en.md",
            None,
        )
    ]
    renamed = entry_view(catalog, press, "en", to_uri, name_of=lambda name: name.upper())
    assert rows(renamed)["Organisations"][0][0] == "INTERNATIONAL SERVICE FOR HUMAN RIGHTS"


def test_item_for_a_recording_in_parts_and_an_untranslated_entry(catalog: Catalog) -> None:
    recording = catalog.get("recordings", "session-part-2")
    untranslated = catalog.get("press", "untranslated")
    assert recording is not None and untranslated is not None
    item = item_for(recording, "es", to_uri)
    assert (value(item, "part"), value(item, "date_iso"), value(item, "url")) == (
        "Parte 2 de 2",
        "2014-08-15",
        "/recordings/session-part-2.en.md",  # no Spanish file: the English one, under /es/
    )
    item = item_for(untranslated, "es", to_uri)
    assert (value(item, "untranslated"), value(item, "content_lang"), value(item, "title")) == (
        True,
        "en",
        "Early warning networks",
    )


# --- listings ------------------------------------------------------------------------------


def test_home_listing_groups_the_latest_of_each_section(spanish: Site) -> None:
    listing = value(spanish.memoria("es/"), "listing")
    sections = [
        (heading, url, [value(i, "title") for i in items])
        for heading, url, items in value(listing, "home_sections")
    ]
    assert sections == [
        (
            "Últimos comunicados",
            "press/",
            ["Early warning networks", "Fortalecer la protección de las defensoras"],
        ),
        ("Últimos eventos", "events/", ["Mesa regional sobre protección"]),
        ("Grabaciones", "recordings/", ["Roundtable, opening", "Roundtable, closing"]),
    ]
    places = {value(i, "title"): value(i, "place") for i in value(listing, "items")}
    assert places["Mesa regional sobre protección"] == "Ciudad de México, México"
    assert places["Fortalecer la protección de las defensoras"] == "Ginebra"


def test_index_of_topics_counts_and_sorts_in_the_pages_language(spanish: Site, english: Site) -> None:
    groups = value(value(spanish.memoria("es/topics/"), "listing"), "groups")
    assert [(value(g, "text"), value(g, "url"), value(g, "note")) for g in groups] == [
        ("Land and territory", "land-and-territory/", "1 entrada"),
        ("Mecanismos de protección", "protection-mechanisms/", "3 entradas"),
    ]
    groups = value(value(english.memoria("countries/"), "listing"), "groups")
    assert [value(g, "text") for g in groups] == ["El Salvador", "Guatemala", "Honduras", "Mexico"]


def test_a_middle_page_links_to_newer_and_older_pages(catalog: Catalog) -> None:
    press = tuple(catalog.section("press"))
    middle = Listing(
        uri="press/page/2/index.md", kind="section", title={}, entries=press, section="press", page=2, pages=3
    )
    view = listing_view(catalog, middle, "es", to_uri)
    assert value(view, "newer_url") == "/press/index.es.md"
    assert value(view, "older_url") == "/press/page/3/index.es.md"
    assert value(view, "page_label") == "Página 2 de 3"
    last = Listing(
        uri="press/page/3/index.md", kind="section", title={}, entries=press, section="press", page=3, pages=3
    )
    view = listing_view(catalog, last, "en", to_uri)
    assert (value(view, "newer_url"), value(view, "older_url")) == ("/press/page/2/index.en.md", None)


def test_feeds_a_page_announces(catalog: Catalog, english: Site) -> None:
    press = catalog.get("press", "statement")
    topic = next(x for x in catalog.listings() if x.kind == "topic")
    home = next(x for x in catalog.listings() if x.kind == "home")
    assert page_feed_names(press, None) == ["all", "press"]
    assert page_feed_names(None, topic) == ["all", f"topic/{topic.uri.split('/')[1]}"]
    assert page_feed_names(None, home) == ["all"]
    links = value(english.memoria("press/2014/statement/"), "feed_links")
    assert [(value(x, "url"), value(x, "type"), value(x, "hreflang")) for x in links] == [
        ("https://archive.example.org/feeds/all.atom.xml", "application/atom+xml", "en"),
        ("https://archive.example.org/feeds/all.rss.xml", "application/rss+xml", "en"),
        ("https://archive.example.org/feeds/all.json", "application/feed+json", "en"),
        ("https://archive.example.org/feeds/press.atom.xml", "application/atom+xml", "en"),
        ("https://archive.example.org/feeds/press.rss.xml", "application/rss+xml", "en"),
        ("https://archive.example.org/feeds/press.json", "application/feed+json", "en"),
    ]
    page = english.page("press/2014/statement/")
    assert page.xpath("//link[@rel='alternate'][@type='application/atom+xml']/@href") == [
        "https://archive.example.org/feeds/all.atom.xml",
        "https://archive.example.org/feeds/press.atom.xml",
    ]


def test_feeds_page_groups_every_feed_with_its_count(spanish: Site) -> None:
    groups = value(spanish.memoria("es/feeds/"), "feeds")
    summary = {
        value(group, "heading"): [(value(row, "label"), value(row, "count")) for row in value(group, "rows")]
        for group in groups
    }
    assert summary["Todo el archivo"] == [("Todo el archivo", "2 entradas")]
    assert summary["Por sección"] == [
        ("Comunicados de prensa", "1 entrada"),
        ("Eventos", "1 entrada"),
        ("Grabaciones", "0 entradas"),
    ]
    assert ("Mecanismos de protección", "2 entradas") in summary["Por tema"]
    assert ("México", "2 entradas") in summary["Por país"]
    first = value(value(groups[0], "rows")[0], "links")
    assert [(value(x, "text"), value(x, "url")) for x in first] == [
        ("Atom", "https://archive.example.org/es/feeds/all.atom.xml"),
        ("RSS", "https://archive.example.org/es/feeds/all.rss.xml"),
        ("JSON Feed", "https://archive.example.org/es/feeds/all.json"),
    ]


# --- the preview's banner, the reader pages ---------------------------------------------------


def test_publication_banner_for_drafts_and_embargoes() -> None:
    moment = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
    draft = publication_banner(Publication(PublicationState.DRAFT, reason="draft"), "es")
    assert draft is not None and value(draft, "state") == "draft" and value(draft, "label") == "Borrador"
    body = publication_banner(Publication(PublicationState.DRAFT, reason="body"), "en")
    assert body is not None and value(body, "text") != value(draft, "text")
    scheduled = publication_banner(Publication(PublicationState.SCHEDULED, at=moment), "en")
    assert scheduled is not None and value(scheduled, "label") == "Scheduled"
    assert value(scheduled, "text").startswith("Embargoed until 1 December 2026, 09:30 (UTC):")
    assert "draft: true" in value(draft, "text") and "memoria:write" in value(body, "text")
    assert publication_banner(Publication(PublicationState.PUBLISHED), "en") is None


def test_home_and_about_say_who_keeps_the_archive_and_what_it_holds(spanish: Site, catalog: Catalog) -> None:
    home = value(spanish.memoria("es/"), "home")
    assert "Red de Defensoras de Ejemplo (ficticia)" in value(home, "organisation")  # mkdocs.yml's es text
    assert value(home, "holds") == (
        "Contiene 2 comunicados de prensa, 1 resumen de evento y 2 grabaciones, de 2014 a 2015, en inglés y español."
    )
    about = value(spanish.memoria("es/about/"), "about")
    assert value(about, "contact") == "archive@example.org"
    assert [value(s, "status") for s in value(about, "states")] == [
        "online",
        "rescued",
        "changed",
        "endangered",
        "restricted",
        "unreachable",
        "lost",
        "unknown",
    ]
    identity = Identity(organisation={"en": "Keepers"})
    intro = home_intro(catalog, identity, "en", "/about/")
    assert (value(intro, "organisation"), value(intro, "about_url")) == ("An archive of Keepers.", "/about/")
    assert value(about_view(catalog, identity, "en", "/states/", "/feeds/"), "contact") is None
    assert [value(s, "label") for s in state_texts("en")][:2] == ["Online", "Rescued"]


def test_citation_and_social_tags_of_an_entry(catalog: Catalog, english: Site) -> None:
    press = catalog.get("press", "statement")
    assert press is not None
    identity = Identity(organisation={"en": "Keepers"})
    cite = cite_view(
        press,
        identity,
        "Archive",
        "en",
        "https://archive.example.org/press/2014/statement/",
        dt.date(2026, 11, 29),
    )
    assert "Strengthen protection of defenders" in value(cite, "text")
    assert "https://archive.example.org/press/2014/statement/" in value(cite, "text")
    bibtex = unquote(value(cite, "bibtex"))
    assert bibtex.startswith("data:application/x-bibtex;charset=utf-8,@misc{Statement2014,")
    assert "author = {{Keepers}}" in bibtex and "urldate = {2026-11-29}" in bibtex
    csl = json.loads(unquote(value(cite, "csl_json")).partition(",")[2])
    assert (csl[0]["title"], csl[0]["abstract"]) == (
        "Strengthen protection of defenders",
        "A call to governments.",
    )
    tags = social_tags("A & B", "why", "https://archive.example.org/x/", "Archive", "es", article=True)
    assert (value(tags, "type"), value(tags, "locale"), value(tags, "alternate_locales")) == (
        "article",
        "es_ES",
        ("en_GB",),
    )
    built = value(english.memoria("press/2014/statement/"), "cite")
    assert value(built, "permalink") == "https://archive.example.org/press/2014/statement/"


def test_citation_downloads_and_share_links_are_what_urllib_and_json_make() -> None:
    # cite_view quotes and indents with its own faster helpers: the same strings, every character.
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    for start in range(0, len(every), 7000):
        text = every[start : start + 7000]
        assert reader_pages._quote(text) == quote(text)
        query = {"url": text[:50], "text": f"a b+c {text}"}
        assert reader_pages._urlencode(query) == urlencode(query)
    csl = [
        {
            "id": "x",
            "title": 'A "quoted" \\ title\n\u2028 — 😀',
            "author": [{"literal": "Keepers"}],
            "issued": {"date-parts": [[2014, 8, 25]]},
            "empty": [],
            "none": {},
            "flags": [True, False, None, 1.5, -3],
        }
    ]
    assert reader_pages._json_indented(csl) == json.dumps(csl, ensure_ascii=False, indent=2)
