"""`memoria build`: the site as `mkdocs build` makes it, with the languages built side by side.

static-i18n builds Spanish from inside the English build's last event, in one process, so one
core idles. Here each language is built by its own process, into its own staging folder, with
static-i18n configured as usual (every language still `build: true`, so the language switcher,
hreflang alternates and `/es/` placement are computed exactly as in a sequential build); the
process only starts at its own language and is marked as already building, which is how
static-i18n itself stops the nested builds from starting others. The parent then assembles
the site: the default language's tree, each other language's folder, and one sitemap listing
every language (as the last sequential build writes it). Each language's process also stages
its pages for search (`memoria.search.stage_site`, which reads every built page), side by side,
or, with the build cache, leaves its search records in the cache, where Pagefind reads them;
once they have ended, and their memory with them, the parent runs one Pagefind per language,
one after the other (`site/pagefind/`, `site/es/pagefind/`; each uses every core, and two at
once peaked at 2.1 GB at 10,000 entries per language). Running Pagefind inside the
language processes instead held both builds' memory meanwhile: 2.5 GB at 10,000 entries per
language against 1.3 GB.

Publishing is atomic on every path (parallel, `--serial`, one language): the whole new site,
search index included, is built in a staging folder next to site_dir and put in its place by
one rename (an atomic swap where Linux offers it); any failure before that leaves the
published site exactly as it was, and says so.
"""

from __future__ import annotations

import argparse
import ctypes
import datetime as dt
import errno
import gc
import gzip
import multiprocessing
import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from memoria.build_cache import CACHE_FOLDER, BuildCache, PublishedSite, SiteStamp, file_stamps, site_stamps
from memoria.engine.engines import activate, add_engine_option, engine_for
from memoria.i18n import t, terminal_language
from memoria.messages import N_, _
from memoria.publication import BUILD_TIME_VARIABLE, build_moment
from memoria.search import BUNDLE_DIR, bundle_dir, bundle_path, stage_site
from memoria.staging import Staging

if TYPE_CHECKING:
    from memoria.engine.build import LanguageBuilt

EXAMPLE = N_("""\
examples:
  memoria build                 build ./mkdocs.yml into its site_dir, languages in parallel
  memoria build --strict        fail on warnings, like 'mkdocs build --strict'
  memoria build --serial        one process, exactly 'mkdocs build' (for comparison)
  memoria build --engine properdocs   the same site built by ProperDocs instead of MkDocs
  memoria build --timings       say where the time went and what came from the cache

Unchanged pages, feeds' entries and search records come from the build cache,
.cache/memoria/ beside mkdocs.yml: safe to delete at any time, worth keeping between
CI runs (cache the folder, keyed on nothing: it checks itself). When nothing the
build reads has changed since the last build (files, options, the published site,
an embargo's moment), it says so and leaves the site as it is.
""")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "build",
        help=_("build the site, one process per language"),
        description=_("Build the site like 'mkdocs build', with each language in its own process."),
        epilog=_(EXAMPLE),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "-f", "--config-file", type=Path, default=Path("mkdocs.yml"), help=_("the site's mkdocs.yml")
    )
    parser.add_argument(
        "-d", "--site-dir", type=Path, default=None, help=_("output folder (default: site_dir)")
    )
    parser.add_argument("-s", "--strict", action="store_true", help=_("abort on warnings"))
    parser.add_argument(
        "--serial", action="store_true", help=_("build in one process, as 'mkdocs build' does")
    )
    add_engine_option(parser)
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help=_("render every page again; do not read or write the build cache (.cache/memoria/)"),
    )
    parser.add_argument(
        "--timings",
        action="store_true",
        help=_("print where the time went, by phase, and how many pages came from the cache"),
    )
    parser.set_defaults(func=run)


def merge_sitemaps(default_xml: str, others: list[str]) -> str:
    """One urlset with every language's <url> elements, default language first (as static-i18n's last build)."""
    merged = default_xml.rsplit("</urlset>", 1)[0]
    for xml in others:
        _head, _sep, rest = xml.partition("<urlset")
        merged += rest.split(">", 1)[1].lstrip("\n").rsplit("</urlset>", 1)[0]
    return merged + "</urlset>"


def assemble(staged: dict[str, Path], default: str, site_dir: Path) -> None:
    """Move the staged language trees into `site_dir` (which must not exist): default at the root, others in /<lang>/."""
    root = staged[default]
    sitemaps = []
    for lang, stage in staged.items():
        if lang == default:
            continue
        shutil.move(str(stage / lang), str(root / lang))
        if (stage / "sitemap.xml").is_file():
            sitemaps.append((stage / "sitemap.xml").read_text(encoding="utf-8"))
    sitemap = root / "sitemap.xml"
    if sitemap.is_file() and sitemaps:
        text = merge_sitemaps(sitemap.read_text(encoding="utf-8"), sitemaps)
        sitemap.write_text(text, encoding="utf-8")
        with gzip.GzipFile(root / "sitemap.xml.gz", mode="wb", mtime=int(time.time())) as handle:
            handle.write(text.encode("utf-8"))
    shutil.move(str(root), str(site_dir))


_RENAME_EXCHANGE = 2  # linux/fs.h


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    if sys.platform != "linux":
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)  # glibc 2.28 and later
    if renameat2 is None:
        return False
    at_fdcwd = -100
    done = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), _RENAME_EXCHANGE)
    return bool(done == 0)


def publish(new_site: Path, site_dir: Path, trash: Path) -> None:
    """Put the complete `new_site` in place of `site_dir` in one rename; the previous site goes to `trash`.

    Where the system swaps two folders atomically, a request always finds a whole site, old
    or new; elsewhere `site_dir` is missing for the instant between two renames. Either way,
    nothing of the new site is visible before all of it, search index included, is written.
    """
    if not site_dir.exists() and not site_dir.is_symlink():
        os.rename(new_site, site_dir)
    elif _exchange(new_site, site_dir):
        os.rename(new_site, trash)  # the previous site, now under the new one's staging name
    else:
        os.rename(site_dir, trash)
        os.rename(new_site, site_dir)


def run(args: argparse.Namespace) -> int:
    config_file: Path = args.config_file
    engine = engine_for("build", args.engine, config_file)
    if engine is None:
        return 2
    # The engine (MkDocs or ProperDocs, static-i18n, Material) loads when a site is built, not for
    # every command, and only once chosen: ProperDocs must be in place before anything imports mkdocs.
    activate(engine)
    from memoria.engine.build import build_serial, plan_site, separate_builds_refused

    started = time.perf_counter()
    timings = Timings(started=started)
    # The build cache serves the parallel build only (two or more languages, not --serial).
    cached = not args.no_cache and not args.serial
    plan = plan_site(config_file, args.strict, inputs=cached)
    langs, site_dir = plan.langs, plan.site_dir
    if args.site_dir is not None:
        site_dir = args.site_dir.resolve()
    site_dir = site_dir.absolute()
    # Every language's process publishes for the same moment: an embargo lifts for all or none.
    os.environ.setdefault(BUILD_TIME_VARIABLE, dt.datetime.now(dt.UTC).isoformat())
    try:
        moment = build_moment(os.environ)
    except ValueError as error:  # said once, here, rather than by every language's process
        print(f"memoria build: {error}", file=sys.stderr)
        return 2
    refused = None if args.serial or len(langs) < 2 else separate_builds_refused()
    serial = args.serial or len(langs) < 2 or refused is not None
    cache = None if not cached or serial else BuildCache(config_file.resolve().parent / CACHE_FOLDER)
    key = None if cache is None else plan.inputs_key
    published = None if cache is None else cache.load_published()  # the last build's, with this cache
    if published is not None and key is not None and published.still_current(key, site_dir, moment):
        total = time.perf_counter() - started
        timings.add("up-to-date check", total)
        if args.timings:
            print(timings.report(total), file=sys.stderr)
        print(
            "memoria build: "
            + _("nothing changed since the last build: {site_dir} is up to date ({seconds:.1f} s)").format(
                site_dir=site_dir, seconds=total
            ),
            file=sys.stderr,
        )
        return 0
    if refused:
        fallback = _("{reason}: building in one process").format(reason=refused)
        print(f"memoria build: {fallback}", file=sys.stderr)
    # The new site is built next to the published one (same file system: one rename puts it in place).
    try:
        site_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = Staging(site_dir.parent)
    except OSError as error:  # -d under a file, a full disk: nothing built, nothing published
        return _not_published(_write_failure(error), site_dir)
    new_site = staging.path / "site"
    site_files = None  # the new site's stamps, taken while Pagefind ran (the published record's)
    try:
        try:
            if serial:
                failure = build_serial(config_file, new_site, args.strict, engine)
            else:
                failure, site_files = _parallel(
                    config_file,
                    langs,
                    staging.path,
                    new_site,
                    args.strict,
                    engine,
                    cache,
                    timings,
                    plan.environment,
                )
        except OSError as error:  # a full disk, a folder it may not write: said plainly, nothing published
            failure = _write_failure(error)
        if failure is None:
            swapped_at = time.perf_counter()
            if cache is not None:
                cache.forget_published()
            publish(new_site, site_dir, staging.path / "previous")
            timings.add("swap", time.perf_counter() - swapped_at)
            if cache is not None:
                # The replaced site is worth keeping only if this cache made it: its pages are then
                # links to the cache's files (after `rm -r .cache`, none would be).
                if published is not None and published.site_dir == str(site_dir):
                    _keep_replaced(cache, staging.path / "previous", langs, staging.path / "left")
                _keep_bundles(cache, timings, langs[0], site_dir)
                if key is not None:
                    _record_published(cache, key, site_dir, timings, site_files)
    finally:
        removed_at = time.perf_counter()
        staging.remove()  # the previous site, once replaced, is in it
        timings.add("cleanup", time.perf_counter() - removed_at)
    if failure is not None:
        return _not_published(failure, site_dir)
    total = time.perf_counter() - started
    if args.timings:
        print(timings.report(total), file=sys.stderr)
    print(
        "memoria build: "
        + _("{langs} built in {seconds:.1f} s into {site_dir}").format(
            langs=", ".join(langs) or "site", seconds=total, site_dir=site_dir
        ),
        file=sys.stderr,
    )
    return 0


def _not_published(failure: str, site_dir: Path) -> int:
    """Say why the build failed and that the published site is as it was; the exit status."""
    print(f"memoria build: {failure}", file=sys.stderr)
    print(f"memoria build: {t('build.unchanged', terminal_language(), site_dir=site_dir)}", file=sys.stderr)
    return 1


def _write_failure(error: OSError) -> str:
    """What a build that could not write says: the file (the target of a copy) and why, in words."""
    path = error.filename2 or error.filename
    if error.errno == errno.ENOSPC:
        reason = _("the disk is full")
    elif error.errno in (errno.EEXIST, errno.ENOTDIR):  # a folder made where a file is
        reason = _("a file is where a folder should be")
    else:
        reason = error.strerror or str(error)
    if path is None:
        return _("could not write the new site: {reason}").format(reason=reason)
    return _("could not write {path}: {reason}").format(path=path, reason=reason)


@dataclass
class Timings:
    """Where one `memoria build` spent its time: each language's phases, then the whole build's."""

    started: float = field(default_factory=time.perf_counter)
    languages: list[LanguageBuilt] = field(default_factory=list)
    phases: dict[str, float] = field(default_factory=dict)
    bundles_kept: list[str] = field(default_factory=list)  # languages whose search bundle was reused

    def add(self, phase: str, seconds: float) -> None:
        self.phases[phase] = self.phases.get(phase, 0.0) + seconds

    def report(self, total: float) -> str:
        labels = {
            "start-up": _("start-up (imports, mkdocs.yml)"),
            "up-to-date check": _("inputs and site checked: nothing to build"),
            "languages": _("languages, side by side (wall)"),
            "load": _("load (config, content, files, nav)"),
            "render": _("render (Markdown, templates, static files)"),
            "feeds": _("feeds (and calendars, media, 404)"),
            "search staging": _("search staging"),
            "cache save": _("cache save"),
            "assemble": _("assemble the languages"),
            "search index": _("search index (Pagefind)"),
            "swap": _("swap (publish)"),
            "cache bundles": _("cache save (search bundles)"),
            "record": _("record the published site (inputs, files)"),
            "cleanup": _("remove what the build left (in the background)"),
        }
        langs = [built.lang for built in self.languages]
        width = max(len(label) for label in labels.values()) + 2
        lines = [_("memoria build: time by phase, in seconds (the languages build side by side)")]
        for phase in ("start-up", "up-to-date check"):
            if phase in self.phases:
                lines.append("  " + labels[phase].ljust(width) + f"{self.phases[phase]:.2f}".rjust(8))
        if langs:
            lines.append("  " + "".ljust(width) + "".join(lang.rjust(8) for lang in langs))
        for phase in ("load", "render", "feeds", "search staging", "cache save"):
            values = [built.phases.get(phase) for built in self.languages]
            if any(v is not None for v in values):
                cells = "".join((f"{v:.2f}" if v is not None else "-").rjust(8) for v in values)
                lines.append("  " + labels[phase].ljust(width) + cells)
        for phase in ("languages", "assemble", "search index", "swap", "cache bundles", "record", "cleanup"):
            if phase in self.phases:
                lines.append("  " + labels[phase].ljust(width) + f"{self.phases[phase]:.2f}".rjust(8))
        lines.append("  " + _("total").ljust(width) + f"{total:.2f}".rjust(8))
        for built in self.languages:
            if built.bundle_key is None:
                lines.append(_("  {lang}: build cache not used").format(lang=built.lang))
                continue
            lines.append(
                _("  {lang}: {reused} pages from the cache, {rendered} rendered ({state} cache)").format(
                    lang=built.lang,
                    reused=built.pages_reused,
                    rendered=built.pages_rendered,
                    state=_("warm") if built.warm else _("cold"),
                )
            )
            if built.files_in_place is not None:
                lines.append(
                    _(
                        "  {lang}: started from the site the last build replaced, {count} files kept in place"
                    ).format(lang=built.lang, count=built.files_in_place)
                )
        if self.bundles_kept:
            lines.append(
                _("  search bundle kept from the cache (no search record changed): {langs}").format(
                    langs=", ".join(self.bundles_kept)
                )
            )
        return "\n".join(lines)


def _record_published(
    cache: BuildCache, key: str, site_dir: Path, timings: Timings, site_files: list[SiteStamp] | None
) -> None:
    """Keep what the next build needs to know it has nothing to do (each language's steady window);
    `site_files`: the site's stamps if already taken (in its staging folder: a rename keeps them)."""
    windows = [built.steady for built in timings.languages]
    if not windows or any(window is None for window in windows):
        return
    froms = [w[0] for w in windows if w is not None and w[0] is not None]
    untils = [w[1] for w in windows if w is not None and w[1] is not None]
    started = time.perf_counter()
    cache.save_published(
        PublishedSite(
            key=key,
            site_dir=str(site_dir),
            steady_from=max(froms).isoformat() if froms else None,
            steady_until=min(untils).isoformat() if untils else None,
            files=site_stamps(site_dir) if site_files is None else site_files,
        )
    )
    timings.add("record", time.perf_counter() - started)


def _keep_bundles(cache: BuildCache, timings: Timings, default: str, site_dir: Path) -> None:
    """Keep each newly indexed language's published search bundle for the next build."""
    started = time.perf_counter()
    for built in timings.languages:
        if built.bundle_key is None or built.lang in timings.bundles_kept:
            continue
        bundle = bundle_dir(site_dir, "" if built.lang == default else built.lang)
        if (bundle / "pagefind.js").is_file():
            cache.save_bundle(built.lang, built.bundle_key, bundle)
    timings.add("cache bundles", time.perf_counter() - started)


def _keep_replaced(cache: BuildCache, replaced: Path, langs: list[str], left: Path) -> None:
    """Keep the site a build replaced for the next build to start from (`BuildCache.keep_replaced_site`),
    without its search bundles, made or linked whole, and media, copies (never links:
    `recording_view.publish_media`) as big as the archive's; they go to `left` (removed with the
    staging folder)."""
    from memoria.recording_view import SITE_MEDIA  # the build has loaded it; other commands need not

    if not replaced.is_dir():
        return
    for part in ["", *langs[1:]]:
        for name in (BUNDLE_DIR, SITE_MEDIA):
            found = replaced / part / name
            if found.is_dir() and not found.is_symlink():
                left.mkdir(exist_ok=True)
                os.rename(found, left / f"{part or langs[0]}-{name}")
    cache.keep_replaced_site(replaced)


def _start_from_replaced(cache: BuildCache, staged: dict[str, Path], langs: list[str]) -> None:
    """Give each language's process its part of the site the last build replaced, as the tree its
    build starts from (`engine.cache.CachePlugin` keeps the pages still current, removes the rest)."""
    tree = staged[langs[0]]
    if not cache.take_replaced_site(tree):
        return
    for lang in langs[1:]:
        part = tree / lang
        if part.is_dir() and not part.is_symlink():
            staged[lang].mkdir()
            os.rename(part, staged[lang] / lang)


#: how the language processes start: forked on Linux, a fresh interpreter elsewhere (see _parallel)
START_METHOD = "fork" if sys.platform == "linux" else "spawn"


def _parallel(
    config_file: Path,
    langs: list[str],
    staging: Path,
    new_site: Path,
    strict: bool,
    engine: str,
    cache: BuildCache | None,
    timings: Timings,
    environment: str | None = None,
) -> tuple[str | None, list[SiteStamp] | None]:
    """Each language in its own process, then one tree and one search index in `new_site`: why it
    failed, if it did, else the new site's stamps (`site_stamps`) when the cache is used."""
    from memoria.engine.build import BuildFailed, build_language

    staged = {lang: staging / lang for lang in langs}
    search_roots = {lang: staging / ".search" / lang for lang in langs}
    cache_dir = None if cache is None else str(cache.root)
    if cache is not None:
        _start_from_replaced(cache, staged, langs)
    # On Linux each language's process is forked from this one, which has already imported
    # MkDocs, Material and the plugins (reading mkdocs.yml) and runs no thread yet: about
    # a second of start-up less per process. Elsewhere fork is unsafe: a fresh interpreter,
    # which loads the chosen engine (the initializer) before the build's modules import it.
    context = multiprocessing.get_context(START_METHOD)
    # What this process loaded (MkDocs, the theme, the plugins) lives as long as each language's
    # process: frozen, a forked process's collections never walk it again (the gc module's advice).
    gc.freeze()
    timings.add("start-up", time.perf_counter() - timings.started)
    submitted_at = time.perf_counter()
    with ProcessPoolExecutor(
        max_workers=len(langs), mp_context=context, initializer=activate, initargs=(engine,)
    ) as pool:
        jobs = {
            lang: pool.submit(
                build_language,
                str(config_file),
                lang,
                str(path),
                strict,
                str(search_roots[lang]),
                engine,
                cache_dir,
                environment,
            )
            for lang, path in staged.items()
        }
        failures, built = [], {}
        for lang, job in jobs.items():
            try:
                built[lang] = job.result()
            except BuildFailed as error:
                failures.append(str(error))
    gc.unfreeze()
    timings.add("languages", time.perf_counter() - submitted_at)
    if failures:
        return "\n".join(failures), None
    timings.languages = list(built.values())
    assembled_at = time.perf_counter()
    assemble(staged, langs[0], new_site)
    timings.add("assemble", time.perf_counter() - assembled_at)
    # The language processes have ended (their memory with them); one Pagefind per language
    # now runs, one after the other, except where the cache holds a bundle made from the same search
    # records. A language without entry pages gets no bundle; with none at all, Pagefind says why.
    indexed_at = time.perf_counter()
    to_index = {}
    for lang, root in search_roots.items():
        made = built[lang]
        if not made.search_pages:
            continue
        key, part = made.bundle_key, "" if lang == langs[0] else lang
        if (
            cache is not None
            and key is not None
            and made.bundle_reusable
            and cache.reuse_bundle(lang, key, bundle_dir(new_site, part))
        ):
            timings.bundles_kept.append(lang)
            continue
        if cache is None or key is None:
            to_index[lang] = SearchSource(root)
        else:  # the cache's records, as the language's process left them (nothing staged)
            to_index[lang] = SearchSource(
                cache.search_dir(lang), made.search_stamps, root, cache.language_dir(lang) / "bundle"
            )
    bundles = [bundle_path("" if lang == langs[0] else lang).rstrip("/") for lang in langs]
    failure, site_files = None, None
    with ThreadPoolExecutor(max_workers=1) as waiter:
        # Pagefind works in its own processes (this thread only waits): meanwhile, the new site's
        # stamps for the published record, all but the bundles Pagefind is writing.
        indexing = None
        if to_index or not timings.bundles_kept:
            indexing = waiter.submit(
                _index, to_index or {langs[0]: SearchSource(search_roots[langs[0]])}, langs, new_site
            )
        if cache is not None:
            site_files = site_stamps(new_site, skip=bundles)
        failure = None if indexing is None else indexing.result()
    timings.add("search index", time.perf_counter() - indexed_at)
    if site_files is not None:
        stamped_at = time.perf_counter()
        site_files = sorted(site_files + [s for b in bundles for s in site_stamps(new_site, below=b)])
        timings.add("record", time.perf_counter() - stamped_at)
    return failure, site_files


@dataclass
class SearchSource:
    """Where Pagefind reads a language's search records: this build's staging folder, or the
    cache's records folder, which must still have `stamps` once Pagefind is done (a build run at
    the same time could have changed it); if not, this build's pages are staged in `staging`
    and indexed from there."""

    root: Path
    stamps: list[SiteStamp] | None = None
    staging: Path | None = None
    previous: Path | None = None  # the language's last bundle, kept by the cache (its equal files are linked)

    def intact(self) -> bool:
        """Whether the records are as they were when their stamps were taken (staged ones always are)."""
        return self.stamps is None or file_stamps(self.root) == self.stamps


def _index(sources: dict[str, SearchSource], langs: list[str], site_dir: Path) -> str | None:
    """Each language's search records into its own bundle (site/pagefind/, site/es/pagefind/), one
    at a time; why it failed, if it did."""
    from memoria.search import NOTHING_INDEXED, SearchIndexError, index_folder

    report, failures = NOTHING_INDEXED, []
    for lang, source in sources.items():
        folder = "" if lang == langs[0] else lang
        bundle = bundle_dir(site_dir, folder)
        try:
            try:
                found = index_folder(source.root, bundle, source.previous)
                intact = source.intact()
            except SearchIndexError:
                if source.intact():
                    raise
                intact = False  # the records went while Pagefind read them (.cache removed?)
            if not intact:
                again = _(
                    "the build cache's search records changed while Pagefind read them (another build?):"
                    " indexing this build's own pages"
                )
                print(f"memoria build: {again}", file=sys.stderr)
                shutil.rmtree(bundle, ignore_errors=True)
                assert source.staging is not None
                stage_site(site_dir / folder, source.staging / folder, skip=langs[1:] if not folder else ())
                found = index_folder(source.staging, bundle, source.previous)
            report += found
        except SearchIndexError as error:  # still index the others before failing
            failures.append(str(error))
    if failures:
        return "\n".join(failures)
    searched = _("search indexed {pages} pages in {languages} languages").format(
        pages=report.pages, languages=report.languages
    )
    print(f"memoria build: {searched}", file=sys.stderr)
    return None
