"""The engine's half of `memoria build`: run MkDocs' build for one language, or for all in one process.

`memoria.commands.build` decides what to build and publishes the result; everything here talks
to MkDocs (or an engine that reads mkdocs.yml the same way) and to static-i18n.
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path


class BuildFailed(Exception):
    """One language's build failed; the message says which and why."""


@dataclass
class LanguageBuilt:
    """What one language's process reports: pages staged for search, where its time went, the cache's share."""

    lang: str
    search_pages: int
    phases: dict[str, float] = field(default_factory=dict)
    pages_reused: int = 0
    pages_rendered: int = 0
    warm: bool = False
    bundle_key: str | None = None  # the search records' digest (None: no cache)
    bundle_reusable: bool = False  # the cache's search bundle was made from the same records: nothing staged


def build_language(
    config_file: str, lang: str, site_dir: str, strict: bool, search_root: str, cache_dir: str | None = None
) -> LanguageBuilt:
    """Run MkDocs' build for `lang` only, into `site_dir` (in a worker process); stage its search pages.

    Stages the language's pages in `search_root` at their real paths (Pagefind's result URLs
    are the pages' URLs: /es/press/…). With a `cache_dir`, unchanged pages come from the build
    cache (memoria.engine.cache) and this build is kept there for the next one.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from memoria.build_cache import BuildCache
    from memoria.engine.cache import CachePlugin, PhaseClock, environment_of
    from memoria.search import stage_site

    started = time.perf_counter()
    log_to_stderr()
    config = load_config(config_file, site_dir=site_dir, strict=strict or None)
    i18n = config.plugins.get("i18n")
    if i18n is not None:
        # static-i18n starts at current_language when set, and does not build the other
        # languages while `building` is set (its own guard for the builds it nests).
        i18n.current_language = lang
        i18n.building = True
    clock = PhaseClock(started)
    config.plugins["memoria-clock"] = clock
    cache = None
    memoria = config.plugins.get("memoria")
    if cache_dir is not None and memoria is not None:
        environment = environment_of(config, memoria, strict)
        if environment is not None:
            cache = CachePlugin(BuildCache(Path(cache_dir)), lang, environment, memoria)
            config.plugins["memoria-cache"] = cache
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config, dirty=cache is not None and cache.warm)
    except MkDocsException as error:
        raise BuildFailed(f"'{lang}' build: {error}") from None
    finally:
        config.plugins.on_shutdown()
    # The part of this tree that assemble() keeps: all of it for the default language
    # (the first), the /<lang>/ folder for the others.
    default = i18n is None or next(x.locale for x in i18n.config.languages if x.default) == lang
    part = "" if default else lang
    staged_at = time.perf_counter()
    root, stage_root = Path(site_dir) / part, Path(search_root) / part
    if cache is None:
        result = LanguageBuilt(lang, stage_site(root, stage_root), clock.phases())
        result.phases["search staging"] = time.perf_counter() - staged_at
        return result
    plan = cache.plan_search(root)
    # When no record changed, the cache's bundle is kept as it is (commands.build): nothing to stage.
    reusable = cache.cache.bundle_intact(lang, plan.key)
    pages = len(plan.records) if reusable else plan.stage(stage_root)
    result = LanguageBuilt(lang, pages, clock.phases(), bundle_reusable=reusable)
    result.phases["search staging"] = time.perf_counter() - staged_at
    saved_at = time.perf_counter()
    cache.commit(plan, f"{part}/" if part else "")
    result.phases["cache save"] = time.perf_counter() - saved_at
    result.pages_reused = len(cache.reused)
    result.pages_rendered = cache.rendered_again
    result.warm = cache.warm
    result.bundle_key = plan.key
    return result


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
