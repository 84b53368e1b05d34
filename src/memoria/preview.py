"""The live preview's memory between rebuilds: which pages must be rendered again after a save.

A page is rendered again only when what it shows changed: an entry page when its own files or
those of the entries it links to (event, press releases, recordings) changed; a listing when
the entries it lists, their order or its pagination changed. Each page's inputs are reduced to
a fingerprint made of the files' (path, mtime, size) stamps, compared with the previous
build's. Engine-independent: the adapter asks which pages changed and acts on the answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from memoria.catalog import Catalog, Listing
from memoria.content import Entry, EntryCache
from memoria.feeds import Feed


def _digest(parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


def entry_fingerprint(catalog: Catalog, cache: EntryCache, entry: Entry, lang: str) -> str:
    """What an entry page shows: the entry, the entries it links to, and its topics' labels."""
    related = [e for _relation, entries in catalog.related(entry) for e in entries]
    related += _parts_around(catalog, entry)
    topics = [(slug, catalog.topic_label(slug, lang)) for slug in catalog.topic_slugs(entry)]
    return _digest((lang, cache.stamp_of(entry), [cache.stamp_of(e) for e in related], topics))


def _parts_around(catalog: Catalog, entry: Entry) -> list[Entry]:
    """A recording's page names the parts before and after it in its event (views: previous/next part)."""
    event = catalog.event_of(entry)
    parts = catalog.recordings_of(event) if event is not None else []
    return parts if entry in parts else []


def listing_fingerprint(cache: EntryCache, listing: Listing, lang: str) -> str:
    """What a listing shows: its title, place in the pagination, groups, and its entries in order."""
    return _digest(
        (
            lang,
            listing.uri,
            listing.kind,
            listing.title.get(lang),
            listing.page,
            listing.pages,
            listing.groups,
            [cache.stamp_of(e) for e in listing.entries],
        )
    )


def feed_fingerprint(cache: EntryCache, feed: Feed, updated: dt.datetime) -> str:
    """What a feed holds: its titles, its date, and its entries in order."""
    entries = [cache.stamp_of(e) for e in feed.entries]
    return _digest((feed.lang, feed.name, feed.title, feed.description, updated.isoformat(), entries))


@dataclass
class PreviewState:
    """Kept by the plugin across `mkdocs serve --dirty` rebuilds, per language."""

    work_dir: Path  # generated listings' Markdown, as files whose mtime says when they changed
    #: lang → src uri → (fingerprint, output path) of the last successful build
    fingerprints: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)
    pending: dict[str, dict[str, tuple[str, str]]] = field(
        default_factory=dict
    )  # this build's, kept once it succeeds
    rendered: dict[str, dict[tuple[str, str], str]] = field(default_factory=dict)  # lang → entry HTML
    feeds: dict[str, dict[str, str]] = field(default_factory=dict)  # lang → feed name → fingerprint written
    listings: dict[str, str] = field(default_factory=dict)  # src uri → Markdown written to work_dir
    indexed: bool = False  # search indexed once, at the first build

    def changed(self, lang: str, src_uri: str, fingerprint: str, output: str) -> bool:
        """Whether the page differs from the last successful build of `lang` (recorded for this build)."""
        self.pending.setdefault(lang, {})[src_uri] = (fingerprint, output)
        return self.fingerprints.get(lang, {}).get(src_uri) != (fingerprint, output)

    def vanished(self, lang: str) -> list[str]:
        """Outputs of pages the last build of `lang` had and this one has not (a year left empty, a deleted entry)."""
        now = self.pending.get(lang, {})
        return [output for uri, (_, output) in self.fingerprints.get(lang, {}).items() if uri not in now]

    def commit(self, lang: str) -> None:
        """The build of `lang` succeeded: its pages now show what their fingerprints say."""
        self.fingerprints[lang] = self.pending.pop(lang, {})

    def listing_source(self, src_uri: str, markdown: str) -> Path:
        """A file holding a listing's Markdown, rewritten only when the Markdown changes."""
        path = self.work_dir / src_uri
        if self.listings.get(src_uri) != markdown:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(markdown, encoding="utf-8")
            self.listings[src_uri] = markdown
        return path
