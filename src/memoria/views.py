"""Ready-to-render data for templates: metadata rows, related entries, listing items.

Engine-independent: the adapter passes `url_of`, which turns an entry or listing into a URL.
Every value here is plain text; templates escape it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from memoria.addressing import with_language as _listing_uri  # a listing's file in one language
from memoria.catalog import Catalog, Listing
from memoria.content import KINDS, Entry
from memoria.feeds import FORMAT_LABELS, MEDIA_TYPES, Feed
from memoria.i18n import (
    country_name,
    format_moment,
    language_name,
    t,
)
from memoria.publication import Publication, PublicationState
from memoria.shared_lists import collation_key
from memoria.when import DEFAULT_TIME_ZONE, describe, when

UrlOf = Callable[[str], str]  # source uri below docs/ → URL relative to the current page
NameOf = Callable[[str], str]  # an organisation as written in entries → its name in the page's language


def _as_written(name: str) -> str:
    return name


@dataclass(frozen=True)
class Link:
    text: str
    url: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Row:
    label: str
    values: tuple[Link, ...]


@dataclass(frozen=True)
class Item:
    """One entry in a listing: what a reader needs to decide whether to open it."""

    title: str
    url: str
    section: str
    kind_label: str
    date: str
    date_iso: str
    summary: str | None
    place: str | None
    untranslated: bool
    part: str | None = None
    """'Part 1 of 2' for a recording in parts."""
    content_lang: str = "en"  # the language of title and summary (the original's when untranslated)


@dataclass
class EntryView:
    section: str
    kind_label: str
    rows: list[Row] = field(default_factory=list)
    related: list[Row] = field(default_factory=list)
    previous_part: Link | None = None
    next_part: Link | None = None
    """The recordings before and after this one among its event's recordings."""
    facets: dict[str, object] = field(default_factory=dict)
    """What search shows and filters by (memoria.search): kind, date, year, language, countries, topics."""


@dataclass
class ListingView:
    kind: str
    items: list[Item]
    groups: list[Link]
    page: int
    pages: int
    newer_url: str | None
    older_url: str | None
    page_label: str
    home_sections: list[tuple[str, str, list[Item]]] = field(default_factory=list)


def item_for(entry: Entry, lang: str, url_of: UrlOf, zone: str = DEFAULT_TIME_ZONE) -> Item:
    fields = entry.in_language(lang)
    moment = when(entry, zone)
    date = describe(moment, lang)  # local time shown only where the entry gives one
    iso = moment.start.isoformat() if moment.time else moment.day.isoformat()
    return Item(
        title=fields.title,
        url=url_of(entry.source_uri(lang)),
        section=entry.section,
        kind_label=t(f"kind.{entry.section}", lang),
        date=date,
        date_iso=iso,
        summary=fields.summary,
        place=fields.place(lang),
        untranslated=not entry.is_translated(lang),
        part=fields.part_label(lang),
        content_lang=entry.shown_language(lang),
    )


def listing_view(
    catalog: Catalog,
    listing: Listing,
    lang: str,
    url_of: UrlOf,
    zone: str = DEFAULT_TIME_ZONE,
    name_of: NameOf = _as_written,
) -> ListingView:
    items = [item_for(entry, lang, url_of, zone) for entry in listing.entries]
    if "/page/" in listing.uri:
        base_folder = listing.uri.split("/page/")[0]
    else:
        base_folder = listing.uri[: -len("index.md")].rstrip("/")

    def page_uri(number: int) -> str:
        uri = f"{base_folder}/index.md" if number == 1 else f"{base_folder}/page/{number}/index.md"
        return _listing_uri(uri.lstrip("/"), lang)

    groups: list[Link] = []
    if listing.kind.startswith("index-of-"):
        folder = listing.kind[len("index-of-") :]
        for key, uri, count in listing.groups:
            if folder == "topics":
                label = catalog.topic_label(key, lang)
            elif folder == "countries":
                label = country_name(key.upper(), lang)
            else:
                label = name_of(catalog.organisation_name(key, lang))
            groups.append(
                Link(
                    label,
                    url_of(_listing_uri(uri, lang)),
                    t("listing.count_one" if count == 1 else "listing.count", lang, count=count),
                )
            )
    # Indexes (topics, countries, organisations) in the alphabetical order of the page's language.
    groups.sort(key=lambda link: collation_key(link.text, lang))
    view = ListingView(
        kind=listing.kind,
        items=items,
        groups=groups,
        page=listing.page,
        pages=listing.pages,
        newer_url=url_of(page_uri(listing.page - 1)) if listing.page > 1 else None,
        older_url=url_of(page_uri(listing.page + 1)) if listing.page < listing.pages else None,
        page_label=t("listing.page", lang, page=listing.page, pages=listing.pages),
    )
    if listing.kind == "home":
        for section, kind in KINDS.items():
            if kind.home_label is None:
                continue
            section_items = [i for i in items if i.section == section]
            view.home_sections.append(
                (t(kind.home_label, lang), url_of(_listing_uri(f"{section}/index.md", lang)), section_items)
            )
    return view


def entry_view(
    catalog: Catalog,
    entry: Entry,
    lang: str,
    url_of: UrlOf,
    zone: str = DEFAULT_TIME_ZONE,
    name_of: NameOf = _as_written,
) -> EntryView:
    """An entry's page: its kind's metadata rows, its topics, search facets, related entries and parts."""
    fields = entry.in_language(lang)
    view = EntryView(section=entry.section, kind_label=t(f"kind.{entry.section}", lang))
    rows = _PanelRows(catalog, lang, url_of, describe(when(entry, zone), lang), name_of, view.rows)
    fields.metadata_rows(rows)  # each kind's own rows (memoria.content)
    rows.add(
        "field.topics",
        [
            rows.listing_link("topics", slug, catalog.topic_label(slug, lang))
            for slug in catalog.topic_slugs(entry)
        ],
    )
    view.facets = _search_facets(catalog, entry, lang, item_for(entry, lang, url_of, zone))
    event = catalog.event_of(entry)
    view.related = _related_rows(catalog, entry, lang, url_of, zone)
    if entry.section == "recordings" and event is not None:
        view.previous_part, view.next_part = _neighbour_parts(catalog, entry, event, lang, url_of, zone)
    return view


@dataclass
class _PanelRows:
    """The metadata panel as a kind fills it (memoria.content.MetadataRows), links relative to the page."""

    catalog: Catalog
    lang: str
    url_of: UrlOf
    date: str
    name_of: NameOf
    rows: list[Row]

    def add(self, label_key: str, values: Sequence[Link]) -> None:
        if values:
            self.rows.append(Row(t(label_key, self.lang), tuple(values)))

    def link(self, text: str, url: str | None = None, note: str | None = None) -> Link:
        return Link(text, url, note)

    def listing_link(self, folder: str, key: str, text: str) -> Link:
        return Link(text, self.url_of(_listing_uri(f"{folder}/{key}/index.md", self.lang)))

    def country(self, code: str) -> Link:
        return self.listing_link("countries", code.lower(), country_name(code, self.lang))

    def organisations(self, names: list[str]) -> list[Link]:
        return _organisation_links(self.catalog, names, self.lang, self.listing_link, self.name_of)


def _search_facets(catalog: Catalog, entry: Entry, lang: str, item: Item) -> dict[str, object]:
    """What search shows and filters by (memoria.search): kind, date, year, language, countries, topics."""
    speech = entry.in_language(lang).speech_language
    return {
        "section": entry.section,
        "kind": item.kind_label,
        "date": item.date,
        "date_iso": item.date_iso,
        "year": item.date_iso[:4],
        "language": language_name(speech or lang, lang),
        "countries": [country_name(c, lang) for c in catalog.countries_of(entry)],
        "topics": [catalog.topic_label(slug, lang) for slug in catalog.topic_slugs(entry)],
    }


def _related_rows(catalog: Catalog, entry: Entry, lang: str, url_of: UrlOf, zone: str) -> list[Row]:
    """Its event, the press releases about it, and (but on a recording) its recordings."""
    related = []
    for relation, entries in catalog.related(entry):
        label_key = f"related.{relation}"
        if entries:
            items = [item_for(e, lang, url_of, zone) for e in entries]
            links = tuple(
                Link(item.title, item.url, " · ".join(x for x in (item.part, item.date) if x))
                for item in items
            )
            related.append(Row(t(label_key, lang), links))
    return related


def _neighbour_parts(
    catalog: Catalog, entry: Entry, event: Entry, lang: str, url_of: UrlOf, zone: str
) -> tuple[Link | None, Link | None]:
    """The recordings before and after this one among its event's recordings."""
    siblings = catalog.recordings_of(event)
    if entry not in siblings:
        return None, None
    index = siblings.index(entry)
    previous = next_ = None
    if index > 0:
        before = item_for(siblings[index - 1], lang, url_of, zone)
        previous = Link(before.title, before.url, before.part)
    if index + 1 < len(siblings):
        after = item_for(siblings[index + 1], lang, url_of, zone)
        next_ = Link(after.title, after.url, after.part)
    return previous, next_


# --- feeds: discovery links in every page's head, and the feeds page ----------------------


@dataclass(frozen=True)
class FeedLink:
    """A feed as a page's head announces it (`<link rel="alternate">`)."""

    title: str
    url: str
    type: str
    hreflang: str


@dataclass(frozen=True)
class FeedRow:
    """One feed on the feeds page: its name, its two addresses and how many entries it holds."""

    label: str
    links: tuple[Link, ...]
    count: str


@dataclass(frozen=True)
class FeedGroup:
    heading: str
    rows: tuple[FeedRow, ...]


def page_feed_names(entry: Entry | None, listing: Listing | None) -> list[str]:
    """The feeds a page advertises: the language's `all`, plus the feed of what the page shows."""
    names = ["all"]
    if entry is not None:
        names.append(entry.section)
    elif listing is not None and listing.kind in ("section", "year") and listing.section:
        names.append(listing.section)
    elif listing is not None and listing.kind in ("topic", "country"):
        names.append(f"{listing.kind}/{listing.uri.split('/')[1]}")
    return names


def _in_order(formats: tuple[str, ...]) -> list[str]:
    """The configured formats, Atom first (the richest), then RSS, then JSON Feed."""
    return [fmt for fmt in ("atom", "rss", "json") if fmt in formats]


def feed_links(
    feeds: dict[str, Feed], names: list[str], base_url: str, formats: tuple[str, ...] = ("atom", "rss")
) -> list[FeedLink]:
    """Discovery links in each format, titled in the feed's language, with absolute URLs."""
    links = []
    for name in names:
        feed = feeds.get(name)
        if feed is None:  # not written (see `feeds:` in mkdocs.yml)
            continue
        for fmt in _in_order(formats):
            title = t("feeds.link_title", feed.lang, name=feed.title, format=FORMAT_LABELS[fmt])
            links.append(FeedLink(title, base_url + feed.path(fmt), MEDIA_TYPES[fmt], feed.lang))
    return links


def feeds_page(
    feeds: list[Feed], base_url: str, formats: tuple[str, ...] = ("atom", "rss")
) -> list[FeedGroup]:
    """Every feed of a language, grouped as the site is: whole archive, sections, topics, countries."""
    groups = []
    for group in ("all", "sections", "topics", "countries"):
        rows = tuple(
            FeedRow(
                label=feed.short_label,
                links=tuple(
                    Link(FORMAT_LABELS[fmt], base_url + feed.path(fmt), MEDIA_TYPES[fmt])
                    for fmt in _in_order(formats)
                ),
                count=t(
                    "feeds.entries.one" if len(feed.entries) == 1 else "feeds.entries",
                    feed.lang,
                    count=len(feed.entries),
                ),
            )
            for feed in feeds
            if feed.group == group
        )
        if rows:
            groups.append(FeedGroup(t(f"feeds.group.{group}", feeds[0].lang), rows))
    return groups


@dataclass(frozen=True)
class PublicationNotice:
    """The preview's banner on an entry readers cannot see yet."""

    state: str
    """`draft` or `scheduled`."""
    label: str
    """The banner's title."""
    text: str
    """What it means, and when a scheduled entry appears."""


def publication_banner(publication: Publication, lang: str) -> PublicationNotice | None:
    """The preview's banner on an entry readers cannot see yet: a label and what it means."""
    if publication.state is PublicationState.DRAFT:
        return PublicationNotice(
            state="draft",
            label=t("publication.draft", lang),
            text=t(
                "publication.draft_body" if publication.reason == "body" else "publication.draft_text", lang
            ),
        )
    if publication.state is PublicationState.SCHEDULED and publication.at is not None:
        when = format_moment(publication.at, lang)
        return PublicationNotice(
            state="scheduled",
            label=t("publication.scheduled", lang),
            text=t("publication.scheduled_text", lang, when=when),
        )
    return None


def _organisation_links(
    catalog: Catalog,
    names: list[str],
    lang: str,
    listing_link: Callable[[str, str, str], Link],
    name_of: NameOf = _as_written,
) -> list[Link]:
    """Each organisation under its name in `lang` (the shared list first, then organisation_names), linked to its one page."""
    keys = dict.fromkeys(catalog.organisation_key(name) for name in names)
    return [listing_link("organisations", key, name_of(catalog.organisation_name(key, lang))) for key in keys]
