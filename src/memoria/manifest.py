"""Mirror manifests (media/<id>/manifest.json): read, write atomically, list files, tell a recording's status.

Engine-independent and network-free: the site, the feeds and the mirror commands all read
recordings through this module, so it imports neither MkDocs nor yt-dlp.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import quote

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1
ID_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")  # same rule as content ids
FILE_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")

#: roles of the files a manifest lists; the site publishes only these
PUBLISHED_ROLES = ("original", "web", "captions", "thumbnail")

MIME_BY_SUFFIX = {
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".webm": "video/webm",
    ".mkv": "video/x-matroska",
    ".ts": "video/mp2t",
    ".flv": "video/x-flv",
    ".mov": "video/quicktime",
    ".m4a": "audio/mp4",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".vtt": "text/vtt",
    ".srt": "application/x-subrip",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".json": "application/json",
}


class ManifestError(Exception):
    """A manifest that cannot be read; the message names the file and what to do."""


class RecordingStatus(StrEnum):
    """What the site tells readers about a recording."""

    ONLINE = "online"  # original alive, and we hold a verified mirror
    RESCUED = "rescued"  # original dead (or unreachable), verified mirror
    ENDANGERED = "endangered"  # original alive, no mirror yet
    LOST = "lost"  # original dead, no mirror
    UNKNOWN = "unknown"  # never checked
    UNREACHABLE = "unreachable"  # the origin could not be reached (transient)
    RESTRICTED = "restricted"  # a login wall, 401 or 403 stands before the original
    CHANGED = "changed"  # the original's bytes differ from the archive's copy


class OriginStatus(StrEnum):
    """The original URL as last checked (by `memoria linkcheck` or a mirror run)."""

    ALIVE = "alive"
    DEAD = "dead"  # permanent: 404/410, unsupported, no media on the page
    BLOCKED = "blocked"  # 401/403/451: it exists but refuses us
    UNREACHABLE = "unreachable"  # transient: timeouts, 5xx, resets


@dataclass(frozen=True)
class MediaFile:
    """One mirrored file as listed in a manifest, with its published URL."""

    name: str
    role: str
    size: int
    sha256: str
    mime: str
    url: str
    language: str | None = None
    label: str | None = None


def validate_id(recording_id: str) -> str:
    """An id is only ever used as a folder name once it passes this check."""
    if not isinstance(recording_id, str) or not ID_PATTERN.match(recording_id):
        raise ValueError(f'invalid recording id "{recording_id}": use lowercase letters, digits and hyphens')
    return recording_id


def folder_for(media_dir: Path, recording_id: str) -> Path:
    """media/<id>/ for a validated id."""
    return Path(media_dir) / validate_id(recording_id)


def mime_of(name: str) -> str:
    return MIME_BY_SUFFIX.get(Path(name).suffix.lower(), "application/octet-stream")


def utc_now() -> str:
    """The current time as an ISO 8601 UTC timestamp, seconds precision."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def sha256_of(path: Path, chunk_size: int = 1 << 20) -> str:
    """Full SHA-256 of a file, read in chunks (recordings can be gigabytes)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def load_manifest(media_dir: Path, recording_id: str) -> dict[str, Any] | None:
    """The manifest of a recording, or None when it was never mirrored nor checked."""
    path = folder_for(media_dir, recording_id) / MANIFEST_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as error:
        raise ManifestError(
            f"{path}:{error.lineno}: not valid JSON ({error.msg}): restore it from git or re-run 'memoria mirror --refresh {recording_id}'"
        ) from None
    if not isinstance(manifest, dict) or manifest.get("id") != recording_id:
        raise ManifestError(
            f"{path}:1: id: the manifest does not describe recording {recording_id!r}: restore it from git"
        )
    return manifest


def write_manifest(folder: Path, manifest: dict[str, Any]) -> Path:
    """Write manifest.json atomically: a temp file in the same folder, fsync, rename, fsync the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / MANIFEST_NAME
    text = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    fd, temp_name = tempfile.mkstemp(prefix=".manifest-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    fsync_dir(folder)
    return target


def fsync_dir(folder: Path) -> None:
    """Make a rename inside `folder` durable (no-op where directories cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def is_mirrored(manifest: dict[str, Any] | None) -> bool:
    """True when the manifest records a complete, verified mirror."""
    return bool(manifest) and manifest.get("outcome") == "mirrored" and bool(manifest.get("files"))  # type: ignore[union-attr]


def media_files(
    manifest: dict[str, Any] | None, base_url: str = "media", media_dir: Path | None = None
) -> list[MediaFile]:
    """The published files of a mirrored recording, with URLs below `base_url`.

    With `media_dir`, a file missing on disk or of the wrong size is left out (a full hash
    check is `memoria verify`'s job; a build must stay fast).
    """
    if not is_mirrored(manifest):
        return []
    assert manifest is not None
    recording_id = validate_id(manifest["id"])
    out: list[MediaFile] = []
    for item in manifest.get("files", []):
        name = str(item.get("name", ""))
        if not FILE_NAME_PATTERN.match(name) or item.get("role") not in PUBLISHED_ROLES:
            continue
        if media_dir is not None:
            path = Path(media_dir) / recording_id / name
            if not path.is_file() or path.stat().st_size != item.get("size"):
                continue
        out.append(
            MediaFile(
                name=name,
                role=str(item["role"]),
                size=int(item.get("size", 0)),
                sha256=str(item.get("sha256", "")),
                mime=str(item.get("mime") or mime_of(name)),
                url=f"{base_url.rstrip('/')}/{recording_id}/{quote(name)}",
                language=item.get("language"),
                label=item.get("label"),
            )
        )
    return out


def origin_status(manifest: dict[str, Any] | None) -> OriginStatus | None:
    origin = (manifest or {}).get("origin") or {}
    status = origin.get("status")
    if not isinstance(status, str):
        return None
    try:
        return OriginStatus(status)
    except ValueError:
        return None


def recording_status(manifest: dict[str, Any] | None) -> RecordingStatus:
    """online / rescued / endangered / lost / unknown, from the mirror and the last origin check.

    A blocked original (403) still exists, so without a mirror it is endangered; an
    unreachable one (timeouts, 5xx) tells nothing, so without a mirror it is unknown.
    """
    mirrored = is_mirrored(manifest)
    origin = origin_status(manifest)
    if origin in (OriginStatus.ALIVE, OriginStatus.BLOCKED):
        return (
            RecordingStatus.ONLINE
            if mirrored and origin is OriginStatus.ALIVE
            else (RecordingStatus.RESCUED if mirrored else RecordingStatus.ENDANGERED)
        )
    if origin is OriginStatus.DEAD:
        return RecordingStatus.RESCUED if mirrored else RecordingStatus.LOST
    return RecordingStatus.RESCUED if mirrored else RecordingStatus.UNKNOWN
