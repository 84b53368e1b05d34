"""Stage 1 of the mirror: which recordings, and which URLs of each, in order.

A recording whose file has errors is reported on its own (`Plan.broken`) and the others still
run: one bad entry never blocks the rest of the archive.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from memoria.addressing import MEMORIA_LANGUAGES, Languages, split_language
from memoria.content import RecordingFields, load_archive
from memoria.manifest import validate_id


class PlanError(Exception):
    """Asked for a recording the archive does not have."""


@dataclass(frozen=True)
class Target:
    """A recording to mirror: our id, its URLs (source first), what its page announces."""

    id: str
    title: str
    source_url: str
    alternate_urls: tuple[str, ...]
    announced_duration: int | None
    source_file: str

    @property
    def urls(self) -> tuple[str, ...]:
        return (self.source_url, *self.alternate_urls)


@dataclass
class Plan:
    """The recordings to run, and those whose files must be fixed first (id → the file's problems)."""

    targets: list[Target] = field(default_factory=list)
    broken: dict[str, list[str]] = field(default_factory=dict)


def is_web_url(url: str) -> bool:
    """Only http and https ever reach the network."""
    parts = urllib.parse.urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _stem_id(path: str) -> str:
    return split_language(Path(path).name)[0]


def plan_recordings(
    docs_dir: Path, ids: list[str] | None = None, languages: Languages = MEMORIA_LANGUAGES
) -> Plan:
    """Every valid recording (or those named), plus the recordings whose files have errors."""
    loaded = load_archive(docs_dir, languages=languages)
    result = Plan()
    targets: dict[str, Target] = {}
    for entry in loaded.entries:
        if entry.section != "recordings":
            continue
        fields = entry.english
        if not isinstance(fields, RecordingFields):
            continue
        urls = [u for u in (fields.source_url, *fields.alternate_urls) if is_web_url(u)]
        if not urls or urls[0] != fields.source_url:
            result.broken[entry.id] = [f"{entry.original.display_path}: source_url: not an http(s) URL"]
            continue
        targets[entry.id] = Target(
            id=validate_id(entry.id),
            title=fields.title,
            source_url=fields.source_url,
            alternate_urls=tuple(urls[1:]),
            announced_duration=fields.duration,
            source_file=entry.original.display_path,
        )
    for problem in loaded.errors:
        if "/recordings/" in f"/{problem.path}":
            result.broken.setdefault(_stem_id(problem.path), []).append(str(problem))
    if not ids:
        result.targets = sorted(targets.values(), key=lambda t: t.id)
        return result
    unknown = [i for i in ids if i not in targets and i not in result.broken]
    if unknown:
        known = ", ".join(sorted(targets)) or "none"
        raise PlanError(f"unknown recording id {', '.join(map(repr, unknown))}: the archive has {known}")
    result.targets = [targets[i] for i in dict.fromkeys(ids) if i in targets]
    result.broken = {i: problems for i, problems in result.broken.items() if i in ids}
    return result


def plan(
    docs_dir: Path, ids: list[str] | None = None, languages: Languages = MEMORIA_LANGUAGES
) -> list[Target]:
    """The valid recordings only (for commands that report broken files elsewhere)."""
    return plan_recordings(docs_dir, ids, languages).targets
