"""Stage 1 of the mirror: which recordings, and which URLs of each, in order."""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from memoria.catalog import load_catalog
from memoria.content import RecordingFields
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


def is_web_url(url: str) -> bool:
    """Only http and https ever reach the network."""
    parts = urllib.parse.urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def plan(docs_dir: Path, ids: list[str] | None = None) -> list[Target]:
    """Every recording of the archive (or those named), validated; raises ContentErrors or PlanError."""
    catalog = load_catalog(docs_dir)
    targets: dict[str, Target] = {}
    for entry in catalog.section("recordings"):
        fields = entry.english
        assert isinstance(fields, RecordingFields)
        urls = [u for u in (fields.source_url, *fields.alternate_urls) if is_web_url(u)]
        if not urls or urls[0] != fields.source_url:
            continue
        targets[entry.id] = Target(
            id=validate_id(entry.id),
            title=fields.title,
            source_url=fields.source_url,
            alternate_urls=tuple(urls[1:]),
            announced_duration=fields.duration,
            source_file=entry.sources["en"].display_path,
        )
    if not ids:
        return sorted(targets.values(), key=lambda t: t.id)
    unknown = [i for i in ids if i not in targets]
    if unknown:
        known = ", ".join(sorted(targets)) or "none"
        raise PlanError(f"unknown recording id {', '.join(map(repr, unknown))}: the archive has {known}")
    return [targets[i] for i in dict.fromkeys(ids)]
