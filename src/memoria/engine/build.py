"""The engine's half of `memoria build`: run MkDocs' build for one language, or for all in one process.

`memoria.commands.build` decides what to build and publishes the result; everything here talks
to MkDocs (or an engine that reads mkdocs.yml the same way) and to static-i18n.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path


class BuildFailed(Exception):
    """One language's build failed; the message says which and why."""


def build_language(config_file: str, lang: str, site_dir: str, strict: bool, search_root: str) -> int:
    """Run MkDocs' build for `lang` only, into `site_dir` (in a worker process); stage its search pages.

    Returns how many pages are staged in `search_root` (that language's pages at their real
    paths, so Pagefind's result URLs are the pages' URLs: /es/press/…).
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from memoria.search import stage_site

    log_to_stderr()
    config = load_config(config_file, site_dir=site_dir, strict=strict or None)
    i18n = config.plugins.get("i18n")
    if i18n is not None:
        # static-i18n starts at current_language when set, and does not build the other
        # languages while `building` is set (its own guard for the builds it nests).
        i18n.current_language = lang
        i18n.building = True
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    except MkDocsException as error:
        raise BuildFailed(f"'{lang}' build: {error}") from None
    finally:
        config.plugins.on_shutdown()
    # The part of this tree that assemble() keeps: all of it for the default language
    # (the first), the /<lang>/ folder for the others.
    default = i18n is None or next(x.locale for x in i18n.config.languages if x.default) == lang
    part = "" if default else lang
    return stage_site(Path(site_dir) / part, Path(search_root) / part)


def log_to_stderr() -> None:
    logger = logging.getLogger("mkdocs")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)


def languages_of(config_file: Path) -> tuple[list[str], Path]:
    """Languages to build (default first) and the site_dir, read without running any plugin."""
    from mkdocs.config import load_config

    config = load_config(str(config_file))
    site_dir = Path(config.site_dir)
    i18n = config.plugins.get("i18n")
    if i18n is None:
        return [], site_dir
    langs = [lang.locale for lang in i18n.config.languages if lang.build]
    default = next(lang.locale for lang in i18n.config.languages if lang.default)
    return [default, *(lang for lang in langs if lang != default)], site_dir


def build_serial(config_file: Path, site_dir: Path, strict: bool) -> str | None:
    """`mkdocs build` in this process into `site_dir` (search indexed by the plugin); why it failed, if it did."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    log_to_stderr()
    config = load_config(str(config_file), site_dir=str(site_dir), strict=strict or None)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    except MkDocsException as error:
        return str(error)
    finally:
        config.plugins.on_shutdown()
    return None
