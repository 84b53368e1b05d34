"""Feeds: RSS 2.0 and Atom per language, read back with feedparser (as feed readers do) and lxml."""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import html
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from lxml import etree
from lxml import html as lxml_html

from conftest import BuiltSite, run_build, write_project
from memoria.catalog import load_catalog, newest_first
from memoria.content import Entry
from memoria.feeds import (
    FeedConfigError,
    FeedOptions,
    absolute_html,
    check_options,
    entry_id,
    mirrored_enclosure,
)

SITE = "https://archive.example.org/"
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
AUTHORITY_LINE = "      feed_id_authority: archive.example.org,2014\n"
BASES = {"en": "", "es": "es/"}
SPANISH_PRESS = "es/feeds/press.rss.xml"
UNTRANSLATED_ID = "fictional-early-warning-networks"

MEXICO_OFFSETS = (dt.timedelta(hours=-5), dt.timedelta(hours=-6))

HOSTILE = "Tom & Jerry <script>alert(\"x\")</script> 'single' ]]> &amp; <b>bold</b>"


# --- helpers ---------------------------------------------------------------------------


def feed_paths(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.xml") if "feeds" in p.relative_to(site).parts)


def read_feed(site: Path, rel: str) -> feedparser.FeedParserDict:
    parsed = feedparser.parse((site / rel).read_bytes())
    assert not parsed.bozo, f"{rel}: {parsed.get('bozo_exception')}"
    return parsed


def xml(site: Path, rel: str) -> etree._Element:
    return etree.fromstring((site / rel).read_bytes())


def site_path(url: str, site_url: str = SITE) -> str:
    """The path below site/ that serves an absolute URL of the site."""
    assert url.startswith(site_url), url
    return url[len(site_url) :]


def build(
    tmp_path: Path, name: str, *, docs=None, copy_demo=False, options="", site_url=None, media=None
) -> BuiltSite:  # type: ignore[no-untyped-def]
    """Build a project whose mkdocs.yml gets extra memoria options or another site_url."""
    project = write_project(tmp_path / name, docs, copy_demo)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert AUTHORITY_LINE in text, "the demo mkdocs.yml sets feed_id_authority"
    text = text.replace(AUTHORITY_LINE, AUTHORITY_LINE + options)
    if site_url:
        text = re.sub(r"^site_url: .*$", f"site_url: {site_url}", text, flags=re.M)
    config.write_text(text, encoding="utf-8")
    for rel, content in (media or {}).items():
        path = project / "media" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    built = run_build(project)
    assert built.returncode == 0, built.output
    return built


def expected_entries(entries: list[Entry], lang: str, name: str, catalog) -> list[Entry]:  # type: ignore[no-untyped-def]
    own = newest_first(e for e in entries if e.is_translated(lang))
    if name == "all":
        return own
    if name in ("press", "events", "recordings"):
        return [e for e in own if e.section == name]
    kind, key = name.split("/")
    if kind == "topic":
        return [e for e in own if key in catalog.topic_slugs(e)]
    return [e for e in own if key.upper() in catalog.countries_of(e)]


def feed_name(site: Path, path: Path) -> tuple[str, str, str]:
    """(language, name, format) of a feed file: es/feeds/topic/x.atom.xml → (es, topic/x, atom)."""
    rel = path.relative_to(site).as_posix()
    lang = "es" if rel.startswith("es/") else "en"
    name, fmt, _ = rel.split("feeds/", 1)[1].rsplit(".", 2)
    return lang, name, fmt


# --- the demo: every feed valid, complete and in order ------------------------------------


@pytest.mark.slow
def test_every_feed_is_written_per_language(demo_site: BuiltSite) -> None:
    catalog = load_catalog(demo_site.project / "docs")
    topics = {slug for e in catalog.entries for slug in catalog.topic_slugs(e)}
    countries = {c.lower() for e in catalog.entries for c in catalog.countries_of(e)}
    names = (
        {"all", "press", "events", "recordings"}
        | {f"topic/{s}" for s in topics}
        | {f"country/{c}" for c in countries}
    )
    found = {feed_name(demo_site.site, p) for p in feed_paths(demo_site.site)}
    assert found == {(lang, name, fmt) for lang in BASES for name in names for fmt in ("rss", "atom")}
    assert "country/mx" in names and len(topics) >= 2


@pytest.mark.slow
def test_rss_feeds_have_every_required_element(demo_site: BuiltSite) -> None:
    for path in feed_paths(demo_site.site):
        lang, _name, fmt = feed_name(demo_site.site, path)
        if fmt != "rss":
            continue
        rel = path.relative_to(demo_site.site).as_posix()
        read_feed(demo_site.site, rel)
        root = xml(demo_site.site, rel)
        assert root.tag == "rss" and root.get("version") == "2.0"
        channel = root.find("channel")
        for tag in ("title", "link", "description", "language", "lastBuildDate"):
            assert (channel.findtext(tag) or "").strip(), f"{rel}: channel has no {tag}"
        assert channel.findtext("language") == lang
        assert channel.findtext("link").startswith(SITE + BASES[lang])
        assert channel.find(f"{ATOM}link[@rel='self']").get("href") == SITE + rel
        for item in channel.findall("item"):
            published = email.utils.parsedate_to_datetime(item.findtext("pubDate"))
            # the demo's time zone (America/Mexico_City; Tegucigalpa for the hearing): CDT or CST
            assert item.findtext("title") and published.utcoffset() in MEXICO_OFFSETS, rel
            assert item.findtext("link").startswith(SITE + BASES[lang]), rel
            guid = item.find("guid")
            assert guid.get("isPermaLink") == "false" and guid.text.startswith(
                "tag:archive.example.org,2014:"
            )


@pytest.mark.slow
def test_atom_feeds_have_every_element_rfc_4287_requires(demo_site: BuiltSite) -> None:
    for path in feed_paths(demo_site.site):
        lang, _name, fmt = feed_name(demo_site.site, path)
        if fmt != "atom":
            continue
        rel = path.relative_to(demo_site.site).as_posix()
        read_feed(demo_site.site, rel)
        root = xml(demo_site.site, rel)
        assert root.tag == f"{ATOM}feed" and root.get(XML_LANG) == lang
        for tag in ("id", "title", "updated"):
            assert (root.findtext(f"{ATOM}{tag}") or "").strip(), f"{rel}: feed has no {tag}"
        assert root.findtext(f"{ATOM}author/{ATOM}name")
        assert root.find(f"{ATOM}link[@rel='self']").get("href") == SITE + rel
        alternate = root.find(f"{ATOM}link[@rel='alternate']")
        assert alternate.get("type") == "text/html" and alternate.get("hreflang") == lang
        assert dt.datetime.fromisoformat(root.findtext(f"{ATOM}updated")).utcoffset() in MEXICO_OFFSETS
        for entry in root.findall(f"{ATOM}entry"):
            for tag in ("id", "title", "updated", "published"):
                assert entry.findtext(f"{ATOM}{tag}"), f"{rel}: entry has no {tag}"
            link = entry.find(f"{ATOM}link[@rel='alternate']")
            assert link.get("href").startswith(SITE + BASES[lang]) and link.get("hreflang") == lang
            assert entry.find(f"{ATOM}content").get("type") == "html"


@pytest.mark.slow
def test_entries_are_this_languages_only_newest_first(demo_site: BuiltSite) -> None:
    catalog = load_catalog(demo_site.project / "docs")
    for path in feed_paths(demo_site.site):
        lang, name, _fmt = feed_name(demo_site.site, path)
        rel = path.relative_to(demo_site.site).as_posix()
        parsed = read_feed(demo_site.site, rel)
        expected = expected_entries(catalog.entries, lang, name, catalog)
        assert [e.id for e in parsed.entries] == [
            f"tag:archive.example.org,2014:{lang}/{x.section}/{x.id}" for x in expected
        ], rel
        assert [e.title for e in parsed.entries] == [x.in_language(lang).title for x in expected], rel
        dates = [e.published_parsed for e in parsed.entries]
        assert dates == sorted(dates, reverse=True), rel


@pytest.mark.slow
def test_no_english_entry_in_a_spanish_feed(demo_site: BuiltSite) -> None:
    catalog = load_catalog(demo_site.project / "docs")
    assert not catalog.get("press", UNTRANSLATED_ID).is_translated("es")
    for path in feed_paths(demo_site.site / "es"):
        rel = path.relative_to(demo_site.site).as_posix()
        parsed = read_feed(demo_site.site, rel)
        assert parsed.feed.language == "es", rel
        for entry in parsed.entries:
            assert UNTRANSLATED_ID not in entry.link and entry.link.startswith(SITE + "es/"), rel
            page = demo_site.page(site_path(entry.link))
            assert page.get("lang") == "es" and not page.xpath("//*[contains(@class,'memoria-fallback')]"), (
                rel
            )
    english = read_feed(demo_site.site, "feeds/press.rss.xml")
    assert any(UNTRANSLATED_ID in e.link for e in english.entries)


@pytest.mark.slow
def test_feed_dates_come_from_the_newest_entry_not_the_clock(demo_site: BuiltSite) -> None:
    spanish_press = xml(demo_site.site, SPANISH_PRESS).find("channel")
    assert spanish_press.findtext("lastBuildDate") == "Mon, 25 Aug 2014 00:00:00 -0500"
    assert spanish_press.findtext("item/pubDate") == "Mon, 25 Aug 2014 00:00:00 -0500"
    atom = xml(demo_site.site, "feeds/all.atom.xml")
    newest = max(e.findtext(f"{ATOM}updated") for e in atom.findall(f"{ATOM}entry"))
    assert atom.findtext(f"{ATOM}updated") == newest
    assert str(dt.date.today().year) not in atom.findtext(f"{ATOM}updated")


@pytest.mark.slow
def test_categories_are_topics_and_localised_countries(demo_site: BuiltSite) -> None:
    spanish = read_feed(demo_site.site, "es/feeds/press.atom.xml").entries[0]
    terms = [tag.term for tag in spanish.tags]
    assert "Defensoras de derechos humanos" in terms and "México" in terms and "Mexico" not in terms
    english = read_feed(demo_site.site, "feeds/press.rss.xml")
    roundtable = next(e for e in english.entries if "protect-women" in e.link)
    assert {"Women human rights defenders", "Mexico", "El Salvador"} <= {t.term for t in roundtable.tags}


@pytest.mark.slow
def test_what_a_subscriber_to_the_spanish_press_feed_sees(demo_site: BuiltSite) -> None:
    """The demo's Spanish press feed as a reader shows it (described in the issue's note)."""
    feed = read_feed(demo_site.site, SPANISH_PRESS)
    assert feed.feed.title == "Comunicados de prensa · Memoria — Archivo de defensoras de derechos humanos"
    assert feed.feed.link == SITE + "es/press/"
    assert "Solo entradas en español" in feed.feed.description
    assert len(feed.entries) == 1
    entry = feed.entries[0]
    assert entry.title.startswith("México y Mesoamérica: fortalecer la protección")
    assert entry.link == SITE + "es/press/2014/protect-women-defenders-mesoamerica/"
    assert tuple(entry.published_parsed)[:3] == (2014, 8, 25)
    assert "Ciudad de México el 15 de agosto de 2014" in entry.content[0].value
    assert entry.summary.startswith("ISHR y JASS Mesoamérica piden")


# --- discovery and the feeds page ----------------------------------------------------------


def feed_links(page: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    return page.xpath(
        "//head/link[@rel='alternate'][@type='application/rss+xml' or @type='application/atom+xml']"
    )


@pytest.mark.slow
def test_every_page_links_its_languages_feeds(demo_site: BuiltSite) -> None:
    pages = sorted(demo_site.site.rglob("*.html"))
    assert len(pages) > 50
    for path in pages:
        page = lxml_html.fromstring(path.read_bytes())
        lang = page.get("lang")
        links = feed_links(page)
        hrefs = [link.get("href") for link in links]
        assert SITE + BASES[lang] + "feeds/all.atom.xml" in hrefs, path
        assert SITE + BASES[lang] + "feeds/all.rss.xml" in hrefs, path
        for link in links:
            assert link.get("hreflang") == lang and link.get("title"), path
            target = demo_site.site / site_path(link.get("href"))
            assert target.is_file(), f"{path}: {link.get('href')}"
            assert link.get("type") == (
                "application/atom+xml" if target.name.endswith(".atom.xml") else "application/rss+xml"
            )


@pytest.mark.slow
def test_pages_link_the_feed_of_what_they_show(demo_site: BuiltSite) -> None:
    cases = {
        "press/2014/protect-women-defenders-mesoamerica/": "feeds/press",
        "es/recordings/ustream-51400296/": "es/feeds/recordings",
        "es/events/": "es/feeds/events",
        "events/2014/": "feeds/events",
        "topics/women-human-rights-defenders/": "feeds/topic/women-human-rights-defenders",
        "es/countries/mx/": "es/feeds/country/mx",
    }
    for url, feed in cases.items():
        hrefs = [link.get("href") for link in feed_links(demo_site.page(url))]
        assert hrefs == [
            f"{SITE}{BASES['es' if url.startswith('es/') else 'en']}feeds/all.{f}.xml"
            for f in ("atom", "rss")
        ] + [f"{SITE}{feed}.{f}.xml" for f in ("atom", "rss")], url
    spanish_titles = [link.get("title") for link in feed_links(demo_site.page("es/press/"))]
    assert (
        spanish_titles[2]
        == "Comunicados de prensa · Memoria — Archivo de defensoras de derechos humanos (canal Atom)"
    )
    english_titles = [link.get("title") for link in feed_links(demo_site.page("press/"))]
    assert english_titles[3].startswith("Press releases · ") and english_titles[3].endswith("(RSS feed)")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("url", "lang", "title", "explains"),
    [
        ("feeds/", "en", "Feeds", "A feed is a list of this archive's newest entries"),
        (
            "es/feeds/",
            "es",
            "Canales RSS y Atom",
            "Un canal (feed) es la lista de las entradas más recientes",
        ),
    ],
)
def test_feeds_page_lists_every_feed_in_its_language(
    demo_site: BuiltSite, url: str, lang: str, title: str, explains: str
) -> None:
    page = demo_site.page(url)
    assert page.get("lang") == lang
    assert page.xpath("string(//article//h1)").strip() == title
    assert explains in page.xpath("string(//div[@class='memoria-feeds'])")
    links = page.xpath("//a[@data-memoria-feed-link]/@href")
    written = {
        SITE + p.relative_to(demo_site.site).as_posix()
        for p in feed_paths(demo_site.site / BASES[lang].rstrip("/") if lang != "en" else demo_site.site)
    }
    if lang == "en":
        written = {u for u in written if not u.startswith(SITE + "es/")}
    json_feeds = {u.replace(".rss.xml", ".json") for u in written if u.endswith(".rss.xml")}
    assert set(links) == written | json_feeds
    headings = page.xpath("//div[@class='memoria-feeds']//h2/text()")
    assert len(headings) == 4
    home = demo_site.page(BASES[lang])
    tabs = {
        a.text_content().strip(): a.get("href") for a in home.xpath("//nav[contains(@class,'md-tabs')]//a")
    }
    assert tabs[title] == "feeds/"
    if lang == "es":
        table_text = page.xpath("string(//div[@class='memoria-feeds'])")
        assert "País: México" not in table_text and "México" in table_text
        assert "1 entrada\n" in table_text and "1 entradas" not in table_text


# --- custom archives: links, escaping, stability, limits, enclosures ----------------------------

# Markdown links name source files; raw HTML is relative to the page's URL (press/2020/links/).
LINKS_PRESS_EN = """
---
title: "Links and pictures"
date: 2020-03-01
summary: "A release whose body links around the site."
topics:
  - Testing
countries:
  - MX
---

See [the recording](../../recordings/hostile-1.md), [the details](#details) and
[write to us](mailto:press@example.org).

![A picture](../../assets/pic.png)

<img src="../../../assets/pic.png" srcset="../../../assets/pic.png 1x, ../../../assets/pic-2x.png 2x" alt="">

## Details

Nothing else.
"""

LINKS_PRESS_ES = """
---
title: "Enlaces e imágenes"
summary: "Un comunicado cuyo cuerpo enlaza el sitio."
topics:
  - Pruebas
---

Vea [la grabación](../../recordings/hostile-1.md) y [los detalles](#detalles).

![Una imagen](../../assets/pic.png)

## Detalles

Nada más.
"""

ENGLISH_ONLY = """
---
title: "Only in English"
date: 2021-01-01
updated: 2021-02-03
summary: "Never translated."
topics:
  - Only English
---

Body.
"""


def hostile_recording() -> str:
    return f"""
---
id: hostile-1
title: {json.dumps(HOSTILE)}
summary: {json.dumps(HOSTILE)}
language: es
recorded: 2019-05-04
source_url: "https://video.example.net/watch?v=1&list=2"
platform: "Vid<eo> & Co"
---

Body of the recording.
"""


def custom_docs() -> dict[str, str]:
    return {
        "press/2020/links.en.md": LINKS_PRESS_EN,
        "press/2020/links.es.md": LINKS_PRESS_ES,
        "press/2021/english-only.en.md": ENGLISH_ONLY,
        "recordings/hostile-1.en.md": hostile_recording(),
        "recordings/hostile-1.es.md": f"---\ntitle: {json.dumps(HOSTILE + ' (es)')}\n---\n\nCuerpo.\n",
        "assets/pic.png": "not really a picture",
        "assets/pic-2x.png": "not really a picture either",
    }


def raw_content(site: Path, rel: str, page_url: str) -> str:
    """The HTML content of the entry linking `page_url`, as the XML holds it (not sanitized)."""
    root = xml(site, rel)
    if root.tag == "rss":
        return next(i.findtext(CONTENT) for i in root.iter("item") if i.findtext("link") == page_url)
    return next(
        e.findtext(f"{ATOM}content")
        for e in root.iter(f"{ATOM}entry")
        if e.find(f"{ATOM}link[@rel='alternate']").get("href") == page_url
    )


@pytest.mark.slow
def test_content_links_and_images_are_absolute(tmp_path: Path) -> None:
    built = build(tmp_path, "links", docs=custom_docs())
    for lang, fmt in (("en", "atom"), ("en", "rss"), ("es", "atom"), ("es", "rss")):
        rel = f"{BASES[lang]}feeds/press.{fmt}.xml"
        page_url = f"{SITE}{BASES[lang]}press/2020/links/"
        read_feed(built.site, rel)
        body = lxml_html.fragment_fromstring(raw_content(built.site, rel, page_url), create_parent="div")
        urls = body.xpath(".//@href | .//@src") + [
            part.strip().split(" ")[0] for value in body.xpath(".//@srcset") for part in value.split(",")
        ]
        for url in urls:
            assert urlsplit(url).scheme in ("https", "mailto"), f"{rel}: {url}"
            if url.startswith(SITE):  # every link of the archive leads to a file of the built site
                target = built.site / site_path(url.split("#")[0])
                assert target.is_file() or (target / "index.html").is_file(), f"{rel}: {url}"
        assert page_url + ("#details" if lang == "en" else "#detalles") in urls, rel
        assert f"{SITE}assets/pic.png" in urls and f"{SITE}{BASES[lang]}recordings/hostile-1/" in urls, rel
        if lang == "en":
            assert body.xpath(".//@srcset") == [f"{SITE}assets/pic.png 1x, {SITE}assets/pic-2x.png 2x"]
            assert "mailto:press@example.org" in urls


@pytest.mark.slow
def test_updated_front_matter_is_the_entry_and_feed_update(tmp_path: Path) -> None:
    built = build(tmp_path, "updated", docs=custom_docs())
    atom = xml(built.site, "feeds/press.atom.xml")
    first = atom.find(f"{ATOM}entry")
    # midnight in the demo's time zone, America/Mexico_City (UTC−6 in winter)
    assert first.findtext(f"{ATOM}published") == "2021-01-01T00:00:00-06:00"
    assert first.findtext(f"{ATOM}updated") == "2021-02-03T00:00:00-06:00"
    assert atom.findtext(f"{ATOM}updated") == "2021-02-03T00:00:00-06:00"
    rss = xml(built.site, "feeds/press.rss.xml").find("channel")
    assert rss.findtext("lastBuildDate") == "Wed, 03 Feb 2021 00:00:00 -0600"
    spanish = xml(built.site, "es/feeds/press.atom.xml")
    # the English-only entry is not in the Spanish feed, so it does not date it
    assert spanish.findtext(f"{ATOM}updated") == "2020-03-01T00:00:00-06:00"
    # Its topic has no Spanish entry: the Spanish feed exists, valid and empty, dated by the archive.
    for fmt in ("rss", "atom"):
        assert read_feed(built.site, f"es/feeds/topic/only-english.{fmt}.xml").entries == []
    empty = xml(built.site, "es/feeds/topic/only-english.atom.xml")
    assert empty.findtext(f"{ATOM}updated") == "2021-02-03T00:00:00-06:00"
    assert len(read_feed(built.site, "feeds/topic/only-english.atom.xml").entries) == 1


@pytest.mark.slow
def test_hostile_titles_and_summaries_are_escaped_in_both_formats(tmp_path: Path) -> None:
    built = build(tmp_path, "hostile", docs=custom_docs())
    for lang, title in (("en", HOSTILE), ("es", HOSTILE + " (es)")):
        for fmt in ("rss", "atom"):
            rel = f"{BASES[lang]}feeds/recordings.{fmt}.xml"
            parsed = read_feed(built.site, rel)
            entry = parsed.entries[0]
            assert entry.title == title, rel  # text, exactly as written
            # The summary is HTML in both formats: a reader renders the text, never a <script>.
            assert "<script" not in entry.summary and html.unescape(entry.summary) == HOSTILE, rel
            root = xml(built.site, rel)
            if fmt == "rss":
                item = root.find("channel/item")
                assert item.findtext("title") == title
                assert item.findtext("description") == html.escape(HOSTILE, quote=False)
            else:
                node = root.find(f"{ATOM}entry")
                assert (
                    node.findtext(f"{ATOM}title") == title and node.find(f"{ATOM}title").get("type") is None
                )
                assert node.find(f"{ATOM}summary").get("type") == "html"
                assert node.findtext(f"{ATOM}summary") == html.escape(HOSTILE, quote=False)
    raw = (built.site / "feeds/recordings.rss.xml").read_text(encoding="utf-8")
    assert "<script>" not in raw and "]]>" not in raw.replace("]]&gt;", "")


def snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in feed_paths(site)}


def ids_of(site: Path) -> dict[str, list[str]]:
    return {rel: [e.id for e in read_feed(site, rel).entries] for rel in snapshot(site)}


@pytest.mark.slow
def test_rebuilds_are_byte_identical_and_ids_survive_a_move(tmp_path: Path) -> None:
    first = build(tmp_path, "a", docs=custom_docs(), copy_demo=True)
    before = snapshot(first.site)
    again = run_build(first.project)
    assert again.returncode == 0, again.output
    assert snapshot(first.site) == before

    moved_url = "https://archive.example.org/memoria/archive/"
    moved = build(tmp_path, "b", docs=custom_docs(), copy_demo=True, site_url=moved_url)
    assert ids_of(moved.site) == ids_of(first.site)
    links = [e.link for e in read_feed(moved.site, "es/feeds/all.atom.xml").entries]
    assert links and all(link.startswith(moved_url + "es/") for link in links)
    channel = xml(moved.site, "feeds/all.rss.xml").find("channel")
    assert channel.find(f"{ATOM}link[@rel='self']").get("href") == moved_url + "feeds/all.rss.xml"


def test_default_ids_depend_on_the_host_only(tmp_path: Path) -> None:
    catalog = load_catalog(write_project(tmp_path / "ids", custom_docs()) / "docs")
    entry = catalog.get("recordings", "hostile-1")
    assert entry is not None
    here = entry_id(entry, "es", None, "https://archive.example.org/")
    assert here == entry_id(entry, "es", None, "https://archive.example.org/moved/below/")
    assert here.startswith("urn:uuid:") and here != entry_id(
        entry, "en", None, "https://archive.example.org/"
    )
    assert (
        entry_id(entry, "es", "archive.example.org,2014", SITE)
        == "tag:archive.example.org,2014:es/recordings/hostile-1"
    )


@pytest.mark.slow
def test_limit_and_choice_of_feeds(tmp_path: Path) -> None:
    built = build(
        tmp_path,
        "limited",
        docs=custom_docs(),
        copy_demo=True,
        options="      feed_limit: 2\n      feeds: [all, press]\n",
    )
    names = {feed_name(built.site, p)[1] for p in feed_paths(built.site)}
    assert names == {"all", "press"}
    catalog = load_catalog(built.project / "docs")
    for rel in snapshot(built.site):
        lang, name, _ = feed_name(built.site, built.site / rel)
        expected = expected_entries(catalog.entries, lang, name, catalog)[:2]
        assert [e.link.rsplit("/", 2)[-2] for e in read_feed(built.site, rel).entries] == [
            x.id if x.section == "recordings" else x.norm_uri.rsplit("/", 1)[1][:-3] for x in expected
        ], rel
    hrefs = [link.get("href") for link in feed_links(built.page("recordings/hostile-1/"))]
    assert hrefs == [SITE + "feeds/all.atom.xml", SITE + "feeds/all.rss.xml"]  # no recordings feed written

    everything = build(
        tmp_path, "unlimited", docs=custom_docs(), copy_demo=True, options="      feed_limit: 0\n"
    )
    assert len(read_feed(everything.site, "feeds/all.atom.xml").entries) == len(
        load_catalog(everything.project / "docs").entries
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("      feed_limit: -1\n", "feed_limit: -1 is negative"),
        ("      feeds: [all, blog]\n", "blog"),
    ],
)
def test_bad_feed_settings_fail_the_build(tmp_path: Path, option: str, message: str) -> None:
    project = write_project(tmp_path / "bad", custom_docs())
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(AUTHORITY_LINE, AUTHORITY_LINE + option), encoding="utf-8"
    )
    built = run_build(project)
    assert built.returncode != 0 and message in built.output


def test_options_are_checked() -> None:
    check_options(FeedOptions(id_authority="archive.example.org,2014-08"))
    check_options(FeedOptions(id_authority="press@example.org,2014"))
    for bad in ("archive.example.org", "https://archive.example.org,2014", "archive.example.org,14"):
        with pytest.raises(FeedConfigError, match="tag authority"):
            check_options(FeedOptions(id_authority=bad))


def test_absolute_html_rewrites_every_kind_of_link() -> None:
    page = "https://archive.example.org/es/press/2020/x/"
    fragment = (
        '<p><a href="../y/">y</a> <a href="#top">top</a> <a href="mailto:a@example.org">m</a> '
        '<img src="pic.png" srcset="a.png 1x,  b.png 2x"></p><video poster="p.jpg"><source src="v.mp4"></video>'
        "<p>AT&amp;T &lt;b&gt;</p>"
    )
    out = lxml_html.fragment_fromstring(absolute_html(fragment, page), create_parent="div")
    assert out.xpath("//a/@href") == [
        "https://archive.example.org/es/press/2020/y/",
        page + "#top",
        "mailto:a@example.org",
    ]
    assert out.xpath("//img/@src") == [page + "pic.png"]
    assert out.xpath("//img/@srcset") == [f"{page}a.png 1x, {page}b.png 2x"]
    assert out.xpath("//video/@poster") == [page + "p.jpg"] and out.xpath("//source/@src") == [page + "v.mp4"]
    assert "AT&amp;T &lt;b&gt;" in absolute_html(fragment, page)
    assert absolute_html("  ", page) == ""


VIDEO = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40


def manifest_for(recording_id: str, files: list[dict[str, object]], outcome: str = "mirrored") -> bytes:
    return json.dumps({"id": recording_id, "outcome": outcome, "files": files}, indent=2).encode()


@pytest.mark.slow
def test_mirrored_recordings_carry_an_enclosure_in_rss_and_atom(tmp_path: Path) -> None:
    rec = "ustream-51400296"
    web = {
        "name": f"{rec}.mp4",
        "role": "web",
        "size": len(VIDEO),
        "sha256": hashlib.sha256(VIDEO).hexdigest(),
        "mime": "video/mp4",
    }
    wrong = "ustream-51403229"  # its manifest names a file of another size: no enclosure
    media = {
        f"{rec}/{rec}.mp4": VIDEO,
        f"{rec}/manifest.json": manifest_for(rec, [web]),
        f"{wrong}/{wrong}.mp4": VIDEO[:100],
        f"{wrong}/manifest.json": manifest_for(wrong, [{**web, "name": f"{wrong}.mp4"}]),
    }
    built = build(tmp_path, "mirrored", copy_demo=True, media=media)
    url = f"{SITE}media/{rec}/{rec}.mp4"
    for lang in BASES:
        rss = xml(built.site, f"{BASES[lang]}feeds/recordings.rss.xml")
        enclosures = rss.findall("channel/item/enclosure")
        assert [(e.get("url"), e.get("length"), e.get("type")) for e in enclosures] == [
            (url, str(len(VIDEO)), "video/mp4")
        ]
        atom = xml(built.site, f"{BASES[lang]}feeds/recordings.atom.xml")
        links = atom.findall(f"{ATOM}entry/{ATOM}link[@rel='enclosure']")
        assert [(e.get("href"), e.get("length"), e.get("type")) for e in links] == [
            (url, str(len(VIDEO)), "video/mp4")
        ]
        for entry in atom.findall(f"{ATOM}entry"):
            assert len(entry.findall(f"{ATOM}link[@rel='alternate']")) == 1
            assert all(link.get("rel") for link in entry.findall(f"{ATOM}link"))
        for fmt in ("rss", "atom"):
            parsed = read_feed(built.site, f"{BASES[lang]}feeds/recordings.{fmt}.xml")
            with_media = [e for e in parsed.entries if e.get("enclosures")]
            assert len(with_media) == 1 and rec in with_media[0].link
            enclosure = with_media[0].enclosures[0]
            assert (enclosure.href, enclosure.type, int(enclosure.length)) == (url, "video/mp4", len(VIDEO))
            assert with_media[0].link.endswith(f"recordings/{rec}/")  # the page stays the entry's link
    assert b"<enclosure" not in (built.site / "feeds/press.rss.xml").read_bytes()


def test_enclosure_is_read_from_the_mirror_manifest(tmp_path: Path) -> None:
    media = tmp_path / "media"
    cdn = "https://cdn.example.net/archive/"

    def mirror(
        rec: str, files: list[dict[str, object]], outcome: str = "mirrored", on_disk: bool = True
    ) -> None:
        (media / rec).mkdir(parents=True)
        (media / rec / "manifest.json").write_bytes(manifest_for(rec, files, outcome))
        for item in files if on_disk else []:
            (media / rec / str(item["name"])).write_bytes(VIDEO[: int(str(item["size"]))])

    def item(name: str, role: str, size: int = len(VIDEO)) -> dict[str, object]:
        return {"name": name, "role": role, "size": size, "sha256": "0" * 64}

    mirror(
        "web-and-original", [item("a.flv", "original"), item("a.mp4", "web"), item("a.vtt", "captions", 10)]
    )
    mirror("audio-only", [item("talk.m4a", "original")])
    mirror("failed", [item("b.mp4", "web")], outcome="failed")
    mirror("elsewhere", [item("c.mp4", "web")], on_disk=False)

    web = mirrored_enclosure(media, "web-and-original", SITE + "media/")
    assert web is not None and (web.url, web.mime_type, web.length) == (
        SITE + "media/web-and-original/a.mp4",
        "video/mp4",
        len(VIDEO),
    )
    audio = mirrored_enclosure(media, "audio-only", SITE + "media/")
    assert audio is not None and audio.mime_type == "audio/mp4"
    assert mirrored_enclosure(media, "failed", SITE + "media/") is None
    assert mirrored_enclosure(media, "never-mirrored", SITE + "media/") is None
    # published from media/ (the default), a file missing on disk gives no enclosure; from a CDN it does
    assert mirrored_enclosure(media, "elsewhere", SITE + "media/") is None
    cdn_copy = mirrored_enclosure(media, "elsewhere", cdn, local=False)
    assert cdn_copy is not None and cdn_copy.url == cdn + "elsewhere/c.mp4"


def test_every_feed_setting_is_documented_on_the_feeds_page() -> None:
    from memoria.engine.plugin import MemoriaConfig

    feeds_page = (Path(__file__).resolve().parent.parent / "handbook" / "feeds.md").read_text(
        encoding="utf-8"
    )
    settings = [name for name, _ in MemoriaConfig._schema if name.startswith("feed")]
    assert sorted(settings) == ["feed_formats", "feed_id_authority", "feed_limit", "feeds"]
    for name in settings:
        assert f"{name}:" in feeds_page, f"handbook/feeds.md: document the '{name}' setting"
