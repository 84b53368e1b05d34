"""Per-language RSS 2.0 and Atom 1.0 feeds of the catalog, written with feedgen.

Engine-independent: the adapter says where the language's site lives (absolute URLs), hands
over each entry page's rendered HTML and how to find a recording's mirrored copy, and gets
files back. Output is a function of the content only: dates come from front matter (never
the clock), entries are appended newest first, ids come from section, id and language.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from feedgen.ext.base import BaseEntryExtension
from feedgen.feed import FeedEntry, FeedGenerator
from lxml import etree
from lxml import html as lxml_html
from lxml.html import builder as E
from pydantic_core import PydanticCustomError

from memoria import __version__
from memoria.addressing import with_language
from memoria.catalog import Catalog, Listing
from memoria.content import Entry, check_time_zone, sections
from memoria.i18n import LANGUAGES, country_name, t
from memoria.manifest import Manifest, MediaFile, RecordingStatus, load_manifest, media_files
from memoria.when import DEFAULT_TIME_ZONE, describe, when

#: what `feeds:` in mkdocs.yml may list; topics and countries mean one feed per topic/country


def feed_kinds() -> tuple[str, ...]:
    """What `feeds:` may list: the whole archive, each kind's section, topics and countries."""
    return ("all", *sections(), "topics", "countries")


#: what `feed_formats:` may list; every feed is written in each
FEED_FORMATS = ("rss", "atom", "json")
DEFAULT_LIMIT = 50
MEDIA_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json"}
FORMAT_LABELS = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}
SUFFIXES = {"rss": "rss.xml", "atom": "atom.xml", "json": "json"}
#: the stylesheet that makes a feed readable in a browser, beside the feeds of its language
STYLESHEET = "feeds/feed.xsl"

#: RFC 4151 taggingEntity: a domain name or e-mail address, a comma, a date (YYYY[-MM[-DD]])
TAG_AUTHORITY = re.compile(
    r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
    r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}),\d{4}(?:-\d{2}(?:-\d{2})?)?$"
)

#: the feeds page, a generated page like the listings
FEEDS_PAGE = Listing(
    uri="feeds/index.md", kind="feeds", title={lang: t("feeds.title", lang) for lang in LANGUAGES}
)


@dataclass(frozen=True)
class FeedOptions:
    """The `feed_*` settings of mkdocs.yml."""

    limit: int = DEFAULT_LIMIT  # entries per feed, newest first; 0 = all
    kinds: tuple[str, ...] = field(default_factory=feed_kinds)
    id_authority: str | None = None  # RFC 4151 tag authority, e.g. "archive.example.org,2014"
    timezone: str = DEFAULT_TIME_ZONE  # the archive's IANA time zone: dates without a time are its midnight
    formats: tuple[str, ...] = FEED_FORMATS


@dataclass(frozen=True)
class Feed:
    """One feed of one language: its name, titles and entries (newest first, already limited)."""

    name: str  # "all", "press", "topic/<slug>", "country/<code>"
    lang: str
    label: str  # "Press releases", "Topic: Women human rights defenders"
    short_label: str  # "Press releases", "Women human rights defenders": the name within its group
    title: str  # label · site name
    description: str
    listing_uri: str  # the generated page showing the same entries, e.g. "press/index.md"
    entries: tuple[Entry, ...]

    @property
    def group(self) -> str:
        """all, sections, topics or countries: how the feeds page groups it."""
        if self.name == "all":
            return "all"
        return {"topic": "topics", "country": "countries"}.get(self.name.split("/")[0], "sections")

    def path(self, fmt: str) -> str:
        """Where the feed lives below the language's root, e.g. feeds/topic/women.atom.xml."""
        return f"feeds/{self.name}.{SUFFIXES[fmt]}"


@dataclass(frozen=True)
class Enclosure:
    """A mirrored media file attached to an entry."""

    url: str
    length: int
    mime_type: str


@dataclass(frozen=True)
class FeedSite:
    """What the feeds of one language need to know about its built site."""

    lang: str
    base_url: str  # absolute URL of the language's home, ending in "/"
    site_name: str
    #: absolute URL of a page below docs/ by its source uri, e.g. "press/index.es.md"
    page_url: Callable[[str], str]
    #: rendered HTML of each entry page of this language, by (section, id)
    content: Mapping[tuple[str, str], str] = field(default_factory=dict)
    enclosure: Callable[[Entry], Enclosure | None] = lambda entry: None
    copyright: str | None = None
    #: a recording's status from its mirror manifest (memoria.manifest), None where unknown to the caller
    archive_status: Callable[[Entry], RecordingStatus | None] = lambda entry: None
    #: absolute_html, or what gives its results (the preview keeps them for pages not rendered again)
    made_absolute: Callable[[str, str], str] = lambda fragment, page_url: absolute_html(fragment, page_url)


class FeedConfigError(ValueError):
    """A feed setting that cannot work; the message says what to write instead."""


# --- which feeds, with which entries ------------------------------------------------


def check_options(options: FeedOptions) -> None:
    """Refuse settings that would give broken feeds or ids that change later."""
    if options.limit < 0:
        raise FeedConfigError(
            f"feed_limit: {options.limit} is negative: give a number of entries, or 0 for all"
        )
    if options.id_authority is not None and not TAG_AUTHORITY.match(options.id_authority):
        raise FeedConfigError(
            f'feed_id_authority: "{options.id_authority}" is not an RFC 4151 tag authority: write a domain '
            "you own and a year you owned it, e.g. 'archive.example.org,2014'"
        )
    try:
        check_time_zone(options.timezone)
    except PydanticCustomError:
        raise FeedConfigError(
            f'timezone: unknown time zone "{options.timezone}": use an IANA name such as America/Mexico_City'
        ) from None
    if not options.formats:
        raise FeedConfigError("feed_formats: empty: list at least one of " + ", ".join(FEED_FORMATS))


def _group(
    every: Iterable[Entry], own: list[Entry], keys_of: Callable[[Entry], list[str]]
) -> dict[str, list[Entry]]:
    """Entries of this language by key (topic slug, country code), in `own`'s order.

    Keys come from every entry, so a topic with no entry in this language still has its
    (empty) feed and a subscriber's address never disappears.
    """
    grouped: dict[str, list[Entry]] = {key: [] for entry in every for key in keys_of(entry)}
    for entry in own:
        for key in dict.fromkeys(keys_of(entry)):
            grouped[key].append(entry)
    return grouped


def plan_feeds(catalog: Catalog, lang: str, site_name: str, options: FeedOptions) -> list[Feed]:
    """Every feed of `lang` that the options ask for; entries only from files written in `lang`."""
    own = [e for e in catalog.newest() if e.is_translated(lang)]
    limit = options.limit or None
    feeds: list[Feed] = []

    def add(
        feed_name: str,
        label: str,
        description_key: str,
        listing_uri: str,
        entries: list[Entry],
        name: str = "",
    ) -> None:
        description = t(description_key, lang, site=site_name, name=name) + " " + t("feeds.scope", lang)
        title = f"{label} · {site_name}"
        feed = Feed(
            feed_name, lang, label, name or label, title, description, listing_uri, tuple(entries[:limit])
        )
        feeds.append(feed)

    if "all" in options.kinds:
        add("all", t("feeds.all", lang), "feeds.description.all", "index.md", own)
    for section in sections():
        if section in options.kinds:
            entries = [e for e in own if e.section == section]
            add(
                section,
                t(f"section.{section}", lang),
                f"feeds.description.{section}",
                f"{section}/index.md",
                entries,
            )
    if "topics" in options.kinds:
        by_topic = _group(catalog.entries, own, catalog.topic_slugs)
        for slug in sorted(by_topic, key=lambda slug: (catalog.topic_label(slug, lang).casefold(), slug)):
            name = catalog.topic_label(slug, lang)
            label = t("listing.topic", lang, name=name)
            add(
                f"topic/{slug}",
                label,
                "feeds.description.topic",
                f"topics/{slug}/index.md",
                by_topic[slug],
                name,
            )
    if "countries" in options.kinds:
        by_country = _group(catalog.entries, own, lambda e: [c.lower() for c in catalog.countries_of(e)])
        for code in sorted(by_country, key=lambda code: (country_name(code, lang).casefold(), code)):
            name = country_name(code, lang)
            label = t("listing.country", lang, name=name)
            add(
                f"country/{code}",
                label,
                "feeds.description.country",
                f"countries/{code}/index.md",
                by_country[code],
                name,
            )
    return feeds


# --- stable identifiers and dates ------------------------------------------------------


def _identifier(key: str, authority: str | None, site_url: str) -> str:
    """A tag: URI under the configured authority, else a name-based UUID under the site's host.

    Neither depends on the site's path or on the build, so moving the site below another
    path keeps every id; only a change of host changes the fallback ones.
    """
    if authority:
        return f"tag:{authority}:{key}"
    host = urlsplit(site_url).hostname or "localhost"
    return uuid.uuid5(uuid.NAMESPACE_URL, f"memoria://{host}/{key}").urn


def entry_id(entry: Entry, lang: str, authority: str | None, site_url: str) -> str:
    """The id of an entry in one language, e.g. tag:archive.example.org,2014:es/press/<id>."""
    return _identifier(f"{lang}/{entry.section}/{entry.id}", authority, site_url)


def feed_id(feed: Feed, authority: str | None, site_url: str) -> str:
    return _identifier(f"{feed.lang}/feeds/{feed.name}", authority, site_url)


def published_at(entry: Entry, zone: str = DEFAULT_TIME_ZONE) -> dt.datetime:
    """Local time in the entry's zone, midnight where no time is given, with that day's real offset."""
    return when(entry, zone).start


def updated_at(entry: Entry, zone: str = DEFAULT_TIME_ZONE) -> dt.datetime:
    """`updated` from front matter when given (and not before publication), else the publication date."""
    published = published_at(entry, zone)
    updated = entry.english.updated
    if not updated:
        return published
    return max(dt.datetime.combine(updated, dt.time(0, 0), tzinfo=published.tzinfo), published)


def feed_updated(feed: Feed, catalog: Catalog, zone: str = DEFAULT_TIME_ZONE) -> dt.datetime:
    """The newest entry's date; an empty feed takes the archive's newest, never the clock."""
    pool = feed.entries or tuple(catalog.entries)
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return max((updated_at(e, zone) for e in pool), default=epoch)


# --- content ---------------------------------------------------------------------------


def absolute_html(fragment: str, page_url: str) -> str:
    """The HTML with every link and media source (href, src, srcset, poster…) made absolute."""
    if not fragment.strip():
        return ""
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    root.make_links_absolute(page_url, resolve_base_href=False, handle_failures="ignore")
    for element in root.xpath(".//*[@srcset]"):
        candidates = []
        for candidate in element.get("srcset").split(","):
            url, _, descriptor = candidate.strip().partition(" ")
            if url:
                candidates.append(f"{urljoin(page_url, url)} {descriptor.strip()}".strip())
        element.set("srcset", ", ".join(candidates))
    for element in root.xpath(".//*[@poster]"):
        element.set("poster", urljoin(page_url, element.get("poster")))
    serialized = lxml_html.tostring(root, encoding="unicode")
    return serialized[len("<div>") : -len("</div>")]


def _categories(catalog: Catalog, entry: Entry, lang: str, base_url: str) -> list[dict[str, str]]:
    """Topics and countries, labelled in the feed's language."""
    topics = [
        {"term": catalog.topic_label(slug, lang), "scheme": f"{base_url}topics/"}
        for slug in catalog.topic_slugs(entry)
    ]
    countries = [
        {"term": country_name(code, lang), "scheme": f"{base_url}countries/"}
        for code in catalog.countries_of(entry)
    ]
    return topics + countries


class _AtomLinkAttributes(BaseEntryExtension):  # type: ignore[misc]
    """Puts back what feedgen 1.0 drops from Atom entry links (it keeps only `href`).

    Without it an enclosure would read as a plain `alternate` link with no type or length.
    """

    def __init__(self) -> None:
        self.links: list[dict[str, str]] = []

    def extend_atom(self, entry: etree._Element) -> etree._Element:
        wanted = {link["href"]: link for link in self.links}
        for element in entry.findall("link"):
            link = wanted.get(element.get("href", ""))
            if link is None:
                continue
            for attribute in ("rel", "type", "hreflang", "title", "length"):
                if link.get(attribute):
                    element.set(attribute, link[attribute])
        return entry


def _facts(catalog: Catalog, entry: Entry, site: FeedSite, zone: str) -> list[tuple[str, str]]:
    """What the entry page's metadata panel says first, as (label, text) in the feed's language."""
    facts = _ItemFacts(catalog, entry, site, describe(when(entry, zone), site.lang))
    entry.in_language(site.lang).feed_facts(facts)  # each kind's own facts (memoria.content)
    return facts.facts


@dataclass
class _ItemFacts:
    """The facts of one feed item as a kind writes them (memoria.content.FeedFacts)."""

    catalog: Catalog
    entry: Entry
    site: FeedSite
    date: str
    facts: list[tuple[str, str]] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.site.lang

    def add(self, label: str, text: str) -> None:
        self.facts.append((label, text))

    def event_title(self) -> str | None:
        event = self.catalog.event_of(self.entry)
        return event.in_language(self.lang).title if event is not None else None

    def archive_status(self) -> str | None:
        status = self.site.archive_status(self.entry)
        return status.value if status is not None else None


def _facts_html(facts: list[tuple[str, str]]) -> str:
    """The facts as an HTML list, every value escaped by lxml (they are text, not markup)."""
    if not facts:
        return ""
    items = [E.LI(E.STRONG(f"{label}:"), f" {value}") if label else E.LI(value) for label, value in facts]
    return lxml_html.tostring(E.UL({"class": "memoria-facts"}, *items), encoding="unicode")


def _authors(entry: Entry, site: FeedSite) -> list[dict[str, str]]:
    """The organisation publishing the archive, then the entry's contacts, by name.

    No e-mail: feedgen would then also write RSS <author>, which readers such as newsboat
    prefer to dc:creator, hiding the organisation. Contacts' addresses are in the item text.
    """
    authors = [{"name": site.site_name}]
    authors.extend({"name": name} for name in entry.in_language(site.lang).contact_names)
    return authors


def _kind_category(entry: Entry, lang: str, base_url: str) -> dict[str, str]:
    """The kind of entry as a category, so a reader of the `all` feed can tell them apart."""
    return {"term": t(f"kind.{entry.section}", lang), "scheme": f"{base_url}{entry.section}/"}


@dataclass(frozen=True)
class _ItemParts:
    """What every format says about one entry, computed once per entry and language."""

    id: str
    url: str
    title: str
    summary: str | None
    content: str
    published: dt.datetime
    updated: dt.datetime
    authors: list[dict[str, str]]
    categories: list[dict[str, str]]
    enclosure: Enclosure | None


def _item_parts(
    catalog: Catalog, entry: Entry, site: FeedSite, options: FeedOptions, site_url: str
) -> _ItemParts:
    lang = site.lang
    fields = entry.in_language(lang)
    url = site.page_url(entry.source_uri(lang))
    body = site.content.get((entry.section, entry.id))
    facts = _facts_html(_facts(catalog, entry, site, options.timezone))
    # Readers show the content, not the summary, when both are given: the summary leads it.
    lead = (
        lxml_html.tostring(E.P({"class": "memoria-summary"}, E.EM(fields.summary))) if fields.summary else b""
    )
    content = facts + lead.decode("utf-8") + (site.made_absolute(body, url) if body else "")
    return _ItemParts(
        id=entry_id(entry, lang, options.id_authority, site_url),
        url=url,
        title=fields.title,
        summary=fields.summary,
        content=content,
        published=published_at(entry, options.timezone),
        updated=updated_at(entry, options.timezone),
        authors=_authors(entry, site),
        categories=[
            _kind_category(entry, lang, site.base_url),
            *_categories(catalog, entry, lang, site.base_url),
        ],
        enclosure=site.enclosure(entry),
    )


def _feed_entry(parts: _ItemParts, lang: str) -> FeedEntry:
    fe = FeedEntry()
    fe.register_extension("memoria_links", _AtomLinkAttributes, atom=True, rss=False)
    # RSS <author> must be an e-mail address: the names go to dc:creator, as readers expect.
    fe.load_extension("dc", atom=False, rss=True)
    fe.id(parts.id)
    fe.title(parts.title)  # text: lxml escapes it, readers show it as written
    links = [{"href": parts.url, "rel": "alternate", "type": "text/html", "hreflang": lang}]
    if parts.enclosure is not None:
        links.append(
            {
                "href": parts.enclosure.url,
                "rel": "enclosure",
                "type": parts.enclosure.mime_type,
                "length": str(parts.enclosure.length),
            }
        )
    fe.link([dict(link) for link in links])
    fe.memoria_links.links = links
    fe.published(parts.published)
    fe.updated(parts.updated)
    fe.author([dict(a) for a in parts.authors])
    # One dc:creator naming all: readers such as newsboat show only one (the last) of several.
    fe.dc.dc_creator(", ".join(a["name"] for a in parts.authors))
    if parts.summary:
        # Plain text from authors or a video platform: escaped once more, because RSS
        # descriptions are HTML; Atom says so with type="html" and reads the same.
        fe.summary(html.escape(parts.summary, quote=False), type="html")
    if parts.content:
        fe.content(parts.content, type="html")
    fe.category([dict(c) for c in parts.categories])
    return fe


# --- writing ---------------------------------------------------------------------------


def render_feed(
    feed: Feed,
    catalog: Catalog,
    site: FeedSite,
    options: FeedOptions,
    site_url: str,
    cache: dict[tuple[str, str], tuple[_ItemParts, FeedEntry]] | None = None,
) -> dict[str, bytes]:
    """The feed in each format of `options.formats`, as bytes (UTF-8; XML pretty-printed)."""
    cache = {} if cache is None else cache  # an entry is in several feeds: render it once
    items: list[tuple[_ItemParts, FeedEntry]] = []
    for entry in feed.entries:
        key = (entry.section, entry.id)
        if key not in cache:
            parts = _item_parts(catalog, entry, site, options, site_url)
            cache[key] = (parts, _feed_entry(parts, site.lang))
        items.append(cache[key])
    updated = feed_updated(feed, catalog, options.timezone)
    page = site.page_url(with_language(feed.listing_uri, feed.lang))
    rights = site.copyright or t("feeds.rights", feed.lang, site=site.site_name)
    out: dict[str, bytes] = {}
    if "rss" in options.formats or "atom" in options.formats:
        fg = FeedGenerator()
        fg.load_extension("dc", atom=False, rss=True)
        fg.id(feed_id(feed, options.id_authority, site_url))
        fg.title(feed.title)
        fg.description(feed.description)
        fg.language(feed.lang)
        fg.author({"name": site.site_name})
        fg.generator("Memoria", version=__version__)
        fg.rights(rights)
        fg.updated(updated)  # also lastBuildDate; feedgen would stamp now()
        for _parts, fe in items:
            fg.add_entry(fe, order="append")  # feedgen prepends by default
        for fmt in ("rss", "atom"):
            if fmt not in options.formats:
                continue
            own = site.base_url + feed.path(fmt)
            # The RSS channel <link> is the last link set: the self link first, the page last.
            fg.link(
                [
                    {"href": own, "rel": "self", "type": MEDIA_TYPES[fmt]},
                    {"href": page, "rel": "alternate", "type": "text/html", "hreflang": feed.lang},
                ],
                replace=True,
            )
            document = fg.rss_str(pretty=True) if fmt == "rss" else fg.atom_str(pretty=True)
            out[fmt] = _with_stylesheet(document, feed.path(fmt))
    if "json" in options.formats:
        out["json"] = _json_feed(feed, [parts for parts, _fe in items], site, page, rights)
    return out


def _with_stylesheet(document: bytes, feed_path: str) -> bytes:
    """The feed with an xml-stylesheet instruction before its root: browsers show it as a page.

    The link is relative to the feed, so it holds wherever the site is served; feed readers
    ignore processing instructions. The instruction goes in as text, on the line after the XML
    declaration feedgen writes: the same bytes lxml gives when it parses the feed and adds it,
    without parsing and serialising every feed a second time.
    """
    declaration, newline, rest = document.partition(b"\n")
    if not declaration.startswith(b"<?xml ") or not newline:
        raise ValueError(f"{feed_path}: feedgen wrote no XML declaration line")
    depth = feed_path.count("/") - 1  # feeds/all.rss.xml → 0, feeds/topic/x.rss.xml → 1
    href = "../" * depth + STYLESHEET.rsplit("/", 1)[1]
    instruction = f'<?xml-stylesheet type="text/xsl" href="{html.escape(href)}"?>'.encode()
    return declaration + b"\n" + instruction + b"\n" + rest


def _json_feed(feed: Feed, items: list[_ItemParts], site: FeedSite, page: str, rights: str) -> bytes:
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1) with the same items as RSS and Atom."""

    def item(parts: _ItemParts) -> dict[str, object]:
        out: dict[str, object] = {
            "id": parts.id,
            "url": parts.url,
            "title": parts.title,
            "content_html": parts.content or html.escape(parts.summary or "", quote=False),
            "date_published": parts.published.isoformat(),
            "date_modified": parts.updated.isoformat(),
            "authors": [{"name": a["name"]} for a in parts.authors],
            "tags": [c["term"] for c in parts.categories],
            "language": feed.lang,
        }
        if parts.summary:
            out["summary"] = parts.summary
        if parts.enclosure is not None:
            out["attachments"] = [
                {
                    "url": parts.enclosure.url,
                    "mime_type": parts.enclosure.mime_type,
                    "size_in_bytes": parts.enclosure.length,
                }
            ]
        return out

    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": page,
        "feed_url": site.base_url + feed.path("json"),
        "description": feed.description,
        "language": feed.lang,
        "authors": [{"name": site.site_name}],
        "_memoria": {"rights": rights},
        "items": [item(parts) for parts in items],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_feeds(
    feeds: Iterable[Feed], catalog: Catalog, site: FeedSite, options: FeedOptions, site_url: str, root: Path
) -> list[Path]:
    """Write every feed of the language below `root` (the language's folder of the built site)."""
    written: list[Path] = []
    cache: dict[tuple[str, str], tuple[_ItemParts, FeedEntry]] = {}
    for feed in feeds:
        for fmt, document in render_feed(feed, catalog, site, options, site_url, cache).items():
            path = root / feed.path(fmt)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(document)
            written.append(path)
    return written


# --- enclosures from the mirror's manifests --------------------------------------------


def mirrored_enclosure(
    media_dir: Path,
    recording_id: str,
    media_base_url: str,
    local: bool = True,
    files_of: Callable[[Manifest | None], list[MediaFile]] | None = None,
) -> Enclosure | None:
    """A recording's verified mirror as an enclosure: the web copy, else an audio/video original.

    Reads media/<id>/manifest.json through memoria.manifest. With `local` (media published
    from media_dir), a file missing on disk or of the wrong size gives no enclosure. With
    `files_of` (a media store), the files, types and lengths are the store's, below media_base_url.
    """
    return enclosure_of(load_manifest(media_dir, recording_id), media_dir, media_base_url, local, files_of)


def enclosure_of(
    manifest: Manifest | None,
    media_dir: Path,
    media_base_url: str,
    local: bool = True,
    files_of: Callable[[Manifest | None], list[MediaFile]] | None = None,
) -> Enclosure | None:
    """The enclosure of an already-read manifest (a build reads each manifest once)."""
    if files_of is not None:
        base = media_base_url.rstrip("/")
        stored = [replace(f, url=f"{base}/{f.path}") for f in files_of(manifest)]
        files = {f.role: f for f in stored}
    else:
        files = {f.role: f for f in media_files(manifest, media_base_url, media_dir if local else None)}
    for role in ("web", "original"):
        chosen = files.get(role)
        if chosen is not None and chosen.mime.split("/")[0] in ("video", "audio") and chosen.size > 0:
            return Enclosure(url=chosen.url, length=chosen.size, mime_type=chosen.mime)
    return None
