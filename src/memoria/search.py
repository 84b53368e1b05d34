"""Per-language full-text search: a compact Pagefind index of a built site.

Pagefind writes one index per `<html lang>` and splits it into chunks, so a reader downloads
only the language they read and only the chunks their words need (lunr, Material's default,
ships one index for both languages, whole). Only elements marked `data-pagefind-body` are
indexed: entry content (title, metadata panel, body, recording transcript), not listings,
fallback copies or navigation.

Pagefind stores every position of every word, and positions are what a big archive pays for
(at 10,000 entries per language one Spanish search fetched 632 KB, mostly positions of
"de"). So Pagefind does not crawl the site's pages: it reads one small page per entry, written
to a staging folder at the same path (its CLI over that folder, not its Python API, whose
service reads one answer per 0.1 s: too slow for 20,000 pages), holding each searchable word once (title first) minus
the language's function words (`memoria.stopwords`). Stemming, accent folding, ranking by
title and the per-language split stay Pagefind's. The price: no excerpts around the matched
words and no exact-phrase search; a result shows the entry's summary (Pagefind metadata
`summary`) instead.

Each language has its own standalone bundle: the default language's at `site/pagefind/`, every
other language's at `site/<lang>/pagefind/` (`bundle_dir`), so a reader's first search never
downloads the other language's metadata, and the languages are indexed one after the other
(one Pagefind process each: Pagefind uses every core itself, and two side by side held twice
the memory, 2.1 GB at 10,000 entries per language, for no time saved). A language's pages are staged in a root of their own at their real
paths (Spanish under `<root>/es/`), so result URLs are the pages' URLs. Engine-independent:
imports no MkDocs; the adapter calls `index_site` once every language is built, and
`memoria build` calls `stage_site` in each language's process, then `index_staged` once they
have ended (so the build's memory is not held while Pagefind runs).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from lxml import etree
from pagefind_bin import get_executable

from memoria.messages import _
from memoria.staging import Staging
from memoria.stopwords import STOPWORDS

BUNDLE_DIR = "pagefind"
"""The search bundle's folder, in a language's folder of the site (`bundle_dir`)."""

SUMMARY_WORDS = 40
"""Words of an entry's text shown as its result when the entry has no summary."""


class SearchIndexError(Exception):
    """Pagefind failed; the message carries its own output so the cause is visible."""


@dataclass(frozen=True)
class SearchIndexReport:
    """What Pagefind indexed, read from its summary, so a build can log it and tests can check it."""

    languages: int
    pages: int
    words: int

    def __add__(self, other: SearchIndexReport) -> SearchIndexReport:
        """Two bundles' reports as one (a site's languages are indexed one bundle each)."""
        return SearchIndexReport(
            self.languages + other.languages, self.pages + other.pages, self.words + other.words
        )


NOTHING_INDEXED = SearchIndexReport(0, 0, 0)
"""The report of a language with no page to index (no bundle written)."""


#: How much a word counts, by where it stands and what kind of entry it is in (Pagefind weights):
#: the title above the summary above the text, and a press release or event above its own
#: recordings for the same words.
WEIGHTS = {
    "press": {"title": 10.0, "summary": 6.0, "text": 1.0},
    "events": {"title": 10.0, "summary": 6.0, "text": 1.0},
    "recordings": {"title": 3.0, "summary": 2.0, "text": 0.5, "speech": 0.4},
}
#: Facets of an entry (views.EntryView.facets) shown with each result, and those results filter by.
META_FACETS = ("kind", "date", "language", "section")
FILTER_FACETS = {"kind": "kind", "year": "year", "country": "countries", "topic": "topics"}


@dataclass(frozen=True)
class SearchablePage:
    """What search keeps of one entry page: its title, summary and distinct words."""

    lang: str
    title: str
    summary: str
    title_words: tuple[str, ...]
    words: tuple[str, ...]
    """Every other distinct searchable word, in reading order (metadata, body)."""
    summary_words: tuple[str, ...] = ()
    facets: Mapping[str, object] | None = None
    cues: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    """Spoken lines as (anchor id, time, their words not said earlier): results link to the moment."""

    def staging_html(self) -> str:
        """The small page Pagefind indexes in place of the real one."""
        text = html.escape
        facets = self.facets or {}
        weights = WEIGHTS.get(str(facets.get("section", "")), WEIGHTS["press"])
        head = [
            f'<meta data-pagefind-meta="title[content]" content="{text(self.title)}">',
            f'<meta data-pagefind-meta="summary[content]" content="{text(self.summary)}">',
        ]
        for name in META_FACETS:
            if facets.get(name):
                head.append(
                    f'<meta data-pagefind-meta="{name}[content]" content="{text(str(facets[name]))}">'
                )
        if facets.get("date_iso"):
            head.append(
                f'<meta data-pagefind-sort="date[content]" content="{text(str(facets["date_iso"]))}">'
            )
        for name, key in FILTER_FACETS.items():
            values = facets.get(key)
            for value in values if isinstance(values, list) else [values] if values else []:
                head.append(f'<meta data-pagefind-filter="{name}[content]" content="{text(str(value))}">')
        body = [
            f'<h1 data-pagefind-weight="{weights["title"]}">{text(" ".join(self.title_words))}</h1>',
            f'<p data-pagefind-weight="{weights["summary"]}">{text(" ".join(self.summary_words))}</p>',
            f'<p data-pagefind-weight="{weights["text"]}">{text(" ".join(self.words))}</p>',
        ]
        for anchor, time, words in self.cues:
            body.append(
                f'<h2 id="{text(anchor)}" data-pagefind-weight="0">{text(time)}</h2>'
                f'<p data-pagefind-weight="{weights.get("speech", 0.4)}">{text(" ".join(words))}</p>'
            )
        return (
            f'<!DOCTYPE html><html lang="{text(self.lang)}"><head><meta charset="utf-8">{"".join(head)}'
            f"</head><body data-pagefind-body>{''.join(body)}</body></html>\n"
        )


_SUMMARY = {
    "languages": re.compile(r"Indexed (\d+) languages?"),
    "pages": re.compile(r"Indexed (\d+) pages?"),
    "words": re.compile(r"Indexed (\d+) words?"),
}
_EDGE_PUNCTUATION = re.compile(r"^\W+|\W+$")
_BODY_ATTRIBUTE = b"data-pagefind-body"
_BODY_TAG = re.compile(rb"<[a-zA-Z][^<>]*\sdata-pagefind-body[\s=/>]")
_HTML_LANG = re.compile(rb"<html\b[^>]*?\slang=[\"']?([^\"'\s>]*)")
_BODIES = etree.XPath("descendant-or-self::*[@data-pagefind-body]")
_IGNORED = etree.XPath("descendant::*[@data-pagefind-ignore]")
_FACETS = etree.XPath("descendant::*[@data-memoria-facets]/@data-memoria-facets")
_CUES = etree.XPath("descendant::*[@data-memoria-cue]")
_LEAD = etree.XPath("descendant::*[@data-memoria-lead]")


def distinct_words(lang: str, texts: Iterable[str]) -> Iterator[list[str]]:
    """Per text, its words not seen in an earlier text or earlier in it, function words left out.

    Words compare case-folded; edge punctuation is dropped ("(47)" is "47"), inner kept ("68/181").
    """
    seen = {"", *STOPWORDS.get(lang, ())}  # function words and words of only punctuation: never kept
    for text in texts:
        kept = []
        for token in dict.fromkeys(text.split()):  # each token once: a repeat could only be dropped
            # Most tokens start and end with a letter or digit: no regex for them.
            word = token if (token[0] + token[-1]).isalnum() else _EDGE_PUNCTUATION.sub("", token)
            key = word.casefold()
            if key not in seen:
                seen.add(key)
                kept.append(word)
        yield kept


def _first_body_tag(page: bytes) -> int | None:
    """Where the first tag carrying `data-pagefind-body` starts (a tag, not words in a text), or None."""
    found = page.find(_BODY_ATTRIBUTE)
    while found >= 0:
        tag = page.rfind(b"<", 0, found)
        if tag >= 0 and _BODY_TAG.fullmatch(page, tag, found + len(_BODY_ATTRIBUTE) + 1):
            return tag
        found = page.find(_BODY_ATTRIBUTE, found + 1)
    return None


def _text(element: etree._Element) -> str:
    """All the text inside `element`, as lxml.html's `text_content()` gives it (C, not Python)."""
    return etree.tostring(element, method="text", encoding=str, with_tail=False)


def _drop(element: etree._Element) -> None:
    """Remove `element` and what it holds but keep the text after it, as lxml.html's `drop_tree()`."""
    parent = element.getparent()
    if parent is None:  # dropped already: met twice, in indexed elements nested in one another
        return
    if element.tail:
        previous = element.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + element.tail
        else:
            previous.tail = (previous.tail or "") + element.tail
    parent.remove(element)


def read_page(path: Path) -> SearchablePage | None:
    """The searchable part of a built page, or None when the page has no `data-pagefind-body`."""
    return searchable_page(path.read_bytes())


def searchable_page(page: bytes) -> SearchablePage | None:
    """The searchable part of a page's HTML (UTF-8, as written), or None without `data-pagefind-body`."""
    # Bytes, not text: libxml2 reads UTF-8 itself, and decoding the whole page first costs
    # time. Parse from the first indexed element on, not the whole page: the head, header and
    # navigation before it are most of a page and most of the parsing time.
    start = _first_body_tag(page)
    if start is None:
        return None
    root = etree.fromstring(page[start:], etree.HTMLParser(encoding="utf-8"))
    bodies = _BODIES(root) if root is not None else []
    if not bodies:
        return None
    html_lang = _HTML_LANG.search(page, 0, page.find(b">", start) + 1)  # <html> may be the body itself
    lang = ((html_lang.group(1).decode() if html_lang else "") or "en").split("-")[0].lower()
    facets = None
    for raw in (value for body in bodies for value in _FACETS(body)):
        facets = json.loads(raw)
        break
    spoken = []
    for cue in [element for body in bodies for element in _CUES(body)]:
        times = cue.xpath("string(.//time)")
        for ignored in _IGNORED(cue):
            _drop(ignored)
        text_of_cue = " ".join(_text(cue).split())
        if text_of_cue.startswith(times):
            text_of_cue = text_of_cue[len(times) :].strip()
        spoken.append((cue.get("id") or "", times, text_of_cue))
        _drop(cue)
    for lead in [element for body in bodies for element in _LEAD(body)]:
        _drop(lead)  # the summary: weighted on its own, from the title's data-memoria-summary
    for ignored in [element for body in bodies for element in _IGNORED(body)]:
        _drop(ignored)
    headings = [h1 for body in bodies for h1 in body.iterdescendants("h1")]
    title = " ".join(_text(headings[0]).split()) if headings else ""
    summary = " ".join((headings[0].get("data-memoria-summary") or "").split()) if headings else ""
    for h1 in headings:
        _drop(h1)
    text = " ".join(_text(body) for body in bodies)
    written_summary = summary
    if not summary:
        words = text.split(maxsplit=SUMMARY_WORDS)  # the first words, then the rest in one piece
        summary = " ".join(words[:SUMMARY_WORDS]) + (" …" if len(words) > SUMMARY_WORDS else "")
    title_words, summary_words, words = distinct_words(lang, [title, written_summary, text])
    cues = []
    # Spoken words are kept once per transcript (at their first cue), not against the page's text:
    # a word also in the body still leads to the moment it was said.
    for (anchor, time, _cue_text), cue_words in zip(
        spoken, distinct_words(lang, [c[2] for c in spoken]), strict=True
    ):
        if cue_words and anchor:
            cues.append((anchor, time, tuple(cue_words)))
    return SearchablePage(
        lang, title, summary, tuple(title_words), tuple(words), tuple(summary_words), facets, tuple(cues)
    )


def bundle_path(folder: str = "") -> str:
    """A language's search bundle from the site root: `pagefind/` (default language, `folder` ""), `es/pagefind/`."""
    return f"{folder}/{BUNDLE_DIR}/" if folder else f"{BUNDLE_DIR}/"


def bundle_dir(site_dir: Path, folder: str = "") -> Path:
    """Where a language's search bundle is written under `site_dir` (see `bundle_path`)."""
    return Path(site_dir) / bundle_path(folder)


def bundle_dirs(site_dir: Path) -> list[Path]:
    """Every language's search bundle under a built site, the default language's first."""
    site_dir = Path(site_dir)
    found = [site_dir / BUNDLE_DIR] if (site_dir / BUNDLE_DIR / "pagefind.js").is_file() else []
    return found + sorted(path.parent for path in site_dir.glob(f"*/{BUNDLE_DIR}/pagefind.js"))


def stage_site(site_dir: Path, staging_dir: Path, skip: Collection[str] = ()) -> int:
    """Write the compact page of every indexable page of `site_dir` at its path under `staging_dir`.

    Top-level folders named in `skip` (the other languages' folders, under the default
    language's root) and the search bundle are not read.
    """
    count = 0
    skipped = {BUNDLE_DIR, *skip}
    for path in sorted(Path(site_dir).rglob("*.html")):
        relative = path.relative_to(site_dir)
        if relative.parts[0] in skipped:
            continue
        page = read_page(path)
        if page is None:
            continue
        target = staging_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.staging_html(), encoding="utf-8")
        count += 1
    return count


def index_site(site_dir: Path, folders: Sequence[str] = ()) -> SearchIndexReport:
    """Index a built site, one bundle per language, one Pagefind process after the other.

    The default language's pages are the site's root less the other languages' `folders`
    ("es"); each of those folders is a language of its own. If no language has a page to
    index, Pagefind runs on the default language anyway, so its own error says why.
    """
    site_dir = Path(site_dir).resolve()
    languages = [("", tuple(folders)), *((folder, ()) for folder in folders)]
    with tempfile.TemporaryDirectory(prefix="memoria-search-") as staging:
        roots = {folder: Path(staging) / (folder or "default") for folder, _ in languages}
        staged = {}
        for folder, skip in languages:
            roots[folder].mkdir()
            staged[folder] = stage_site(site_dir / folder, roots[folder] / folder, skip)
        to_index = {folder: roots[folder] for folder, count in staged.items() if count}
        return index_staged(to_index or {"": roots[""]}, site_dir)


def index_staged(staging_roots: Mapping[str, Path], site_dir: Path) -> SearchIndexReport:
    """Run one Pagefind per language folder ("" for the default) over its staged pages, one at a time.

    Each staging root holds that language's pages at their real paths (`stage_site`); the
    bundle goes to `bundle_dir(site_dir, folder)`.
    """
    site_dir = Path(site_dir).resolve()
    # One at a time: Pagefind indexes on every core by itself, and two at once held twice the
    # memory (2.1 GB at 10,000 entries per language, the build's peak) in no less time.
    report, failures = NOTHING_INDEXED, []
    for folder, root in staging_roots.items():
        try:
            report += index_folder(root, bundle_dir(site_dir, folder))
        except SearchIndexError as error:  # still wait for the others before failing
            failures.append(str(error))
    if failures:
        raise SearchIndexError("\n".join(failures))
    return report


def index_folder(root: Path, bundle: Path, previous: Path | None = None) -> SearchIndexReport:
    """One Pagefind over `root` (a language's pages at their real paths) into `bundle`.

    Given `previous` (the language's last bundle), Pagefind writes its thousands of small files
    into memory when it can (`scratch_parent`), and each file equal to `previous`'s becomes a
    hard link to it; only the others are copied. Most of a bundle is the same from one build to
    the next (3,060 of 3,066 files after an edit at 3,000 entries). Pagefind's own writing to
    the disk is what varies right after a build has written thousands of pages: in warm builds
    alternating both ways, the search index took 2.03–2.46 s (median 2.19) this way against
    2.20–3.63 s (median 2.97) with Pagefind writing into the site; on a quiet disk, alone, both
    took 1.8 s. Without a previous bundle, copying every file from memory cost more (3.42 s
    against 2.86 s) than it saved.
    """
    parent = scratch_parent() if previous is not None and previous.is_dir() else None
    if previous is None or parent is None:  # with nothing to link to, copying costs more than it saves
        return _finish(_start_pagefind(root, bundle))
    scratch = Staging(parent)
    try:
        made = scratch.path / BUNDLE_DIR
        try:
            report = _finish(_start_pagefind(root, made))
        except SearchIndexError:  # the memory filled up meanwhile? Pagefind on the disk says
            return _finish(_start_pagefind(root, bundle))
        _place_bundle(made, bundle, previous)
        return report
    finally:
        scratch.remove(background=False)


SCRATCH_FOLDER = Path("/dev/shm")
"""A file system in memory on Linux (tmpfs): where Pagefind writes, if there is room."""
SCRATCH_VARIABLE = "MEMORIA_SEARCH_SCRATCH"
"""Another folder for Pagefind to write in (set, but empty: Pagefind writes into the site)."""
SCRATCH_ROOM = 1 << 30
"""Free space the folder must have: a bundle takes ~5 KB per page (50 MB at 10,000 entries)."""


_warned: set[str] = set()  # MEMORIA_SEARCH_SCRATCH values already said unusable, once per process


def scratch_parent() -> Path | None:
    """Where a bundle can be written in memory (None: nowhere; Pagefind writes into the site).

    A folder set in MEMORIA_SEARCH_SCRATCH that cannot be used is said once, on stderr: the
    build goes on, Pagefind writing into the site.
    """
    chosen = os.environ.get(SCRATCH_VARIABLE)
    folder = SCRATCH_FOLDER if chosen is None else Path(chosen) if chosen else None
    if folder is None:
        return None
    try:
        usable = (
            folder.is_dir()
            and os.access(folder, os.W_OK | os.X_OK)
            and shutil.disk_usage(folder).free >= SCRATCH_ROOM
        )
    except OSError:
        usable = False
    if not usable and chosen and chosen not in _warned:
        _warned.add(chosen)
        said = _(
            "{variable}={folder} is not a folder this build can write in with {room} GiB free:"
            " Pagefind writes into the site"
        ).format(variable=SCRATCH_VARIABLE, folder=chosen, room=SCRATCH_ROOM >> 30)
        print(f"memoria build: {said}", file=sys.stderr)
    return folder if usable else None


def _place_bundle(made: Path, bundle: Path, previous: Path) -> None:
    """Put Pagefind's output `made` at `bundle`, each file a hard link to `previous`'s where equal."""
    for folder, _dirs, names in os.walk(made):
        relative = os.path.relpath(folder, made)
        target_dir = bundle / relative
        target_dir.mkdir(parents=True, exist_ok=True)
        for name in names:
            new, target = Path(folder, name), target_dir / name
            if not _linked_if_equal(previous / relative / name, new, target):
                shutil.copyfile(new, target)


def _linked_if_equal(old: Path, new: Path, target: Path) -> bool:
    """Make `target` a hard link to `old` if its bytes are `new`'s; else leave nothing at `target`.

    Linked first, compared after: what is compared is the file linked, even if another build
    replaces `old` meanwhile.
    """
    try:
        os.link(old, target)
    except OSError:
        return False
    try:
        if target.stat().st_size == new.stat().st_size and target.read_bytes() == new.read_bytes():
            return True
    except OSError:
        pass
    target.unlink(missing_ok=True)
    return False


@dataclass
class _Pagefind:
    """A running Pagefind process, its output going to a file (a pipe could fill and stall it)."""

    process: subprocess.Popen[bytes]
    output: IO[bytes]
    bundle: Path


def _start_pagefind(staging_root: Path, bundle: Path) -> _Pagefind:
    """Start Pagefind over `staging_root` (a language's pages at their real paths), writing `bundle`."""
    command = [str(get_executable()), "--site", str(staging_root), "--output-path", str(bundle)]
    output = tempfile.TemporaryFile()  # noqa: SIM115 (closed by _finish)
    try:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    except OSError:
        output.close()
        raise
    return _Pagefind(process, output, bundle)


def _finish(pagefind: _Pagefind) -> SearchIndexReport:
    """Wait for Pagefind and read what it indexed from its summary; its output if it failed."""
    with pagefind.output:
        try:
            returncode = pagefind.process.wait(timeout=1800)
        except subprocess.TimeoutExpired:
            pagefind.process.kill()
            pagefind.process.wait()
            returncode = -1
        pagefind.output.seek(0)
        output = pagefind.output.read().decode("utf-8", errors="replace")
    if returncode != 0:
        raise SearchIndexError(f"pagefind failed on {pagefind.bundle} (exit {returncode}):\n{output}")
    counts = {}
    for name, pattern in _SUMMARY.items():
        match = pattern.search(output)
        counts[name] = int(match.group(1)) if match else 0
    return SearchIndexReport(**counts)
