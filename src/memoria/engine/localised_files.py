"""static-i18n's localised files, made once per live preview (and kept by the build cache) instead of once per build.

On every build, static-i18n 1.3.1 turns each file of docs_dir into a new localised File for
each language (`mkdocs_static_i18n.suffix.create_i18n_file`: pathlib work per file). At
3,000 entries per language that is about 36,000 Files and 1.6 s of a 4 s preview rebuild,
whatever the edit. A localised File depends only on the file's paths and the language
settings, never on its content, so while `mkdocs serve` runs each is made once and copied
afterwards; `memoria build` keeps them in its build cache between builds (engine.cache), which
saves a warm build most of that time. static-i18n's own choices (which file a language uses, fallbacks, alternates) still
run on every rebuild. This replaces a function of static-i18n's module for the preview's
lifetime, through memoria.engine.i18n_bridge, and only for the version it was written
against; any other version runs as is.
"""

from __future__ import annotations

import copy
import os
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File

from memoria.engine.i18n_bridge import CreateFile, replace_create_i18n_file, restore_create_i18n_file


class LocalisedFiles:
    """Remembers each localised File static-i18n makes; hands out fresh copies of it."""

    def __init__(self, made: dict[tuple[Any, ...], File] | None = None) -> None:
        self.made: dict[tuple[Any, ...], File] = made or {}  # a build's: those the build cache kept
        self.used: set[tuple[Any, ...]] = set()
        self.added = 0
        self._original: CreateFile | None = None

    def install(self, version: str | None = None) -> bool:
        """Take over static-i18n's create_i18n_file; False (and nothing changed) for another version."""
        if self._original is not None:
            return False
        self._original = replace_create_i18n_file(self.create, version)
        return self._original is not None

    def uninstall(self) -> None:
        if self._original is not None:
            restore_create_i18n_file(self._original)
            self._original = None
        self.made.clear()

    def create(
        self,
        file: File,
        current_language: str,
        default_language: str,
        all_languages: list[str],
        config: MkDocsConfig,
    ) -> File:
        """What static-i18n's create_i18n_file returns for these arguments, as a File nobody else holds."""
        assert self._original is not None
        key = (
            file.src_uri,
            file.dest_uri,
            file.inclusion,
            current_language,
            default_language,
            tuple(all_languages),
            config.docs_dir,
            config.use_directory_urls,
        )
        self.used.add(key)
        original = self.made.get(key)
        if original is None:
            self.added += 1
            # Kept untouched: the build mutates the Files it gets (pages, alternates, content).
            original = self.made[key] = copy.copy(
                self._original(file, current_language, default_language, all_languages, config)
            )
        localised = copy.copy(original)
        # The one thing that depends on site_dir (each `memoria build` stages a site of its own):
        # as create_i18n_file computes it.
        localised.abs_dest_path = os.path.normpath(os.path.join(config.site_dir, localised.dest_path))
        localised.alternates = {current_language: localised}  # type: ignore[attr-defined]
        return localised
