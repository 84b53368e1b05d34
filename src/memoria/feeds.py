"""Per-language RSS 2.0 and Atom 1.0 feeds of the catalog, written with feedgen.

Engine-independent: the adapter says where the language's site lives (absolute URLs), hands
over each entry page's rendered HTML and how to find a recording's mirrored copy, and gets
files back. Output is a function of the content only: dates come from front matter (never
the clock), entries are appended newest first, ids come from section, id and language.
"""

from __future__ import annotations

import datetime as dt
import html
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

from memoria import __version__
from memoria.catalog import Catalog, Listing, newest_first
from memoria.content import SECTIONS, Entry
from memoria.i18n import DEFAULT_LANGUAGE, LANGUAGES, country_name, t
from memoria.manifest import Manifest, MediaFile, load_manifest, media_files

#: what `feeds:` in mkdocs.yml may list; topics and countries mean one feed per topic/country
FEED_KINDS = ("all", *SECTIONS, "topics", "countries")
DEFAULT_LIMIT = 50
MEDIA_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
FORMAT_LABELS = {"rss": "RSS", "atom": "Atom"}

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
    kinds: tuple[str, ...] = FEED_KINDS
    id_authority: str | None = None  # RFC 4151 tag authority, e.g. "archive.example.org,2014"


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
        return f"feeds/{self.name}.{fmt}.xml"


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
    own = newest_first(e for e in catalog.entries if e.is_translated(lang))
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
    for section in SECTIONS:
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


def _utc_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=dt.UTC)


def published_at(entry: Entry) -> dt.datetime:
    return _utc_midnight(entry.sort_date)


def updated_at(entry: Entry) -> dt.datetime:
    """`updated` from front matter when given (and not before publication), else the publication date."""
    updated = entry.english.updated
    return max(_utc_midnight(updated), published_at(entry)) if updated else published_at(entry)


def feed_updated(feed: Feed, catalog: Catalog) -> dt.datetime:
    """The newest entry's date; an empty feed takes the archive's newest, never the clock."""
    pool = feed.entries or tuple(catalog.entries)
    return max((updated_at(e) for e in pool), default=_utc_midnight(dt.date(1970, 1, 1)))


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


def _feed_entry(
    catalog: Catalog, entry: Entry, site: FeedSite, options: FeedOptions, site_url: str
) -> FeedEntry:
    lang = site.lang
    fields = entry.in_language(lang)
    url = site.page_url(entry.source_uri(lang))
    fe = FeedEntry()
    fe.register_extension("memoria_links", _AtomLinkAttributes, atom=True, rss=False)
    fe.id(entry_id(entry, lang, options.id_authority, site_url))
    fe.title(fields.title)  # text: lxml escapes it, readers show it as written
    links = [{"href": url, "rel": "alternate", "type": "text/html", "hreflang": lang}]
    enclosure = site.enclosure(entry)
    if enclosure is not None:
        links.append(
            {
                "href": enclosure.url,
                "rel": "enclosure",
                "type": enclosure.mime_type,
                "length": str(enclosure.length),
            }
        )
    fe.link([dict(link) for link in links])
    fe.memoria_links.links = links
    fe.published(published_at(entry))
    fe.updated(updated_at(entry))
    summary = fields.summary
    if summary:
        # Plain text from authors or a video platform: escaped once more, because RSS
        # descriptions are HTML; Atom says so with type="html" and reads the same.
        fe.summary(html.escape(summary, quote=False), type="html")
    body = site.content.get((entry.section, entry.id))
    if body:
        fe.content(absolute_html(body, url), type="html")
    categories = _categories(catalog, entry, lang, site.base_url)
    if categories:
        fe.category(categories)
    return fe


# --- writing ---------------------------------------------------------------------------


def render_feed(
    feed: Feed,
    catalog: Catalog,
    site: FeedSite,
    options: FeedOptions,
    site_url: str,
    cache: dict[tuple[str, str], FeedEntry] | None = None,
) -> dict[str, bytes]:
    """The RSS 2.0 and Atom 1.0 documents of one feed, as bytes (UTF-8, pretty-printed)."""
    fg = FeedGenerator()
    fg.id(feed_id(feed, options.id_authority, site_url))
    fg.title(feed.title)
    fg.description(feed.description)
    fg.language(feed.lang)
    fg.author({"name": site.site_name})
    fg.generator("Memoria", version=__version__)
    if site.copyright:
        fg.rights(site.copyright)
    fg.updated(feed_updated(feed, catalog))  # also lastBuildDate; feedgen would stamp now()
    cache = {} if cache is None else cache  # an entry is in several feeds: render it once
    for entry in feed.entries:
        key = (entry.section, entry.id)
        if key not in cache:
            cache[key] = _feed_entry(catalog, entry, site, options, site_url)
        fg.add_entry(cache[key], order="append")  # feedgen prepends by default

    page = site.page_url(_with_language(feed.listing_uri, feed.lang))
    out: dict[str, bytes] = {}
    for fmt in ("rss", "atom"):
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
        out[fmt] = document
    return out


def _with_language(uri: str, lang: str) -> str:
    return f"{uri[: -len('.md')]}.{lang}.md"


def write_feeds(
    feeds: Iterable[Feed], catalog: Catalog, site: FeedSite, options: FeedOptions, site_url: str, root: Path
) -> list[Path]:
    """Write every feed of the language below `root` (the language's folder of the built site)."""
    written: list[Path] = []
    cache: dict[tuple[str, str], FeedEntry] = {}
    for feed in feeds:
        for fmt, document in render_feed(feed, catalog, site, options, site_url, cache).items():
            path = root / feed.path(fmt)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(document)
            written.append(path)
    return written


def language_base_url(site_url: str, lang: str) -> str:
    """https://archive.example.org/ for English, https://archive.example.org/es/ for Spanish."""
    root = site_url.rstrip("/") + "/"
    return root if lang == DEFAULT_LANGUAGE else f"{root}{lang}/"


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
    manifest = load_manifest(media_dir, recording_id)
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
