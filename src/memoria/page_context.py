"""What templates receive: the `memoria` object of every page and `memoria_404` of the 404 page.

A contract between the code and the templates in overrides/ (and a site's own overrides):
handbook/template-context.md is generated from these classes (scripts/template_context_doc.py),
so every field needs a docstring. Engine-independent: the adapter fills it in.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from memoria.reader_pages import AboutView, CiteView, HomeIntro, ShareLink, SocialTags, StateText
from memoria.recording_view import Download, EarlierVersion, PlayerView, StatusBadge, Track
from memoria.transcript import TranscriptView
from memoria.views import (
    EntryView,
    FeedGroup,
    FeedLink,
    FeedRow,
    Item,
    Link,
    ListingView,
    PublicationNotice,
    Row,
)


class PageChrome(Protocol):
    """Theme fragments rendered once and reused by pages with the same navigation (memoria.engine.chrome)."""

    def cached(self, name: str, caller: Callable[[], Any]) -> Any:
        """The fragment `name` for this page, rendered by `caller` the first time."""


@dataclass(frozen=True)
class Alternate:
    """This page in one language, for `<link rel="alternate" hreflang>`."""

    lang: str
    """A language code, or `x-default` (the default language's page)."""
    url: str
    """The absolute URL of the page in that language."""


@dataclass(frozen=True)
class CalendarLink:
    """An event's calendar file, written beside its page."""

    url: str
    """Relative to the page: `<id>.ics`."""
    type: str
    """Its media type, `text/calendar`."""


@dataclass
class PageContext:
    """`memoria` in every template: the page's language, ready-made views of what it shows, links.

    Fields that do not apply to a page are None (or empty), so templates test them with
    `{% if memoria.entry %}`. Every text is plain text: templates escape it.
    """

    lang: str
    """The language of the page being built (`en`, `es`)."""
    t: Mapping[str, str]
    """Every template string in `lang`, by key (`memoria.t["search.label"]`; memoria.i18n)."""
    search_bundle: str
    """The language's Pagefind bundle, from the site root (memoria.search)."""
    feed_links: list[FeedLink] = field(default_factory=list)
    """Feeds announced in the page's head: the language's whole-archive feed plus the feed of what it shows."""
    states_url: str | None = None
    """Link to the page explaining the recording states."""
    about_url: str | None = None
    """Link to the About page."""
    search_url: str | None = None
    """Link to the search page."""
    fallback: bool = False
    """The page shows another language's text (the entry is not translated into `lang`)."""
    content_lang: str | None = None
    """The language of the page's text: `lang`, or the original's when `fallback`."""
    fallback_notice: str | None = None
    """The note above a page shown in its original language."""
    alternates: list[Alternate] = field(default_factory=list)
    """This page in each language, plus `x-default`."""
    social: SocialTags | None = None
    """Open Graph and Twitter card values (link previews)."""
    chrome: PageChrome | None = None
    """Material's tabs, navigation, footer and config, and the header's search box, cached across pages: `{% call memoria.chrome.cached("nav") %}`."""

    entry: EntryView | None = None
    """On an entry's page: its kind, metadata rows, related entries, parts and search facets."""
    publication: PublicationNotice | None = None
    """On an entry readers cannot see yet (only in the preview)."""
    calendar: CalendarLink | None = None
    """On a page of a kind with calendars (events): its .ics file."""
    transcripts: list[TranscriptView] = field(default_factory=list)
    """On a recording's page: its captions as readable, searchable text."""
    cite: CiteView | None = None
    """On an entry's page: the citation, its downloads and share links."""
    recording: PlayerView | None = None
    """On a page of a kind with media (recordings): the player, downloads, provenance and state."""

    listing: ListingView | None = None
    """On a generated page (home, section, year, topic, country, organisation, indexes): its items and pages."""
    recording_status: dict[str, StatusBadge] | None = None
    """On a listing: the state badge of each recording it lists, by the recording's URL."""
    status_counts: list[StatusBadge] | None = None
    """On the recordings' section listing: how many recordings are in each state."""
    home: HomeIntro | None = None
    """On the home page: whose archive it is, what it is, what it holds."""
    about: AboutView | None = None
    """On the About page."""
    states: list[StateText] | None = None
    """On the recording states page: every state with its meaning."""
    feeds: list[FeedGroup] | None = None
    """On the feeds page: every feed of the language, grouped."""
    calendar_url: str | None = None
    """On the feeds page: the calendar of all events, when events are among the feeds."""


@dataclass(frozen=True)
class NotFoundContext:
    """`memoria_404` on the 404 page (one per language) beside a `memoria` with the header's values."""

    title: str
    """The page's heading."""
    text: str
    """What happened and what to try."""
    home: str
    """The text of the link home."""
    home_url: str
    """The language's home, from the site root (static hosts serve the 404 page at any depth)."""
    languages: list[str] = field(default_factory=list)
    """On the default language's page: the other languages' folders, whose own 404 pages its script shows."""


#: the two objects templates receive, then the values they hold, in the page's order
DOCUMENTED: tuple[type, ...] = (
    PageContext,
    NotFoundContext,
    Alternate,
    CalendarLink,
    PublicationNotice,
    EntryView,
    Row,
    Link,
    ListingView,
    Item,
    FeedLink,
    FeedGroup,
    FeedRow,
    PlayerView,
    StatusBadge,
    Track,
    Download,
    EarlierVersion,
    TranscriptView,
    CiteView,
    ShareLink,
    SocialTags,
    HomeIntro,
    AboutView,
    StateText,
)
#: what the page says first; the classes' own docstrings follow
_INTRO = """\
# Template context

<!-- Generated by scripts/template_context_doc.py from src/memoria/page_context.py: do not edit. -->

Every page's template receives `memoria`, a `PageContext`; the 404 page also receives
`memoria_404`, a `NotFoundContext`. Templates read their fields as attributes
(`memoria.entry.rows`); a field that does not apply to a page is None or empty, so
`{% if memoria.listing %}` tells the pages apart. Every text is plain text: escape it (`| e`).
This is the contract between Memoria and the templates in `overrides/` (and a site's own
overrides): a field is renamed or removed only with a note in the changelog.
"""


def documented_fields(cls: type) -> list[tuple[str, str, str]]:
    """(name, type as written, docstring) of each field of `cls`, read from its source."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    body = tree.body[0].body  # type: ignore[attr-defined]
    rows = []
    for index, node in enumerate(body):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            following = body[index + 1] if index + 1 < len(body) else None
            doc = (
                following.value.value
                if isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
                else ""
            )
            rows.append(
                (node.target.id, ast.unparse(node.annotation), " ".join(inspect.cleandoc(doc).split()))
            )
    return rows


def template_context_markdown() -> str:
    """The template context page (handbook/template-context.md), generated from the classes above."""
    parts = [_INTRO]
    for cls in DOCUMENTED:
        doc = " ".join(inspect.cleandoc(cls.__doc__ or "").split())
        parts.append(f"\n## `{cls.__name__}`\n\n_{cls.__module__}_" + (f": {doc}" if doc else "") + "\n")
        parts.append("\n| field | type | what it is |\n|---|---|---|\n")
        for name, annotation, field_doc in documented_fields(cls):
            kind, what = annotation.replace("|", "\\|"), field_doc.replace("|", "\\|")
            parts.append(f"| `{name}` | `{kind}` | {what} |\n")
    return "".join(parts)
