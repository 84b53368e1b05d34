"""What staff still have to do: translation coverage per section and the state of the recordings.

Coverage is read from the files themselves (not from the validated catalog), so that it can be
reported even while the archive has errors; a file holding the translate marker counts as not
yet translated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from memoria.addressing import MEMORIA_LANGUAGES, Languages, split_language, with_language
from memoria.content import display_path, entry_files, load_archive, sections
from memoria.frontmatter import FrontMatterError, parse_front_matter
from memoria.manifest import ManifestError, RecordingStatus, load_manifest, recording_status
from memoria.publication import Publication, publication_of
from memoria.scaffold import TRANSLATE_MARKER

#: the order recordings are reported in; "unknown" is a recording nobody has checked yet
RECORDING_STATUSES = tuple(status.value for status in RecordingStatus)


@dataclass
class SectionCoverage:
    """How many entries of a section exist in each language, and which files are missing."""

    section: str
    total: int = 0
    translated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MEMORIA_LANGUAGES, 0))
    missing: dict[str, list[str]] = field(default_factory=lambda: {lang: [] for lang in MEMORIA_LANGUAGES})

    def as_dict(self) -> dict[str, object]:
        return {
            "section": self.section,
            "total": self.total,
            "translated": self.translated,
            "missing": self.missing,
        }


def _finished(path: Path) -> bool:
    """A file counts as written in its language unless it still holds the translate marker."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return True  # present but unreadable: `memoria check` reports it; coverage counts it
    try:
        body = parse_front_matter(text).body
    except FrontMatterError:
        body = text
    return TRANSLATE_MARKER not in body


def translation_coverage(docs_dir: Path, languages: Languages = MEMORIA_LANGUAGES) -> list[SectionCoverage]:
    """Per section: entries in total, entries finished in each of the site's languages, and the missing files."""
    groups: dict[tuple[str, Path, str], dict[str, Path]] = {}
    for section, path in entry_files(docs_dir):
        base, lang = split_language(path.name)
        if lang is not None and lang in languages:
            groups.setdefault((section, path.parent, base), {})[lang] = path
    coverage = {
        section: SectionCoverage(
            section, translated=dict.fromkeys(languages, 0), missing={lang: [] for lang in languages}
        )
        for section in sections()
    }
    for (section, folder, base), paths in sorted(groups.items()):
        row = coverage[section]
        row.total += 1
        for lang in languages:
            present = paths.get(lang)
            if present is not None and _finished(present):
                row.translated[lang] += 1
            else:
                row.missing[lang].append(display_path(folder / with_language(f"{base}.md", lang)))
    return [coverage[section] for section in coverage]


def recording_ids(docs_dir: Path, languages: Languages = MEMORIA_LANGUAGES) -> list[str]:
    """Ids of the recordings, one per recording whatever its languages: the `id` its files give, else the file name.

    `id` is language-neutral, so only the original file gives it, and the original may be the
    Spanish one (a recording written in Spanish, with or without an English translation).
    """
    files: dict[Path, list[Path]] = {}  # the recording, without language → its files
    for section, path in entry_files(docs_dir):
        base, lang = split_language(path.name)
        if section == "recordings" and lang in languages:
            files.setdefault(path.with_name(base), []).append(path)
    return sorted(_declared_id(paths) or recording.name for recording, paths in files.items())


def _declared_id(paths: list[Path]) -> str | None:
    for path in paths:
        try:
            entry_id = parse_front_matter(path.read_text(encoding="utf-8")).values.get("id")
        except (FrontMatterError, UnicodeDecodeError):
            continue
        if isinstance(entry_id, str) and entry_id:
            return entry_id
    return None


@dataclass(frozen=True)
class RecordingState:
    """A recording and what its manifest says about it."""

    id: str
    status: str
    problem: str | None = None  # a manifest that could not be read


def recording_states(
    docs_dir: Path, media_dir: Path, languages: Languages = MEMORIA_LANGUAGES
) -> list[RecordingState]:
    """Each recording's status from media/<id>/manifest.json; no manifest means not checked yet."""
    states = []
    for recording_id in recording_ids(docs_dir, languages):
        try:
            manifest = load_manifest(media_dir, recording_id)
        except ValueError as error:  # an id that cannot be a folder name
            states.append(RecordingState(recording_id, RecordingStatus.UNKNOWN.value, str(error)))
            continue
        except ManifestError as error:
            states.append(RecordingState(recording_id, RecordingStatus.UNKNOWN.value, str(error)))
            continue
        states.append(RecordingState(recording_id, recording_status(manifest).value))
    return states


def count_by_status(states: list[RecordingState]) -> dict[str, int]:
    counts = dict.fromkeys(RECORDING_STATUSES, 0)
    for state in states:
        counts[state.status] = counts.get(state.status, 0) + 1
    return counts


@dataclass(frozen=True)
class HeldBack:
    """An entry readers cannot see yet: a draft, or scheduled until a moment."""

    path: str
    title: str
    state: str
    at: dt.datetime | None
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.path,
            "title": self.title,
            "state": self.state,
            "at": self.at.isoformat() if self.at else None,
            "reason": self.reason,
        }


def held_back(
    docs_dir: Path,
    now: dt.datetime,
    future_dates: str = "hold",
    archive_zone: str = "UTC",
    languages: Languages = MEMORIA_LANGUAGES,
) -> list[HeldBack]:
    """Drafts and scheduled entries (valid ones: `memoria check` reports the rest), soonest first."""
    rows = []
    for entry in load_archive(docs_dir, languages=languages).entries:
        publication: Publication = publication_of(entry, now, future_dates, archive_zone)
        if publication.published:
            continue
        original = entry.original
        rows.append(
            HeldBack(
                original.display_path,
                entry.english.title,
                publication.state.value,
                publication.at,
                publication.reason,
            )
        )
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return sorted(rows, key=lambda row: (row.state, row.at or far, row.path))
