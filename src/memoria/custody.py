"""The custody log of a recording (media/<id>/custody.jsonl): append-only, one PREMIS event per line.

Every fetch, fixity check, refresh, import, failure and origin check is one JSON line with
its UTC time, the agents (software and version; the person or organisation for an import),
the URL, and the hashes before and after. Event types are terms of the Library of Congress
PREMIS event-type vocabulary (id.loc.gov/vocabulary/preservation/eventType), so the log maps
onto archival systems such as Archivematica or AtoM.

Nothing ever rewrites or truncates the file: each event is one `write()` on a file opened
with O_APPEND, then fsync'd, so a kill leaves whole lines only.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from memoria import __version__ as MEMORIA_VERSION
from memoria.manifest import CUSTODY_NAME, Manifest, Sha256, UtcTime, folder_for, fsync_dir, utc_now

#: the PREMIS event types Memoria records, and what each means here
EVENT_TYPES = {
    "capture": "a download from the origin, an alternate URL or the Wayback Machine (success or failure)",
    "message digest calculation": "SHA-256 of every file of a new version",
    "validation": "the checks a copy passed or failed (demuxes, duration against what was announced)",
    "format transformation": "the browser copy remuxed from the original (streams unchanged)",
    "ingestion": "a copy brought in by a person or organisation with `memoria import`",
    "fixity check": "a re-hash of held files against the manifest (`memoria verify`, or a run that skips)",
    "metadata extraction": "an origin check: asking the original URL whether the recording is there",
}
EventType = Literal[
    "capture",
    "message digest calculation",
    "validation",
    "format transformation",
    "ingestion",
    "fixity check",
    "metadata extraction",
]


class Agent(BaseModel):
    """Who or what acted: software with its version, or the person/organisation who gave a copy."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    role: Literal["executing program", "implementer", "donor"]
    version: str | None = None


class CustodyEvent(BaseModel):
    """One line of the custody log."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_id: str
    time: UtcTime
    event_type: EventType
    outcome: Literal["success", "failure", "warning"]
    detail: str
    recording: str
    version: int | None = None  # the version the event is about, when there is one
    url: str | None = None
    agents: list[Agent] = Field(default_factory=list)
    sha256_before: dict[str, Sha256] | None = None  # file name → hash held before the event
    sha256_after: dict[str, Sha256] | None = None  # file name → hash held after the event


def memoria_agent() -> Agent:
    return Agent(name="Memoria", role="executing program", version=MEMORIA_VERSION)


def new_event(
    recording: str,
    event_type: EventType,
    outcome: Literal["success", "failure", "warning"],
    detail: str,
    *,
    version: int | None = None,
    url: str | None = None,
    agents: list[Agent] | None = None,
    sha256_before: dict[str, str] | None = None,
    sha256_after: dict[str, str] | None = None,
) -> CustodyEvent:
    return CustodyEvent(
        event_id=str(uuid.uuid4()),
        time=utc_now(),
        event_type=event_type,
        outcome=outcome,
        detail=detail,
        recording=recording,
        version=version,
        url=url,
        agents=[memoria_agent(), *(agents or [])],
        sha256_before=sha256_before,
        sha256_after=sha256_after,
    )


def log_path(media_dir: Path, recording_id: str) -> Path:
    return folder_for(media_dir, recording_id) / CUSTODY_NAME


def append(media_dir: Path, events: list[CustodyEvent]) -> None:
    """Append events to their recording's log: one write per event, O_APPEND, fsync; never truncates."""
    if not events:
        return
    path = log_path(media_dir, events[0].recording)
    path.parent.mkdir(parents=True, exist_ok=True)
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        if not created and os.fstat(fd).st_size:
            with path.open("rb") as reader:  # a line cut by a power loss must not swallow the next one
                reader.seek(-1, os.SEEK_END)
                if reader.read(1) != b"\n":
                    os.write(fd, b"\n")
        for event in events:
            line = json.dumps(event.model_dump(mode="json"), ensure_ascii=False, sort_keys=False) + "\n"
            os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:
        fsync_dir(path.parent)


@dataclass(frozen=True)
class LogProblem:
    line: int
    detail: str


def read_log(media_dir: Path, recording_id: str) -> tuple[list[CustodyEvent], list[LogProblem]]:
    """Every well-formed event of a recording's log, and a problem per line that is not one."""
    path = log_path(media_dir, recording_id)
    events: list[CustodyEvent] = []
    problems: list[LogProblem] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return [], []
    except (OSError, UnicodeDecodeError) as error:
        return [], [LogProblem(0, f"cannot be read: {error}")]
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            event = CustodyEvent.model_validate_json(line)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "line"
            problems.append(LogProblem(number, f"{where}: {first['msg']}"))
            continue
        if event.recording != recording_id:
            problems.append(LogProblem(number, f"recording: the event is about {event.recording!r}"))
            continue
        events.append(event)
    return events, problems


def disagreements(manifest: Manifest, events: list[CustodyEvent]) -> list[str]:
    """Where the log and the manifest disagree: every held version needs the event that brought it in,
    with the same hashes."""
    found = []
    for version in manifest.versions:
        if not version.folder:
            continue  # mirrored before the custody log existed: the manifest is its only record
        expected = {f.name: f.sha256 for f in version.files}
        arrivals = [
            e
            for e in events
            if e.version == version.number
            and e.outcome == "success"
            and e.event_type in ("capture", "ingestion")
            and e.sha256_after is not None
        ]
        if not arrivals:
            found.append(f"version {version.number}: no capture or ingestion event in the custody log")
            continue
        for event in arrivals:
            if event.sha256_after != expected:
                found.append(
                    f"version {version.number}: event {event.event_id} ({event.time}) records other SHA-256 "
                    "values than the manifest"
                )
    return found
