"""`memoria check` without building: the build's own validation plus checks only staff need.

The build's rules are not repeated here: `load_archive` and `build_catalog` are reused as they
are. What this module adds reads the Markdown bodies and file dates (no MkDocs import):
broken links between entries, images without alt text, summaries too long for a feed,
recordings without captions, unfinished translations and translations older than English.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from memoria.addressing import MEMORIA_LANGUAGES, Addressing, Languages, with_language
from memoria.catalog import build_catalog
from memoria.content import (
    Entry,
    Problem,
    ProblemSplit,
    RecordingFields,
    Severity,
    SourceFile,
    display_path,
    entry_files,
    load_archive,
)
from memoria.content_policy import Allowance, escaping_links, policy_problems
from memoria.frontmatter import FrontMatterError, parse_front_matter
from memoria.messages import _
from memoria.scaffold import SCAFFOLD_MARKER, TRANSLATE_MARKER
from memoria.shared_lists import (
    LIST_FILES,
    SharedList,
    SharedLists,
    data_dir_of,
    load_shared_lists,
    names_in_use,
)

#: RSS 0.91 (the only RSS version that sets one) limits an item description to 500 characters;
#: feed readers and search results cut summaries shorter still, so we hold summaries to it.
FEED_SUMMARY_LIMIT = 500

#: file dates closer than this are the same change (a checkout writes files a moment apart)
DATE_TOLERANCE_SECONDS = 2.0

_INLINE_LINK = re.compile(
    r"(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^()\s<>]*(?:\([^()\s]*\))?[^()\s<>]*)>?(?:\s+[\"'(][^)]*)?\)"
)
_REFERENCE_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
_HTML_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_HTML_ALT = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_CODE_SPAN = re.compile(r"`+[^`]*`+")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_SCHEME = re.compile(r"^\s*[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class CheckReport(ProblemSplit):
    """Every problem found, sorted by file and line, and how many entries were read."""

    problems: list[Problem]
    entries: int


def check_archive(
    docs_dir: Path,
    change_times: dict[Path, float] | None = None,
    allowance: Allowance | None = None,
    media_dir: Path | None = None,
    languages: Languages = MEMORIA_LANGUAGES,
) -> CheckReport:
    """Validate the archive in `docs_dir` as the build does, then run the staff checks."""
    links = escaping_links(docs_dir, "docs")
    if media_dir is not None:
        links += escaping_links(media_dir, "media")
    if links:  # nothing is read through them
        return CheckReport(sorted(set(links)), 0)
    result = load_archive(docs_dir, languages=languages)
    shared = load_shared_lists(data_dir_of(docs_dir))
    catalog, reference_problems = build_catalog(result.entries, shared=shared)
    problems: list[Problem] = [*result.problems, *reference_problems, *shared.problems]
    problems.extend(shared_list_problems(catalog.entries, shared))
    sources = _all_sources(docs_dir, catalog.entries)
    # The build's content policy, on every Markdown page (entries whose fields are invalid included)
    problems.extend(policy_problems(docs_dir, sources, allowance or Allowance()))
    generated = {listing.uri for listing in catalog.listings()}
    for source in sources:
        problems.extend(body_problems(source, docs_dir, generated, languages))
        problems.extend(unfinished_translation_problems(source))
        problems.extend(unwritten_text_problems(source))
    for entry in catalog.entries:
        problems.extend(summary_problems(entry))
        problems.extend(caption_problems(entry))
    if change_times is None:
        change_times = file_change_times(
            [source.path for entry in catalog.entries for source in entry.sources.values()]
        )
    problems.extend(stale_translation_problems(catalog.entries, change_times))
    return CheckReport(sorted(set(problems)), len(catalog.entries))


def _all_sources(docs_dir: Path, entries: list[Entry]) -> list[SourceFile]:
    """Every entry file whose front matter parses, so that bodies are checked even in invalid entries."""
    known = {source.path: source for entry in entries for source in entry.sources.values()}
    sources = []
    for _section, path in entry_files(docs_dir):
        source = known.get(path)
        if source is None:
            try:
                front_matter = parse_front_matter(path.read_text(encoding="utf-8"))
            except (FrontMatterError, UnicodeDecodeError):
                continue  # load_archive has reported it already
            source = SourceFile(path, display_path(path), "", front_matter)
        sources.append(source)
    return sources


# --- Markdown bodies ---------------------------------------------------------------------


def _body_lines(source: SourceFile) -> Iterable[tuple[int, str]]:
    """(file line, text) of each body line outside fenced code, with code spans blanked."""
    in_fence: str | None = None
    for offset, line in enumerate(source.body.split("\n")):
        fence = _FENCE.match(line)
        if fence:
            marker = fence.group(1)
            if in_fence is None:
                in_fence = marker
            elif marker == in_fence:
                in_fence = None
            continue
        if in_fence is None:
            yield source.front_matter.body_line + offset, _CODE_SPAN.sub("", line) if "`" in line else line


def _resolve(target: str, source: SourceFile, docs_dir: Path) -> str | None:
    """The docs-relative path a relative link points at, or None if it leaves docs/."""
    base = PurePosixPath(Path(os.path.relpath(source.path, docs_dir)).as_posix()).parent
    parts: list[str] = []
    for part in (base / target).parts:
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def _link_problem(
    target: str, source: SourceFile, docs_dir: Path, generated: set[str], languages: Languages
) -> str | None:
    """Why a relative link will be broken on the site, if it will (`mkdocs build --strict` fails on it)."""
    path = unquote(target.split("#", 1)[0].split("?", 1)[0])
    if not path or "://" in path or path.startswith("/") or _SCHEME.match(path):
        # another site, or an address with a scheme (mailto:, tel:; javascript: is the content policy's)
        return None
    relative = _resolve(path, source, docs_dir)
    if relative is None:
        return _(
            "broken link to {target}: it points outside the docs folder — link to a page of the archive"
        ).format(target=target)
    if not path.endswith(".md"):
        if (docs_dir / relative).exists():
            return None
        return _(
            "broken link to {target}: no such file — put the file in docs/{folder} or correct the path"
        ).format(target=target, folder=PurePosixPath(relative).parent)
    if relative in generated:
        return None
    suffix = Addressing(languages).language_of(relative)
    if suffix is not None:
        # static-i18n serves x.en.md and x.es.md as x.md; a link naming one language is not found
        plain = target.replace(f".{suffix}.md", ".md", 1)
        return _(
            "link to {target} names a language — link to {plain}; each reader gets their own language"
        ).format(target=target, plain=plain)
    if (docs_dir / relative).is_file() or any(
        (docs_dir / with_language(relative, lang)).is_file() for lang in languages
    ):
        return None
    return _(
        "broken link to {target}: no such page — correct the path (relative to this file) or remove the link"
    ).format(target=target)


def body_problems(
    source: SourceFile, docs_dir: Path, generated: set[str], languages: Languages = MEMORIA_LANGUAGES
) -> list[Problem]:
    """Links to Markdown pages that do not exist, and images without alt text."""
    problems: list[Problem] = []
    if "[" not in source.body and "<img" not in source.body.lower():
        return problems  # nothing to check: most bodies of a large archive
    for line, text in _body_lines(source):
        if "[" not in text and "<" not in text:
            continue
        targets: list[str] = []
        for match in _INLINE_LINK.finditer(text):
            is_image, label, target = match.group(1) == "!", match.group(2), match.group(3)
            if is_image and not label.strip():
                problems.append(
                    Problem(
                        source.display_path,
                        line,
                        "body",
                        _(
                            "image {target} has no alt text — describe it between the brackets: "
                            "![what it shows]({target})"
                        ).format(target=target),
                        Severity.WARNING,
                    )
                )
            targets.append(target)
        definition = _REFERENCE_DEF.match(text)
        if definition:
            targets.append(definition.group(1))
        for tag in _HTML_IMG.findall(text):
            alt = _HTML_ALT.search(tag)
            if alt is None or not any(alt.groups()) or not "".join(g or "" for g in alt.groups()).strip():
                problems.append(
                    Problem(
                        source.display_path,
                        line,
                        "body",
                        _('image has no alt text — add alt="what it shows" to the <img> tag'),
                        Severity.WARNING,
                    )
                )
        for target in targets:
            message = _link_problem(target, source, docs_dir, generated, languages)
            if message:
                problems.append(Problem(source.display_path, line, "body", message))
    return problems


def unfinished_translation_problems(source: SourceFile) -> list[Problem]:
    """A file still holding the translate marker has text waiting for a translator."""
    if TRANSLATE_MARKER not in source.body:
        return []
    for line, text in _body_lines(source):
        if TRANSLATE_MARKER in text:
            return [
                Problem(
                    source.display_path,
                    line,
                    "body",
                    _(
                        "translation not finished (the 'memoria:translate' line is still here) — "
                        "translate the title, summary and text, then delete that line"
                    ),
                    Severity.WARNING,
                )
            ]
    return []


def unwritten_text_problems(source: SourceFile) -> list[Problem]:
    """A file still holding the line `memoria new` wrote has no text yet: it stays a draft."""
    if SCAFFOLD_MARKER not in source.body:
        return []
    for line, text in _body_lines(source):
        if SCAFFOLD_MARKER in text:
            return [
                Problem(
                    source.display_path,
                    line,
                    "body",
                    _(
                        "text not written yet (the 'memoria:write' line is still here): the entry is a "
                        "draft and is not published — write the text, then delete that line"
                    ),
                    Severity.WARNING,
                )
            ]
    return []


# --- shared lists of organisations and topics ----------------------------------------------

_NAMED = {
    "organisations": ("organisations", "organisers", "sponsors"),
    "topics": ("topics",),
}


def shared_list_problems(entries: list[Entry], shared: SharedLists) -> list[Problem]:
    """Names not in the shared lists: misspellings of a known name ("did you mean…") or names to add."""
    problems = []
    for kind, field_names in _NAMED.items():
        shared_list: SharedList = getattr(shared, kind)
        used = names_in_use(
            name
            for entry in entries
            for field_name in field_names
            for name in getattr(entry.english, field_name, [])
            if shared_list.find(name) is None
        )
        for entry in entries:
            source = entry.original
            for field_name in field_names:
                for index, name in enumerate(getattr(entry.english, field_name, [])):
                    if shared_list.find(name) is not None:
                        continue
                    message = _unknown_name(name, kind, shared_list, used)
                    if message is None:
                        continue
                    problems.append(
                        Problem(
                            source.display_path,
                            source.front_matter.line_of((field_name, index)),
                            f"{field_name}.{index}",
                            message,
                            Severity.WARNING,
                        )
                    )
    return problems


def _unknown_name(name: str, kind: str, shared_list: SharedList, used: dict[str, str]) -> str | None:
    file_name = f"data/{LIST_FILES[kind]}"
    closest = shared_list.closest(name, used)
    if closest is not None:
        return _(
            '"{name}" is not in {file} — did you mean "{closest}"? Correct the name, or add it '
            "to the list (id, name in English and Spanish)"
        ).format(name=name, file=file_name, closest=closest)
    if shared_list.path is None:
        return None  # no list kept: names as written are the list
    return _(
        '"{name}" is not in {file} — add it there (id, name in English and Spanish) or use a listed name'
    ).format(name=name, file=file_name)


# --- fields ------------------------------------------------------------------------------


def summary_problems(entry: Entry) -> list[Problem]:
    """Summaries longer than a feed item's description may be."""
    problems = []
    for lang, source in entry.sources.items():
        summary = entry.fields[lang].summary if lang in entry.fields else None
        if summary and len(summary) > FEED_SUMMARY_LIMIT and "summary" in source.front_matter.values:
            problems.append(
                Problem(
                    source.display_path,
                    source.front_matter.line_of(("summary",)),
                    "summary",
                    _(
                        "{count} characters, too long for a feed (at most {limit}) — "
                        "shorten it to one or two sentences and keep the rest in the text"
                    ).format(count=len(summary), limit=FEED_SUMMARY_LIMIT),
                    Severity.WARNING,
                )
            )
    return problems


def caption_problems(entry: Entry) -> list[Problem]:
    """Recordings without captions shut out deaf readers and anyone who cannot play sound."""
    english = entry.english
    if not isinstance(english, RecordingFields) or english.captions:
        return []
    source = entry.original
    return [
        Problem(
            source.display_path,
            source.front_matter.line_of(("id",)),
            "captions",
            _(
                "recording without captions — put a WebVTT file in media/{id}/ and list it under "
                "'captions:' (file, language, label)"
            ).format(id=entry.id),
            Severity.WARNING,
        )
    ]


# --- translations older than English -----------------------------------------------------


def stale_translation_problems(entries: Iterable[Entry], change_times: dict[Path, float]) -> list[Problem]:
    """Translations last changed before their English page was."""
    problems = []
    for entry in entries:
        english = entry.original
        english_time = change_times.get(english.path)
        if english_time is None:
            continue
        for lang, source in entry.sources.items():
            if lang == entry.original_lang:
                continue
            time = change_times.get(source.path)
            if time is None or english_time - time <= DATE_TOLERANCE_SECONDS:
                continue
            problems.append(
                Problem(
                    source.display_path,
                    1,
                    "translation",
                    _(
                        "older than the English page ({file} changed {changed}, this file {this}) — "
                        "bring the translation up to date with the English changes, then save it"
                    ).format(file=english.path.name, changed=_day(english_time), this=_day(time)),
                    Severity.WARNING,
                )
            )
    return problems


def _day(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, tz=dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def file_change_times(paths: list[Path]) -> dict[Path, float]:
    """When each file last changed: its last commit in git, or its mtime if uncommitted or outside git."""
    times = {path: path.stat().st_mtime for path in paths if path.exists()}
    if times:
        times.update(_git_commit_times(list(times)))
    return times


def _git(args: list[str], cwd: Path) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-c", "core.quotePath=false", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def _git_commit_times(paths: list[Path]) -> dict[Path, float]:
    """Last commit time of each clean, tracked file (one `git log` for all of them)."""
    folder = Path(os.path.commonpath([os.path.abspath(p.parent) for p in paths]))
    top = _git(["rev-parse", "--show-toplevel"], folder)
    if not top:
        return {}
    root = Path(top.strip())
    # git names files relative to the top of the repository; map those names back to ours
    prefix = Path(os.path.relpath(os.path.realpath(folder), os.path.realpath(root)))
    by_git_name = {(prefix / os.path.relpath(os.path.abspath(p), folder)).as_posix(): p for p in paths}
    status = _git(["status", "--porcelain", "-z", "--untracked-files=all", "--", str(folder)], root)
    log = _git(["log", "--format=%x00%ct", "--name-only", "--", str(folder)], root)
    if status is None or log is None:
        return {}
    dirty = {item[3:] for item in status.split("\0") if len(item) > 3}
    times: dict[Path, float] = {}
    current: float | None = None
    for line in log.split("\n"):
        if line.startswith("\0"):
            current = float(line[1:])
        elif line and current is not None and line not in dirty:
            path = by_git_name.get(line)
            if path is not None and path not in times:
                times[path] = current
    return times
