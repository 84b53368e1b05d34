"""`memoria build`: the site as `mkdocs build` makes it, with the languages built side by side.

static-i18n builds Spanish from inside the English build's last event, in one process, so one
core idles. Here each language is built by its own process, into its own staging folder, with
static-i18n configured as usual (every language still `build: true`, so the language switcher,
hreflang alternates and `/es/` placement are computed exactly as in a sequential build); the
process only starts at its own language and is marked as already building, which is how
static-i18n itself stops the nested builds from starting others. The parent then assembles
the site: the default language's tree, each other language's folder, and one sitemap listing
every language (as the last sequential build writes it). Each language's process also stages
its pages for search (`memoria.search.stage_site`, which reads every built page), side by side;
once they have ended, and their memory with them, the parent runs one Pagefind per language,
also side by side (`site/pagefind/`, `site/es/pagefind/`). Running Pagefind inside the
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
import gzip
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from memoria.engine.engines import EngineError, activate, add_engine_option, choose
from memoria.i18n import t, terminal_language
from memoria.messages import N_, _
from memoria.publication import BUILD_TIME_VARIABLE

EXAMPLE = N_("""\
examples:
  memoria build                 build ./mkdocs.yml into its site_dir, languages in parallel
  memoria build --strict        fail on warnings, like 'mkdocs build --strict'
  memoria build --serial        one process, exactly 'mkdocs build' (for comparison)
  memoria build --engine properdocs   the same site built by ProperDocs instead of MkDocs
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
    if not config_file.is_file():
        print(
            f"memoria build: error: {config_file}: no such file (run in the project folder or give -f)",
            file=sys.stderr,
        )
        return 2
    try:
        engine = choose(args.engine, config_file)
    except EngineError as error:
        print(f"memoria build: error: {error}", file=sys.stderr)
        return 2
    # The engine (MkDocs or ProperDocs, static-i18n, Material) loads when a site is built, not for
    # every command, and only once chosen: ProperDocs must be in place before anything imports mkdocs.
    activate(engine)
    from memoria.engine.build import build_serial, languages_of, separate_builds_refused

    started = time.perf_counter()
    langs, site_dir = languages_of(config_file)
    if args.site_dir is not None:
        site_dir = args.site_dir.resolve()
    site_dir = site_dir.absolute()
    # The new site is built next to the published one (same file system: one rename puts it in place).
    # Every language's process publishes for the same moment: an embargo lifts for all or none.
    os.environ.setdefault(BUILD_TIME_VARIABLE, dt.datetime.now(dt.UTC).isoformat())
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".memoria-build-", dir=site_dir.parent))
    new_site = staging / "site"
    refused = None if args.serial or len(langs) < 2 else separate_builds_refused()
    if refused:
        fallback = _("{reason}: building in one process").format(reason=refused)
        print(f"memoria build: {fallback}", file=sys.stderr)
    try:
        if args.serial or len(langs) < 2 or refused:
            failure = build_serial(config_file, new_site, args.strict, engine)
        else:
            failure = _parallel(config_file, langs, staging, new_site, args.strict, engine)
        if failure is None:
            publish(new_site, site_dir, staging / "previous")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if failure is not None:
        print(f"memoria build: {failure}", file=sys.stderr)
        print(
            f"memoria build: {t('build.unchanged', terminal_language(), site_dir=site_dir)}", file=sys.stderr
        )
        return 1
    print(
        f"memoria build: {', '.join(langs) or 'site'} built in {time.perf_counter() - started:.1f} s into {site_dir}",
        file=sys.stderr,
    )
    return 0


#: how the language processes start: forked on Linux, a fresh interpreter elsewhere (see _parallel)
START_METHOD = "fork" if sys.platform == "linux" else "spawn"


def _parallel(
    config_file: Path, langs: list[str], staging: Path, new_site: Path, strict: bool, engine: str
) -> str | None:
    """Each language in its own process, then one tree and one search index in `new_site`; why it failed, if it did."""
    from memoria.engine.build import BuildFailed, build_language

    staged = {lang: staging / lang for lang in langs}
    search_roots = {lang: staging / ".search" / lang for lang in langs}
    # On Linux each language's process is forked from this one, which has already imported
    # MkDocs, Material and the plugins (reading mkdocs.yml) and runs no thread yet: about
    # a second of start-up less per process. Elsewhere fork is unsafe: a fresh interpreter,
    # which loads the chosen engine (the initializer) before the build's modules import it.
    context = multiprocessing.get_context(START_METHOD)
    with ProcessPoolExecutor(
        max_workers=len(langs), mp_context=context, initializer=activate, initargs=(engine,)
    ) as pool:
        jobs = {
            lang: pool.submit(
                build_language, str(config_file), lang, str(path), strict, str(search_roots[lang]), engine
            )
            for lang, path in staged.items()
        }
        failures, pages = [], {}
        for lang, job in jobs.items():
            try:
                pages[lang] = job.result()
            except BuildFailed as error:
                failures.append(str(error))
    if failures:
        return "\n".join(failures)
    assemble(staged, langs[0], new_site)
    # The language processes have ended (their memory with them); one Pagefind per language
    # now runs side by side. A language without entry pages gets no bundle; with none at all,
    # Pagefind says why.
    to_index = {lang: root for lang, root in search_roots.items() if pages[lang]}
    return _index(to_index or {langs[0]: search_roots[langs[0]]}, langs[0], new_site)


def _index(search_roots: dict[str, Path], default: str, site_dir: Path) -> str | None:
    """Each language's staged pages into its own bundle (site/pagefind/, site/es/pagefind/), side by side."""
    from memoria.search import SearchIndexError, index_staged

    folders = {("" if lang == default else lang): root for lang, root in search_roots.items()}
    try:
        report = index_staged(folders, site_dir)
    except SearchIndexError as error:
        return str(error)
    print(
        f"memoria build: search indexed {report.pages} pages in {report.languages} languages", file=sys.stderr
    )
    return None
