"""The MkDocs adapter: a thin plugin that feeds the engine-independent core into each language build.

Order of events under mkdocs-static-i18n (one build per language, English first):
on_config → on_files (ours at priority 50: announce generated pages; i18n at -100: localise;
ours at -200: give the kept generated pages their Markdown) → on_nav → per page
on_page_markdown / on_page_context → on_post_build (per language).
"""

from __future__ import annotations

import html
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from memoria.catalog import Catalog, Listing, load_catalog
from memoria.content import ContentErrors, Entry, RecordingFields
from memoria.i18n import DEFAULT_LANGUAGE, LANGUAGES, messages_for, t
from memoria.manifest import ManifestError
from memoria.search import SearchIndexError, index_site
from memoria.transcript import CaptionFile, TranscriptError, TranscriptView, transcript_views, transcripts_for
from memoria.views import entry_view, listing_view

log = get_plugin_logger(__name__)


class MemoriaConfig(base.Config):
    media_dir = c.Type(str, default="media")
    """Folder of mirrored recordings (media/<id>/manifest.json), relative to mkdocs.yml."""
    media_url = c.Optional(c.Type(str))
    """Base URL where media are published (a CDN or bucket); default: copied into site/media/."""


class MemoriaPlugin(BasePlugin[MemoriaConfig]):
    """Validates the archive, generates listing pages and hands ready data to the templates."""

    def __init__(self) -> None:
        self.catalog: Catalog | None = None
        self.listings: dict[str, Listing] = {}  # generated source uri (with language) → listing
        self.entries: dict[str, Entry] = {}  # norm uri (press/2014/x.md) → entry
        self.files: Files | None = None
        self.lang = DEFAULT_LANGUAGE
        self.not_found_pages: dict[str, str] = {}  # language → rendered 404.html

    # --- configuration and content ---------------------------------------------------

    def _current_language(self, config: MkDocsConfig) -> str:
        i18n = config.plugins.get("i18n")
        lang = getattr(i18n, "current_language", None) if i18n else None
        return lang or DEFAULT_LANGUAGE

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if not config.site_url:
            raise PluginError(
                "mkdocs.yml: site_url: required by Memoria (feeds and hreflang links must be "
                "absolute): add e.g. 'site_url: https://archive.example.org/'"
            )
        return config

    def _load(self, config: MkDocsConfig) -> Catalog:
        try:
            catalog = load_catalog(Path(config.docs_dir))
        except ContentErrors as error:
            count = len(error.problems)
            raise PluginError(
                f"Memoria found {count} problem{'s' if count != 1 else ''} in the content:\n"
                + "\n".join(str(p) for p in error.problems)
            ) from None
        for warning in catalog.warnings:
            log.warning(str(warning))
        return catalog

    # --- files: announce generated pages before static-i18n, fill them after -------------

    @event_priority(50)
    def _announce_generated_pages(self, files: Files, config: MkDocsConfig) -> Files:
        self.lang = self._current_language(config)
        if self.catalog is None or self.lang == DEFAULT_LANGUAGE:
            self.catalog = self._load(config)  # once per `mkdocs build`, reused by later languages
        self.entries = {entry.norm_uri: entry for entry in self.catalog.entries}
        self.listings = {}
        for listing in self.catalog.listings():
            for lang in LANGUAGES:
                uri = listing.source_uri(lang)
                self.listings[uri] = listing
                if files.get_file_from_path(uri) is None:
                    # A path inside docs_dir that does not exist on disk: static-i18n keeps
                    # and localises it like an ordinary translated page.
                    files.append(File(uri, config.docs_dir, config.site_dir, config.use_directory_urls))
        return files

    @event_priority(-200)
    def _fill_generated_pages(self, files: Files, config: MkDocsConfig) -> Files:
        for file in files.documentation_pages():
            listing = self.listings.get(file.src_uri)
            if listing is not None:
                lang = getattr(file, "locale", DEFAULT_LANGUAGE)
                file.content_string = _generated_markdown(listing, lang)
        self.files = files
        return files

    on_files = CombinedEvent(_announce_generated_pages, _fill_generated_pages)

    # --- pages ------------------------------------------------------------------------

    def _norm_uri(self, src_uri: str) -> str:
        path = PurePosixPath(src_uri)
        stem, _, suffix = path.stem.rpartition(".")
        return str(path.with_name(f"{stem}.md")) if suffix in LANGUAGES else src_uri

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        entry = self.entries.get(self._norm_uri(page.file.src_uri))
        if entry is not None:
            # Titles are text (they may come from a video platform): Material prints
            # page.meta.title unescaped into <title>, the header and the navigation.
            page.meta["title"] = html.escape(entry.in_language(self.lang).title, quote=False)
            page.meta["description"] = html.escape(entry.in_language(self.lang).summary or "", quote=True)
            return entry.sources.get(self.lang, entry.sources[DEFAULT_LANGUAGE]).body
        return markdown

    def on_page_context(self, context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
        assert self.catalog is not None
        lang = self.lang

        def url_of(src_uri: str) -> str:
            assert self.files is not None
            target = self.files.get_file_from_path(src_uri)
            if target is None:
                raise PluginError(f"{page.file.src_uri}: internal link to unknown page {src_uri}")
            return get_relative_url(target.url, page.url)

        memoria: dict[str, Any] = {"lang": lang, "t": messages_for(lang)}
        file_locale = getattr(page.file, "locale", lang)
        memoria["fallback"] = file_locale != lang
        memoria["content_lang"] = file_locale
        memoria["alternates"] = self._alternates(page, config)
        entry = self.entries.get(self._norm_uri(page.file.src_uri))
        listing = self.listings.get(page.file.src_uri)
        if entry is not None:
            memoria["entry"] = entry_view(self.catalog, entry, lang, url_of)
            memoria["transcripts"] = self._transcripts(entry, lang, config)
        elif listing is not None:
            memoria["listing"] = listing_view(self.catalog, listing, lang, url_of)
        context["memoria"] = memoria
        return context

    def _transcripts(self, entry: Entry, lang: str, config: MkDocsConfig) -> list[TranscriptView]:
        """Caption text of a recording (files in media/<id>/), shown collapsed and indexed by search."""
        fields = entry.in_language(lang)
        if not isinstance(fields, RecordingFields):
            return []
        media_dir = Path(config.config_file_path).parent / self.config.media_dir
        declared = [CaptionFile(c.file, c.language, c.label) for c in fields.captions]
        try:
            return transcript_views(transcripts_for(fields.id, declared, media_dir), lang)
        except (TranscriptError, ManifestError) as error:
            raise PluginError(str(error)) from None

    # --- the 404 page, once per language ------------------------------------------------

    def on_template_context(self, context: dict[str, Any], template_name: str, config: MkDocsConfig) -> dict[str, Any]:
        if template_name == "404.html":
            base_path = urlsplit(config.site_url or "/").path or "/"
            home = base_path if self.lang == DEFAULT_LANGUAGE else f"{base_path}{self.lang}/"
            context.setdefault("memoria", {"lang": self.lang, "t": messages_for(self.lang)})  # header search box
            context["memoria_404"] = {
                "title": t("notfound.title", self.lang),
                "text": t("notfound.text", self.lang),
                "home": t("notfound.home", self.lang),
                "home_url": home,
            }
        return context

    def on_post_template(self, output_content: str, template_name: str, config: MkDocsConfig) -> str:
        if template_name == "404.html":
            self.not_found_pages[self.lang] = output_content
        return output_content

    @event_priority(0)
    def _place_not_found_pages(self, config: MkDocsConfig) -> None:
        # Every language build renders the theme's 404.html to site/404.html; static-i18n
        # builds Spanish last, so put each language's page back where it belongs.
        site_dir = Path(config.site_dir)
        for lang, output in self.not_found_pages.items():
            target = site_dir / "404.html" if lang == DEFAULT_LANGUAGE else site_dir / lang / "404.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(output, encoding="utf-8")

    @event_priority(-150)
    def _index_for_search(self, config: MkDocsConfig) -> None:
        # After static-i18n's on_post_build (-100), which builds the other languages from
        # inside the first build's: index once, when it is no longer building.
        i18n = config.plugins.get("i18n")
        if i18n is not None and getattr(i18n, "building", False):
            return
        try:
            report = index_site(Path(config.site_dir))
        except SearchIndexError as error:
            raise PluginError(str(error)) from None
        log.info(f"Search: indexed {report.pages} pages in {report.languages} languages (Pagefind)")

    on_post_build = CombinedEvent(_place_not_found_pages, _index_for_search)

    def _alternates(self, page: Page, config: MkDocsConfig) -> list[dict[str, str]]:
        """Absolute URL of this page in each language, plus x-default (English)."""
        site_url = config.site_url or ""
        alternates_by_lang = getattr(page.file, "alternates", {}) or {}
        out = []
        for lang in LANGUAGES:
            alternate = alternates_by_lang.get(lang)
            if alternate is None:
                continue
            out.append({"lang": lang, "url": site_url.rstrip("/") + "/" + alternate.url.lstrip("/")})
        default = next((a for a in out if a["lang"] == DEFAULT_LANGUAGE), None)
        if default:
            out.append({"lang": "x-default", "url": default["url"]})
        return out


def _generated_markdown(listing: Listing, lang: str) -> str:
    """The Markdown of a generated page: front matter only; the template renders the list."""
    title = listing.title[lang].replace('"', '\\"')
    hide = "\n  - toc" if listing.kind != "home" else "\n  - toc\n  - navigation"
    intro = f"\n{t('home.intro', lang)}\n" if listing.kind == "home" else ""
    return f'---\ntitle: "{html.escape(title, quote=False)}"\nhide:{hide}\nsearch:\n  exclude: true\n---\n{intro}'
