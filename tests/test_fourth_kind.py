"""Adding a kind takes one module (plus templates, if it needs its own): proved with a throwaway
fourth kind, "statement", registered the way handbook/adding-a-kind.md says, then a real
MkDocs build of a bilingual archive holding one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest
from lxml import html as lxml_html
from pydantic import Field

from conftest import write_project
from memoria.content import (
    FIELD_NAMES,
    KINDS,
    CountryCode,
    EntryFields,
    IsoDate,
    Kind,
    MetadataRows,
    load_archive,
    register_kind,
)
from memoria.engine.build import build_serial
from memoria.i18n import MESSAGES, messages_for
from memoria.scaffold import NewEntry, kind_nouns, write_new_entry
from memoria.search import stage_site

# --- the kind, as a module of its own would define it (handbook/adding-a-kind.md, steps 1-2) ---


class StatementFields(EntryFields):
    """A public statement: dated, signed by organisations, about countries."""

    date: IsoDate
    summary: str
    signatories: list[str] = Field(default_factory=list)
    countries: list[CountryCode] = Field(default_factory=list)

    @property
    def countries_named(self) -> list[str]:
        return list(self.countries)

    @property
    def organisations_named(self) -> list[str]:
        return list(self.signatories)

    def metadata_rows(self, rows: MetadataRows) -> None:
        rows.add("field.date", [rows.link(rows.date)])
        rows.add("field.signatories", rows.organisations(self.signatories))
        rows.add("field.countries", [rows.country(code) for code in self.countries])


STATEMENT = Kind(
    section="statements",
    noun="statement",
    fields=StatementFields,
    new_header="# A new statement. Remove the '# ' in front of an optional field to use it.",
    new_hint="write the text of the statement below, in Markdown, then delete this line",
    new_optional=(("signatories:", "who signs it"), ("countries: [MX]", "ISO 3166 two-letter codes")),
    home_label="home.latest_statements",
    messages={
        "kind.statements": {"en": "Statement", "es": "Pronunciamiento"},
        "section.statements": {"en": "Statements", "es": "Pronunciamientos"},
        "home.latest_statements": {"en": "Latest statements", "es": "Últimos pronunciamientos"},
        "count.statements": {"en": "{count} statements", "es": "{count} pronunciamientos"},
        "count.statements.one": {"en": "1 statement", "es": "1 pronunciamiento"},
        "feeds.description.statements": {
            "en": "Statements of {site}.",
            "es": "Pronunciamientos de {site}.",
        },
        "field.signatories": {"en": "Signed by", "es": "Firmado por"},
    },
)


@pytest.fixture
def statement_kind() -> Iterator[Kind]:
    """The kind registered for one test, and gone after it (the registry is the process's)."""
    kind = register_kind(STATEMENT)
    try:
        yield kind
    finally:
        del KINDS[kind.section]
        del FIELD_NAMES[StatementFields]
        for key in STATEMENT.messages:
            del MESSAGES[key]
        messages_for.cache_clear()


STATEMENT_EN = """
---
title: "Joint statement on the protection of land defenders"
date: 2015-04-02
summary: "Eleven organisations call on the governments of the region to protect land defenders."
signatories:
  - JASS Mesoamerica
  - Example Defenders Network
countries: [MX, HN]
topics:
  - Land and territory
---

The undersigned organisations condemn the attacks on women who defend land and territory.
"""

STATEMENT_ES = """
---
title: "Pronunciamiento conjunto sobre la protección de las defensoras de la tierra"
summary: "Once organizaciones piden a los gobiernos de la región proteger a las defensoras de la tierra."
topics:
  - Tierra y territorio
---

Las organizaciones firmantes condenan los ataques contra las mujeres que defienden la tierra.
"""

PRESS_EN = """
---
title: "An ordinary press release"
date: 2015-03-01
summary: "The archive's other kinds keep working beside the new one."
---

Text.
"""


def _page(site: Path, url_path: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring((site / url_path / "index.html").read_bytes())


def test_a_fourth_kind_gets_pages_listings_feeds_and_search(tmp_path: Path, statement_kind: Kind) -> None:
    project = write_project(
        tmp_path / "project",
        {
            "statements/2015/land-defenders.en.md": STATEMENT_EN,
            "statements/2015/land-defenders.es.md": STATEMENT_ES,
            "press/2015/ordinary.en.md": PRESS_EN,
        },
    )
    site = tmp_path / "site"
    failure = build_serial(project / "mkdocs.yml", site, strict=True)
    assert failure is None, failure

    # Its page in each language: kind label, title, its own metadata rows, relations by topic and country.
    page = _page(site, "statements/2015/land-defenders")
    assert page.xpath("string(//p[@class='memoria-kind'])") == "Statement"
    assert page.xpath("string(//h1)") == "Joint statement on the protection of land defenders"
    labels = [" ".join(dt.text_content().split()) for dt in page.xpath("//dl[@class='memoria-meta']//dt")]
    assert labels == ["Date", "Signed by", "Countries", "Topics"]
    signed = page.xpath("//dt[.='Signed by']/following-sibling::dd//a")
    assert [a.text for a in signed] == ["JASS Mesoamerica", "Example Defenders Network"]
    assert signed[0].get("href") == "../../../organisations/jass-mesoamerica/"
    spanish = _page(site, "es/statements/2015/land-defenders")
    assert spanish.xpath("string(//p[@class='memoria-kind'])") == "Pronunciamiento"
    assert "protección de las defensoras" in spanish.xpath("string(//h1)")
    assert "Firmado por" in spanish.xpath("string(//dl[@class='memoria-meta'])")

    # Listings: its section (and per year), the home page's block, the topic and country pages.
    for listing in ("statements", "statements/2015", "countries/hn", "organisations/jass-mesoamerica"):
        links = {urljoin(f"/{listing}/", href) for href in _page(site, listing).xpath("//a/@href")}
        assert "/statements/2015/land-defenders/" in links, listing
    assert _page(site, "statements").xpath("string(//h1)") == "Statements"
    home = _page(site, "")
    headings = [" ".join(h.text_content().split()) for h in home.xpath("//section//h2")]
    assert "Latest statements" in headings and "Latest press releases" in headings
    assert "1 statement" in home.text_content()  # the home page's count of what the archive holds
    assert "Últimos pronunciamientos" in _page(site, "es").text_content()

    # Feeds: its own, in each language and format, and the whole archive's.
    rss = feedparser.parse((site / "feeds" / "statements.rss.xml").read_bytes())
    assert [e.title for e in rss.entries] == ["Joint statement on the protection of land defenders"]
    assert rss.feed.title.startswith("Statements · ")
    assert rss.entries[0].tags[0].term == "Statement"
    atom = feedparser.parse((site / "feeds" / "statements.atom.xml").read_bytes())
    assert atom.entries[0].link == "https://archive.example.org/statements/2015/land-defenders/"
    json_feed = json.loads((site / "feeds" / "statements.json").read_text(encoding="utf-8"))
    assert [item["url"] for item in json_feed["items"]] == [
        "https://archive.example.org/statements/2015/land-defenders/"
    ]
    spanish_feed = feedparser.parse((site / "es" / "feeds" / "statements.rss.xml").read_bytes())
    assert spanish_feed.entries[0].title.startswith("Pronunciamiento conjunto")
    whole = feedparser.parse((site / "feeds" / "all.rss.xml").read_bytes())
    assert {e.title for e in whole.entries} == {
        "Joint statement on the protection of land defenders",
        "An ordinary press release",
    }
    feeds_page = _page(site, "feeds").xpath("//a/@href")
    assert "https://archive.example.org/feeds/statements.atom.xml" in feeds_page

    # Search: the page is indexed as a statement (its facets), and staged for Pagefind.
    body = page.xpath("//*[@data-pagefind-body]")
    assert body, "the statement's page is not marked for the search index"
    assert '"section": "statements"' in page.xpath("string(//p[@class='memoria-kind']/@data-memoria-facets)")
    staged = tmp_path / "staged"
    assert stage_site(site, staged, skip=("es",)) > 0
    staged_page = (staged / "statements" / "2015" / "land-defenders" / "index.html").read_text(
        encoding="utf-8"
    )
    assert "undersigned condemn attacks women" in staged_page  # the body, as Pagefind indexes it
    assert (site / "pagefind").is_dir()


def test_staff_scaffold_a_fourth_kind_entry(tmp_path: Path, statement_kind: Kind) -> None:
    assert "statement" in kind_nouns()  # `memoria new statement` is offered
    docs = tmp_path / "docs"
    entry = NewEntry(kind="statement", title="A statement", date="2016-01-05", summary="Short.")
    (path,) = write_new_entry(docs, entry, {})
    assert path == docs / "statements" / "2016" / "a-statement.en.md"
    text = path.read_text(encoding="utf-8")
    assert "# A new statement." in text and "# signatories:" in text
    loaded = load_archive(docs)
    assert not loaded.errors, loaded.errors
    (statement,) = loaded.entries
    assert statement.kind is statement_kind and statement.sort_date.isoformat() == "2016-01-05"
