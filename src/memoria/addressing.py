"""Where every page, listing and feed lives, in every language: the one addressing rule.

Source paths (below docs/): one Markdown file per language, `press/2014/x.es.md`; the entry,
listing or generated page itself is named by its plain path, `press/2014/x.md` (its "norm
uri"). URLs: the default language at the site's root, each other language under `/<lang>/`;
a page `x.md` is served at `x/` with use_directory_urls (MkDocs' default), else at `x.html`.

The site's languages come from configuration (the i18n plugin's `languages` in mkdocs.yml),
read once: the site engine reads them through its plugin (memoria.engine.plugin), the commands
that read the project without an engine through memoria.project. They must be languages
Memoria has texts for (memoria.i18n, the gettext catalog), and the default must be Memoria's.
Engine-independent: no MkDocs import.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from memoria.i18n import DEFAULT_LANGUAGE as TEXTS_DEFAULT
from memoria.i18n import LANGUAGES as TEXT_LANGUAGES
from memoria.messages import _

#: static-i18n's pseudo-language: an item of the language switcher that is never built
_SWITCHER_ONLY = "null"


class LanguagesError(ValueError):
    """The configured languages do not fit Memoria; the message names mkdocs.yml and the field."""


@dataclass(frozen=True)
class LanguageSetting:
    """One item of the i18n plugin's `languages`, as configured."""

    locale: str
    default: bool = False
    build: bool = True


@dataclass(frozen=True)
class Languages:
    """The site's languages in their configured order, and which one is the default."""

    codes: tuple[str, ...]
    default: str
    built: tuple[str, ...] | None = None  # the languages built (None: all of them)

    def __post_init__(self) -> None:
        if self.default not in self.codes:
            raise ValueError(f"default language {self.default!r} is not one of {self.codes}")

    @property
    def others(self) -> tuple[str, ...]:
        """Every language but the default, in configured order."""
        return tuple(code for code in self.codes if code != self.default)

    @property
    def built_others(self) -> tuple[str, ...]:
        """The other languages the engine builds (each has its own folder of the site)."""
        built = self.codes if self.built is None else self.built
        return tuple(code for code in built if code != self.default)

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def __iter__(self) -> Iterator[str]:
        return iter(self.codes)

    def order(self, code: str) -> int:
        """A sort key: configured order."""
        return self.codes.index(code)


#: The languages Memoria has texts for, English the default: what the core assumes unless told.
MEMORIA_LANGUAGES = Languages(TEXT_LANGUAGES, TEXTS_DEFAULT)

#: A site without the i18n plugin: Memoria's languages, of which the engine builds the default only.
WITHOUT_I18N = Languages(TEXT_LANGUAGES, TEXTS_DEFAULT, (TEXTS_DEFAULT,))


def check_languages(settings: Iterable[LanguageSetting], where: str = "mkdocs.yml") -> Languages:
    """The site's languages from the i18n plugin's settings, or LanguagesError naming `where` and the field.

    Each must be a language Memoria has texts for (its pages' words, dates, the staff messages),
    and the default Memoria's own: entries fall back to it, and its texts fill any gap.
    """
    field = f"{where}: plugins: i18n: languages"
    codes: list[str] = []
    built: list[str] = []
    defaults: list[str] = []
    for setting in settings:
        if setting.locale == _SWITCHER_ONLY:
            continue
        if setting.locale not in TEXT_LANGUAGES:
            raise LanguagesError(
                _(
                    "{field}: locale: '{code}': Memoria has no texts in this language (it has {known}): "
                    "remove it, or add its texts to Memoria (memoria/i18n.py and the catalog)"
                ).format(field=field, code=setting.locale, known=", ".join(TEXT_LANGUAGES))
            )
        if setting.locale in codes:
            raise LanguagesError(
                _("{field}: locale: '{code}' is listed twice: keep one").format(
                    field=field, code=setting.locale
                )
            )
        codes.append(setting.locale)
        if setting.build:
            built.append(setting.locale)
        if setting.default:
            defaults.append(setting.locale)
    if len(defaults) != 1:
        raise LanguagesError(
            _(
                "{field}: default: exactly one language must say 'default: true' (found {count}): mark '{code}'"
            ).format(field=field, count=len(defaults), code=TEXTS_DEFAULT)
        )
    if defaults[0] != TEXTS_DEFAULT:
        raise LanguagesError(
            _(
                "{field}: default: '{code}' is the default language, but Memoria's default is "
                "'{memoria}': mark '{memoria}' as 'default: true'"
            ).format(field=field, code=defaults[0], memoria=TEXTS_DEFAULT)
        )
    return Languages(tuple(codes), defaults[0], tuple(built))


def languages_from_yaml(config: Mapping[str, Any], where: str = "mkdocs.yml") -> Languages:
    """The site's languages from mkdocs.yml as parsed YAML (no engine): the i18n plugin's
    `languages`, or Memoria's own (WITHOUT_I18N) when the site configures no i18n plugin."""
    for plugin in config.get("plugins") or []:
        if isinstance(plugin, Mapping) and "i18n" in plugin:
            options = plugin["i18n"] or {}
            break
        if plugin == "i18n":
            options = {}
            break
    else:
        return WITHOUT_I18N
    items = options.get("languages") if isinstance(options, Mapping) else None
    if not isinstance(items, list) or not all(isinstance(item, Mapping) for item in items):
        raise LanguagesError(
            _("{where}: plugins: i18n: languages: expected a list of languages, each with a locale").format(
                where=where
            )
        )
    return check_languages(
        (
            LanguageSetting(
                str(item.get("locale", "")), item.get("default") is True, item.get("build", True) is not False
            )
            for item in items
        ),
        where,
    )


def split_language(name: str) -> tuple[str, str | None]:
    """`slug.es.md` → (`slug`, `es`); `slug.md` → (`slug`, None). The suffix is not checked."""
    stem = name[: -len(".md")]
    base, dot, suffix = stem.rpartition(".")
    return (base, suffix) if dot else (stem, None)


def with_language(norm_uri: str, lang: str) -> str:
    """`press/2014/x.md` → `press/2014/x.es.md`: the file of one language of a page."""
    return f"{norm_uri[: -len('.md')]}.{lang}.md"


def page_source(norm_uri: str, lang: str, translated: bool) -> str:
    """The file readers of `lang` get of an entry: theirs when `translated`, else the default
    language's, which the site engine builds as each language's stand-in page. The default is
    Memoria's in every site (check_languages refuses another), so no configuration is needed."""
    return with_language(norm_uri, lang if translated else TEXTS_DEFAULT)


@dataclass(frozen=True)
class Addressing:
    """Source paths and URLs of pages in the site's languages (default: Memoria's, directory URLs)."""

    languages: Languages = MEMORIA_LANGUAGES
    use_directory_urls: bool = True

    # --- source paths --------------------------------------------------------------------

    def source_uri(self, norm_uri: str, lang: str) -> str:
        """The file below docs/ holding the `lang` page of `norm_uri`."""
        return with_language(norm_uri, lang)

    def language_of(self, src_uri: str) -> str | None:
        """The language a source path's suffix names, or None (no suffix, or not a site language)."""
        if not src_uri.endswith(".md"):
            return None
        _base, lang = split_language(src_uri.rpartition("/")[2])
        return lang if lang in self.languages else None

    def norm_uri(self, src_uri: str) -> str:
        """`press/x.es.md` → `press/x.md`; a path without a language suffix is its own norm uri."""
        lang = self.language_of(src_uri)
        return src_uri if lang is None else src_uri[: -len(f".{lang}.md")] + ".md"

    # --- URLs ------------------------------------------------------------------------------

    def folder(self, lang: str) -> str:
        """The language's folder of the built site: "" for the default, "es" for Spanish."""
        return "" if lang == self.languages.default else lang

    def prefix(self, lang: str) -> str:
        """The language's part of every URL path: "" for the default, "es/" for Spanish."""
        folder = self.folder(lang)
        return f"{folder}/" if folder else ""

    def page_url(self, norm_uri: str, lang: str) -> str:
        """The `lang` page of `norm_uri` relative to the site root, as the engine writes it:
        `press/x.md` → `es/press/x/` (or `es/press/x.html`), `index.md` → `es/` (`es/index.html`)."""
        stem = norm_uri[: -len(".md")]
        folder, _sep, name = stem.rpartition("/")
        parent = f"{folder}/" if folder else ""
        if name == "index":
            path = parent if self.use_directory_urls else f"{parent}index.html"
        else:
            path = f"{stem}/" if self.use_directory_urls else f"{stem}.html"
        return self.prefix(lang) + path

    def base_url(self, site_url: str, lang: str) -> str:
        """The absolute URL of the language's home: https://archive.example.org/, …/es/; a feed's
        URL is this plus its path below the language's root (memoria.feeds.Feed.path)."""
        return site_url.rstrip("/") + "/" + self.prefix(lang)

    def home_path(self, site_url: str, lang: str) -> str:
        """The path part of the language's home URL: "/", "/es/" (below site_url's path)."""
        return (urlsplit(site_url or "/").path or "/") + self.prefix(lang)

    def site_folder(self, site_dir: Path, lang: str) -> Path:
        """The language's folder of the built site: site/ or site/es/."""
        return site_dir / self.folder(lang)
