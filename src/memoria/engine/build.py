"""The engine's half of `memoria build`: run MkDocs' build for one language, or for all in one process.

`memoria.commands.build` decides what to build and publishes the result; everything here talks
to MkDocs (or an engine that reads mkdocs.yml the same way), to static-i18n (through
memoria.engine.i18n_bridge) and to Memoria's own plugin (its `single_language`). Importing it
loads the engine: call `memoria.engine.engines.activate` first (ProperDocs or MkDocs).
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from memoria.engine.engines import DEFAULT_ENGINE, activate
from memoria.engine.i18n_bridge import StaticI18n, installed_version, unknown_version

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

    from memoria.build_cache import SiteStamp
    from memoria.engine.plugin import MemoriaPlugin


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
    files_in_place: int | None = None  # kept where the replaced site had them (None: built from nothing)
    warm: bool = False
    bundle_key: str | None = None  # the search records' digest (None: no cache)
    bundle_reusable: bool = False  # the cache's search bundle was made from the same records
    # With the cache, nothing is staged: Pagefind reads the cache's search records, whose folder
    # must still have these stamps once it is done (another build could have changed them).
    search_stamps: list[SiteStamp] = field(default_factory=list)
    steady: tuple[dt.datetime | None, dt.datetime | None] | None = None  # the catalog's (None: unknown)


def build_language(
    config_file: str,
    lang: str,
    site_dir: str,
    strict: bool,
    search_root: str,
    engine: str = DEFAULT_ENGINE,
    cache_dir: str | None = None,
    environment: str | None = None,
) -> LanguageBuilt:
    """Run MkDocs' build for `lang` only, into `site_dir` (in a worker process); stage its search pages.

    Stages the language's pages in `search_root` at their real paths (Pagefind's result URLs
    are the pages' URLs: /es/press/…). With a `cache_dir`, unchanged pages come from the build
    cache (memoria.engine.cache) and this build is kept there for the next one, its search
    records too: those are what Pagefind reads then, nothing is staged. `environment` is the
    cache's environment key when the parent has already computed it (it reads every file).
    """
    activate(engine)  # the engine this module loaded (engines.activate before it is imported)
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from memoria.build_cache import BuildCache
    from memoria.engine.cache import CachePlugin, CollectAfterLoading, PhaseClock, environment_of
    from memoria.search import stage_site

    started = time.perf_counter()
    log_to_stderr(engine)
    config = load_config(config_file, site_dir=site_dir, strict=strict or None)
    i18n = StaticI18n.of(config)
    if i18n.enabled:
        try:
            i18n.build_only(lang)
        except ValueError as error:
            raise BuildFailed(f"'{lang}' build: {error}") from None
    memoria = _memoria_plugin(config)
    if memoria is not None:
        memoria.single_language = lang  # do not index search: the parent indexes every language
    clock = PhaseClock(started)
    config.plugins["memoria-clock"] = clock
    cache = None
    if cache_dir is not None and memoria is not None:
        if environment is None:
            environment = environment_of(config, memoria, strict)
        if environment is not None:
            cache = CachePlugin(BuildCache(Path(cache_dir)), lang, environment, memoria)
            config.plugins["memoria-cache"] = cache
    config.plugins["memoria-collect"] = CollectAfterLoading(warm=cache is not None and cache.warm)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config, dirty=cache is not None and cache.warm)
    except MkDocsException as error:
        raise BuildFailed(f"'{lang}' build: {error}") from None
    finally:
        config.plugins.on_shutdown()
    # The part of this tree that assemble() keeps: all of it for the default language
    # (the first), the /<lang>/ folder for the others.
    default = not i18n.enabled or i18n.default_language() == lang
    part = "" if default else lang
    staged_at = time.perf_counter()
    root, stage_root = Path(site_dir) / part, Path(search_root) / part
    if cache is None:
        result = LanguageBuilt(lang, stage_site(root, stage_root), clock.phases())
        result.phases["search staging"] = time.perf_counter() - staged_at
        return result
    plan = cache.plan_search(root)
    # When no record changed, the cache's bundle is kept as it is (commands.build).
    reusable = cache.cache.bundle_intact(lang, plan.key)
    result = LanguageBuilt(lang, len(plan.records), clock.phases(), bundle_reusable=reusable)
    result.phases["search staging"] = time.perf_counter() - staged_at
    saved_at = time.perf_counter()
    cache.commit(plan, f"{part}/" if part else "")  # the records made now join the cache's
    result.search_stamps = cache.record_stamps
    result.phases["cache save"] = time.perf_counter() - saved_at
    result.pages_reused = len(cache.reused)
    result.pages_rendered = cache.rendered_again
    result.files_in_place = cache.in_place
    result.warm = cache.warm
    result.bundle_key = plan.key
    result.steady = memoria.catalog.steady if memoria is not None and memoria.catalog is not None else None
    return result


def _memoria_plugin(config: MkDocsConfig) -> MemoriaPlugin | None:
    """Memoria's plugin among the site's plugins (None: the site does not use it)."""
    from memoria.engine.plugin import MemoriaPlugin

    return next((plugin for plugin in config.plugins.values() if isinstance(plugin, MemoriaPlugin)), None)


def separate_builds_refused() -> str | None:
    """Why the installed static-i18n cannot be made to build one language per process (None: it can)."""
    return unknown_version(installed_version())


def log_to_stderr(engine: str = DEFAULT_ENGINE) -> None:
    logger = logging.getLogger(engine)  # ProperDocs' logger also carries the mkdocs.* ones (engines.activate)
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)


def _languages_in(config: MkDocsConfig) -> tuple[list[str], Path]:
    site_dir = Path(config.site_dir)
    i18n = StaticI18n.of(config)
    langs = [lang.locale for lang in i18n.languages() if lang.build]
    default = i18n.default_language()
    if default is None:
        return langs, site_dir
    return [default, *(lang for lang in langs if lang != default)], site_dir


@dataclass
class SitePlan:
    """What `memoria build` reads before building: the languages (default first), the site_dir,
    and the digest of every input a build would read (None: unknown, the build must run)."""

    langs: list[str]
    site_dir: Path
    inputs_key: str | None
    environment: str | None  # the build cache's environment key (engine.cache.environment_of)


def plan_site(config_file: Path, strict: bool, inputs: bool) -> SitePlan:
    """mkdocs.yml read once, without running any plugin: the languages, site_dir and, if
    `inputs`, the digest of every input (it reads every file of docs/)."""
    from mkdocs.config import load_config

    from memoria.engine.cache import environment_of, site_inputs_key

    config = load_config(str(config_file))
    langs, site_dir = _languages_in(config)
    memoria = _memoria_plugin(config)
    environment = environment_of(config, memoria, strict) if inputs and memoria is not None else None
    key = None if environment is None else site_inputs_key(config, environment)
    return SitePlan(langs, site_dir, key, environment)


def build_serial(config_file: Path, site_dir: Path, strict: bool, engine: str = DEFAULT_ENGINE) -> str | None:
    """`mkdocs build` in this process into `site_dir` (search indexed by the plugin); why it failed, if it did."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    log_to_stderr(engine)
    config = load_config(str(config_file), site_dir=str(site_dir), strict=strict or None)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    except MkDocsException as error:
        return str(error)
    finally:
        config.plugins.on_shutdown()
    return None
