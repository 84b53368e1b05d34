"""The mirror's manifest (media/<id>/manifest.json) as one typed model: read, write atomically, tell status.

Engine-independent and network-free: the mirror, `verify`, `status`, the site and the feeds
all read and write recordings through this module, so it imports neither MkDocs nor yt-dlp.

Layout of a recording's folder (every version the archive has held stays):

    media/<id>/manifest.json     this model (schema version below)
    media/<id>/custody.jsonl     the append-only custody log (memoria.custody)
    media/<id>/v1/…  v2/…        one folder per version of the bytes, each with its version.json

Manifests written before versions existed (schema 1: files beside manifest.json) are read as
one version whose folder is the recording's folder itself.
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
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

MANIFEST_NAME = "manifest.json"
VERSION_RECORD_NAME = "version.json"
CUSTODY_NAME = "custody.jsonl"
MANIFEST_VERSION = 2
ID_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")  # same rule as content ids
FILE_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")
VERSION_FOLDER_PATTERN = re.compile(r"^v([1-9][0-9]{0,5})$")
SHA256_PATTERN = re.compile(r"^[0-9a-f]{64}$")
LANGUAGE_TAG_PATTERN = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,3}$")

#: roles of the files a version lists; the site publishes only these
PUBLISHED_ROLES = ("original", "web", "captions", "thumbnail")
FILE_ROLES = (*PUBLISHED_ROLES, "info", "other")

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
    """A manifest that cannot be read; the message names the file, the field and what to do."""


class RecordingStatus(StrEnum):
    """What the site tells readers about a recording (one word, explained on the site's states page)."""

    ONLINE = "online"  # original alive, and the archive holds a verified copy
    RESCUED = "rescued"  # original gone (or not answering), verified copy held
    CHANGED = "changed"  # changed at origin: the original's bytes differ from a copy the archive held
    ENDANGERED = "endangered"  # original alive, no copy yet
    UNREACHABLE = "unreachable"  # no copy, and the origin could not be reached (transient)
    RESTRICTED = "restricted"  # no copy, and the origin refuses us (login wall, 401/403)
    LOST = "lost"  # original gone and no copy anywhere (local or Wayback)
    UNKNOWN = "unknown"  # never checked


class OriginStatus(StrEnum):
    """The original URL as last checked (by `memoria linkcheck` or a mirror run)."""

    ALIVE = "alive"
    GONE = "gone"  # the origin answered that it is gone: 404/410, a platform's "removed" page, no media
    RESTRICTED = "restricted"  # 401/403/451 or a login wall: it may exist, but refuses us
    UNREACHABLE = "unreachable"  # DNS, refused connections, timeouts, 5xx, redirect loops, TLS


#: words older manifests used for the same states
_LEGACY_ORIGIN = {"dead": "gone", "blocked": "restricted"}


def _web_url(value: str | None) -> str | None:
    """A URL read from a manifest must be http(s): a hand-edited `javascript:` never becomes a link."""
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"expected an http:// or https:// URL, got {value!r}")
    return value


def _file_name(value: str) -> str:
    if not FILE_NAME_PATTERN.match(value):
        raise ValueError(f"unsafe file name {value!r}: letters, digits, '.', '_' and '-' only")
    return value


def _sha256(value: str) -> str:
    if not SHA256_PATTERN.match(value):
        raise ValueError(f"expected 64 lowercase hex digits, got {value!r}")
    return value


def _utc(value: str) -> str:
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"expected an ISO 8601 UTC time like 2026-11-29T15:00:00Z, got {value!r}") from None
    if parsed.utcoffset() != dt.timedelta(0):
        raise ValueError(f"expected a UTC time ending in Z, got {value!r}")
    return value


WebUrl = Annotated[str, AfterValidator(_web_url)]
FileName = Annotated[str, AfterValidator(_file_name)]
Sha256 = Annotated[str, AfterValidator(_sha256)]
UtcTime = Annotated[str, AfterValidator(_utc)]
FormatValue = str | int | float | bool | None


class _Record(BaseModel):
    # extra="forbid": a misspelt or invented field in a hand-edited manifest is an error, not ignored
    model_config = ConfigDict(extra="forbid", frozen=True)


class FileRecord(_Record):
    """One file of a version: its role, size and SHA-256."""

    name: FileName
    role: Literal["original", "web", "captions", "thumbnail", "info", "other"]
    size: int = Field(ge=0)
    sha256: Sha256
    mime: str = "application/octet-stream"
    language: str | None = None
    label: str | None = None

    @field_validator("language")
    @classmethod
    def _language(cls, value: str | None) -> str | None:
        if value is not None and not LANGUAGE_TAG_PATTERN.match(value):
            raise ValueError(f"expected a language tag like 'es' or 'en-US', got {value!r}")
        return value


class Check(_Record):
    """One thing verified before a copy counted as complete."""

    name: str
    passed: bool
    detail: str = ""


class Transformation(_Record):
    """A step that changed names or containers (never the original's bytes)."""

    step: Literal["rename", "remux"]
    at: UtcTime
    note: str = ""
    tool: str | None = None
    tool_version: str | None = None
    arguments: list[str] = Field(default_factory=list)
    source: str | None = None  # file name before
    result: str | None = None  # file name after
    source_sha256: Sha256 | None = None
    result_sha256: Sha256 | None = None


class WaybackCapture(_Record):
    """The Wayback Machine capture a version was fetched from."""

    timestamp: str = Field(pattern=r"^\d{8,14}$")
    original: WebUrl
    mimetype: str
    digest: str
    capture_url: WebUrl
    cdx_endpoint: WebUrl
    digest_matches: bool | None = None


class Version(_Record):
    """One set of bytes the archive holds for a recording, and how it came to hold it."""

    number: int = Field(ge=1)
    folder: str  # "v<number>", or "" for a copy mirrored before versions existed
    retrieved_at: UtcTime
    via: Literal["source", "alternate", "wayback", "import"]
    fetched_url: WebUrl | None = None
    final_url: WebUrl | None = None
    webpage_url: WebUrl | None = None
    extractor: str | None = None
    platform_title: str | None = None  # text from the platform: data, escaped wherever shown
    tools: dict[str, str] = Field(default_factory=dict)  # name → version (memoria, yt-dlp, ffmpeg)
    imported_from: str | None = None  # for an import: the file's name as it was given (no path)
    duration: float | None = None
    announced_duration: float | None = None
    format: dict[str, FormatValue] = Field(default_factory=dict)
    original: FileName
    web_copy: FileName | None = None
    web_copy_note: str | None = None
    files: list[FileRecord]
    checks: list[Check] = Field(default_factory=list)
    transformations: list[Transformation] = Field(default_factory=list)
    wayback: WaybackCapture | None = None

    @field_validator("folder")
    @classmethod
    def _folder(cls, value: str) -> str:
        if value and not VERSION_FOLDER_PATTERN.match(value):
            raise ValueError(f"expected a version folder like 'v2', got {value!r}")
        return value

    @property
    def verified(self) -> bool:
        """Every check passed (a version is only stored after that, but a hand edit could say otherwise)."""
        return all(check.passed for check in self.checks)

    def file(self, name: str | None) -> FileRecord | None:
        return next((f for f in self.files if f.name == name), None) if name else None

    def content_key(self) -> tuple[tuple[str, str], ...]:
        """What makes two versions the same recording: the published files' roles and hashes.

        The info file (yt-dlp's JSON, with fetch times) and the web copy (derived) are left out.
        """
        return tuple(sorted((f.role, f.sha256) for f in self.files if f.role in ("original", "captions")))


class OriginCheck(_Record):
    """The last answer of the original URL."""

    url: WebUrl
    checked_at: UtcTime
    status: OriginStatus
    http_status: int | None = None
    checked_by: str = "mirror"
    detail: str | None = None

    @field_validator("status", mode="before")
    @classmethod
    def _legacy_words(cls, value: Any) -> Any:
        return _LEGACY_ORIGIN.get(value, value) if isinstance(value, str) else value


class Attempt(_Record):
    """One try at one URL (the last 50 are kept; the custody log keeps every one)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    url: str
    kind: str
    try_number: int = Field(alias="try", ge=1)
    started_at: UtcTime
    finished_at: UtcTime | None = None
    outcome: str
    error_class: str | None = None
    error: str | None = None
    http_status: int | None = None


class Manifest(_Record):
    """Everything the archive knows about one recording's copies."""

    memoria_manifest: Literal[2] = 2
    id: str = Field(pattern=ID_PATTERN.pattern)
    source_url: str
    alternate_urls: list[str] = Field(default_factory=list)
    current: int | None = None  # number of the version the site shows
    versions: list[Version] = Field(default_factory=list)
    origin: OriginCheck | None = None
    changed_at_origin: UtcTime | None = None  # when a refresh last found other bytes than the held copy
    wayback_captures: int | None = None  # captures found at the last Wayback lookup (None: not looked)
    attempts: list[Attempt] = Field(default_factory=list)
    updated_at: UtcTime | None = None

    @property
    def current_version(self) -> Version | None:
        return next((v for v in self.versions if v.number == self.current), None)

    @property
    def next_number(self) -> int:
        return max((v.number for v in self.versions), default=0) + 1

    def version(self, number: int) -> Version | None:
        return next((v for v in self.versions if v.number == number), None)


@dataclass(frozen=True)
class MediaFile:
    """One published file of the current version, with its URL."""

    name: str
    role: str
    size: int
    sha256: str
    mime: str
    url: str
    path: str  # "<id>/<folder>/<name>" below the media folder
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


def version_path(media_dir: Path, recording_id: str, version: Version) -> Path:
    folder = folder_for(media_dir, recording_id)
    return folder / version.folder if version.folder else folder


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


def _problem_text(path: Path, error: ValidationError, recording_id: str) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "manifest"
    more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return (
        f"{path}: {where}: {first['msg']}{more}: restore the file from git, or run "
        f"'memoria verify {recording_id}' to see what the archive holds"
    )


def _from_schema_1(raw: dict[str, Any]) -> dict[str, Any]:
    """A manifest from before versions: its files sit beside it, as version 1 in folder ''."""
    converted: dict[str, Any] = {
        "memoria_manifest": MANIFEST_VERSION,
        "id": raw.get("id"),
        "source_url": raw.get("source_url") or "https://invalid.example/unknown",
        "alternate_urls": list(raw.get("alternate_urls") or []),
        "origin": raw.get("origin") or None,
        "attempts": [],
        "updated_at": raw.get("updated_at") or raw.get("retrieved_at"),
        # schema 1 recorded "failed" only after every URL and the Wayback Machine were tried
        "wayback_captures": 0 if raw.get("outcome") == "failed" else None,
    }
    origin = converted["origin"]
    if isinstance(origin, dict):
        known = {"url", "checked_at", "status", "http_status", "checked_by", "detail"}
        origin = {k: v for k, v in origin.items() if k in known}
        origin.setdefault("url", converted["source_url"])
        origin.setdefault("checked_at", converted["updated_at"] or "1970-01-01T00:00:00Z")
        origin.setdefault("checked_by", "mirror")
        if "status" not in origin:
            origin = None
        converted["origin"] = origin
    files = raw.get("files") or []
    if raw.get("outcome") == "mirrored" and files:
        media = next((f for f in files if f.get("role") == "original"), None) or next(
            (f for f in files if f.get("role") == "web"), files[0]
        )
        converted["current"] = 1
        converted["versions"] = [
            {
                "number": 1,
                "folder": "",
                "retrieved_at": raw.get("retrieved_at") or "1970-01-01T00:00:00Z",
                "via": raw.get("via") or "source",
                "original": raw.get("original") or media.get("name"),
                "web_copy": raw.get("web_copy"),
                "duration": raw.get("duration"),
                "files": [
                    {
                        "name": f.get("name"),
                        "role": f.get("role"),
                        "size": f.get("size"),
                        "sha256": f.get("sha256"),
                        "mime": f.get("mime") or mime_of(str(f.get("name", ""))),
                        **({"language": f["language"]} if f.get("language") else {}),
                    }
                    for f in files
                ],
            }
        ]
    return converted


def parse_manifest(text: str, path: Path, recording_id: str) -> Manifest:
    """The typed manifest in `text`; raises ManifestError naming the file and field."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise ManifestError(
            f"{path}:{error.lineno}: not valid JSON ({error.msg}): restore it from git or run "
            f"'memoria verify {recording_id}'"
        ) from None
    if not isinstance(raw, dict):
        raise ManifestError(f"{path}:1: expected a JSON object: restore it from git")
    schema = raw.get("memoria_manifest", 1)
    if schema not in (1, MANIFEST_VERSION):
        raise ManifestError(
            f"{path}: memoria_manifest: schema version {schema!r} is not one this Memoria reads "
            f"(it reads 1 and {MANIFEST_VERSION}): upgrade Memoria"
        )
    if raw.get("id") != recording_id:
        raise ManifestError(
            f"{path}:1: id: the manifest does not describe recording {recording_id!r}: restore it from git"
        )
    if schema == 1:
        raw = _from_schema_1(raw)
    try:
        return Manifest.model_validate(raw)
    except ValidationError as error:
        raise ManifestError(_problem_text(path, error, recording_id)) from None


def load_manifest(media_dir: Path, recording_id: str) -> Manifest | None:
    """The manifest of a recording, or None when it was never mirrored nor checked."""
    path = folder_for(media_dir, recording_id) / MANIFEST_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise ManifestError(f"{path}: cannot be read ({error}): restore it from git") from None
    return parse_manifest(text, path, recording_id)


def to_json(model: BaseModel) -> str:
    """The one serialisation of manifests and version records: stable key order, UTF-8, a final newline."""
    return json.dumps(model.model_dump(mode="json", by_alias=True), indent=2, ensure_ascii=False) + "\n"


def write_atomically(target: Path, text: str, mode: int = 0o644) -> Path:
    """A temp file in the same folder, fsync, rename, fsync the folder: a kill leaves old or new, never half."""
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}-", suffix=".tmp", dir=folder)
    try:
        os.fchmod(fd, mode)  # world-readable: manifests are published and read by other tools
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if os.environ.get("MEMORIA_CRASH_AT") == f"{target.name}-temp-written":  # fault injection (tests)
            os.kill(os.getpid(), 9)
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    fsync_dir(folder)
    return target


def write_manifest(folder: Path, manifest: Manifest) -> Path:
    """Write media/<id>/manifest.json atomically from the typed model (validated again before writing)."""
    Manifest.model_validate(manifest.model_dump(by_alias=True))
    return write_atomically(Path(folder) / MANIFEST_NAME, to_json(manifest))


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


def is_mirrored(manifest: Manifest | None) -> bool:
    """True when the manifest names a current, verified version with files."""
    version = manifest.current_version if manifest else None
    return version is not None and bool(version.files) and version.verified


def media_files(
    manifest: Manifest | None, base_url: str = "media", media_dir: Path | None = None
) -> list[MediaFile]:
    """The published files of the current version, with URLs below `base_url`.

    With `media_dir`, a file missing on disk or of the wrong size is left out (a full hash
    check is `memoria verify`'s job; a build must stay fast).
    """
    if manifest is None or not is_mirrored(manifest):
        return []
    version = manifest.current_version
    assert version is not None
    recording_id = validate_id(manifest.id)
    prefix = f"{recording_id}/{version.folder}/" if version.folder else f"{recording_id}/"
    out: list[MediaFile] = []
    for item in version.files:
        if item.role not in PUBLISHED_ROLES:
            continue
        if media_dir is not None:
            path = version_path(Path(media_dir), recording_id, version) / item.name
            if not path.is_file() or path.stat().st_size != item.size:
                continue
        out.append(
            MediaFile(
                name=item.name,
                role=item.role,
                size=item.size,
                sha256=item.sha256,
                mime=item.mime if item.mime != "application/octet-stream" else mime_of(item.name),
                url=f"{base_url.rstrip('/')}/{quote(prefix + item.name)}"
                if base_url
                else quote(prefix + item.name),
                path=prefix + item.name,
                language=item.language,
                label=item.label,
            )
        )
    return out


def origin_status(manifest: Manifest | None) -> OriginStatus | None:
    return manifest.origin.status if manifest and manifest.origin else None


def recording_status(manifest: Manifest | None) -> RecordingStatus:
    """The one word the site, the feeds and `memoria status` say about a recording.

    With a verified copy: rescued when the original is gone, not answering or never checked (an
    import), changed when a
    refresh found other bytes at the origin, else online. Without one: lost only when the origin
    said it is gone and the Wayback Machine was asked and has nothing; restricted and
    unreachable say we could not tell; endangered while the original is still there.
    """
    origin = origin_status(manifest)
    if is_mirrored(manifest):
        assert manifest is not None
        if origin in (OriginStatus.GONE, OriginStatus.UNREACHABLE, None):
            return RecordingStatus.RESCUED  # held; the original is gone or could not be confirmed
        if manifest.changed_at_origin:
            return RecordingStatus.CHANGED
        return RecordingStatus.ONLINE
    if origin is OriginStatus.GONE:
        assert manifest is not None
        return RecordingStatus.LOST if manifest.wayback_captures == 0 else RecordingStatus.UNREACHABLE
    if origin is OriginStatus.RESTRICTED:
        return RecordingStatus.RESTRICTED
    if origin is OriginStatus.UNREACHABLE:
        return RecordingStatus.UNREACHABLE
    if origin is OriginStatus.ALIVE:
        return RecordingStatus.ENDANGERED
    return RecordingStatus.UNKNOWN


def json_schema() -> dict[str, Any]:
    """The manifest's JSON Schema, as published in the docs (docs/schema/manifest.schema.json)."""
    schema = Manifest.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"Memoria recording manifest, schema version {MANIFEST_VERSION}"
    return schema
