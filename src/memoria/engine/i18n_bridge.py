"""Every touch of mkdocs-static-i18n's internals, in one place, each behind a version check.

static-i18n (frozen at 1.3.1, pinned in pyproject.toml) offers no public API for what Memoria
needs from it: which language the running build makes (`current_language`), whether a build
is one of those it runs from inside the first one's on_post_build (`building`), the configured
languages (`config.languages`), each localised File's `locale` and `alternates`, the function
that localises a File (`suffix.create_i18n_file`, which the live preview memoises, as it does
the path test static-i18n makes for every file, `reconfigure.is_relative_to`), the method that
chooses each language's files (`ExtendedPlugin.reconfigure_files`, whose result the preview
hands out again while the files are the same), and how to
make one build make one language only (`memoria build`'s per-language processes).

Reading goes on under any version whose objects still carry those attributes; a missing one
stops the build with a message saying what to install. What writes into static-i18n (taking
over create_i18n_file, one language only) happens only under the version it was written
against; under another, static-i18n runs as it is (a slower preview, `memoria build` one
process) and a log line says why.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files

log = get_plugin_logger(__name__)

DISTRIBUTION = "mkdocs-static-i18n"
KNOWN_VERSION = "1.3.1"
"""The static-i18n whose internals this module was written against (pinned in pyproject.toml)."""
PLUGIN_NAME = "i18n"
"""static-i18n's name under `plugins:` in mkdocs.yml."""

_warned: set[str] = set()  # versions already reported as unknown, once per process


@cache
def installed_version() -> str | None:
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return None


def unknown_version(version: str | None) -> str | None:
    """Why static-i18n `version` may not be written into (None: it is the known one)."""
    if version == KNOWN_VERSION:
        return None
    return (
        f"{DISTRIBUTION} {version or '(not installed)'} is installed; Memoria works with its "
        f"internals as of {KNOWN_VERSION} (install {DISTRIBUTION}=={KNOWN_VERSION}, as pyproject.toml pins)"
    )


@dataclass(frozen=True)
class Language:
    """One entry of static-i18n's `languages:` option."""

    locale: str
    default: bool
    build: bool


class StaticI18n:
    """static-i18n as one MkDocs configuration has it: enabled or not, which version, and its state."""

    def __init__(self, plugin: Any, version: str | None) -> None:
        self.plugin = plugin  # static-i18n's plugin object; None: not in this site's plugins
        self.version = version
        self.enabled = plugin is not None
        self.refused = unknown_version(version) if self.enabled else None  # why not to write into it
        if self.refused and self.refused not in _warned:
            _warned.add(self.refused)
            # Information, not a warning: nothing is wrong with the site, and --strict must not fail.
            log.info(f"{self.refused}: the preview's memoised files and parallel builds are off")

    @classmethod
    def of(cls, config: MkDocsConfig) -> StaticI18n:
        return cls(config.plugins.get(PLUGIN_NAME), installed_version())

    def _read(self, owner: Any, name: str, what: str) -> Any:
        if not hasattr(owner, name):
            raise PluginError(
                f"mkdocs.yml: plugins: {PLUGIN_NAME}: {DISTRIBUTION} {self.version} has no {what} "
                f"('{name}'); Memoria reads it as of {KNOWN_VERSION}: install {DISTRIBUTION}=={KNOWN_VERSION}"
            )
        return getattr(owner, name)

    def current_language(self, default: str) -> str:
        """The language the running build makes (`default` without static-i18n, or before its on_config)."""
        if not self.enabled:
            return default
        return self._read(self.plugin, "current_language", "current language") or default

    def nested_build(self) -> bool:
        """True in the builds static-i18n runs from inside the first one's on_post_build, and in `build_only`'s."""
        if not self.enabled:
            return False
        return bool(self._read(self.plugin, "building", "flag for the languages it builds itself"))

    def languages(self) -> list[Language]:
        """The `languages:` of static-i18n's options, in their order ([] without static-i18n)."""
        if not self.enabled:
            return []
        options = self._read(self.plugin, "config", "options")
        return [
            Language(
                locale=self._read(lang, "locale", "language locale"),
                default=bool(self._read(lang, "default", "default language flag")),
                build=bool(self._read(lang, "build", "language build flag")),
            )
            for lang in self._read(options, "languages", "languages option")
        ]

    def default_language(self) -> str | None:
        return next((lang.locale for lang in self.languages() if lang.default), None)

    def build_only(self, lang: str) -> None:
        """Make the coming build make `lang` alone, every language still configured (switcher, alternates).

        static-i18n starts at `current_language` when it is set, and builds no other language
        while `building` is set (its own guard for the builds it nests). Raises ValueError,
        saying why, under another version.
        """
        if self.refused:
            raise ValueError(self.refused)
        self.plugin.current_language = lang
        self.plugin.building = True


def file_language(file: Any, default: str) -> str:
    """The language static-i18n gave a localised File (`default` for a File it never saw)."""
    return getattr(file, "locale", None) or default


def file_alternates(file: Any) -> dict[str, Any]:
    """The same page's File in each language, as static-i18n links them ({} for a File it never saw)."""
    return getattr(file, "alternates", None) or {}


CreateFile = Callable[[File, str, str, list[str], MkDocsConfig], File]
"""static-i18n's `suffix.create_i18n_file(file, current_language, default_language, all_languages, config)`."""


def replace_create_i18n_file(replacement: CreateFile, version: str | None = None) -> CreateFile | None:
    """Put `replacement` in place of static-i18n's create_i18n_file; the original (None: nothing replaced).

    Only under the known version (`version`: the installed one unless given): the replacement
    must return exactly what that version's function returns.
    """
    refused = unknown_version(installed_version() if version is None else version)
    if refused:
        log.info(f"{refused}: its localised files are made on every preview rebuild")
        return None
    from mkdocs_static_i18n import suffix

    original: CreateFile = suffix.create_i18n_file
    suffix.create_i18n_file = replacement  # type: ignore[assignment]
    return original


def restore_create_i18n_file(original: CreateFile) -> None:
    from mkdocs_static_i18n import suffix

    suffix.create_i18n_file = original  # type: ignore[assignment]


ReconfigureFiles = Callable[[Any, Files, MkDocsConfig], Files]
"""static-i18n's `ExtendedPlugin.reconfigure_files(plugin, files, config)`: one language's Files from docs_dir's."""


def replace_reconfigure_files(
    replacement: ReconfigureFiles, version: str | None = None
) -> ReconfigureFiles | None:
    """Put `replacement` in place of static-i18n's reconfigure_files (every plugin instance's, as
    MkDocs makes a new one per preview rebuild); the original (None: nothing replaced).

    Only under the known version (`version`: the installed one unless given): the replacement
    must return exactly what that version's method returns.
    """
    refused = unknown_version(installed_version() if version is None else version)
    if refused:
        return None
    from mkdocs_static_i18n import reconfigure

    original: ReconfigureFiles = reconfigure.ExtendedPlugin.reconfigure_files

    def reconfigure_files(plugin: Any, files: Files, config: MkDocsConfig) -> Files:
        # a function, not `replacement` itself: as a method it gets the plugin as its first argument
        return replacement(plugin, files, config)

    reconfigure.ExtendedPlugin.reconfigure_files = reconfigure_files  # type: ignore[method-assign]
    return original


def restore_reconfigure_files(original: ReconfigureFiles) -> None:
    from mkdocs_static_i18n import reconfigure

    reconfigure.ExtendedPlugin.reconfigure_files = original  # type: ignore[method-assign]


@dataclass(frozen=True)
class FileChoice:
    """What static-i18n's choice of one language's files depends on besides the files: its settings."""

    current_language: str
    default_language: str
    all_languages: tuple[str, ...]
    build_languages: tuple[str, ...]
    fallback_to_default: bool
    docs_structure: str

    @classmethod
    def of(cls, plugin: Any) -> FileChoice:
        return cls(
            plugin.current_language,
            plugin.default_language,
            tuple(plugin.all_languages),
            tuple(plugin.build_languages),
            bool(plugin.config.fallback_to_default),
            str(plugin.config.docs_structure),
        )


def is_below_docs_dir() -> Callable[[str | None, str], bool]:
    """static-i18n's test of whether a file is docs_dir's (its path below docs_dir), as it now stands (memoised in the preview)."""
    from mkdocs_static_i18n import reconfigure

    test: Callable[[str | None, str], bool] = reconfigure.is_relative_to
    return test


def i18n_files(plugin: Any, made_as: type[Files], files: list[File]) -> Files:
    """A Files of the class static-i18n returns (`made_as`: its I18nFiles, which finds localised paths), holding `files`."""
    return made_as(plugin, files)  # type: ignore[call-arg]


PATH_TESTS_KEPT = 2**17
"""How many answers of static-i18n's path test the preview keeps (a few per file of docs_dir)."""


def memoise_is_relative_to(version: str | None = None) -> Callable[[], None] | None:
    """Remember static-i18n's answers to "is this file's path below docs_dir?"; how to undo it (None: nothing done).

    static-i18n 1.3.1 asks it of every file in every language build (two PurePaths each: at
    10,000 entries per language 40,000 tests per rebuild); the answer is a function of the two
    strings alone, so a bounded memo of the original gives the same answers. Only under the
    known version (`version`: the installed one unless given).
    """
    refused = unknown_version(installed_version() if version is None else version)
    if refused:
        return None
    from mkdocs_static_i18n import reconfigure

    original = reconfigure.is_relative_to
    reconfigure.is_relative_to = lru_cache(maxsize=PATH_TESTS_KEPT)(original)

    def restore() -> None:
        reconfigure.is_relative_to = original

    return restore
