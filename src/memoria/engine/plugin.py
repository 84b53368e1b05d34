"""The MkDocs adapter: a thin plugin that feeds the engine-independent core into each language build.

Order of events under mkdocs-static-i18n (one build per language, English first):
on_config → on_files (ours at priority 50: announce generated pages; i18n at -100: localise;
ours at -200: give the kept generated pages their Markdown) → on_nav → per page
on_page_markdown / on_page_content (entry HTML kept for the feeds) / on_page_context →
on_post_build (per language: that language's feeds into site/ or site/es/).

Live preview: defining on_startup keeps the plugin across `mkdocs serve` rebuilds, so entries
are read again only when their files change. Under `mkdocs serve --dirty` (`make serve`), only
pages whose content changed are rendered again (memoria.preview decides; the adapter removes
their previous output so MkDocs' dirty build renders them), feeds keep the other entries'
HTML from earlier builds, calendars are written only when what they hold changed, and search
is indexed once, at the first build. What the first build leaves alive is frozen out of
Python's cycle collector (memoria.preview.settle_after_first_build), and each rebuild runs
without the collector's passes, its garbage collected once the page is served
(memoria.preview.RebuildCollection). Under any
`mkdocs serve`, edits are seen through file events, not polling (memoria.engine.watch), and
static-i18n's localised files are made once, its choice of each language's files again only
when files come or go (memoria.engine.localised_files).

What static-i18n does not offer publicly (the language being built, its nested builds, its
languages, a File's locale and alternates) is read through memoria.engine.i18n_bridge only.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urljoin

import yaml
from jinja2 import BytecodeCache, Environment
from jinja2.bccache import Bucket
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from memoria import __version__, messages
from memoria.addressing import WITHOUT_I18N, Addressing, LanguagesError, LanguageSetting, check_languages
from memoria.calendars import (
    CALENDAR_PATH,
    CalendarSite,
    MadeEvents,
    event_file_name,
    language_events,
    write_calendar,
    write_event_calendar,
)
from memoria.catalog import Catalog, Listing, load_catalog
from memoria.content import (
    KINDS,
    ContentErrors,
    Entry,
    EntryCache,
    KeptEntries,
    Problem,
    RecordingFields,
    SourceFile,
)
from memoria.content_policy import Allowance, PolicyCache, PolicyConfigError, escaping_links, policy_problems
from memoria.csp import content_security_policy, inline_script_hashes, with_csp_meta
from memoria.engine.cache import configuration_files
from memoria.engine.chrome import SharedChrome
from memoria.engine.engines import DEFAULT_ENGINE, ENGINES
from memoria.engine.i18n_bridge import StaticI18n, file_alternates, file_language, memoise_is_relative_to
from memoria.engine.localised_files import ChosenFiles, LocalisedFiles
from memoria.engine.preview_errors import PreviewErrors
from memoria.engine.side_by_side import Failure, SideBySide
from memoria.engine.watch import StopOnSigterm, use_file_events
from memoria.feed_stylesheet import render_stylesheet
from memoria.feeds import (
    DEFAULT_LIMIT,
    FEED_FORMATS,
    FEEDS_PAGE,
    STYLESHEET,
    Enclosure,
    Feed,
    FeedConfigError,
    FeedOptions,
    FeedSite,
    absolute_html,
    check_options,
    enclosure_of,
    feed_kinds,
    feed_updated,
    plan_feeds,
    write_feeds,
)
from memoria.i18n import editor_language, fallback_notice, messages_for, t
from memoria.identity import Identity, IdentityError, read_identity
from memoria.manifest import (
    Manifest,
    ManifestError,
    MediaFile,
    RecordingStatus,
    load_manifest,
    media_files,
    recording_status,
)
from memoria.offline import OFFLINE_ENV
from memoria.page_context import Alternate, CalendarLink, NotFoundContext, PageContext
from memoria.preview import (
    WHOLE_ARCHIVE_PAGES,
    Fingerprint,
    Neighbours,
    PreviewState,
    RebuildCollection,
    calendar_fingerprint,
    entry_fingerprint,
    environment_stamps,
    feed_fingerprint,
    listing_fingerprint,
    settle_after_first_build,
)
from memoria.publication import FUTURE_DATES, build_moment, publication_of
from memoria.reader_pages import (
    READER_PAGES,
    about_view,
    cite_view,
    home_intro,
    social_tags,
    state_texts,
)
from memoria.recording_view import (
    SITE_MEDIA,
    load_manifests,
    player_view,
    publish_media,
    status_badge,
    status_counts,
)
from memoria.search import SearchIndexError, bundle_path, index_site
from memoria.shared_lists import data_dir_of
from memoria.store import StoreError, StoreLocation, load_record, parse_media_store, store_media_files
from memoria.transcript import CaptionFile, TranscriptError, TranscriptView, transcript_views, transcripts_for
from memoria.views import (
    PublicationNotice,
    entry_view,
    feed_links,
    feeds_page,
    listing_view,
    page_feed_names,
    publication_banner,
)
from memoria.when import DEFAULT_TIME_ZONE

log = get_plugin_logger(__name__)


def _said_by_the_server(record: logging.LogRecord) -> bool:
    """A copy's logging filter: MkDocs' build and serve lines ("Building documentation…", a failed
    build's error) are the server's to say; it reports a copy's failed build itself."""
    return False


class _FeedKindChoice(c.Choice[str]):
    """One of the feed kinds known when the configuration is read (a kind registered after import counts)."""

    def __init__(self) -> None:
        super().__init__(feed_kinds())

    @property  # type: ignore[override]
    def choices(self) -> tuple[str, ...]:
        return feed_kinds()

    @choices.setter
    def choices(self, value: object) -> None:
        pass  # always the registered kinds


class _FeedKinds(c.ListOfItems[str]):
    """`feeds:`, by default every feed kind (memoria.feeds.feed_kinds)."""

    def __init__(self) -> None:
        super().__init__(_FeedKindChoice(), default=[])

    @property  # type: ignore[override]
    def default(self) -> list[str]:
        return list(feed_kinds())

    @default.setter
    def default(self, value: object) -> None:
        pass


class MemoriaConfig(base.Config):
    media_dir = c.Type(str, default="media")
    """Folder of mirrored recordings (media/<id>/manifest.json), relative to mkdocs.yml."""
    media_url = c.Optional(c.Type(str))
    """Base URL where media are published (a CDN or bucket); default: copied into site/media/."""
    media_store = c.Optional(c.Type(str))
    """Where the recordings' bytes live: s3://bucket/prefix (then media_url is the bucket's public address), default the media folder."""
    feed_limit = c.Type(int, default=DEFAULT_LIMIT)
    """Entries per feed, newest first; 0 puts every entry in every feed."""
    feeds = _FeedKinds()
    """Which feeds to write per language: all, press, events, recordings, topics, countries."""
    feed_formats = c.ListOfItems(c.Choice(FEED_FORMATS), default=list(FEED_FORMATS))
    """Formats each feed is written in: rss, atom, json (JSON Feed 1.1)."""
    feed_id_authority = c.Optional(c.Type(str))
    """RFC 4151 tag authority for feed and entry ids, e.g. 'archive.example.org,2014' (default: UUIDs from site_url's host)."""
    future_dates = c.Choice(FUTURE_DATES, default="hold")
    """An entry dated after today: 'hold' keeps it out of the site until its local start (archive's time zone), 'publish' shows it at once."""
    timezone = c.Type(str, default=DEFAULT_TIME_ZONE)
    """The archive's IANA time zone (e.g. America/Mexico_City): a date without a time is its midnight."""
    preview_polling = c.Type(bool, default=False)
    """Live preview: poll for edits as plain `mkdocs serve` does (for Docker or network mounts), not file events."""
    preview_side_by_side = c.Type(bool, default=True)
    """Live preview: rebuild each language in its own process, side by side (false: one after the other, in one)."""
    organisation = c.Optional(c.Type((str, dict)))
    """Who keeps the archive: one name, or one per language ({en: …, es: …}); on the home, About and citations."""
    description = c.Optional(c.Type((str, dict)))
    """What the archive is, one text or one per language; opens the home and About pages."""
    contact = c.Optional(c.Type(str))
    """The archive's e-mail address (or contact page URL): About page, and "do you hold a copy?" on lost recordings."""
    organisation_names = c.Optional(c.Type(dict))
    """Names of organisations per language, keyed by the name as written in entries ({name: {es: …}})."""
    allow_embeds = c.ListOfItems(c.Type(str), default=[])
    """Hosts whose iframes, images and media pages may load (each one is contacted by every reader: handbook/deployment.md)."""
    content_policy = c.Type(bool, default=True)
    """Refuse pages whose text holds scripts or loads from other hosts; false only to test the Content-Security-Policy."""
    engine = c.Choice(ENGINES, default=DEFAULT_ENGINE)
    """Which engine `memoria build`, `memoria serve` and `make offline` run: mkdocs or properdocs (same site either way)."""


class _SideBySidePreview:
    """The plugin as the preview's copies see it (memoria.engine.side_by_side.Preview)."""

    def __init__(self, plugin: MemoriaPlugin) -> None:
        self.plugin = plugin

    def rebuild_only(self, lang: str) -> None:
        self.plugin._rebuild_only(lang)

    def problems(self) -> list[Problem]:
        return self.plugin.content_problems

    def wanted(self) -> list[str]:
        return list(self.plugin.addressing.languages.built_others)

    def failed(self, failures: list[Failure]) -> None:
        self.plugin.content_problems = [problem for failure in failures for problem in failure.problems]
        for failure in failures:
            log.error(f"'{failure.lang}' build: {failure.message}")

    def lost(self, why: str) -> None:
        self.plugin._rebuild_every_language(why)


class MemoriaPlugin(BasePlugin[MemoriaConfig]):
    """Validates the archive, generates listing pages and hands ready data to the templates."""

    def __init__(self) -> None:
        self.build_time: dt.datetime | None = None  # the moment embargoes are compared with (on_config)
        self.catalog: Catalog | None = None
        self.listings: dict[str, Listing] = {}  # generated source uri (with language) → listing
        self.generated: list[Listing] = []  # every generated page of the catalog
        self.entries: dict[str, Entry] = {}  # norm uri (press/2014/x.md) → entry
        self.files: Files | None = None
        self.addressing = Addressing()  # the site's languages and URL style, read in on_config
        self.lang = self.addressing.languages.default
        self.not_found_pages: dict[str, str] = {}  # language → rendered 404.html
        self.feeds: dict[str, Feed] = {}  # feed name → feed of the language being built
        self.rendered: dict[tuple[str, str], str] = {}  # (section, id) → page HTML, this language
        self.recording_manifests: dict[str, Manifest | None] | None = None  # id → manifest, this build
        self.content_problems: list[Problem] = []  # of the last failed load, for the preview's error page
        self.entry_cache: EntryCache | None = None  # kept across `mkdocs serve` rebuilds
        self.kept_entries: KeptEntries | None = None  # build cache: entries read by earlier builds
        self.preview: PreviewState | None = None  # `mkdocs serve --dirty`: re-render what changed
        self.entry_fingerprints: dict[tuple[str, str], Fingerprint] = {}  # preview: (section, id) → page's
        self.neighbours: Neighbours | None = None  # preview: of this catalog's entries, for every language
        self.listing_store: ListingStore | None = None  # build cache: listings' Markdown as files
        self.unchanged_pages: set[str] = set()  # build cache: src uris whose files (page, calendar) came back
        self.output_store: OutputStore | None = None  # build cache: feeds and calendar kept when unchanged
        self.compiled_templates: _CompiledTemplates | None = None  # preview: templates compiled once
        self.rebuilding = (
            False  # preview (`--dirty`): the first build is over, rebuilds pause the cycle collector
        )
        self.rebuild_collection = RebuildCollection()  # preview: a rebuild's garbage collected after it
        self.localised_files = LocalisedFiles()  # preview: static-i18n's Files made once, not per rebuild
        # preview: static-i18n's choice of each language's Files made again only when files come or go
        self.chosen_files = ChosenFiles()
        self.forget_path_tests: Callable[[], None] | None = None  # preview: static-i18n's path test memoised
        self.stop_on_sigterm = StopOnSigterm()  # preview: a terminated server cleans up as after Ctrl-C
        self.identity = Identity()
        self.transcript_files: dict[str, list[tuple[str, str]]] = {}  # page src uri → (file name, text)
        self.allowance = Allowance()  # hosts staff allow embeds from (allow_embeds:)
        self.serving = False  # `mkdocs serve`: its live reload injects an inline script the CSP would block
        self.policy_cache: PolicyCache | None = None  # preview: unchanged bodies are checked once
        self.store_location: StoreLocation | None = None  # media_store: s3://… (None: the media folder)
        self.media_url: str | None = None  # where the pages point for media (None: site/media/)
        # Set by memoria.engine.build in each per-language process of `memoria build`: this
        # process makes that one language, and the parent indexes search once all have ended.
        self.single_language: str | None = None
        # Preview, languages side by side (memoria.engine.side_by_side): the one language this
        # process rebuilds (None: all of them, static-i18n nesting the others in the default's).
        self.preview_language: str | None = None
        self.side_by_side: SideBySide | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # MkDocs hands the same instance to every load_config of the same options in one process
        # (its plugin cache): a catalog another build left must not pass for this one's, which
        # reuses it only for static-i18n's later languages (_announce_generated_pages).
        self.catalog = None
        self.rebuilding = False
        # Content problems are worded in the editor's language (the preview's error page, the log).
        messages.install(editor_language(os.environ))
        if command == "serve":
            self.serving = True
            self.policy_cache = {}
            self.entry_cache = EntryCache()
            self.localised_files.install()
            self.chosen_files.install()
            self.forget_path_tests = memoise_is_relative_to()
            self.stop_on_sigterm.install()
            if dirty:
                self.preview = PreviewState(Path(tempfile.mkdtemp(prefix="memoria-preview-")))
                self.compiled_templates = _CompiledTemplates()

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Callable[..., Any]) -> Any:
        """Watch with the system's file events: polling thousands of entries slows every rebuild (memoria.engine.watch);
        show a failed rebuild's problems as a page instead of a stalled one (memoria.engine.preview_errors)."""
        for path in [*configuration_files(config), *self._environment_folders(config)]:
            if path.exists():  # MkDocs watches docs/ and mkdocs.yml only (the theme with --watch-theme)
                server.watch(str(path))  # mkdocs.yml again: MkDocs counts it watched twice
        settle_after_first_build()  # on_serve comes once, after the first build
        self.rebuilding = self.preview is not None  # every build from now on is a rebuild
        self._rebuild_side_by_side(server, config, builder)  # before any thread starts
        if not self.config.preview_polling:
            use_file_events(server)
        PreviewErrors(lambda: self.content_problems, editor_language(os.environ)).install(server)
        return server

    def _rebuild_side_by_side(self, server: Any, config: MkDocsConfig, builder: Callable[..., Any]) -> None:
        """From now on each other language rebuilds in a copy of this process, beside the default's (`preview_side_by_side`)."""
        others = list(self.addressing.languages.built_others)
        if self.preview is None or not others or not self.config.preview_side_by_side:
            return
        if not StaticI18n.of(config).enabled or StaticI18n.of(config).refused:
            return
        default = self.addressing.languages.default
        side_by_side = SideBySide.start(others, builder, _SideBySidePreview(self), [server.fileno()])
        if side_by_side is None:
            return
        self.side_by_side = side_by_side
        self._rebuild_only(default)
        server.builder = side_by_side.wrap(server.builder)

    def _rebuild_only(self, lang: str) -> None:
        """This process rebuilds `lang` alone from now on: what it kept of the other languages goes."""
        self.preview_language = lang
        assert self.preview is not None
        self.preview.keep_only(lang)
        self.not_found_pages = {k: v for k, v in self.not_found_pages.items() if k == lang}
        if lang != self.addressing.languages.default:
            for name in ("mkdocs.commands.serve", "mkdocs.commands.build"):
                logging.getLogger(name).addFilter(_said_by_the_server)

    def _rebuild_every_language(self, why: str) -> None:
        """The copies are gone: this process rebuilds every language again, those it had let go from nothing."""
        if why == "languages":
            log.info(
                messages._(
                    "Live preview: mkdocs.yml changed the languages: every language is rebuilt in one process"
                )
            )
        else:
            log.warning(
                messages._(
                    "Live preview: a language's process stopped: every language is rebuilt in this one"
                )
            )
        self.preview_language = None
        self.side_by_side = None

    def on_pre_build(self, config: MkDocsConfig) -> None:
        if self._nested(config):
            return  # static-i18n builds the other languages inside the first one's build
        if self.preview is not None:
            files, folders = configuration_files(config), self._environment_folders(config)
            changed = self.preview.use_environment(environment_stamps(files, folders))
            if changed and self._speaks_for_the_site():
                log.info(
                    messages._(
                        "mkdocs.yml, the theme's overrides or the shared lists changed: every page is rendered again"
                    )
                )
            self.preview.absolute_html.next_rebuild()  # feed items' HTML kept from the last build only
        if self.rebuilding:
            # A preview rebuild runs without the cycle collector's passes (memoria.preview).
            self.rebuild_collection.pause()

    def _speaks_for_the_site(self) -> bool:
        """What every language's build finds (the catalog's warnings) is said once: not by a preview's copy."""
        return self.preview_language in (None, self.addressing.languages.default)

    def _nested(self, config: MkDocsConfig) -> bool:
        """A build static-i18n runs inside the default language's (a language of the preview's own process is none)."""
        return self.preview_language is None and StaticI18n.of(config).nested_build()

    def _environment_folders(self, config: MkDocsConfig) -> list[Path]:
        """What every preview page may show besides entries and mkdocs.yml: the theme's overrides, the shared lists."""
        custom_dir = config.theme.custom_dir
        return [*([Path(custom_dir)] if custom_dir else []), data_dir_of(Path(config.docs_dir))]

    def on_build_error(self, error: Exception) -> None:
        if self.rebuilding:
            self.rebuild_collection.resume()

    def on_shutdown(self) -> None:
        # MkDocs keeps a plugin with on_startup for the whole process: the setting was for one build.
        self.single_language = None
        if self.side_by_side is not None:  # the copies rebuilding the other languages end with the server
            self.side_by_side.stop()
            self.side_by_side = None
        self.preview_language = None
        if self.rebuilding:  # a rebuild stopped midway (Ctrl-C) left the cycle collector paused
            self.rebuild_collection.shutdown()
            self.rebuilding = False
        self.localised_files.uninstall()
        self.chosen_files.uninstall()
        if self.forget_path_tests is not None:
            self.forget_path_tests()
            self.forget_path_tests = None
        self.stop_on_sigterm.uninstall()
        if self.preview is not None:
            shutil.rmtree(self.preview.work_dir, ignore_errors=True)

    # --- configuration and content ---------------------------------------------------

    def _current_language(self, config: MkDocsConfig) -> str:
        return StaticI18n.of(config).current_language(self.addressing.languages.default)

    def _read_addressing(self, config: MkDocsConfig) -> Addressing:
        """The site's languages, from the i18n plugin's configuration, checked against Memoria's texts."""
        i18n = StaticI18n.of(config)
        if not i18n.enabled:
            return Addressing(WITHOUT_I18N, config.use_directory_urls)
        settings = (LanguageSetting(lang.locale, lang.default, lang.build) for lang in i18n.languages())
        try:
            languages = check_languages(settings, Path(config.config_file_path or "mkdocs.yml").name)
        except LanguagesError as error:
            raise PluginError(str(error)) from None
        return Addressing(languages, config.use_directory_urls)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if not config.site_url:
            raise PluginError(
                "mkdocs.yml: site_url: required by Memoria (feeds and hreflang links must be "
                "absolute): add e.g. 'site_url: https://archive.example.org/'"
            )
        self.addressing = self._read_addressing(config)
        if self.preview_language is not None:  # a language of the preview's side-by-side rebuilds
            StaticI18n.of(config).build_only(self.preview_language)
        try:
            check_options(self._feed_options())
        except FeedConfigError as error:
            raise PluginError(f"mkdocs.yml: plugins: memoria: {error}") from None
        if self.build_time is None:  # once: every language of this build publishes for the same moment
            try:
                self.build_time = build_moment(os.environ)
            except ValueError as error:
                raise PluginError(str(error)) from None
        try:
            self.identity = read_identity(
                self.config.organisation,
                self.config.description,
                self.config.contact,
                self.config.organisation_names,
            )
        except IdentityError as error:
            raise PluginError(f"mkdocs.yml: plugins: memoria: {error}") from None
        try:
            self.allowance = Allowance.from_config(self.config.allow_embeds, "mkdocs.yml: plugins: memoria")
        except PolicyConfigError as error:
            raise PluginError(str(error)) from None
        try:
            self.store_location = parse_media_store(self.config.media_store)
        except StoreError as error:
            raise PluginError(f"mkdocs.yml: plugins: memoria: {error}") from None
        self.media_url = self.config.media_url
        if self.store_location is not None and os.environ.get(OFFLINE_ENV) == "1":
            # the offline copy carries the media itself: from media/, after `memoria media pull`
            self.store_location, self.media_url = None, None
            self._require_local_media(config)
        elif self.store_location is not None and not self.config.media_url:
            raise PluginError(
                messages._(
                    "mkdocs.yml: plugins: memoria: media_url: required with media_store {store}: "
                    "set it to the bucket's public address (its website endpoint or a CDN in front of it)"
                ).format(store=self.store_location)
            )
        if self.preview is not None:
            config.theme.static_templates.discard("sitemap.xml")  # nobody crawls the preview
        return config

    def _feed_options(self) -> FeedOptions:
        return FeedOptions(
            limit=self.config.feed_limit,
            kinds=tuple(self.config.feeds),
            id_authority=self.config.feed_id_authority,
            timezone=self.config.timezone,
            formats=tuple(self.config.feed_formats),
        )

    def _load(self, config: MkDocsConfig) -> Catalog:
        self.content_problems = []
        docs_dir = Path(config.docs_dir)
        # Nothing is read through a link that leads out of the archive (it would be published).
        links = escaping_links(docs_dir, "docs") + escaping_links(self._media_dir(config), "media")
        if links:
            self.content_problems = links  # the preview's error page lists them
            raise _content_error(links)
        # A build shows what is published now; the preview (`mkdocs serve`) shows every entry.
        published_at = None if self.entry_cache is not None else self.build_time
        try:
            catalog = load_catalog(
                docs_dir,
                self.entry_cache,
                published_at,
                self.config.future_dates,
                self.config.timezone,
                self.addressing.languages,
                self.kept_entries,
            )
        except ContentErrors as error:
            # Every problem at once: the content policy's too, read from the files themselves.
            policy = policy_problems(docs_dir, [], self.allowance) if self.config.content_policy else []
            self.content_problems = [*error.problems, *policy]
            raise _content_error(self.content_problems) from None
        if not self.config.content_policy:
            if self._speaks_for_the_site():
                log.warning(
                    "content_policy: false — page texts are not checked; only the Content-Security-Policy stands"
                )
            return catalog
        sources = [source for entry in catalog.entries for source in entry.sources.values()]
        refused = policy_problems(docs_dir, sources, self.allowance, self.policy_cache)
        if refused:
            self.content_problems = refused
            raise _content_error(refused)
        if not self._speaks_for_the_site():
            return catalog  # the preview's server says what the catalog found
        for warning in catalog.warnings:
            # A translation behind its original never stops a build, strict or not: `memoria check` lists it.
            (log.info if warning.translation_lag else log.warning)(str(warning))
        for entry, publication in catalog.held_back:
            when = f" until {publication.at.isoformat()}" if publication.at else ""
            log.info(f"{entry.original.display_path}: not published ({publication.state.value}{when})")
        return catalog

    # --- files: announce generated pages before static-i18n, fill them after -------------

    @event_priority(50)
    def _announce_generated_pages(self, files: Files, config: MkDocsConfig) -> Files:
        self.lang = self._current_language(config)
        if (
            self.catalog is None
            or self.lang == self.addressing.languages.default
            or self.preview_language is not None
        ):
            self.catalog = self._load(config)  # once per `mkdocs build`, reused by later languages
            self.recording_manifests = None  # read again once per build too, for every language
            # the same pages in every language
            self.generated = [*self.catalog.listings(), FEEDS_PAGE, *READER_PAGES]
        self.entries = {entry.norm_uri: entry for entry in self.catalog.entries}
        # Entries readers cannot see yet go before static-i18n sees them: no page, copy or sitemap line.
        for entry, _ in self.catalog.held_back:
            for source in entry.sources.values():
                held = files.get_file_from_path(source.path.relative_to(config.docs_dir).as_posix())
                if held is not None:
                    files.remove(held)
        self._stand_in_for_untranslated(files, config)
        self.listings = {}
        # In the preview, entry pages not rendered again keep their HTML from earlier builds (feeds).
        self.rendered = {} if self.preview is None else self.preview.rendered.setdefault(self.lang, {})
        options = self._feed_options()
        self.feeds = {f.name: f for f in plan_feeds(self.catalog, self.lang, config.site_name, options)}
        for listing in self.generated:
            for lang in self.addressing.languages:
                uri = self.addressing.source_uri(listing.uri, lang)
                self.listings[uri] = listing
                if files.get_file_from_path(uri) is None:
                    # A path inside docs_dir that does not exist on disk: static-i18n keeps
                    # and localises it like an ordinary translated page.
                    files.append(File(uri, config.docs_dir, config.site_dir, config.use_directory_urls))
        return files

    def _stand_in_for_untranslated(self, files: Files, config: MkDocsConfig) -> None:
        """Each language gets a page for every entry: its own finished file, or the original's text.

        A file still holding the translate marker is never published (static-i18n then falls
        back as for a missing one). static-i18n falls back to the default language only, so an
        entry written in another language is announced as a default-language page (a path in
        docs_dir, not on disk), whose text `on_page_read_source` takes from the original.
        """
        assert self.catalog is not None
        for entry in self.catalog.entries:
            for lang in self.addressing.languages:
                if entry.is_translated(lang):
                    continue
                uri = self.addressing.source_uri(entry.norm_uri, lang)
                unfinished = files.get_file_from_path(uri)
                if unfinished is not None:
                    files.remove(unfinished)
                if lang == self.addressing.languages.default:
                    files.append(File(uri, config.docs_dir, config.site_dir, config.use_directory_urls))

    @event_priority(-200)
    def _fill_generated_pages(self, files: Files, config: MkDocsConfig) -> Files:
        for file in files.documentation_pages():
            listing = self.listings.get(file.src_uri)
            if listing is not None:
                lang = file_language(file, self.addressing.languages.default)
                store = self.preview or self.listing_store
                if store is None:
                    file.content_string = _generated_markdown(listing, lang, self.identity)
                else:
                    # On disk, not in memory: MkDocs counts in-memory pages as always modified.
                    markdown = _generated_markdown(listing, lang, self.identity)
                    source = store.listing_source(f"{self.lang}/{file.src_uri}", markdown)
                    file.abs_src_path = str(source)
        if self.preview is not None:
            self._mark_changed_pages(files)
        self.files = files
        return files

    def _mark_changed_pages(self, files: Files) -> None:
        """Remove the previous output of each page whose content changed, so a dirty build renders it."""
        assert self.preview is not None and self.catalog is not None and self.entry_cache is not None
        self.preview.begin(self.lang)
        self.entry_fingerprints = {}
        if self.neighbours is None or self.neighbours.catalog is not self.catalog:
            self.neighbours = Neighbours(self.catalog)
        neighbours = self.neighbours
        for file in files.documentation_pages():
            listing = self.listings.get(file.src_uri)
            entry = self.entries.get(self.addressing.norm_uri(file.src_uri))
            if listing is not None and listing.kind in WHOLE_ARCHIVE_PAGES:
                fingerprint = None  # shows counts of the whole archive: rendered every time (a few pages)
            elif listing is not None:
                fingerprint = listing_fingerprint(self.entry_cache, listing, self.lang)
            elif entry is not None:
                fingerprint = entry_fingerprint(self.catalog, self.entry_cache, entry, self.lang, neighbours)
                self.entry_fingerprints[(entry.section, entry.id)] = fingerprint
            else:  # a hand-written page: MkDocs compares its file's and output's times,
                if self.preview.everything:  # unless what every page shows changed
                    file.is_modified = _modified  # type: ignore[method-assign]
                continue
            output = file.abs_dest_path
            changed = fingerprint is None or self.preview.changed(
                self.lang, file.src_uri, fingerprint, output
            )
            if changed:
                Path(output).unlink(missing_ok=True)
            if entry is not None:
                # An unchanged entry page's files, and those of the entries it shows, kept their
                # stamps since the last build wrote or kept its output: MkDocs need not compare the
                # two files' times (twice a page: six stat calls, 0.4 s a rebuild at 10,000 entries
                # per language).
                unchanged = not changed and os.path.isfile(output)
                file.is_modified = _not_modified if unchanged else _modified  # type: ignore[method-assign]
        for output in self.preview.vanished(self.lang):
            Path(output).unlink(missing_ok=True)

    on_files = CombinedEvent(_announce_generated_pages, _fill_generated_pages)

    @event_priority(-200)
    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        """In a dirty build (preview, build cache), read the nav pages it skips: every page's tabs show their titles."""
        if self.preview is not None or self.listing_store is not None:
            for page in nav.pages:
                if page.markdown is None and not page.file.is_modified():
                    page.read_source(config)
        return nav

    # --- pages ------------------------------------------------------------------------

    def on_page_read_source(self, page: Page, config: MkDocsConfig) -> str | None:
        """An entry's body as the catalog already read it: no second read and YAML parse per page."""
        entry = self.entries.get(self.addressing.norm_uri(page.file.src_uri))
        if entry is None:
            return None
        # An empty front matter block, so that MkDocs takes no body line ("Note: …") for metadata.
        return "---\n{}\n---\n" + self._source(entry).body

    def _source(self, entry: Entry) -> SourceFile:
        """The file this language's page of `entry` shows: its own, or the English one it falls back to."""
        return entry.sources[entry.shown_language(self.lang)]

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        entry = self.entries.get(self.addressing.norm_uri(page.file.src_uri))
        if entry is not None:
            fields = entry.in_language(self.lang)
            page.meta = {
                **self._source(entry).front_matter.values,
                # Titles are text (they may come from a video platform): Material prints
                # page.meta.title unescaped into <title>, the header and the navigation.
                "title": html.escape(fields.title, quote=False),
                "description": html.escape(fields.summary or "", quote=True),
            }
        return markdown

    def on_page_context(  # type: ignore[override]
        self, context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation
    ) -> dict[str, Any]:
        context["memoria"] = self._page_context(page, config, nav, context.get("base_url"))
        return context

    def _header_context(self, config: MkDocsConfig, feed_names: list[str]) -> PageContext:
        """What every page's header and head need, the 404 page's too: language, strings, search, feeds."""
        lang = self.lang
        base_url = self.addressing.base_url(config.site_url or "", lang)
        return PageContext(
            lang=lang,
            t=messages_for(lang),
            search_bundle=bundle_path(self.addressing.folder(lang)),
            feed_links=feed_links(self.feeds, feed_names, base_url, tuple(self.config.feed_formats)),
        )

    def _page_context(self, page: Page, config: MkDocsConfig, nav: Navigation, base_url: Any) -> PageContext:
        """The `memoria` object of a page (memoria.page_context documents it): assembled here only."""
        assert self.catalog is not None
        lang = self.lang

        def url_of(src_uri: str) -> str:
            assert self.files is not None
            # Views pass suffixed source paths, which the dict finds directly; static-i18n's
            # get_file_from_path builds three PurePaths per call (tens of thousands per build).
            target = self.files.src_uris.get(src_uri) or self.files.get_file_from_path(src_uri)
            if target is None:
                raise PluginError(f"{page.file.src_uri}: internal link to unknown page {src_uri}")
            return get_relative_url(target.url, page.url)

        file_locale = file_language(page.file, lang)
        entry = self.entries.get(self.addressing.norm_uri(page.file.src_uri))
        listing = self.listings.get(page.file.src_uri)
        memoria = self._header_context(config, page_feed_names(entry, listing))
        memoria.states_url = url_of(self.addressing.source_uri("states/index.md", lang))
        memoria.about_url = url_of(self.addressing.source_uri("about/index.md", lang))
        memoria.search_url = url_of(self.addressing.source_uri("search/index.md", lang))
        shown = entry.shown_language(lang) if entry is not None else file_locale
        memoria.fallback = shown != lang
        memoria.content_lang = shown
        memoria.fallback_notice = fallback_notice(lang, shown)
        memoria.alternates = [Alternate(**alternate) for alternate in self._alternates(page, config)]
        names = self._organisation_names(lang)
        permalink = urljoin((config.site_url or "").rstrip("/") + "/", page.url)
        if entry is not None:
            memoria.entry = entry_view(self.catalog, entry, lang, url_of, self.config.timezone, names)
            memoria.publication = self._publication_banner(entry, lang)
            if entry.kind.calendar:
                # Written beside the page by _write_feeds: a relative link from the page's folder.
                memoria.calendar = CalendarLink(event_file_name(entry), "text/calendar")
            memoria.transcripts = self._transcripts(entry, lang, config)
            self.transcript_files[page.file.src_uri] = [
                (name, text) for view in memoria.transcripts for name, text in view.files
            ]
            memoria.cite = cite_view(entry, self.identity, config.site_name, lang, permalink, _build_date())
        elif listing is not None:
            memoria.listing = listing_view(self.catalog, listing, lang, url_of, self.config.timezone, names)
            if listing.kind == "home":
                memoria.home = home_intro(self.catalog, self.identity, lang, memoria.about_url)
            elif listing.kind == "about":
                memoria.about = about_view(
                    self.catalog,
                    self.identity,
                    lang,
                    memoria.states_url,
                    url_of(self.addressing.source_uri(FEEDS_PAGE.uri, lang)),
                )
            elif listing.kind == "states":
                memoria.states = state_texts(lang)
        memoria.social = social_tags(
            html.unescape(page.title or config.site_name),  # the plugin escaped titles for Material
            html.unescape((page.meta or {}).get("description") or config.site_description or ""),
            permalink,
            config.site_name,
            lang,
            article=entry is not None,
        )
        self._recording_context(memoria, entry, listing, page, config, url_of)
        if listing is FEEDS_PAGE:
            feeds_base_url = self.addressing.base_url(config.site_url or "", lang)
            memoria.feeds = feeds_page(
                list(self.feeds.values()), feeds_base_url, tuple(self.config.feed_formats)
            )
            if "events" in self.config.feeds:
                memoria.calendar_url = feeds_base_url + CALENDAR_PATH
        memoria.chrome = self.chrome.for_page(self._chrome_key(page, nav, base_url))
        return memoria

    def _publication_banner(self, entry: Entry, lang: str) -> PublicationNotice | None:
        """In the preview, what a banner says on an entry readers cannot see yet (None if they can)."""
        if self.entry_cache is None:
            return None  # a build has left such entries out altogether
        publication = publication_of(
            entry, build_moment(os.environ), self.config.future_dates, self.config.timezone
        )
        return publication_banner(publication, lang)

    def on_env(self, env: Environment, config: MkDocsConfig, files: Files) -> Environment:
        self.chrome = SharedChrome()  # per language build: nav titles and links differ
        if self.preview is not None:
            env.bytecode_cache = self.compiled_templates  # each rebuild has a new environment
        return env

    def _chrome_key(self, page: Page, nav: Navigation, base_url: str | None) -> tuple[Any, ...] | None:
        """What Material's tabs, nav and config depend on; None on a page the nav highlights."""
        if any(item is page or item.active for item in nav.pages):
            return None
        return (self.lang, base_url, tuple(get_relative_url(item.url, page.url) for item in nav.pages))

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Keep each entry page's HTML for the feeds (only pages written in this language)."""
        entry = self.entries.get(self.addressing.norm_uri(page.file.src_uri))
        if entry is not None and entry.is_translated(self.lang):
            self.rendered[(entry.section, entry.id)] = html
        return html

    def _organisation_names(self, lang: str) -> Callable[[str], str]:
        identity = self.identity
        return lambda name: identity.organisation_name(name, lang)

    def _write_transcript_files(self, page: Page) -> None:
        """Write a recording's transcripts beside its page, as WebVTT and plain text downloads."""
        files = self.transcript_files.pop(page.file.src_uri, None)
        if files:
            folder = Path(page.file.abs_dest_path).parent
            folder.mkdir(parents=True, exist_ok=True)  # MkDocs writes the page itself after this event
            for name, text in files:
                (folder / name).write_text(text, encoding="utf-8")

    def _transcripts(self, entry: Entry, lang: str, config: MkDocsConfig) -> list[TranscriptView]:
        """Caption text of a recording (files in media/<id>/), shown collapsed and indexed by search."""
        fields = entry.in_language(lang)
        if not entry.kind.media:
            return []
        assert isinstance(fields, RecordingFields)  # the fields of a kind with media
        declared = [CaptionFile(c.file, c.language, c.label) for c in fields.captions]
        try:
            return transcript_views(transcripts_for(fields.id, declared, self._media_dir(config)), lang)
        except (TranscriptError, ManifestError) as error:
            raise PluginError(str(error)) from None

    # --- the 404 page, once per language ------------------------------------------------

    def on_template_context(  # type: ignore[override]
        self, context: dict[str, Any], template_name: str, config: MkDocsConfig
    ) -> dict[str, Any]:
        if template_name == "404.html":
            addressing, site_url = self.addressing, config.site_url or ""
            context.setdefault("memoria", self._header_context(config, ["all"]))  # header search box, feeds
            context["memoria_404"] = NotFoundContext(
                title=t("notfound.title", self.lang),
                text=t("notfound.text", self.lang),
                home=t("notfound.home", self.lang),
                home_url=addressing.home_path(site_url, self.lang),
                # Static hosts serve /404.html for every missing page: the other languages' own
                # 404 pages, which the English one shows for a path under their folder.
                languages=[addressing.home_path(site_url, lang) for lang in addressing.languages.others]
                if self.lang == addressing.languages.default
                else [],
            )
        return context

    def on_post_template(self, output_content: str, template_name: str, config: MkDocsConfig) -> str:
        if template_name == "404.html":
            output_content = self._with_csp(output_content, "")
            self.not_found_pages[self.lang] = output_content
            if self.preview_language not in (None, self.addressing.languages.default):
                return ""  # site/404.html is the default language's process's: MkDocs writes no empty page
        return output_content

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        self._write_transcript_files(page)
        return self._with_csp(output, page.content or "")

    def _with_csp(self, output: str, text_html: str) -> str:
        """The page with its Content-Security-Policy: the template's inline scripts by hash, none from its text."""
        if self.serving:
            return output  # live reload's per-request inline script; the preview is the staff's own machine
        policy = content_security_policy(
            inline_script_hashes(output, not_from=text_html), self.media_url, self.allowance.hosts
        )
        return with_csp_meta(output, policy)

    @event_priority(0)
    def _place_not_found_pages(self, config: MkDocsConfig) -> None:
        # Every language build renders the theme's 404.html to site/404.html; static-i18n
        # builds Spanish last, so put each language's page back where it belongs.
        site_dir = Path(config.site_dir)
        for lang, output in self.not_found_pages.items():
            target = self.addressing.site_folder(site_dir, lang) / "404.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(output, encoding="utf-8")

    @event_priority(-150)
    def _index_for_search(self, config: MkDocsConfig) -> None:
        # After static-i18n's on_post_build (-100), which builds the other languages from
        # inside the first build's: index once, when it is no longer building, one bundle
        # per language (the other languages' folders are theirs, not the default's).
        if self.single_language is not None:
            return  # one language of `memoria build`: the parent indexes them all (memoria.engine.build)
        if self._nested(config):
            return
        if self.preview is not None and self.preview.indexed:
            return  # the preview's search stays as its first build indexed it (handbook/staff-tools.md: Live preview)
        folders = list(self.addressing.languages.built_others)
        try:
            report = index_site(Path(config.site_dir), folders)
        except SearchIndexError as error:
            raise PluginError(str(error)) from None
        log.info(f"Search: indexed {report.pages} pages in {report.languages} languages (Pagefind)")
        if self.preview is not None:
            self.preview.indexed = True

    @event_priority(0)
    def _write_feeds(self, config: MkDocsConfig) -> None:
        """Write this language's feeds into its folder of the site (site/ or site/es/)."""
        assert self.catalog is not None and self.files is not None
        site_url = config.site_url or ""
        files = self.files

        def page_url(src_uri: str) -> str:
            target = files.get_file_from_path(src_uri)
            if target is None:
                raise PluginError(f"feeds: no page for {src_uri}")
            return urljoin(site_url.rstrip("/") + "/", target.url)  # the home page's url is "./"

        site = FeedSite(
            lang=self.lang,
            base_url=self.addressing.base_url(site_url, self.lang),
            site_name=config.site_name,
            page_url=page_url,
            content=self.rendered,
            enclosure=self._enclosure_finder(config),
            copyright=config.copyright,
            archive_status=self._archive_status_finder(config),
            made_absolute=absolute_html if self.preview is None else self.preview.absolute_html,
        )
        root = self.addressing.site_folder(Path(config.site_dir), self.lang)
        self._write_calendars(config, page_url, root)
        stylesheet = root / STYLESHEET
        stylesheet.parent.mkdir(parents=True, exist_ok=True)
        feeds_page_url = page_url(self.addressing.source_uri(FEEDS_PAGE.uri, self.lang))
        stylesheet.write_bytes(render_stylesheet(self.lang, feeds_page_url))
        feeds = list(self.feeds.values())
        zone = self.config.timezone
        if self.preview is not None:  # only the feeds whose entries changed since they were written
            assert self.entry_cache is not None
            catalog, cache, pages = self.catalog, self.entry_cache, self.entry_fingerprints
            neighbours = self.neighbours

            def shown(entry: Entry) -> Fingerprint:  # an item shows its event's title, its part, its topics
                key = (entry.section, entry.id)
                if key not in pages:
                    pages[key] = entry_fingerprint(catalog, cache, entry, self.lang, neighbours)
                return pages[key]

            fingerprints = {
                f.name: feed_fingerprint(cache, f, feed_updated(f, catalog, zone), shown) for f in feeds
            }
            written_before = self.preview.feeds.get(self.lang, {})
            feeds = [f for f in feeds if written_before.get(f.name) != fingerprints[f.name]]
        if self.output_store is not None:  # only the feeds whose entries changed since they were kept
            feeds = [f for f in feeds if not self.output_store.kept(f"feed:{f.name}", root, f)]
        written = write_feeds(feeds, self.catalog, site, self._feed_options(), site_url, root)
        log.debug(f"wrote {len(written)} feed files for '{self.lang}'")
        if self.preview is not None:
            self.preview.feeds[self.lang] = fingerprints
            for gone in self.preview.commit(self.lang):  # this language's pages are written
                Path(gone).unlink(missing_ok=True)

    def _write_calendars(self, config: MkDocsConfig, page_url: Callable[[str], str], root: Path) -> None:
        """The language's calendar of events (if `events` is among the feeds) and one .ics per event page."""
        assert self.catalog is not None and self.files is not None
        site = CalendarSite(
            lang=self.lang,
            site_name=config.site_name,
            timezone=self.config.timezone,
            id_authority=self.config.feed_id_authority,
            site_url=config.site_url or "",
            page_url=page_url,
        )
        store, preview, files = self.output_store, self.preview, self.files
        made: MadeEvents = {}  # each event serialised once, for the calendar and its own file
        # In the preview, a calendar is written again only when what it holds changed (memoria.preview).
        settings = (__version__, site.site_name, site.timezone, site.id_authority, site.site_url)

        def page_of(entry: Entry) -> File | None:
            source_uri = entry.source_uri(self.lang)
            return files.src_uris.get(source_uri) or files.get_file_from_path(source_uri)

        def url(entry: Entry) -> str | None:
            page = page_of(entry)
            return page.url if page is not None else None

        def preview_changed(path: Path, events: list[Entry]) -> bool:
            assert self.entry_cache is not None and preview is not None
            fingerprint = calendar_fingerprint(
                self.entry_cache, events, [url(e) for e in events], self.lang, settings
            )
            return preview.output_changed(self.lang, str(path), fingerprint)

        calendar = root / CALENDAR_PATH
        if "events" in self.config.feeds and (
            (store is None or not store.kept("calendar", calendar))
            and (preview is None or preview_changed(calendar, language_events(self.catalog, self.lang)))
        ):
            write_calendar(self.catalog, site, root, made)
        for entry in self.catalog.entries:
            if not entry.kind.calendar:
                continue
            page = page_of(entry)
            if page is None or page.src_uri in self.unchanged_pages:
                continue
            folder = Path(page.abs_dest_path).parent
            if preview is None or preview_changed(folder / event_file_name(entry), [entry]):
                write_event_calendar(entry, site, folder, made)

    def _archive_status_finder(self, config: MkDocsConfig) -> Callable[[Entry], RecordingStatus | None]:
        """A recording's status for its feed item, read from media/<id>/manifest.json (memoria.manifest)."""

        def status(entry: Entry) -> RecordingStatus | None:
            if not entry.kind.media:
                return None
            return recording_status(self._manifest_of(config, entry.id))

        return status

    def _enclosure_finder(self, config: MkDocsConfig) -> Callable[[Entry], Enclosure | None]:
        """Recordings with a verified mirror get their web copy as enclosure (read from manifest.json)."""
        media_dir = self._media_dir(config)
        media_url = self.media_url or (config.site_url or "").rstrip("/") + "/media/"
        store_files = self._store_files(config)

        def enclosure(entry: Entry) -> Enclosure | None:
            if not entry.kind.media:
                return None
            return enclosure_of(
                self._manifest_of(config, entry.id),
                media_dir,
                media_url,
                local=self.media_url is None,
                files_of=store_files,
            )

        return enclosure

    def _manifest_of(self, config: MkDocsConfig, recording_id: str) -> Manifest | None:
        """A recording's manifest, from the ones read once per build (feeds ask for each recording
        in several feeds, pages for each in every listing)."""
        return self._build_manifests(config).get(recording_id)

    def _build_manifests(self, config: MkDocsConfig) -> dict[str, Manifest | None]:
        if self.recording_manifests is None:
            self.recording_manifests = self._manifests(config)
        return self.recording_manifests

    # --- recordings: player, status badges, media published once ---------------------

    def _media_dir(self, config: MkDocsConfig) -> Path:
        store = self.config.media_store
        folder = store if store and not store.startswith("s3://") else self.config.media_dir  # a folder store
        return Path(config.config_file_path).parent / folder

    def _require_local_media(self, config: MkDocsConfig) -> None:
        """The offline copy of an archive kept in a store: every current file must be on disk."""
        media_dir = self._media_dir(config)
        missing = []
        for folder in sorted(media_dir.iterdir()) if media_dir.is_dir() else []:
            if folder.name.startswith(".") or not (folder / "manifest.json").is_file():
                continue
            try:
                manifest = load_manifest(media_dir, folder.name)
            except (ManifestError, ValueError):
                continue
            if manifest is None or manifest.current_version is None:
                continue
            held = {f.path for f in media_files(manifest, "", media_dir)}
            if held != {f.path for f in media_files(manifest, "")}:
                missing.append(folder.name)
        if missing:
            raise PluginError(
                messages._(
                    "the offline copy needs the media on disk, and {count} recordings are held only in "
                    "the media store ({ids}): run 'memoria media pull' first"
                ).format(count=len(missing), ids=", ".join(missing[:5]))
            )

    def _store_files(self, config: MkDocsConfig) -> Callable[[Manifest | None], list[MediaFile]] | None:
        """With a media store: a recording's published files as the store holds them (from
        media/<id>/store.json, what the store reported at upload or verify: a build makes no request)."""
        location, media_dir = self.store_location, self._media_dir(config)
        if location is None:
            return None

        def files_of(manifest: Manifest | None) -> list[MediaFile]:
            if manifest is None:
                return []
            try:
                return store_media_files(manifest, location, load_record(media_dir, manifest.id))
            except StoreError as error:
                raise PluginError(str(error)) from None

        return files_of

    def _manifests(self, config: MkDocsConfig) -> dict[str, Manifest | None]:
        assert self.catalog is not None
        try:
            media = [
                e.id for section, kind in KINDS.items() if kind.media for e in self.catalog.section(section)
            ]
            return load_manifests(self._media_dir(config), media)
        except ManifestError as error:
            raise PluginError(str(error)) from None

    def _recording_context(
        self,
        memoria: PageContext,
        entry: Entry | None,
        listing: Listing | None,
        page: Page,
        config: MkDocsConfig,
        url_of: Callable[[str], str],
    ) -> None:
        """The player on a recording's page; a status badge per recording and counts on listings."""
        assert self.catalog is not None
        manifests, lang = self._build_manifests(config), self.lang

        def media_url_of(path: str) -> str:
            if self.media_url:
                return self.media_url.rstrip("/") + "/" + path
            return get_relative_url(f"media/{path}", page.url)  # site/media/ serves every language

        if entry is not None and entry.kind.media:
            fields = entry.in_language(lang)
            assert isinstance(fields, RecordingFields)  # the fields of a kind with media
            memoria.recording = player_view(
                fields,
                manifests.get(entry.id),
                lang,
                media_url_of,
                self._media_dir(config),
                files_of=self._store_files(config),
                identity=self.identity,
            )
        elif listing is not None:
            memoria.recording_status = {
                url_of(e.source_uri(lang)): status_badge(manifests.get(e.id), lang)
                for e in listing.entries
                if e.kind.media
            }
            if listing.section is not None and KINDS[listing.section].media and listing.kind == "section":
                memoria.status_counts = status_counts(manifests, lang)

    @event_priority(0)
    def _publish_media(self, config: MkDocsConfig) -> None:
        # Once, from the default language's build (site/, not site/es/), unless a media_url serves them.
        if self.lang != self.addressing.languages.default or self.media_url:
            return
        placed = publish_media(
            self._media_dir(config), Path(config.site_dir) / SITE_MEDIA, self._build_manifests(config)
        )
        log.debug(f"published {placed} media files into {config.site_dir}/media")

    @event_priority(-150)
    def _resume_cycle_collection(self, config: MkDocsConfig) -> None:
        # After static-i18n's on_post_build (-100), which builds the other languages.
        if self.rebuilding and not self._nested(config):
            self.rebuild_collection.resume()

    on_post_build = CombinedEvent(
        _place_not_found_pages, _write_feeds, _publish_media, _index_for_search, _resume_cycle_collection
    )

    def _alternates(self, page: Page, config: MkDocsConfig) -> list[dict[str, str]]:
        """Absolute URL of this page in each language, plus x-default (English)."""
        site_url = config.site_url or ""
        alternates_by_lang = file_alternates(page.file)
        out = []
        for lang in self.addressing.languages:
            alternate = alternates_by_lang.get(lang)
            if alternate is None:
                continue
            out.append({"lang": lang, "url": site_url.rstrip("/") + "/" + alternate.url.lstrip("/")})
        default = next((a for a in out if a["lang"] == self.addressing.languages.default), None)
        if default:
            out.append({"lang": "x-default", "url": default["url"]})
        return out


class ListingStore(Protocol):
    """Keeps generated listings' Markdown as files (memoria.preview, memoria.build_cache)."""

    def listing_source(self, key: str, markdown: str) -> Path: ...


class OutputStore(Protocol):
    """Puts back a feed or the calendar from the build cache when what it holds is unchanged (engine.cache)."""

    def kept(self, name: str, where: Path, feed: Feed | None = None) -> bool: ...


class _CompiledTemplates(BytecodeCache):
    """Compiled templates kept in memory across preview rebuilds; Jinja recompiles a template whose source changed."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


def _content_error(problems: list[Problem]) -> PluginError:
    count = len(problems)
    return PluginError(
        messages.ngettext(
            "Memoria found {count} problem in the content:",
            "Memoria found {count} problems in the content:",
            count,
        ).format(count=count)
        + "\n"
        + "\n".join(str(p) for p in sorted(set(problems), key=lambda p: (p.path, p.line)))
    )


def _modified() -> bool:
    """File.is_modified for a preview page whose inputs changed: rendered again."""
    return True


def _not_modified() -> bool:
    """File.is_modified for a preview page whose inputs did not change and whose output is there."""
    return False


def _generated_markdown(listing: Listing, lang: str, identity: Identity | None = None) -> str:
    """The Markdown of a generated page: front matter only; the template renders the list.

    The front matter is written by a YAML serialiser: a title is staff's text (a topic, an
    organisation) and may hold quotes, backslashes or colons.
    """
    title = listing.title[lang]
    if listing.kind == "organisation" and identity is not None:
        title = identity.organisation_name(title, lang)
    return _listing_front_matter(title, listing.kind == "home")


@lru_cache(maxsize=2**15)
def _listing_front_matter(title: str, home: bool) -> str:
    """A function of its arguments alone: a preview rebuild serialises each of thousands of listings once."""
    front_matter = {
        # Material prints the title unescaped into <title>, the header and the navigation
        "title": html.escape(title, quote=False),
        "hide": ["toc"] if not home else ["toc", "navigation"],
        "search": {"exclude": True},
    }
    dumped = yaml.safe_dump(front_matter, allow_unicode=True, sort_keys=False, width=10_000)
    return f"---\n{dumped}---\n"


def _build_date() -> dt.date:
    """Today in UTC: the 'accessed' date a citation carries until the page's script puts the reader's."""
    return dt.datetime.now(dt.UTC).date()
