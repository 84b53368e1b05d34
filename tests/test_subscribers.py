"""Subscribers (issue 14): feeds in the archive's time zone, same-day order, rich items, the XSL
page a browser shows, iCalendar calendars and JSON Feed, read back with real parsers
(feedparser, lxml's XSLT, icalendar and vobject) from real builds of the demo."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
import time
import zoneinfo
from pathlib import Path

import feedparser
import icalendar
import pytest
import vobject
from lxml import etree
from lxml import html as lxml_html

from conftest import ROOT, BuiltSite, run_build, write_project
from memoria import calendars
from memoria.catalog import load_catalog
from memoria.content import load_archive
from memoria.feed_stylesheet import render_stylesheet, style_hash
from memoria.when import describe, when

SITE = "https://archive.example.org/"
ATOM = "{http://www.w3.org/2005/Atom}"
BASES = {"en": "", "es": "es/"}
UTC_MINUS_6 = dt.timezone(dt.timedelta(hours=-6))
UTC_PLUS_1 = dt.timezone(dt.timedelta(hours=1))
MEXICO = zoneinfo.ZoneInfo("America/Mexico_City")
ROUNDTABLE = "roundtable-whrd-mexico-2014"
HEARING = "fictional-hearing-defenders-2015"
ARTIFACTS = ROOT / "test-artifacts"
PRESS_ID = "protect-women-defenders-mesoamerica"
#: the Spanish `all` feed in the order a subscriber must see it: newest day first; on 15 August
#: the event, then its recordings, numbered parts first
SPANISH_ALL_ORDER = [
    f"events/{HEARING}",
    "recordings/hearing-2015-part-1",  # the demo clip: same day, after its event
    f"press/{PRESS_ID}",
    f"events/{ROUNDTABLE}",
    "recordings/ustream-51400296",  # part 1 of 2
    "recordings/ustream-51403229",  # part 2 of 2
    "recordings/ustream-51404064",
    "recordings/ustream-51404484",
    "recordings/ustream-51407558",
]


def parse(site: Path, rel: str) -> feedparser.FeedParserDict:
    """RSS and Atom through feedparser, as readers do; JSON Feed (which feedparser 6.0 cannot
    read) through json, into the same shape: id, link, title, published, tags, authors, content."""
    if rel.endswith(".json"):
        document = json.loads((site / rel).read_text(encoding="utf-8"))
        return feedparser.FeedParserDict(
            entries=[
                feedparser.FeedParserDict(
                    id=item["id"],
                    link=item["url"],
                    title=item["title"],
                    published=item["date_published"],
                    tags=[feedparser.FeedParserDict(term=tag) for tag in item["tags"]],
                    authors=[feedparser.FeedParserDict(name=a["name"]) for a in item["authors"]],
                    content=[feedparser.FeedParserDict(value=item["content_html"])],
                )
                for item in document["items"]
            ]
        )
    parsed = feedparser.parse((site / rel).read_bytes())
    assert not parsed.bozo, f"{rel}: {parsed.get('bozo_exception')}"
    return parsed


def published(entry: feedparser.FeedParserDict) -> dt.datetime:
    """The instant the reader read, as an aware UTC datetime."""
    if "published_parsed" not in entry:  # JSON Feed: RFC 3339
        return dt.datetime.fromisoformat(entry.published).astimezone(dt.UTC)
    return dt.datetime.fromtimestamp(time.mktime(entry.published_parsed) - time.timezone, dt.UTC)


def key_of(entry_id: str) -> str:
    return entry_id.split(":", 2)[2].split("/", 1)[1]  # tag:authority:es/press/<id> → press/<id>


def all_feeds(site: Path) -> list[str]:
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*")
        if "feeds" in p.relative_to(site).parts and p.name.endswith((".rss.xml", ".atom.xml", ".json"))
    )


# --- 1. time zones ---------------------------------------------------------------------------


@pytest.mark.slow
def test_dates_are_local_midnight_with_the_real_offset_of_the_day(demo_site: BuiltSite) -> None:
    """Every feed, read by feedparser: the day a reader sees in the archive's zone, UTC−6 and UTC+1."""
    docs = load_archive(demo_site.project / "docs")
    days = {f"{e.section}/{e.id}": e.sort_date for e in docs.entries}
    checked = 0
    for rel in all_feeds(demo_site.site):
        for entry in parse(demo_site.site, rel).entries:
            key = key_of(entry.id)
            day, instant = days[key], published(entry)
            # Mexico City (the archive's zone) and Europe at UTC+1: the day written in the front matter.
            assert instant.astimezone(MEXICO).date() == day, (rel, key)
            assert instant.astimezone(UTC_PLUS_1).date() == day, (rel, key)
            if key.endswith(HEARING):  # 09:00 in Tegucigalpa (UTC−6 all year)
                assert instant.astimezone(UTC_MINUS_6) == dt.datetime(2015, 3, 18, 9, 0, tzinfo=UTC_MINUS_6)
            else:
                assert instant == dt.datetime.combine(day, dt.time(0), tzinfo=MEXICO), (rel, key)
                shown = instant.astimezone(UTC_MINUS_6)
                if instant.astimezone(MEXICO).utcoffset() == dt.timedelta(hours=-6):  # winter (25 March 2015)
                    assert (shown.date(), shown.hour) == (day, 0), (rel, key)
                else:
                    # Mexico City kept summer time (UTC−5) in August 2014: local midnight is 05:00 UTC,
                    # which a reader at a fixed UTC−6 sees as 23:00 the day before (no invented time).
                    assert (shown.date(), shown.hour) == (day - dt.timedelta(days=1), 23), (rel, key)
            checked += 1
    assert checked > 50


@pytest.mark.slow
def test_a_winter_date_is_the_right_day_at_utc_minus_6_and_plus_1(tmp_path: Path) -> None:
    """When the zone is at UTC−6 (standard time), a date-only entry is midnight there."""
    project = write_project(
        tmp_path / "winter",
        {
            "press/2020/winter.en.md": """
                ---
                title: Winter statement
                date: 2020-01-15
                summary: A statement in January.
                ---
                Body.
            """,
        },
    )
    built = run_build(project)
    assert built.returncode == 0, built.output
    for fmt in ("rss.xml", "atom.xml", "json"):
        entry = parse(built.site, f"feeds/press.{fmt}").entries[0]
        instant = published(entry)
        assert instant.astimezone(UTC_MINUS_6) == dt.datetime(2020, 1, 15, 0, 0, tzinfo=UTC_MINUS_6)
        assert instant.astimezone(UTC_PLUS_1).date() == dt.date(2020, 1, 15)
    assert (
        "<pubDate>Wed, 15 Jan 2020 00:00:00 -0600</pubDate>"
        in (built.site / "feeds/press.rss.xml").read_text()
    )


def test_time_and_timezone_front_matter(tmp_path: Path) -> None:
    """`time:` (even unquoted, which YAML reads as a number), `timezone:`, a full ISO datetime."""
    docs = tmp_path / "docs"
    for rel, text in {
        "events/2014/a.en.md": "---\ntitle: A\ndate: 2014-08-15\ntime: 10:30\nend_time: '14:00'\n---\n",
        "events/2014/b.en.md": "---\ntitle: B\ndate: 2014-08-15T18:00-05:00\n---\n",
        "recordings/r.en.md": (
            "---\nid: r\ntitle: R\nlanguage: es\nrecorded: 2014-08-15\ntime: '09:00'\n"
            "timezone: Europe/Madrid\nsource_url: https://example.org/r\n---\n"
        ),
    }.items():
        path = docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    result = load_archive(docs)
    assert not result.errors, result.errors
    by_id = {e.id: e for e in result.entries}
    a = when(by_id["a"], "America/Mexico_City")
    assert a.start.isoformat() == "2014-08-15T10:30:00-05:00" and a.end is not None
    assert describe(a, "es") == "15 de agosto de 2014, 10:30–14:00 CDT"
    assert when(by_id["b"], "Europe/Madrid").start.isoformat() == "2014-08-15T18:00:00-05:00"
    assert when(by_id["r"], "America/Mexico_City").start.isoformat() == "2014-08-15T09:00:00+02:00"


@pytest.mark.parametrize(
    ("front_matter", "field", "message"),
    [
        ("timezone: Mars/Olympus", "timezone", 'unknown time zone "Mars/Olympus"'),
        ("time: '25:00'", "time", "expected a local time as HH:MM"),
        ("time: '10:00'\nend_time: '09:00'", "", "end_time is not after time"),
        ("utc_offset: -300", "", "write the offset in the date"),
    ],
)
def test_bad_times_are_reported_with_file_line_and_field(
    tmp_path: Path, front_matter: str, field: str, message: str
) -> None:
    path = tmp_path / "docs/events/2014/x.en.md"
    path.parent.mkdir(parents=True)
    path.write_text(f"---\ntitle: X\ndate: 2014-08-15\n{front_matter}\n---\n", encoding="utf-8")
    problems = load_archive(tmp_path / "docs").errors
    assert len(problems) == 1 and problems[0].field == field and message in problems[0].message
    assert problems[0].path.endswith("x.en.md") and problems[0].line >= 1


@pytest.mark.slow
def test_an_unknown_archive_time_zone_fails_the_build(tmp_path: Path) -> None:
    project = write_project(tmp_path / "badzone", copy_demo=True)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("America/Mexico_City", "Mexico/Atlantis"))
    built = run_build(project)
    assert built.returncode != 0
    assert 'timezone: unknown time zone "Mexico/Atlantis"' in built.output


@pytest.mark.slow
def test_pages_show_local_times_where_one_is_given(demo_site: BuiltSite) -> None:
    for lang, text in (
        ("en", "18 March 2015, 09:00 CST – 19 March 2015, 17:00 CST"),
        ("es", "18 de marzo de 2015, 09:00 CST – 19 de marzo de 2015, 17:00 CST"),
    ):
        page = demo_site.page(f"{BASES[lang]}events/2015/{HEARING}/")
        assert text in page.xpath("string(//dl[@class='memoria-meta'])")
    roundtable = demo_site.page(f"es/events/2014/{ROUNDTABLE}/")
    meta = roundtable.xpath("string(//dl[@class='memoria-meta'])")
    assert "15 de agosto de 2014" in meta and ":00" not in meta  # no time given, none invented


# --- 2. order ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_same_day_items_follow_kind_and_part_in_every_format(demo_site: BuiltSite) -> None:
    for fmt in ("rss.xml", "atom.xml", "json"):
        entries = parse(demo_site.site, f"es/feeds/all.{fmt}").entries
        assert [key_of(e.id) for e in entries] == SPANISH_ALL_ORDER, fmt


@pytest.mark.slow
def test_listings_use_the_same_order(demo_site: BuiltSite) -> None:
    page = demo_site.page("es/topics/women-human-rights-defenders/")
    links = [a.get("href") for a in page.xpath("//article//li//a[not(ancestor::nav)]")]
    wanted = [k.split("/")[1] for k in SPANISH_ALL_ORDER if HEARING not in k and "hearing-2015" not in k]
    positions = [next(i for i, href in enumerate(links) if key in href) for key in wanted]
    assert positions == sorted(positions), links


# --- 3. richer items ---------------------------------------------------------------------------


@pytest.mark.slow
def test_items_have_authors_kind_categories_and_facts_in_the_feeds_language(demo_site: BuiltSite) -> None:
    kinds = {"es": {"press", "events", "recordings"}, "en": {"press", "events", "recordings"}}
    labels = {
        "es": {"press": "Comunicado de prensa", "events": "Evento", "recordings": "Grabación"},
        "en": {"press": "Press release", "events": "Event", "recordings": "Recording"},
    }
    for lang, base in BASES.items():
        for fmt in ("rss.xml", "atom.xml", "json"):
            feed = parse(demo_site.site, f"{base}feeds/all.{fmt}")
            seen = set()
            for entry in feed.entries:
                section = key_of(entry.id).split("/")[0]
                seen.add(section)
                assert entry.tags[0].term == labels[lang][section], (lang, fmt, entry.id)
                names = [a.get("name") for a in entry.get("authors", [])] or [entry.get("author")]
                assert any("Memoria" in (n or "") for n in names), (lang, fmt, entry.id, names)
            assert seen == kinds[lang]
    atom = parse(demo_site.site, "es/feeds/press.atom.xml").entries[0]
    assert [a.get("name") for a in atom.authors] == [
        "Memoria — Archivo de defensoras de derechos humanos",
        "Pooja Patel",
    ]
    assert "p.patel@ishr.ch" in facts(atom)  # the contact's address, in the item text
    rss = etree.fromstring((demo_site.site / "es/feeds/press.rss.xml").read_bytes())
    creators = rss.findall("channel/item/{http://purl.org/dc/elements/1.1/}creator")
    # one dc:creator naming all: newsboat shows only the last of several
    assert [c.text for c in creators] == ["Memoria — Archivo de defensoras de derechos humanos, Pooja Patel"]
    assert rss.findtext("channel/copyright").startswith("Archivo de demostración")
    english = etree.fromstring((demo_site.site / "feeds/press.rss.xml").read_bytes())
    assert english.findtext("channel/copyright").startswith("Demo archive")


def facts(entry: feedparser.FeedParserDict) -> str:
    content = lxml_html.fragment_fromstring(entry.content[0].value, create_parent="div")
    return " | ".join(li.text_content() for li in content.xpath(".//ul[@class='memoria-facts']/li"))


@pytest.mark.slow
def test_item_text_carries_dateline_venue_speakers_and_archive_status(demo_site: BuiltSite) -> None:
    entries = {key_of(e.id): e for e in parse(demo_site.site, "es/feeds/all.atom.xml").entries}
    press = facts(entries[f"press/{PRESS_ID}"])
    assert "Fecha: 25 de agosto de 2014" in press and "Lugar: Ginebra" in press
    assert "Contactos: Pooja Patel" in press
    event = facts(entries[f"events/{ROUNDTABLE}"])
    assert "Lugar: Al margen del 152 Periodo Extraordinario" in event or "Lugar:" in event
    assert "Ubicación: Ciudad de México, México" in event and "Ponentes: Pooja Patel" in event
    texts = set()
    for number, rec in enumerate(SPANISH_ALL_ORDER[4:]):  # the roundtable's five recordings
        text = facts(entries[rec])
        assert "Copia del archivo: sin comprobar" in text, text  # the demo has no mirror
        assert "Evento: Conversatorio regional" in text
        if number < 2:
            assert f"Parte {number + 1} de 2" in text
        texts.add(entries[rec].content[0].value)
    assert len(texts) == 5  # five recordings, five different texts


@pytest.mark.slow
def test_recording_items_say_what_the_mirror_holds(tmp_path: Path) -> None:
    """The status comes from media/<id>/manifest.json through memoria.manifest."""
    rec = "ustream-51400296"
    video = b"\x00\x00\x00\x18ftypmp42" + bytes(500)
    project = write_project(tmp_path / "mirrored", copy_demo=True)
    folder = project / "media" / rec
    folder.mkdir(parents=True)
    (folder / f"{rec}.mp4").write_bytes(video)
    manifest = {
        "id": rec,
        "outcome": "mirrored",
        "origin": {"status": "dead"},
        "files": [
            {
                "name": f"{rec}.mp4",
                "role": "web",
                "size": len(video),
                "sha256": hashlib.sha256(video).hexdigest(),
                "mime": "video/mp4",
            }
        ],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    built = run_build(project)
    assert built.returncode == 0, built.output
    for lang, expected in (("en", "The archive's copy: rescued"), ("es", "Copia del archivo: rescatada")):
        entries = {
            key_of(e.id): e for e in parse(built.site, f"{BASES[lang]}feeds/recordings.rss.xml").entries
        }
        assert expected in facts(entries[f"recordings/{rec}"])
        assert expected not in facts(entries["recordings/ustream-51403229"])


# --- 4. a feed a browser can show --------------------------------------------------------------


@pytest.mark.slow
def test_every_feed_points_to_its_languages_stylesheet(demo_site: BuiltSite) -> None:
    for rel in all_feeds(demo_site.site):
        if rel.endswith(".json"):
            continue
        tree = etree.parse(str(demo_site.site / rel))
        instruction = tree.getroot().getprevious()
        assert (
            isinstance(instruction, etree._ProcessingInstruction) and instruction.target == "xml-stylesheet"
        )
        href = instruction.get("href")
        target = (demo_site.site / rel).parent / href
        lang = "es" if rel.startswith("es/") else "en"
        assert target.resolve() == (demo_site.site / BASES[lang] / "feeds/feed.xsl").resolve(), rel
        assert instruction.get("type") == "text/xsl"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("rel", "subscribe", "month"),
    [
        ("es/feeds/all.rss.xml", "Para suscribirse, copie esta dirección", "25 de agosto de 2014"),
        ("es/feeds/topic/women-human-rights-defenders.atom.xml", "Para suscribirse", "15 de agosto de 2014"),
        ("feeds/all.atom.xml", "To subscribe, copy this address", "25 August 2014"),
    ],
)
def test_the_stylesheet_turns_a_feed_into_a_page(
    demo_site: BuiltSite, rel: str, subscribe: str, month: str
) -> None:
    lang = "es" if rel.startswith("es/") else "en"
    transform = etree.XSLT(etree.parse(str(demo_site.site / BASES[lang] / "feeds/feed.xsl")))
    page = lxml_html.fromstring(str(transform(etree.parse(str(demo_site.site / rel)))))
    assert page.get("lang") == lang
    text = page.text_content()
    assert subscribe in text and month in text
    assert page.xpath("string(//code)") == SITE + rel
    feed = parse(demo_site.site, rel)
    assert page.xpath("//article/h2/a/text()") == [e.title for e in feed.entries]
    assert page.xpath("//article/h2/a/@href") == [e.link for e in feed.entries]
    csp = page.xpath("string(//meta[@http-equiv='Content-Security-Policy']/@content)")
    assert "default-src 'none'" in csp and style_hash() in csp


def test_the_stylesheet_shows_hostile_text_as_text() -> None:
    hostile = "Q&amp;A &lt;script&gt;alert(1)&lt;/script&gt;"  # an HTML-escaped RSS description
    feed = f"""<rss version="2.0"><channel><title>T &lt;b&gt;</title><item><title>&lt;i&gt;x</title>
        <link>https://a.example/x</link><description>{hostile}</description>
        <pubDate>Fri, 15 Aug 2014 00:00:00 -0500</pubDate><category>Evento</category></item></channel></rss>"""
    transform = etree.XSLT(etree.fromstring(render_stylesheet("es", "https://a.example/es/feeds/")))
    page = lxml_html.fromstring(str(transform(etree.fromstring(feed))))
    assert not page.xpath("//script | //b | //i")
    assert "Q&A <script>alert(1)</script>" in page.text_content()
    assert "15 de agosto de 2014" in page.text_content()


# --- 5. calendars ------------------------------------------------------------------------------


def read_calendar(path: Path) -> tuple[icalendar.Calendar, object]:
    data = path.read_bytes()
    return icalendar.Calendar.from_ical(data), vobject.readOne(data.decode("utf-8"))


def test_a_calendar_is_what_icalendar_itself_writes_though_each_event_is_written_once(tmp_path: Path) -> None:
    """Events are serialised once per build and put into each calendar that holds them."""
    docs = tmp_path / "docs"
    for rel, text in {
        "events/2014/a.en.md": "---\ntitle: A\ndate: 2014-08-15\ntime: '10:30'\ntimezone: Europe/Madrid\n---\n",
        "events/2014/b.en.md": "---\ntitle: B\ndate: 2014-08-16\nsummary: "
        + "A long summary, folded over several lines of the calendar. " * 4
        + "\ntime: '09:00'\ntimezone: America/Tegucigalpa\n---\n",
        "events/2014/c.en.md": "---\ntitle: C\ndate: 2014-08-17\nend_date: 2014-08-18\n---\n",
    }.items():
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(text, encoding="utf-8")
    catalog = load_catalog(docs)
    site = calendars.CalendarSite("en", "Archive", "America/Mexico_City", None, "https://a.example/")
    events = calendars.language_events(catalog, "en")
    made: calendars.MadeEvents = {}
    whole = calendars.render_calendar(events, site, made)
    assert whole == bytes(calendars._calendar(events, site, {}).to_ical())
    assert whole.count(b"BEGIN:VTIMEZONE") == 2 and whole.count(b"BEGIN:VEVENT") == 3
    for event in events:  # the lines made for the whole calendar, again in each event's own
        assert calendars.render_calendar([event], site, made) == bytes(
            calendars._calendar([event], site, {}).to_ical()
        )


@pytest.mark.slow
def test_calendars_per_language_parse_with_two_parsers(demo_site: BuiltSite) -> None:
    uids = {}
    for lang, base in BASES.items():
        calendar, second = read_calendar(demo_site.site / base / "feeds/events.ics")
        events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
        uids[lang] = set(events)
        roundtable = events[f"events/{ROUNDTABLE}@archive.example.org"]
        # all-day: a date, and DTEND the day after (exclusive)
        assert roundtable.decoded("dtstart") == dt.date(2014, 8, 15)
        assert roundtable.decoded("dtend") == dt.date(2014, 8, 16)
        assert str(roundtable["url"]) == f"{SITE}{base}events/2014/{ROUNDTABLE}/"
        hearing = events[f"events/{HEARING}@archive.example.org"]
        start = hearing.decoded("dtstart")
        assert start.isoformat() == "2015-03-18T09:00:00-06:00" and hearing["dtstart"].params["TZID"] == (
            "America/Tegucigalpa"
        )
        assert hearing.decoded("dtend").isoformat() == "2015-03-19T17:00:00-06:00"
        assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["America/Tegucigalpa"]
        # the second, independent parser reads the same events
        second_events = {e.uid.value: e for e in second.vevent_list}  # type: ignore[attr-defined]
        assert set(second_events) == set(events)
        assert second_events[f"events/{HEARING}@archive.example.org"].dtstart.value == start
        assert second_events[f"events/{ROUNDTABLE}@archive.example.org"].dtstart.value == dt.date(2014, 8, 15)
        location = str(roundtable["location"])
        description = str(hearing["description"])
        if lang == "es":
            assert location.endswith("Ciudad de México, México") and "Ponentes: Ana Ejemplo" in description
            assert "Más información: " + SITE + "es/events/" in description
            assert str(hearing["summary"]).startswith("Audiencia pública")
        else:
            assert location.endswith("Mexico City, Mexico") and "Speakers: Ana Ejemplo" in description
    assert uids["en"] == uids["es"]  # one event, one UID, in both languages


@pytest.mark.slow
def test_every_event_page_offers_its_own_calendar(demo_site: BuiltSite) -> None:
    for lang, base in BASES.items():
        for event, year in ((ROUNDTABLE, 2014), (HEARING, 2015)):
            url = f"{base}events/{year}/{event}/"
            page = demo_site.page(url)
            link = page.xpath("//p[@class='memoria-calendar']/a")
            assert len(link) == 1
            assert link[0].text_content() == {"en": "Add to calendar", "es": "Añadir al calendario"}[lang]
            assert link[0].get("download") is not None and link[0].get("type") == "text/calendar"
            calendar, second = read_calendar(demo_site.site / url / link[0].get("href"))
            [only] = calendar.walk("VEVENT")
            assert str(only["uid"]) == f"events/{event}@archive.example.org"
            assert str(only["url"]) == SITE + url
            assert len(second.vevent_list) == 1  # type: ignore[attr-defined]
    assert not demo_site.page("press/2014/protect-women-defenders-mesoamerica/").xpath(
        "//p[@class='memoria-calendar']"
    )
    feeds_page = demo_site.page("es/feeds/")
    assert feeds_page.xpath("//a[@data-memoria-calendar-link]/@href") == [SITE + "es/feeds/events.ics"]


# --- 6. JSON Feed ------------------------------------------------------------------------------


@pytest.mark.slow
def test_json_feeds_are_json_feed_1_1_with_the_same_items(demo_site: BuiltSite) -> None:
    for rel in all_feeds(demo_site.site):
        if not rel.endswith(".json"):
            continue
        document = json.loads((demo_site.site / rel).read_text(encoding="utf-8"))
        assert document["version"] == "https://jsonfeed.org/version/1.1"
        assert document["feed_url"] == SITE + rel and document["home_page_url"].startswith(SITE)
        assert document["language"] == ("es" if rel.startswith("es/") else "en")
        for item in document["items"]:
            assert {"id", "url", "title", "content_html", "date_published"} <= set(item)
            assert dt.datetime.fromisoformat(item["date_published"]).utcoffset() is not None
            assert all(isinstance(a["name"], str) for a in item["authors"])
        atom = parse(demo_site.site, rel.replace(".json", ".atom.xml"))
        assert [i["id"] for i in document["items"]] == [e.id for e in atom.entries], rel


@pytest.mark.slow
def test_feed_formats_setting_chooses_the_formats(tmp_path: Path) -> None:
    project = write_project(tmp_path / "formats", copy_demo=True)
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "      timezone: America/Mexico_City\n",
            "      timezone: America/Mexico_City\n      feed_formats: [atom]\n",
        )
    )
    built = run_build(project)
    assert built.returncode == 0, built.output
    names = {p.name for p in (built.site / "feeds").iterdir()}
    assert "all.atom.xml" in names and "all.rss.xml" not in names and "all.json" not in names
    assert "events.ics" in names and "feed.xsl" in names


# --- stable output -----------------------------------------------------------------------------


@pytest.mark.slow
def test_rebuilds_give_byte_identical_feeds_calendars_and_stylesheets(tmp_path: Path) -> None:
    project = write_project(tmp_path / "twice", copy_demo=True)

    def snapshot() -> dict[str, bytes]:
        site = project / "site"
        return {
            p.relative_to(site).as_posix(): p.read_bytes()
            for p in site.rglob("*")
            if (p.suffix in (".xml", ".json", ".ics", ".xsl") and "feeds" in p.parts) or p.suffix == ".ics"
        }

    assert run_build(project).returncode == 0
    first = snapshot()
    assert run_build(project).returncode == 0
    second = snapshot()
    assert len([k for k in first if k.endswith(".ics")]) == 6  # 2 calendars + 2 events × 2 languages
    assert second == first


# --- in a real browser -------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize(
    ("rel", "heading", "subscribe"),
    [
        ("es/feeds/all.rss.xml", "Todo el archivo", "Para suscribirse, copie esta dirección"),
        ("feeds/events.atom.xml", "Events", "To subscribe, copy this address"),
    ],
)
def test_a_browser_shows_a_feed_as_a_readable_page(
    demo_site: BuiltSite, rel: str, heading: str, subscribe: str
) -> None:
    playwright_api = pytest.importorskip("playwright.sync_api")
    sys.path.insert(0, str(ROOT / "scripts"))
    from browsing import Recorder, launch, serve

    lang = "es" if rel.startswith("es/") else "en"
    expected = [e.title for e in parse(demo_site.site, rel).entries]
    with serve(demo_site.site) as base_url, playwright_api.sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for width, height in ((1280, 900), (390, 844)):
                context = browser.new_context(viewport={"width": width, "height": height})
                page = context.new_page()
                recorder = Recorder().attach(page)
                page.goto(base_url + rel, wait_until="load")
                assert page.locator("html").get_attribute("lang") == lang
                assert page.locator("h1").inner_text().startswith(heading)
                assert subscribe in page.locator(".subscribe").inner_text()
                assert page.locator("article h2").all_inner_texts() == expected
                # laid out as a page (the stylesheet's CSS applied), not as an XML tree
                assert page.locator("header").evaluate("e => getComputedStyle(e).backgroundColor") == (
                    "rgb(69, 39, 160)"
                )
                links = [a.get_attribute("href") for a in page.locator("article h2 a").all()]
                assert links == [e.link for e in parse(demo_site.site, rel).entries]
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / f"feed-{lang}-{width}.png"))
                foreign = [u for u in recorder.requests if not u.startswith(base_url)]
                assert not foreign, foreign
                context.close()
            # axe-core, injected past the page's CSP (which rightly forbids any script)
            axe = ROOT / "node_modules" / "axe-core" / "axe.min.js"
            assert axe.is_file(), "axe-core missing: run 'npm ci' (make test does)"
            context = browser.new_context(bypass_csp=True)
            page = context.new_page()
            page.goto(base_url + rel, wait_until="load")
            page.add_script_tag(path=str(axe))
            results = page.evaluate(
                "async () => await axe.run('main, header', {resultTypes: ['violations']})"
            )
            serious = [v["id"] for v in results["violations"] if v["impact"] in ("serious", "critical")]
            assert not serious, serious
            context.close()
        finally:
            browser.close()
