"""The live preview's memory between rebuilds: which pages must be rendered again after a save.

A page is rendered again only when what it shows changed: an entry page when its own files or
those of the entries it links to (event, press releases, recordings) changed; a listing when
the entries it lists, their order or its pagination changed; a page counting the whole archive
(home, About, states, search, feeds) every time; every page when mkdocs.yml, the theme's
overrides or the shared lists changed (environment_stamps). Each page's inputs are reduced to a fingerprint
made of the files' (path, mtime, size) stamps, compared with the previous build's (the stamps
themselves, not a digest: an unchanged entry's stamp is the very tuple the EntryCache kept, so
comparing is cheap); feeds and calendars likewise, by a digest. Engine-independent: the adapter asks which pages changed and acts on the answer.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from memoria.build_cache import site_stamps
from memoria.catalog import Catalog, Listing
from memoria.content import Entry, EntryCache
from memoria.feeds import FEEDS_PAGE, Feed, absolute_html
from memoria.reader_pages import READER_PAGES

#: Pages that show the whole archive (counts, years, every feed): rendered again at every rebuild.
WHOLE_ARCHIVE_PAGES = frozenset({"home", FEEDS_PAGE.kind, *(page.kind for page in READER_PAGES)})


Fingerprint = tuple[object, ...]
"""A page's: its inputs themselves, compared by equality (file stamps kept by the EntryCache, labels)."""


def _digest(parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


class Neighbours:
    """What each entry's page shows of other entries (related entries, topics), worked out once per catalog.

    The same in every language: the preview's first language works it out, the others reuse it.
    """

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.found: dict[tuple[str, str], tuple[list[Entry], list[str]]] = {}

    def of(self, entry: Entry) -> tuple[list[Entry], list[str]]:
        key = (entry.section, entry.id)
        found = self.found.get(key)
        if found is None:
            catalog = self.catalog
            related = [e for _relation, entries in catalog.related(entry) for e in entries]
            related += _parts_around(catalog, entry)
            found = self.found[key] = (related, catalog.topic_slugs(entry))
        return found


def entry_fingerprint(
    catalog: Catalog, cache: EntryCache, entry: Entry, lang: str, neighbours: Neighbours | None = None
) -> Fingerprint:
    """What an entry page shows: the entry, the entries it links to, and its topics' labels.

    `neighbours`: the catalog's, when the caller keeps them across languages.
    """
    related, slugs = (neighbours or Neighbours(catalog)).of(entry)
    topics = tuple((slug, catalog.topic_label(slug, lang)) for slug in slugs)
    return (lang, cache.stamp_of(entry), tuple(cache.stamp_of(e) for e in related), topics)


def _parts_around(catalog: Catalog, entry: Entry) -> list[Entry]:
    """A recording's page names the parts before and after it in its event (views: previous/next part)."""
    if entry.section != "recordings":
        return []  # the parts are recordings: no other entry is among them
    event = catalog.event_of(entry)
    parts = catalog.recordings_of(event) if event is not None else []
    return parts if entry in parts else []


def listing_fingerprint(cache: EntryCache, listing: Listing, lang: str) -> Fingerprint:
    """What a listing shows: its title, place in the pagination, groups, and its entries in order."""
    return (
        lang,
        listing.uri,
        listing.kind,
        listing.title.get(lang),
        listing.page,
        listing.pages,
        listing.groups,
        tuple(cache.stamp_of(e) for e in listing.entries),
    )


def feed_fingerprint(
    cache: EntryCache, feed: Feed, updated: dt.datetime, shown: Callable[[Entry], Fingerprint] | None = None
) -> str:
    """What a feed holds: its titles, its date, and its entries in order.

    `shown`: what an entry's item shows of other entries (its event's title, its part number,
    its topics' labels), as its page's fingerprint (entry_fingerprint) says; without it, the
    entries' own files only.
    """
    entries = [shown(e) if shown is not None else cache.stamp_of(e) for e in feed.entries]
    return _digest((feed.lang, feed.name, feed.title, feed.description, updated.isoformat(), entries))


def calendar_fingerprint(
    cache: EntryCache, events: list[Entry], urls: list[str | None], lang: str, settings: tuple[object, ...]
) -> str:
    """What a calendar holds: its events in order, their pages' addresses and the site's calendar settings."""
    return _digest((lang, settings, urls, [cache.stamp_of(e) for e in events]))


def environment_stamps(files: list[Path], folders: list[Path]) -> Fingerprint:
    """What every page shows besides the entries, as stamps: mkdocs.yml (and what it inherits),
    the theme's overrides, the shared lists. Any change renders every page again.

    MkDocs' preview reloads mkdocs.yml at each rebuild, but the pages' fingerprints name only
    entries: without this a new site name or an edited template reached the whole-archive
    pages and left every other page as it was. Stamps, not digests: a few dozen files, read
    at every rebuild. The files by absolute path (MkDocs' first build names mkdocs.yml as
    given, later ones absolute); the folders' files relative to them (`site_stamps`).
    """
    stamps: list[object] = []
    for path in files:
        try:
            stat = os.stat(path)
        except OSError:
            stamps.append((os.path.abspath(path), -1, -1))  # gone: differs from any file that was there
            continue
        stamps.append((os.path.abspath(path), stat.st_mtime_ns, stat.st_size))
    stamps += [tuple(site_stamps(folder)) for folder in folders]
    return tuple(stamps)


def settle_after_first_build() -> None:
    """Leave what the first build made out of the cycle collector's later passes.

    The preview keeps hundreds of thousands of objects across rebuilds (entries read, localised
    files, compiled templates); without this every rebuild's full collection walks them all
    again (at 10,000 entries per language over a second per rebuild). The first build's
    garbage is collected first; what stays is frozen once (gc.freeze), so at most what was
    alive then is never collected by the cycle collector (reference counting still frees it).
    """
    gc.collect()
    gc.freeze()


IDLE_COLLECTION_DELAY = 0.5
"""Seconds after a rebuild before its garbage is collected: the browsers have reloaded the page by then."""


class RebuildCollection:
    """Each rebuild runs without the cycle collector; its garbage is collected once the page is served.

    A rebuild at 10,000 entries per language allocates millions of objects; Python's
    thresholds then started five or so full collections per rebuild (over a second in all,
    most of them finding nothing), each walking everything alive since the first build. So a
    rebuild runs with the collector off (pause), and what it leaves in cycles (its pages,
    files and navigation: 0.4–0.7 s to collect at that size, and as long again for the young
    collection Python starts as soon as the collector is back) is collected by one full
    collection on a timer thread, `delay` seconds after the rebuild ended (resume), once the
    server has answered the browsers' reload; the collector is back after it. A rebuild that
    starts first collects that garbage itself, before it pauses the collector; the timer then
    does nothing. `shutdown` puts the collector back at once.
    """

    def __init__(self, delay: float = IDLE_COLLECTION_DELAY) -> None:
        self.delay = delay
        self.collections = 0  # full collections made (at a rebuild's start or when idle)
        self._lock = threading.Lock()
        self._owed = False  # the last rebuild's garbage is not collected yet
        self._timer: threading.Timer | None = None

    def pause(self) -> None:
        """A rebuild starts: its predecessor's garbage collected (if the timer has not yet), then the collector off."""
        with self._lock:
            self._cancel()
            if self._owed:
                self._collect()
            gc.disable()

    def resume(self) -> None:
        """The rebuild ended, built or failed: its garbage is collected `delay` seconds from now."""
        with self._lock:
            self._cancel()
            self._owed = True
            self._timer = threading.Timer(self.delay, self._collect_when_idle)
            self._timer.daemon = True
            self._timer.start()

    def shutdown(self) -> None:
        """The preview stops: no collection pending, the collector on."""
        with self._lock:
            self._cancel()
            self._owed = False
            gc.enable()

    def _collect_when_idle(self) -> None:
        with self._lock:
            if not self._owed:
                return  # a rebuild started meanwhile and collected: the collector stays off for it
            self._collect()
            gc.enable()

    def _collect(self) -> None:
        gc.collect()
        self.collections += 1
        self._owed = False

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


class KeptAbsoluteHtml:
    """absolute_html's results (a feed item's page HTML with absolute links), kept from one rebuild to the next.

    A function of its arguments alone: an entry page not rendered again keeps its very HTML,
    so its feed items' HTML is made once instead of at every rebuild that writes its feeds
    (lxml parses and serialises each page). What a rebuild did not ask for is let go at the next.
    """

    def __init__(self) -> None:
        self.kept: dict[tuple[str, str], str] = {}  # the last rebuild's
        self.used: dict[tuple[str, str], str] = {}  # this rebuild's

    def __call__(self, fragment: str, page_url: str) -> str:
        key = (fragment, page_url)
        made = self.used.get(key)
        if made is None:
            made = self.kept.get(key)
            if made is None:
                made = absolute_html(fragment, page_url)
            self.used[key] = made
        return made

    def next_rebuild(self) -> None:
        self.kept, self.used = self.used, {}


@dataclass
class PreviewState:
    """Kept by the plugin across `mkdocs serve --dirty` rebuilds, per language."""

    work_dir: Path  # generated listings' Markdown, as files whose mtime says when they changed
    #: lang → src uri → (fingerprint, output path) of the last successful build
    fingerprints: dict[str, dict[str, tuple[Fingerprint, str]]] = field(default_factory=dict)
    pending: dict[str, dict[str, tuple[Fingerprint, str]]] = field(
        default_factory=dict
    )  # this build's, kept once it succeeds
    rendered: dict[str, dict[tuple[str, str], str]] = field(default_factory=dict)  # lang → entry HTML
    feeds: dict[str, dict[str, str]] = field(default_factory=dict)  # lang → feed name → fingerprint written
    #: lang → path of a file the plugin writes itself (calendars) → fingerprint of what it holds
    outputs: dict[str, dict[str, str | None]] = field(default_factory=dict)  # None: unknown (a failed build)
    pending_outputs: dict[str, dict[str, str | None]] = field(default_factory=dict)  # this build's
    listings: dict[str, str] = field(default_factory=dict)  # src uri → Markdown written to work_dir
    indexed: bool = False  # search indexed once, at the first build
    absolute_html: KeptAbsoluteHtml = field(default_factory=KeptAbsoluteHtml)  # feed items' HTML
    environment: Fingerprint | None = None  # environment_stamps at the start of the last rebuild
    everything: bool = False  # this rebuild renders every page: the environment changed

    def use_environment(self, environment: Fingerprint) -> bool:
        """A rebuild starts with these environment_stamps; if they changed, forget every page's
        and file's fingerprint, so that everything is rendered and written again. Whether they did."""
        changed = self.environment is not None and environment != self.environment
        if changed:
            self.fingerprints.clear()
            self.pending.clear()
            self.rendered.clear()
            self.feeds.clear()
            self.outputs.clear()
            self.pending_outputs.clear()
            self.absolute_html = KeptAbsoluteHtml()
        self.environment, self.everything = environment, changed
        return changed

    def keep_only(self, lang: str) -> None:
        """This process rebuilds `lang` alone from now on (memoria.engine.side_by_side): the others' memory goes.

        Should this process build them again, their pages, feeds and files are all made again.
        """
        for kept in (
            self.fingerprints,
            self.pending,
            self.rendered,
            self.feeds,
            self.outputs,
            self.pending_outputs,
        ):
            for other in [key for key in kept if key != lang]:
                del kept[other]
        self.listings = {
            uri: markdown for uri, markdown in self.listings.items() if uri.startswith(f"{lang}/")
        }

    def begin(self, lang: str) -> None:
        """A build of `lang` starts: nothing recorded yet for it."""
        self.pending[lang] = {}
        self.pending_outputs[lang] = {}

    def changed(self, lang: str, src_uri: str, fingerprint: Fingerprint, output: str) -> bool:
        """Whether the page differs from the last successful build of `lang` (recorded for this build)."""
        self.pending.setdefault(lang, {})[src_uri] = (fingerprint, output)
        return self.fingerprints.get(lang, {}).get(src_uri) != (fingerprint, output)

    def vanished(self, lang: str) -> list[str]:
        """Outputs of pages the last build of `lang` had and this one has not (a year left empty, a deleted entry)."""
        now = self.pending.get(lang, {})
        return [output for uri, (_, output) in self.fingerprints.get(lang, {}).items() if uri not in now]

    def output_changed(self, lang: str, path: str, fingerprint: str) -> bool:
        """Whether a file the plugin writes itself must be written again (recorded for this build)."""
        self.pending_outputs.setdefault(lang, {})[path] = fingerprint
        written = self.outputs.setdefault(lang, {})
        if path in written and written[path] == fingerprint:
            return False
        written[path] = None  # until this build succeeds, what the file holds is unknown
        return True

    def commit(self, lang: str) -> list[str]:
        """The build of `lang` succeeded: its pages and outputs now show what their fingerprints say.

        Returns the outputs the last build wrote and this one did not (a deleted event's calendar).
        """
        self.fingerprints[lang] = self.pending.pop(lang, {})
        now = self.pending_outputs.pop(lang, {})
        gone = [path for path in self.outputs.get(lang, {}) if path not in now]
        self.outputs[lang] = now
        return gone

    def listing_source(self, src_uri: str, markdown: str) -> Path:
        """A file holding a listing's Markdown, rewritten only when the Markdown changes."""
        path = self.work_dir / src_uri
        if self.listings.get(src_uri) != markdown:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(markdown, encoding="utf-8")
            self.listings[src_uri] = markdown
        return path
