"""The engine's side of the build cache (memoria.build_cache): reuse unchanged pages in MkDocs' dirty build.

A language's build starts in an empty staging folder. Before MkDocs reads any page, each page
whose fingerprint matches the cache gets its previous files back (hard links to the cache's,
or a copy when the source file is newer than them), so MkDocs' dirty build (`build(config,
dirty=True)`) skips it: no Markdown, no Jinja. Everything else a build writes (static files,
feeds, calendars, sitemap, 404, media) is written afresh, as in a cold build. A page MkDocs
decides to render anyway first loses its links (`on_pre_page`), so nothing is ever written
through a link into the cache or the published site.

Hooked as a second plugin, registered by `memoria.engine.build` next to Memoria's, so the
Memoria plugin keeps only two small hooks (listing sources on disk; nav titles in dirty
builds). `PhaseClock` times the build's phases for `memoria build --timings`.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import os
import shutil
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from memoria.build_cache import (
    UNTRACKABLE_EXTENSIONS,
    BuildCache,
    EntryDigests,
    EntryStore,
    FolderMaker,
    LanguageState,
    ListingSources,
    PageRecord,
    SiteStamp,
    being_written,
    digest,
    entry_page_fingerprint,
    environment_key,
    file_stamps,
    folder_digest,
    link_or_copy,
    listing_page_fingerprint,
    packages_digest,
    relative_prefix,
    replace_with_link,
    replace_with_text,
    set_aside,
    stamp,
    sweep,
)
from memoria.calendars import event_file_name, language_events
from memoria.content import entry_files
from memoria.engine.localised_files import LocalisedFiles
from memoria.feeds import FEEDS_PAGE, Feed, feed_updated
from memoria.i18n import editor_language
from memoria.offline import OFFLINE_ENV
from memoria.publication import BUILD_TIME_VARIABLE
from memoria.reader_pages import READER_PAGES
from memoria.search import BUNDLE_DIR, read_page, searchable_page
from memoria.shared_lists import data_dir_of

#: Pages that show the whole archive (counts, every feed, latest entries): rendered every time.
ALWAYS_RENDERED = frozenset({"home", FEEDS_PAGE.kind, *(page.kind for page in READER_PAGES)})

DIRTY_WARNING = "A 'dirty' build is being performed"
"""The start of MkDocs 1.6's warning for `build(dirty=True)`: meant for people who run
`--dirty` by hand; here the cache decides what is rendered, and a strict build must not fail on it."""


class _NotDirtyWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(DIRTY_WARNING)


class CachePlugin(BasePlugin):  # type: ignore[type-arg]
    """One language's build with the cache: which pages are reused, and what to keep afterwards."""

    def __init__(self, cache: BuildCache, lang: str, environment: str, memoria: Any) -> None:
        self.cache = cache
        self.lang = lang
        self.environment = environment
        self.memoria = memoria  # the Memoria plugin of this build (its catalog, listings, entries)
        self.state = cache.load(lang)
        self.key = ""
        self.site_dir = Path()
        self.fingerprints: dict[str, tuple[str, str]] = {}  # src uri → (fingerprint, output path)
        self.reused: dict[str, PageRecord] = {}  # src uri → the record its files came from
        self.beside: dict[str, list[str]] = {}  # src uri → files written beside the page
        self.rendered_again = 0
        # files of the replaced site kept where they were (None: there was none to start from)
        self.in_place: int | None = None
        # what pickled objects were made by: the same packages and engine (MkDocs or ProperDocs)
        engine = getattr(sys.modules.get("mkdocs"), "__name__", "mkdocs")
        self.versions = digest((packages_digest(), engine))
        # an entry's problems name its files relative to the working folder
        self.entries = memoria.kept_entries = EntryStore(cache, digest((self.versions, os.getcwd())))
        self.localised = LocalisedFiles()  # static-i18n's Files, kept between builds (on_startup)
        self.files_to_keep: dict[tuple[Any, ...], Any] | None = None  # None: the kept ones are as they were
        self.digests = EntryDigests(Path())
        self.outputs: dict[str, PageRecord] = {}  # feeds and calendar of this build
        # output path → (bytes written, its compact search page or None): made from each page's
        # HTML as it is written, not read back and parsed again afterwards (plan_search)
        self.search_pages: dict[str, tuple[int, str | None]] = {}
        self.search_kept: set[str] = set()  # pages whose cached search record plan_search found intact
        self.record_stamps: list[SiteStamp] = []  # the search records' folder as commit left it
        memoria.listing_store = ListingSources(cache.root / "listings")
        memoria.output_store = self
        # The build module's logger is named after the engine's package (ProperDocs: properdocs.…).
        build_module = sys.modules.get("mkdocs.commands.build")
        for name in {"mkdocs.commands.build", getattr(build_module, "__name__", "mkdocs.commands.build")}:
            logging.getLogger(name).addFilter(_NotDirtyWarning())

    @property
    def warm(self) -> bool:
        return self.state is not None

    # --- what MkDocs and static-i18n would otherwise make again on every build ---------

    @event_priority(-100)  # after Memoria's on_config has read the languages
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Each language's process writes its share of the entries the store is missing."""
        langs = list(self.memoria.addressing.languages)
        if self.lang in langs:
            self.entries.share = (langs.index(self.lang), len(langs))
        return config

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """static-i18n's localised Files, as the last build made them (they depend on paths only)."""
        kept = self.cache.load_objects(f"{self.lang}/files.pickle", self.versions)
        self.localised = LocalisedFiles(kept if isinstance(kept, dict) else None)
        self.localised.install()

    def on_shutdown(self) -> None:
        """Note the Files this build used (kept at `commit`, once the build has succeeded), and let go
        of Memoria's plugin: MkDocs hands the same instance to a later build in this process with
        the same options (tests build in-process), which must not find this build's cache in it."""
        localised = self.localised
        if localised.added or len(localised.used) != len(localised.made):
            self.files_to_keep = {key: localised.made[key] for key in localised.used if key in localised.made}
        localised.uninstall()
        memoria = self.memoria
        memoria.kept_entries = memoria.listing_store = memoria.output_store = None
        memoria.unchanged_pages = set()

    @event_priority(100)  # before any plugin renders a template
    def on_env(self, env: Environment, config: MkDocsConfig, files: Files) -> Environment:
        """Templates compiled by an earlier build are loaded, not compiled again (Jinja checks each
        against its source, and its own and Python's version)."""
        env.bytecode_cache = FileSystemBytecodeCache(str(self.cache.root / "templates"))
        (self.cache.root / "templates").mkdir(parents=True, exist_ok=True)
        return env

    @event_priority(-100)  # after static-i18n and Memoria's files; before Memoria's nav (-200) reads titles
    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        self.site_dir = Path(config.site_dir)
        memoria = self.memoria
        catalog = memoria.catalog
        digests = self.digests = EntryDigests(Path(config.docs_dir))
        site_map = digest(sorted((f.src_uri, f.url) for f in files))
        self.key = digest(
            (
                self.environment,
                self.lang,
                [(page.url, page.file.content_string) for page in nav.pages],  # tabs: titles and places
                sorted(
                    (f.name, f.title, f.label, f.short_label, f.description, f.listing_uri)
                    for f in memoria.feeds.values()
                ),  # every page's head names its feeds
                # names "as first written" by any entry (no shared list): pages and feeds show them
                sorted(catalog.organisation_names.items()),
                sorted((slug, sorted(labels.items())) for slug, labels in catalog.topic_labels.items()),
            )
        )
        for file in files.documentation_pages():
            listing = memoria.listings.get(file.src_uri)
            entry = memoria.entries.get(memoria.addressing.norm_uri(file.src_uri))
            if listing is not None:
                if listing.kind in ALWAYS_RENDERED:
                    continue
                fingerprint = listing_page_fingerprint(digests, listing, self.lang, file.content_string)
            elif entry is not None:
                fingerprint = entry_page_fingerprint(catalog, digests, entry, self.lang, site_map)
            else:
                continue  # hand-written: rendered every time
            output = Path(file.abs_dest_path).relative_to(self.site_dir).as_posix()
            self.fingerprints[file.src_uri] = (fingerprint, output)
        # A warm build starts from the site the last one replaced (commands.build), if there is
        # one: the pages placed stay, everything else goes, before anything is written.
        recycled = self.site_dir.is_dir()
        if self.state is not None and self.state.key == self.key:
            placed, self.in_place = self._place_unchanged(files, recycled)
            if recycled:
                sweep(str(self.site_dir), placed)
        else:  # every page is rendered again: nothing of the starting tree stays
            set_aside(self.site_dir)
        memoria.unchanged_pages = set(self.reused)
        return nav

    def _place_unchanged(self, files: Files, recycled: bool) -> tuple[set[str], int | None]:
        """Put back the files of every page whose fingerprint and cached files are as recorded: their
        paths, and how many were in place already. In a starting tree (`recycled`), a file that is
        the cached file's link stays (without one, None were in place)."""
        assert self.state is not None
        kept = self.cache.pages_dir(self.lang)
        kept_root, site_root, make_folder = str(kept), str(self.site_dir), FolderMaker()
        placed: set[str] = set()
        in_place = 0
        for src_uri, (fingerprint, output) in self.fingerprints.items():
            record = self.state.pages.get(src_uri)
            if record is None or record.fingerprint != fingerprint or record.outputs[0][0] != output:
                continue
            if any(stamp(kept, recorded[0]) != tuple(recorded) for recorded in record.outputs):
                continue  # a cached file was changed or removed: never trusted
            entry = self.memoria.entries.get(self.memoria.addressing.norm_uri(src_uri))
            html = None
            if entry is not None and entry.is_translated(self.lang):
                html = self.state.rendered.get(f"{entry.section}/{entry.id}")
                if html is None:
                    continue  # the feeds need its HTML: rendered again
            file = files.src_uris[src_uri]
            source = file.abs_src_path
            if source is not None and not os.path.exists(source) and entry is not None:
                # A stand-in for an untranslated page (no file of its own): its text is the original's.
                file.abs_src_path = source = str(entry.sources[entry.shown_language(self.lang)].path)
            newer = os.path.getmtime(source) if source else 0.0
            for relative, _size, mtime_ns in record.outputs:
                target, cached = os.path.join(site_root, relative), os.path.join(kept_root, relative)
                linked = mtime_ns / 1e9 >= newer  # a link would look older than its source: copy (a new time)
                placed.add(relative)
                if recycled and linked and _same_file(cached, target):
                    in_place += 1
                    continue
                if recycled and os.path.lexists(target):
                    _remove(target)
                make_folder(os.path.dirname(target))
                if linked:
                    link_or_copy(cached, target)
                else:
                    shutil.copyfile(cached, target)
            self.reused[src_uri] = record
            if entry is not None and html is not None:
                self.memoria.rendered[(entry.section, entry.id)] = html
        return placed, in_place if recycled else None

    def kept(self, name: str, where: Path, feed: Feed | None = None) -> bool:
        """Put back a feed's files (`where`: the language's root) or the calendar (`where`: its file)
        when what it holds is unchanged; otherwise note it, to keep what the build writes."""
        memoria, catalog = self.memoria, self.memoria.catalog
        if feed is not None:
            entries = [
                (
                    e.section,
                    e.id,
                    self.digests.of(e),
                    [self.digests.of(x) for x in [catalog.event_of(e)] if x],
                )
                for e in feed.entries
            ]
            updated = feed_updated(feed, catalog, memoria.config.timezone).isoformat()
            meta = (feed.name, feed.lang, feed.title, feed.label, feed.description, feed.listing_uri)
            fingerprint = digest((self.key, "feed", meta, updated, entries))
            paths = [where / feed.path(fmt) for fmt in memoria.config.feed_formats]
        else:
            events = [self.digests.of(e) for e in language_events(catalog, self.lang)]
            fingerprint, paths = digest((self.key, "calendar", events)), [where]
        relatives = [path.relative_to(self.site_dir).as_posix() for path in paths]
        record = (
            self.state.outputs.get(name) if self.state is not None and self.state.key == self.key else None
        )
        kept = self.cache.pages_dir(self.lang)
        if (
            record is not None
            and record.fingerprint == fingerprint
            and [r[0] for r in record.outputs] == relatives
            and all(stamp(kept, r[0]) == tuple(r) for r in record.outputs)
        ):
            for relative in relatives:
                (self.site_dir / relative).parent.mkdir(parents=True, exist_ok=True)
                link_or_copy(kept / relative, self.site_dir / relative)
            self.outputs[name] = record
            return True
        self.outputs[name] = PageRecord(fingerprint, [(r, 0, 0) for r in relatives])  # stamped at commit
        return False

    def on_pre_page(self, page: Page, config: MkDocsConfig, files: Files) -> Page:
        """MkDocs renders this page after all: its files get their own inodes first."""
        record = self.reused.pop(page.file.src_uri, None)
        if record is not None:
            self.memoria.unchanged_pages.discard(page.file.src_uri)
            for relative, *_ in record.outputs:
                (self.site_dir / relative).unlink(missing_ok=True)
        self.rendered_again += 1
        return page

    @event_priority(10)  # before Memoria's on_post_page writes (and forgets) the transcripts
    def _note_files_beside(self, output: str, page: Page, config: MkDocsConfig) -> str:
        beside = [name for name, _text in self.memoria.transcript_files.get(page.file.src_uri) or []]
        entry = self.memoria.entries.get(self.memoria.addressing.norm_uri(page.file.src_uri))
        if entry is not None and entry.section == "events":
            beside.append(event_file_name(entry))  # its calendar, written after the pages
        folder = Path(page.file.abs_dest_path).parent.relative_to(self.site_dir)
        self.beside[page.file.src_uri] = [(folder / name).as_posix() for name in beside]
        return output

    @event_priority(-1000)  # after every other plugin's: the HTML as MkDocs writes it
    def _search_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        """The page's search record, from the HTML about to be written (as MkDocs encodes it)."""
        if output.strip():
            written = output.encode("utf-8", errors="xmlcharrefreplace")
            found = searchable_page(written)
            relative = Path(page.file.abs_dest_path).relative_to(self.site_dir).as_posix()
            self.search_pages[relative] = (len(written), found.staging_html() if found else None)
        return output

    on_post_page = CombinedEvent(_note_files_beside, _search_page)

    def plan_search(self, root: Path) -> SearchPlan:
        """Every page's search record below `root` (the language's part of the tree): kept or made now."""
        assert self.state is not None or not self.reused
        records = self.cache.search_dir(self.lang)
        prefix = root.relative_to(self.site_dir).as_posix()
        prefix = "" if prefix == "." else prefix + "/"
        known: dict[str, tuple[str, Path] | None] = {}
        for record in self.reused.values():
            page = record.outputs[0][0]
            if not page.startswith(prefix):
                continue
            if page not in self.state.search:  # type: ignore[union-attr]
                known[page[len(prefix) :]] = None
            elif stamp(records, page) == tuple(self.state.search[page]):  # type: ignore[union-attr]
                known[page[len(prefix) :]] = (self.state.search_digests[page], records / page)  # type: ignore[union-attr]
                self.search_kept.add(page)
        made = {
            page[len(prefix) :]: found for page, found in self.search_pages.items() if page.startswith(prefix)
        }
        return SearchPlan.make(root, known, made)

    def commit(self, plan: SearchPlan, prefix: str) -> LanguageState:
        """Keep this build's new pages in the cache (hard links: neither side is ever written again)."""
        kept = self.cache.pages_dir(self.lang)
        previous = self.state.pages if self.state is not None else {}
        state = LanguageState(key=self.key)
        for src_uri, (fingerprint, output) in self.fingerprints.items():
            reused = self.reused.get(src_uri)
            if reused is not None:
                state.pages[src_uri] = reused
                continue
            if not (self.site_dir / output).is_file():
                continue
            relatives = [output, *(r for r in self.beside.get(src_uri, []) if (self.site_dir / r).is_file())]
            for relative in relatives:
                replace_with_link(self.site_dir / relative, kept / relative)
            stamps = [stamp(kept, relative) for relative in relatives]
            state.pages[src_uri] = PageRecord(fingerprint, [s for s in stamps if s is not None])
        for src_uri, record in previous.items():  # files of vanished or changed pages no page keeps
            now = {r[0] for r in state.pages[src_uri].outputs} if src_uri in state.pages else set()
            for relative, *_ in record.outputs:
                if relative not in now:
                    (kept / relative).unlink(missing_ok=True)
        for name, record in self.outputs.items():
            if record.outputs and record.outputs[0][1:] == (0, 0):  # written by this build
                relatives = [r[0] for r in record.outputs if (self.site_dir / r[0]).is_file()]
                for relative in relatives:
                    replace_with_link(self.site_dir / relative, kept / relative)
                stamps = [stamp(kept, relative) for relative in relatives]
                record = PageRecord(record.fingerprint, [s for s in stamps if s is not None])
            state.outputs[name] = record
        for name, record in (self.state.outputs if self.state is not None else {}).items():
            now = {r[0] for r in state.outputs[name].outputs} if name in state.outputs else set()
            for relative, *_ in record.outputs:
                if relative not in now:
                    (kept / relative).unlink(missing_ok=True)
        state.rendered = {f"{section}/{id_}": html for (section, id_), html in self.memoria.rendered.items()}
        records = self.cache.search_dir(self.lang)
        old_search = self.state.search if self.state is not None else {}
        for relative, (record_digest, source) in plan.records.items():
            page = prefix + relative
            if page in self.search_kept:  # the cache's own file, its stamp checked by plan_search
                state.search[page] = old_search[page]
                state.search_digests[page] = record_digest
                continue
            if source is None:  # made now but not staged (the bundle was kept): written here
                replace_with_text(plan.fresh[relative], records / page)
            elif source != records / page:
                replace_with_link(source, records / page)
            found = stamp(records, page)
            if found is not None:
                state.search[page] = found
                state.search_digests[page] = record_digest
        # Pagefind reads this folder as it is: whatever no record of this state is (a vanished
        # page's, a file left by a build killed mid-write) goes, and its stamps now are what the
        # index must be made from. Not another running build's file before its rename: removing
        # it failed that build ("could not write …: No such file or directory"), seen with two
        # builds at once. Pagefind reads only *.html; whatever the other build changes here
        # before this one's Pagefind is done makes this one index its own pages (commands.build).
        self.record_stamps = []
        for kept_file in file_stamps(records):
            if kept_file[0] in state.search:
                self.record_stamps.append(kept_file)
            elif not being_written(os.path.basename(kept_file[0]), kept_file[2]):
                os.unlink(records / kept_file[0])
        self.cache.save(self.lang, state)
        if self.files_to_keep is not None:
            self.cache.save_objects(f"{self.lang}/files.pickle", self.versions, self.files_to_keep)
        if self.lang == self.memoria.addressing.languages.default:  # one language's process prunes
            self.entries.prune()
        return state


@dataclass
class SearchPlan:
    """A language's search records: (digest, file) for those kept from the cache, (digest, None) for
    pages made now; `fresh` holds the compact pages made now, until `commit` writes them."""

    records: dict[str, tuple[str, Path | None]]
    fresh: dict[str, str]
    key: str

    @classmethod
    def make(
        cls,
        root: Path,
        known: dict[str, tuple[str, Path] | None],
        made: Mapping[str, tuple[int, str | None]] | None = None,
    ) -> SearchPlan:
        """Every page below `root`: `known` from the cache, `made` as it was written (its size
        must still match; otherwise, and for any other page, read from the file)."""
        made = made or {}
        records: dict[str, tuple[str, Path | None]] = {}
        fresh: dict[str, str] = {}
        for key in _html_below(root):
            if key in known:
                found = known[key]
                if found is not None:
                    records[key] = found
                continue
            path = root / key
            written = made.get(key)
            if written is not None and path.stat().st_size == written[0]:
                staging_html = written[1]
            else:
                page = read_page(path)
                staging_html = page.staging_html() if page is not None else None
            if staging_html is not None:
                fresh[key] = staging_html
                records[key] = (digest(staging_html), None)
        return cls(records, fresh, digest(sorted((k, d) for k, (d, _p) in records.items())))


def _same_file(first: str, second: str) -> bool:
    """Whether two paths are links to one file (False if either is missing)."""
    try:
        return os.path.samestat(os.stat(first), os.lstat(second))
    except OSError:
        return False


def _remove(path: str) -> None:
    """Remove a file, a link or a folder (a starting tree may hold a folder where a page now goes)."""
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    else:
        os.unlink(path)


def _html_below(root: Path) -> list[str]:
    """Every HTML file below `root` but the search bundle's, as sorted relative paths ('a/index.html')."""
    found = []
    top = str(root)
    for folder, dirs, names in os.walk(top):
        if folder == top and BUNDLE_DIR in dirs:
            dirs.remove(BUNDLE_DIR)
        prefix = relative_prefix(folder, top)
        found += [prefix + name for name in names if name.endswith(".html")]
    return sorted(found)


class CollectAfterLoading(BasePlugin):  # type: ignore[type-arg]
    """What a language's build loads (Files, entries, the catalog, templates) is moved out of
    Python's cycle collector's sight once loaded (`gc.freeze`, at `on_env`, before any page renders).

    Each collection walked all those objects again, though they live as long as the build: in a
    warm build, 0.8 s of a 3.3 s process at 3,000 entries per language; in a cold one, 1 s of its
    17 s of rendering. A warm build loads from the cache with the collector off (little garbage,
    many lasting objects). A cold one reads every entry's files and keeps it on, then collects
    once before freezing: freezing that garbage cost 100 MB at 3,000 entries.
    """

    def __init__(self, warm: bool) -> None:
        self.warm = warm

    def on_startup(self, *, command: str, dirty: bool) -> None:
        if self.warm:
            gc.disable()

    @event_priority(-1000)  # after every plugin's on_env: the last of the loading
    def on_env(self, env: Environment, config: MkDocsConfig, files: Files) -> Environment:
        if not self.warm:
            gc.collect()
        gc.freeze()
        gc.enable()
        return env

    def on_shutdown(self) -> None:
        gc.unfreeze()  # an in-process build (tests) hands its objects back to the collector
        gc.enable()


class PhaseClock(BasePlugin):  # type: ignore[type-arg]
    """When each phase of one language's build ended: load (config, content, files, nav), render, feeds."""

    def __init__(self, started: float) -> None:
        self.marks: dict[str, float] = {"start": started}

    @event_priority(-1000)
    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        self.marks["load"] = time.perf_counter()
        return nav

    @event_priority(1000)
    def _render_done(self, config: MkDocsConfig) -> None:
        self.marks["render"] = time.perf_counter()

    @event_priority(-1000)
    def _feeds_done(self, config: MkDocsConfig) -> None:
        self.marks["feeds"] = time.perf_counter()

    on_post_build = CombinedEvent(_render_done, _feeds_done)

    def phases(self) -> dict[str, float]:
        """Seconds per phase, in order."""
        order = ["start", "load", "render", "feeds"]
        marks = [self.marks.get(name) for name in order]
        out = {}
        for previous, name, mark in zip(marks, order[1:], marks[1:], strict=False):
            if previous is not None and mark is not None:
                out[name] = mark - previous
        return out


def environment_of(config: MkDocsConfig, memoria: Any, strict: bool) -> str | None:
    """The language key's share that is not the archive's entries (`environment_key`); None when
    a Markdown extension reads other files into pages, so no page's inputs can be known."""
    extensions = [str(name) for name in config.markdown_extensions]
    if any(name in UNTRACKABLE_EXTENSIONS for name in extensions):
        return None
    docs_dir = Path(config.docs_dir)
    custom_dir = config.theme.custom_dir
    folders = [Path(custom_dir)] if custom_dir else []
    folders += [memoria._media_dir(config), data_dir_of(docs_dir)]
    return environment_key(
        config_file=Path(config.config_file_path),
        docs_dir=docs_dir,
        entry_files=[path for _section, path in entry_files(docs_dir)],
        folders=folders,
        settings={
            "strict": bool(strict or config.strict),
            # citations carry the day of the build ("accessed"), as does the sitemap
            "day": dt.datetime.now(dt.UTC).date().isoformat(),
            "interface": editor_language(os.environ),
            "offline": os.environ.get(OFFLINE_ENV),
            "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH"),
            "extensions": extensions,
            # MkDocs or ProperDocs: each page's generator tag names the engine that rendered it
            "engine": getattr(sys.modules.get("mkdocs"), "__name__", "mkdocs"),
        },
    )


#: variables a shell changes between two commands without changing what a build reads
_SHELL_NOISE = frozenset({BUILD_TIME_VARIABLE, "OLDPWD", "PWD", "_", "SHLVL"})


def site_inputs_key(config: MkDocsConfig, environment: str) -> str:
    """Everything a build of the whole site reads, hashed: the language keys' environment, every
    file of docs/ (entries included), the files beside mkdocs.yml (what INHERIT names, too), the
    hooks and the process's environment (mkdocs.yml's !ENV). `environment`: `environment_of`."""
    config_file = Path(config.config_file_path)
    beside = [config_file.parent / name for name in sorted(os.listdir(config_file.parent))]
    return digest(
        (
            environment,
            folder_digest(Path(config.docs_dir)),
            [(str(p), folder_digest(p)) for p in [*beside, *configuration_files(config)[1:]] if p.is_file()],
            sorted((k, v) for k, v in os.environ.items() if k not in _SHELL_NOISE),
        )
    )


def configuration_files(config: MkDocsConfig) -> list[Path]:
    """mkdocs.yml, the files its INHERIT chain names (MkDocs merges them in) and its hooks' modules."""
    config_file = Path(config.config_file_path)
    modules = config.hooks.values() if isinstance(config.hooks, dict) else config.hooks or []
    hooks = [Path(m.__file__) for m in modules if m.__file__ is not None]
    return [config_file, *(Path(p) for p in _inherited(config_file)), *hooks]


def _inherited(config_file: Path) -> list[str]:
    """The files mkdocs.yml's INHERIT chain names (MkDocs merges them into the configuration)."""
    found: list[str] = []
    current = config_file
    while len(found) < 10:
        try:
            text = current.read_text(encoding="utf-8")
        except OSError:
            break
        for line in text.splitlines():
            if line.startswith("INHERIT:"):
                current = (current.parent / line.partition(":")[2].strip().strip("'\"")).resolve()
                found.append(str(current))
                break
        else:
            break
    return found
