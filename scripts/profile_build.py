#!/usr/bin/env python3
"""Where a full `memoria build` spends its CPU: py-spy samples every process, summed by component.

Usage: profile_build.py PROJECT [--rate HZ] [--top N]

PROJECT is a folder with mkdocs.yml (e.g. a corpus from `make_corpus.py 3000 DIR`). The build
runs under `py-spy record --subprocesses` (both language processes and the parent); each
sample is charged to the innermost component on its stack (Python-Markdown, Material's
templates, static-i18n, Memoria's own steps, MkDocs' file writing...), so the table says what
part of the build each library is, which is what decides how far a build on this stack can go.
Pagefind (a native binary) is not sampled. The build uses PROJECT's build cache (.cache/memoria/):
delete it to profile a cold build; build once and edit an entry to profile a warm one. Run it on an otherwise idle machine: py-spy also
samples a process that is waiting for a core, so a busy machine inflates every figure.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent

#: (component, pattern a frame matches) — the innermost matching frame on a stack decides
COMPONENTS: list[tuple[str, re.Pattern[str]]] = [
    (name, re.compile(pattern))
    for name, pattern in [
        ("Python-Markdown: new Markdown() per page (MkDocs)", r"^Markdown\.__init__ \(markdown/core\.py"),
        ("Python-Markdown: convert", r"^Markdown\.convert \(markdown/core\.py"),
        ("Memoria: page context (views)", r"^MemoriaPlugin\.on_page_context "),
        ("Jinja: Material's templates", r"^Template\.render \(jinja2/environment\.py"),
        ("static-i18n: localise files", r"^I18n\.on_files "),
        ("static-i18n: other events", r"^I18n\.on_"),
        ("Memoria: catalog load", r"^load_catalog \(memoria/catalog\.py"),
        ("Memoria: search staging", r"^(stage_site|SearchPlan\.make|searchable_page) \(memoria/"),
        (
            "Memoria: build cache (fingerprints, links, state)",
            r"^(CachePlugin\.\w+|\w+) \(memoria/(engine/cache|build_cache)\.py",
        ),
        ("Memoria: feeds", r"^write_feeds \(memoria/feeds\.py"),
        ("MkDocs: write pages", r"^write_file \(mkdocs/utils"),
        ("MkDocs: read sources", r"^Page\.read_source "),
        ("MkDocs: files and nav", r"^(get_files|get_navigation) \(mkdocs/"),
        ("start-up: imports and config", r"^(_find_and_load|load_config) "),
    ]
]


def component_of(frames: list[str]) -> str:
    for frame in reversed(frames):
        for name, pattern in COMPONENTS:
            if pattern.match(frame):
                return name
    return "other"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path, help="folder with mkdocs.yml")
    parser.add_argument("--rate", type=int, default=100, help="samples per second per process (default 100)")
    parser.add_argument(
        "--top", type=int, default=15, help="functions to list by inclusive time (default 15)"
    )
    args = parser.parse_args()
    if not (args.project / "mkdocs.yml").is_file():
        parser.error(
            f"{args.project}: no mkdocs.yml there (make one with scripts/make_corpus.py 3000 {args.project})"
        )
    py_spy = shutil.which("py-spy", path=str(BIN)) or shutil.which("py-spy")
    if py_spy is None:
        raise SystemExit("profile_build: py-spy not found: pip install -e '.[bench]'")
    with tempfile.TemporaryDirectory(prefix="memoria-profile-") as work:
        raw = Path(work) / "samples.txt"
        command = [py_spy, "record", "--subprocesses", "-r", str(args.rate), "-f", "raw", "-o", str(raw)]
        command += ["--", str(BIN / "memoria"), "build", "--strict", "-d", str(Path(work) / "site")]
        started = time.perf_counter()
        build = subprocess.run(
            command,
            cwd=args.project,
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        # py-spy exits 0 whatever the build did: a build that wrote no home page failed.
        if build.returncode != 0 or not (Path(work) / "site" / "index.html").is_file():
            tail = "\n".join(build.stderr.splitlines()[-15:])
            raise SystemExit(f"profile_build: the build failed; its last lines:\n{tail}")
        wall = time.perf_counter() - started
        by_component: collections.Counter[str] = collections.Counter()
        inclusive: collections.Counter[str] = collections.Counter()
        for line in raw.read_text(encoding="utf-8").splitlines():
            stack, _, count = line.rpartition(" ")
            if not count.isdigit():
                continue  # the rest of a process name that holds a line break (a `python -c` program)
            # A process's name comes first and may itself hold "; " (multiprocessing's -c code).
            frames = [
                re.sub(r":\d+\)$", ")", f)
                for f in stack.split(";")
                if not f.startswith("process ") and "--multiprocessing-fork" not in f
            ]
            by_component[component_of(frames)] += int(count)
            for frame in set(frames):
                inclusive[frame] += int(count)
    total = sum(by_component.values())
    print(
        f"memoria build of {args.project}: {wall:.1f} s wall (under py-spy), {total / args.rate:.1f} CPU s sampled"
    )
    print("\n| component | CPU s | share |\n|---|---|---|")
    for name, count in by_component.most_common():
        print(f"| {name} | {count / args.rate:.1f} | {100 * count / total:.0f}% |")
    print(f"\nTop {args.top} functions by inclusive CPU s (all processes):")
    plumbing = re.compile(
        r"^(<module>|spawn_main|_main|Thread|main \(|run[ .])|\((concurrent|multiprocessing|threading)/|memoria/(cli|commands/build)\.py"
    )
    shown = [(f, n) for f, n in inclusive.most_common() if not plumbing.search(f)][: args.top]
    for frame, count in shown:
        print(f"  {count / args.rate:6.1f}  {frame[:110]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
