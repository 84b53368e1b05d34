"""static-i18n's localised files, made once per live preview (and kept by the build cache) instead of once per build.

On every build, static-i18n 1.3.1 turns each file of docs_dir into a new localised File for
each language (`mkdocs_static_i18n.suffix.create_i18n_file`: pathlib work per file). At
3,000 entries per language that is about 36,000 Files and 1.6 s of a 4 s preview rebuild,
whatever the edit. A localised File depends only on the file's paths and the language
settings, never on its content, so while `mkdocs serve` runs each is made once and copied
afterwards; `memoria build` keeps them in its build cache between builds (engine.cache), which
saves a warm build most of that time. static-i18n's own choice (which file a language uses,
fallbacks, alternates) is made again in the preview only when files come or go (ChosenFiles),
and on every `memoria build`. This replaces a function and a method of static-i18n's for the
preview's lifetime, through memoria.engine.i18n_bridge, and only for the version it was
written against; any other version runs as is.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from memoria.engine.i18n_bridge import (
    CreateFile,
    FileChoice,
    ReconfigureFiles,
    file_alternates,
    i18n_files,
    is_below_docs_dir,
    replace_create_i18n_file,
    replace_reconfigure_files,
    restore_create_i18n_file,
    restore_reconfigure_files,
)


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


def _fresh(file: File) -> File:
    """A shallow copy of `file` (as copy.copy makes it, without its pickling protocol: a preview copies tens of thousands)."""
    copied = File.__new__(type(file))
    copied.__dict__.update(file.__dict__)
    return copied


#: One File of a language's Files: an input File passed through as it is (by its index: the
#: theme's), or a localised File with its alternates (None for the File itself).
_Chosen = int | tuple[File, dict[str, File | None]]


class ChosenFiles:
    """static-i18n's Files for each language, made again only when docs_dir's files are not those of the last rebuild.

    static-i18n 1.3.1 chooses, on every build of a language, which file of each page it uses
    and links each to its other languages (`reconfigure_files`): at 10,000 entries per
    language 1.5 s of every preview rebuild, whatever the edit. The choice depends only on the
    files' paths, their inclusion and the language settings, never on their content; while the
    list of files (and those settings) is the same as at the language's last rebuild, its
    result is handed out again, as fresh copies (a build gives its Files pages, content and
    alternates). A file added, removed or renamed makes static-i18n choose again.
    """

    def __init__(self) -> None:
        # language → what static-i18n chose from (settings, files), its Files class, what it chose
        self.kept: dict[str, tuple[tuple[Any, ...], type[Files], list[_Chosen]]] = {}
        self.reused = 0
        self._original: ReconfigureFiles | None = None

    def install(self, version: str | None = None) -> bool:
        """Take over static-i18n's reconfigure_files; False (and nothing changed) for another version."""
        if self._original is not None:
            return False
        self._original = replace_reconfigure_files(self.reconfigure, version)
        return self._original is not None

    def uninstall(self) -> None:
        if self._original is not None:
            restore_reconfigure_files(self._original)
            self._original = None
        self.kept.clear()

    def reconfigure(self, plugin: Any, files: Files, config: MkDocsConfig) -> Files:
        """What static-i18n's reconfigure_files returns for these files, as Files nobody else holds."""
        assert self._original is not None
        choice, below, docs_dir = FileChoice.of(plugin), is_below_docs_dir(), config.docs_dir
        inputs = (
            choice,
            config.docs_dir,
            config.site_dir,
            config.use_directory_urls,
            tuple(_paths(file, docs_dir, below) for file in files),
        )
        kept = self.kept.pop(choice.current_language, None)
        if kept is not None and kept[0] == inputs:
            self.reused += 1
            made, chosen = kept[1], kept[2]
            result = _remake(plugin, list(files), made, chosen)
        else:
            result = self._original(plugin, files, config)
            made, chosen = type(result), _chosen(list(files), result)
        self.kept[choice.current_language] = (inputs, made, chosen)
        return result


def _paths(file: File, docs_dir: str, below: Callable[[str | None, str], bool]) -> tuple[object, ...]:
    """What static-i18n's choice reads of a File: its paths, whether it is docs_dir's, its inclusion.

    Read without computing what a File computes when first asked (tens of thousands per
    rebuild, every one new): its dest_uri, from src_uri and use_directory_urls unless set or
    computed already (then its own value counts); its abs_src_path, from src_dir and src_uri,
    which static-i18n asks only to know whether the file is below docs_dir: a file of
    docs_dir's as MkDocs lists it (src_dir is docs_dir) is, by its src_uri; for any other
    (the theme's, whose src_dir MkDocs gives relative or absolute), static-i18n's own test says.
    """
    held = vars(file)
    if file.src_dir == docs_dir and "abs_src_path" not in held:
        where = None  # a function of docs_dir and src_uri, both compared
    else:
        where = below(file.abs_src_path, docs_dir)
    return (file.src_uri, where, held.get("dest_uri"), file.inclusion)


def _chosen(inputs: list[File], result: Files) -> list[_Chosen]:
    """What `result` holds, kept untouched by the build that gets `result`."""
    index = {id(file): number for number, file in enumerate(inputs)}
    chosen: list[_Chosen] = []
    for file in result:
        if id(file) in index:
            chosen.append(index[id(file)])
            continue
        alternates = file_alternates(file)
        kept = {lang: None if other is file else _fresh(other) for lang, other in alternates.items()}
        chosen.append((_fresh(file), kept))
    return chosen


def _remake(plugin: Any, inputs: list[File], made_as: type[Files], chosen: list[_Chosen]) -> Files:
    made: list[File] = []
    for item in chosen:
        if isinstance(item, int):
            made.append(inputs[item])
            continue
        original, alternates = item
        file = _fresh(original)
        file.alternates = {  # type: ignore[attr-defined]
            lang: file if other is None else _fresh(other) for lang, other in alternates.items()
        }
        made.append(file)
    return i18n_files(plugin, made_as, made)
