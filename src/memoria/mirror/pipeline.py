"""The mirror as named stages, one recording at a time; one bad recording never stops the others.

lock → recover an interrupted run → skip if verified (fixity check, no request) → fetch each
URL in a bounded child process (retries, backoff) → Wayback fallback → stage (probe, demux,
durations, web copy, hashes) → keep: a new version folder, or nothing when the bytes are the
ones already held → custody log → manifest.

Nothing held is ever replaced: each set of bytes lives in its own version folder
(media/<id>/v<N>/), identical files across versions are hard links (stored once), and a failed
attempt only appends to the manifest's attempts and the custody log. Work happens in
media/.work/<id>/ (same filesystem, so keeping a version is one rename).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import stat
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol, TypedDict

from memoria import __version__ as MEMORIA_VERSION
from memoria import custody
from memoria.custody import Agent, CustodyEvent, new_event
from memoria.manifest import (
    LANGUAGE_TAG_PATTERN,
    VERSION_FOLDER_PATTERN,
    VERSION_RECORD_NAME,
    Attempt,
    Check,
    FileRecord,
    FormatValue,
    Manifest,
    ManifestError,
    OriginCheck,
    OriginStatus,
    Transformation,
    Version,
    WaybackCapture,
    fsync_dir,
    is_mirrored,
    load_manifest,
    mime_of,
    sha256_of,
    to_json,
    utc_now,
    validate_id,
    write_atomically,
    write_manifest,
)
from memoria.mirror import media
from memoria.mirror.failures import FailureClass, FetchError
from memoria.mirror.lock import Busy, recording_lock
from memoria.mirror.netguard import AddressPolicy
from memoria.mirror.plan import Target, is_web_url
from memoria.mirror.verify import verify_recording, verify_version
from memoria.mirror.wayback import (
    DEFAULT_CDX_ENDPOINT,
    DEFAULT_WAYBACK_PREFIX,
    Memento,
    cdx_digest,
    find_captures,
)
from memoria.mirror.worker import FetchedFile, FetchRequest, Limits, fetch_bounded

WORK_DIR = ".work"
#: names the test suite kills the process at (MEMORIA_CRASH_AT=<name>), to prove each write order safe
CRASH_POINTS = ("version-kept", "custody-partial", "custody-written", "manifest.json-temp-written")
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}
GB = 1_000_000_000


class MirrorOutcome(StrEnum):
    RESCUED = "rescued"  # a first copy, fetched and verified in this run
    PRESENT = "present"  # already held and verified: nothing fetched
    UNCHANGED = "unchanged"  # refreshed: the origin still serves the bytes the archive holds
    CHANGED = "changed"  # changed at origin: other bytes, kept as a new version beside the old
    IMPORTED = "imported"  # a copy brought in with `memoria import`
    UNREACHABLE = "unreachable"  # could not reach the origin (transient): try again
    RESTRICTED = "restricted"  # the origin refuses us (login wall, 401/403)
    INCOMPLETE = "incomplete"  # bytes arrived but are not the whole recording (or too large)
    DISK_FULL = "disk_full"  # our disk, not their server
    BUSY = "busy"  # another process holds this recording
    LOST = "lost"  # the origin says it is gone, and no copy anywhere (Wayback included)
    FAILED = "failed"  # anything else (a manifest that cannot be read, a held copy that fails its check)
    PLANNED = "planned"  # --dry-run: would be fetched

    @property
    def ok(self) -> bool:
        return self in (self.RESCUED, self.PRESENT, self.UNCHANGED, self.CHANGED, self.IMPORTED, self.PLANNED)


@dataclass(frozen=True)
class Settings:
    """How the mirror behaves; the CLI fills it from its options."""

    media_dir: Path
    retries: int = 5  # yt-dlp's own retries (HTTP and fragments), which default to 0 in its API
    attempts: int = 3  # outer tries per URL for transient failures
    backoff: float = 2.0  # seconds before the second try, doubled each time
    timeout: float = 20.0  # one network read (yt-dlp's socket_timeout; the CDX API)
    stall_timeout: float = 30.0  # an attempt ends when fewer than 1 KiB arrive in this time
    deadline: float = 8 * 3600.0  # per recording, all attempts included
    max_size: int = 20 * GB  # per file: stops endless responses
    min_free: int = GB  # what a download must leave free on the disk
    refresh: bool = False
    web_copy: bool = True
    wayback: bool = True
    cdx_endpoint: str = DEFAULT_CDX_ENDPOINT
    wayback_prefix: str = DEFAULT_WAYBACK_PREFIX
    ffmpeg: str | None = None
    allow_private: bool = False
    allowed_networks: tuple[str, ...] = ()
    lock_wait: float = 0.0
    store: Any = None  # memoria.store.S3Store when media_store is s3://…: held files may live there only

    @property
    def policy(self) -> AddressPolicy:
        return AddressPolicy.from_strings(self.allow_private, self.allowed_networks)


#: one try at one URL as the run records it: the custody log's and --json's record, and the
#: manifest's `Attempt` once validated (written as JSON: "try" is the key, a Python keyword)
AttemptRecord = TypedDict(
    "AttemptRecord",
    {
        "url": str,
        "kind": str,
        "try": int,
        "started_at": str,
        "finished_at": str,
        "outcome": str,
        "error_class": str,
        "error": str,
        "http_status": "int | None",
    },
    total=False,
)


@dataclass
class MirrorResult:
    """What happened to one recording, for the summary table and --json."""

    id: str
    outcome: MirrorOutcome
    detail: str = ""
    url: str | None = None
    via: str | None = None
    files: int = 0
    size: int = 0
    version: int | None = None
    attempts: list[AttemptRecord] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "outcome": self.outcome.value,
            "detail": self.detail,
            "url": self.url,
            "via": self.via,
            "files": self.files,
            "bytes": self.size,
            "version": self.version,
            "attempts": self.attempts,
        }


class Progress(Protocol):
    """Where the pipeline reports progress (a rich display, or nothing)."""

    def started(self, recording_id: str, url: str) -> None: ...

    def advanced(self, recording_id: str, done: int, total: int | None) -> None: ...

    def finished(self, result: MirrorResult) -> None: ...


class NoProgress:
    def started(self, recording_id: str, url: str) -> None:
        pass

    def advanced(self, recording_id: str, done: int, total: int | None) -> None:
        pass

    def finished(self, result: MirrorResult) -> None:
        pass


class _Rejected(Exception):
    """Bytes that arrived but are not a complete recording."""


@dataclass
class _Download:
    fetched: FetchedFile
    folder: Path
    kind: str
    url: str
    memento: Memento | None = None


@dataclass
class _Staged:
    """A verified version, not yet kept: its folder in .work and its record."""

    folder: Path
    version: Version
    events: list[CustodyEvent]


def crash_point(name: str) -> None:
    """Die here as `kill -9` would, when the environment asks (fault injection for the tests only)."""
    if os.environ.get("MEMORIA_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _work(settings: Settings, recording_id: str) -> Path:
    return settings.media_dir / WORK_DIR / recording_id


def _empty_manifest(target: Target) -> Manifest:
    return Manifest(id=target.id, source_url=target.source_url, alternate_urls=list(target.alternate_urls))


def _with(manifest: Manifest, **changes: Any) -> Manifest:
    return manifest.model_copy(update={**changes, "updated_at": utc_now()})


def _hashes(version: Version | None) -> dict[str, str] | None:
    return {f.name: f.sha256 for f in version.files} if version else None


def _remove_tree(path: Path) -> None:
    """Remove a work folder even when it holds read-only files."""

    def writable(function: Any, failed: str, _excinfo: Any) -> None:
        os.chmod(os.path.dirname(failed), stat.S_IRWXU)
        os.chmod(failed, stat.S_IRWXU)
        function(failed)

    if path.exists():
        shutil.rmtree(path, onerror=writable)


# --- stage: recover what a kill interrupted ---------------------------------------------


def _recover(
    settings: Settings, target_id: str, manifest: Manifest | None, source_url: str
) -> Manifest | None:
    """Adopt a version folder that was kept but not yet recorded (a kill between the two), or drop it.

    A version folder is only ever made by one rename of a complete, verified stage that holds
    its own version.json; so a folder with a valid record whose files verify is adopted
    (custody log and manifest completed), and anything else there was never held.
    """
    root = settings.media_dir / target_id
    if not root.is_dir():
        return manifest
    for temporary in root.glob(".manifest.json-*.tmp"):  # a manifest write a kill cut short: never the record
        temporary.unlink(missing_ok=True)
    known = {v.folder for v in manifest.versions} if manifest else set()
    for folder in sorted(root.iterdir()):
        if not folder.is_dir() or not VERSION_FOLDER_PATTERN.match(folder.name) or folder.name in known:
            continue
        try:
            version = Version.model_validate_json((folder / VERSION_RECORD_NAME).read_text(encoding="utf-8"))
            problems, _ = verify_version(folder, version)
        except (OSError, ValueError):
            problems, version = [None], None  # type: ignore[list-item]
        if problems or version is None or version.folder != folder.name:
            _remove_tree(folder)
            fsync_dir(root)
            continue
        manifest = manifest or Manifest(id=target_id, source_url=source_url)
        events, _ = custody.read_log(settings.media_dir, target_id)
        if not any(e.version == version.number and e.event_type in ("capture", "ingestion") for e in events):
            custody.append(
                settings.media_dir,
                [
                    new_event(
                        target_id,
                        "ingestion" if version.via == "import" else "capture",
                        "success",
                        "kept before an interruption; recorded on the next run after its files verified",
                        version=version.number,
                        url=version.fetched_url,
                        sha256_after=_hashes(version),
                    )
                ],
            )
        previous = manifest.current_version
        manifest = _with(
            manifest,
            versions=[*manifest.versions, version],
            current=max(version.number, manifest.current or 0),
            changed_at_origin=manifest.changed_at_origin
            or (
                version.retrieved_at
                if previous and previous.content_key() != version.content_key() and version.via != "import"
                else None
            ),
        )
        write_manifest(root, manifest)
    return manifest


# --- stage: skip if verified -----------------------------------------------------------


def _fixity(settings: Settings, manifest: Manifest) -> list[str]:
    """Re-hash the current version; log the fixity check; return the problems."""
    version = manifest.current_version
    assert version is not None
    problems, checked = verify_recording(
        settings.media_dir, manifest, only_current=True, store=settings.store
    )
    custody.append(
        settings.media_dir,
        [
            new_event(
                manifest.id,
                "fixity check",
                "failure" if problems else "success",
                "; ".join(f"{p.kind} {p.name}: {p.detail}" for p in problems)
                or f"{checked} files of version {version.number} match their SHA-256",
                version=version.number,
                sha256_before=_hashes(version),
            )
        ],
    )
    return [f"{p.kind} {p.name}" for p in problems]


# --- stage: fetch, bounded, with retries and backoff -----------------------------------


def _url_folder(work: Path, url: str) -> Path:
    return work / ("dl-" + hashlib.sha256(url.encode("utf-8")).hexdigest()[:16])


def _attempt_record(url: str, kind: str, number: int) -> AttemptRecord:
    return {"url": url, "kind": kind, "try": number, "started_at": utc_now(), "outcome": "started"}


def _fetch_with_retries(
    target: Target,
    url: str,
    kind: str,
    settings: Settings,
    attempts: list[AttemptRecord],
    progress: Progress,
    deadline_at: float,
) -> tuple[_Download | None, FetchError | None]:
    """Outer retry: unreachable is retried with exponential backoff, anything else ends this URL."""
    folder = _url_folder(_work(settings, target.id), url)
    last: FetchError | None = None
    for number in range(1, max(1, settings.attempts) + 1):
        record = _attempt_record(url, kind, number)
        attempts.append(record)
        progress.started(target.id, url)
        try:
            if not is_web_url(url):
                raise FetchError(FailureClass.REFUSED, f"{url}: only http and https URLs are fetched")
            remaining = deadline_at - time.monotonic()
            if remaining <= 0:
                raise FetchError(
                    FailureClass.UNREACHABLE, f"{url}: the recording's deadline passed (--deadline)"
                )
            fetched = fetch_bounded(
                FetchRequest(
                    url=url,
                    workdir=str(folder),
                    recording_id=target.id,
                    retries=settings.retries,
                    read_timeout=min(settings.timeout, settings.stall_timeout + 5),
                    ffmpeg=settings.ffmpeg,
                    max_size=settings.max_size,
                    allow_private=settings.allow_private,
                    allowed_networks=list(settings.allowed_networks),
                ),
                Limits(settings.stall_timeout, remaining, settings.max_size, settings.min_free),
                lambda done, total: progress.advanced(target.id, done, total),
            )
        except FetchError as error:
            record.update(
                {
                    "finished_at": utc_now(),
                    "outcome": "failed",
                    "error_class": error.failure.value,
                    "error": error.message,
                    "http_status": error.http_status,
                }
            )
            last = error
            if error.failure is not FailureClass.UNREACHABLE:
                _remove_tree(folder)  # nothing to resume: gone, refused, too large, disk full
                return None, error
            if number < settings.attempts and time.monotonic() < deadline_at:
                time.sleep(settings.backoff * 2 ** (number - 1))
            continue
        record.update({"finished_at": utc_now(), "outcome": "downloaded"})
        return _Download(fetched, folder, kind, url), None
    return None, last


def _origin_from(url: str, error: FetchError | None) -> OriginCheck | None:
    if error is not None and error.failure is FailureClass.REFUSED:
        return None  # we did not ask: nothing is known about the origin
    status = OriginStatus.ALIVE
    if error is not None:
        status = {
            FailureClass.GONE: OriginStatus.GONE,
            FailureClass.RESTRICTED: OriginStatus.RESTRICTED,
            FailureClass.UNREACHABLE: OriginStatus.UNREACHABLE,
        }.get(error.failure, OriginStatus.ALIVE)  # rejected or disk full: the origin did answer
    return OriginCheck(
        url=url,
        checked_at=utc_now(),
        status=status,
        http_status=200 if error is None else error.http_status,
        checked_by="mirror",
        detail=None if error is None else error.message[:500],
    )


# --- stage: verify and make the web copy -----------------------------------------------


def _within(measured: float, announced: float) -> bool:
    return abs(measured - announced) <= max(2.0, 0.02 * announced)


def _role_of(path: Path, recording_id: str, media_name: str) -> tuple[str, str | None]:
    name = path.name
    if name == media_name:
        return "original", None
    if name.endswith(".info.json"):
        return "info", None
    if path.suffix == ".vtt":
        language = name[len(recording_id) + 1 : -len(".vtt")] if name.startswith(recording_id + ".") else None
        return "captions", language if language and LANGUAGE_TAG_PATTERN.match(language) else None
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return "thumbnail", None
    return "other", None


@dataclass(frozen=True)
class _Source:
    """Where staged bytes came from: a download or an import."""

    via: str
    url: str | None = None
    final_url: str | None = None
    webpage_url: str | None = None
    extractor: str | None = None
    platform_title: str | None = None
    yt_dlp_version: str | None = None
    announced: tuple[tuple[float | None, str], ...] = ()
    playlist_duration: float | None = None
    discontinuities: int | None = None
    format: dict[str, Any] = field(default_factory=dict)
    memento: Memento | None = None
    imported_from: str | None = None
    donor: str | None = None


def _safe_url(url: str | None) -> str | None:
    return url if url and is_web_url(url) else None


def _stage(
    recording_id: str, stage: Path, media_path: Path, source: _Source, settings: Settings, number: int
) -> _Staged:
    """Verify the staged media (probe, demux, durations), add the web copy, hash, describe the version."""
    ffmpeg = settings.ffmpeg or media.find_ffmpeg()
    if not ffmpeg:
        raise _Rejected("ffmpeg not found: a copy cannot be verified without it (install ffmpeg)")
    checks: list[Check] = []
    transformations: list[Transformation] = []
    events: list[CustodyEvent] = []
    ffmpeg_agent = Agent(name="ffmpeg", role="executing program", version=media.ffmpeg_version(ffmpeg))
    probed = _probe_readable(ffmpeg, media_path, checks)
    media_path = _named_for_content(media_path, probed, transformations)
    announced = [*source.announced]
    if source.playlist_duration:
        announced.append((source.playlist_duration, "the HLS playlist (sum of its segments)"))
    _check_durations(probed, announced, checks)
    if source.playlist_duration:
        checks.append(
            Check(name="playlist unchanged during the download", passed=True, detail="read before and after")
        )
    web_copy: str | None = None
    web_note: str | None = None
    if probed.browser_playable:
        web_copy = media_path.name
    elif probed.codecs_playable and settings.web_copy:
        web_path = stage / f"{recording_id}.web.mp4"
        _remux_web_copy(
            ffmpeg,
            media_path,
            web_path,
            probed,
            (recording_id, number, ffmpeg_agent),
            checks,
            transformations,
            events,
        )
        web_copy = web_path.name
    else:
        web_note = "no web copy: " + (
            "disabled (--no-web-copy)" if not settings.web_copy else "codecs not playable in browsers"
        )
    files = _file_records(stage, recording_id, media_path.name, web_copy)
    checks.append(Check(name="sha256", passed=True, detail=f"{len(files)} files hashed"))
    memento = source.memento
    wayback = None
    if memento is not None:
        wayback = WaybackCapture(
            **memento.as_manifest(), digest_matches=cdx_digest(media_path) == memento.digest
        )
    tools = {"memoria": MEMORIA_VERSION, "ffmpeg": ffmpeg_agent.version or "unknown"}
    if source.yt_dlp_version:
        tools["yt-dlp"] = source.yt_dlp_version
    version = Version(
        number=number,
        folder=f"v{number}",
        retrieved_at=utc_now(),
        via=source.via,  # type: ignore[arg-type]
        fetched_url=_safe_url(source.url),
        final_url=_safe_url(source.final_url),
        webpage_url=_safe_url(source.webpage_url),
        extractor=source.extractor,
        platform_title=source.platform_title,
        tools=tools,
        imported_from=source.imported_from,
        duration=round(probed.duration, 3) if probed.duration is not None else None,
        announced_duration=next((float(v) for v, _ in announced if v), None),
        format=_format_record(source, probed),
        original=media_path.name,
        web_copy=web_copy,
        web_copy_note=web_note,
        files=files,
        checks=checks,
        transformations=transformations,
        wayback=wayback,
    )
    hashes = _hashes(version)
    events[:0] = [
        new_event(
            recording_id,
            "message digest calculation",
            "success",
            f"SHA-256 of the {len(files)} files of version {number}",
            version=number,
            sha256_after=hashes,
        ),
        new_event(
            recording_id,
            "validation",
            "success",
            "; ".join(f"{c.name}: {c.detail}" for c in checks),
            version=number,
            agents=[ffmpeg_agent],
        ),
    ]
    return _Staged(stage, version, events)


def _probe_readable(ffmpeg: str, media_path: Path, checks: list[Check]) -> media.Probe:
    """The file's container, streams and duration, and proof that every packet reads."""
    try:
        probed = media.probe(ffmpeg, media_path)
        checks.append(Check(name="readable", passed=True, detail=f"container {probed.container}"))
        media.check_demuxes(ffmpeg, media_path)
        checks.append(Check(name="demuxes", passed=True, detail="every packet reads to the end"))
    except media.MediaError as error:
        raise _Rejected(str(error)) from None
    return probed


def _named_for_content(media_path: Path, probed: media.Probe, transformations: list[Transformation]) -> Path:
    """yt-dlp names HLS downloads .mp4 even when the bytes are MPEG-TS: say what they are."""
    if not probed.suffix or media_path.suffix == probed.suffix:
        return media_path
    renamed = media_path.with_suffix(probed.suffix)
    os.rename(media_path, renamed)
    transformations.append(
        Transformation(
            step="rename",
            at=utc_now(),
            source=media_path.name,
            result=renamed.name,
            note=f"the bytes are {probed.container}; name changed, bytes unchanged",
        )
    )
    return renamed


def _check_durations(
    probed: media.Probe, announced: list[tuple[float | None, str]], checks: list[Check]
) -> None:
    """The measured duration against each announced one: a copy much shorter is incomplete."""
    for value, where in announced:
        if not value:
            continue
        if probed.duration is None:
            raise _Rejected(f"no duration could be read, but {where} announces {float(value):.1f}s")
        passed = _within(probed.duration, float(value))
        checks.append(
            Check(
                name=f"duration matches {where}",
                passed=passed,
                detail=f"{probed.duration:.1f}s measured, {float(value):.1f}s announced",
            )
        )
        if not passed:
            raise _Rejected(
                f"duration {probed.duration:.1f}s but {where} announces {float(value):.1f}s: "
                "the copy is incomplete (or the announced duration is wrong)"
            )


def _remux_web_copy(
    ffmpeg: str,
    media_path: Path,
    web_path: Path,
    probed: media.Probe,
    version: tuple[str, int, Agent],
    checks: list[Check],
    transformations: list[Transformation],
    events: list[CustodyEvent],
) -> None:
    """An MP4 browsers play, with the original's streams copied unchanged; its duration checked."""
    recording_id, number, ffmpeg_agent = version
    try:
        arguments = media.remux_to_mp4(ffmpeg, media_path, web_path)
        web_probe = media.probe(ffmpeg, web_path)
    except media.MediaError as error:
        raise _Rejected(str(error)) from None
    same = (
        probed.duration is None
        or web_probe.duration is None
        or abs(web_probe.duration - probed.duration) <= max(0.5, 0.01 * probed.duration)
    )
    checks.append(
        Check(
            name="web copy duration equals the original's",
            passed=same,
            detail=f"{(web_probe.duration or 0):.2f}s and {(probed.duration or 0):.2f}s",
        )
    )
    if not same:
        raise _Rejected("the web copy's duration differs from the original's: remux failed")
    transformations.append(
        Transformation(
            step="remux",
            at=utc_now(),
            tool="ffmpeg",
            tool_version=ffmpeg_agent.version,
            arguments=arguments,
            source=media_path.name,
            result=web_path.name,
            source_sha256=sha256_of(media_path),
            result_sha256=sha256_of(web_path),
            note="audio and video streams copied unchanged into MP4 (no re-encoding)",
        )
    )
    events.append(
        new_event(
            recording_id,
            "format transformation",
            "success",
            f"{media_path.name} remuxed into {web_path.name} for browsers (streams copied, no re-encoding)",
            version=number,
            agents=[ffmpeg_agent],
            sha256_before={media_path.name: sha256_of(media_path)},
            sha256_after={web_path.name: sha256_of(web_path)},
        )
    )


def _file_records(stage: Path, recording_id: str, original: str, web_copy: str | None) -> list[FileRecord]:
    """Every file of the staged version with its role, size, SHA-256 and media type."""
    files = []
    for path in sorted(stage.iterdir()):
        role, language = _role_of(path, recording_id, original)
        if path.name == web_copy and role != "original":
            role = "web"
        files.append(
            FileRecord(
                name=path.name,
                role=role,  # type: ignore[arg-type]
                size=path.stat().st_size,
                sha256=sha256_of(path),
                mime=mime_of(path.name),
                language=language,
            )
        )
    return files


def _format_record(source: _Source, probed: media.Probe) -> dict[str, FormatValue]:
    """The format as yt-dlp reported it (plain values only) and as ffprobe measured it."""
    return {
        **{k: v for k, v in source.format.items() if isinstance(v, str | int | float | bool) or v is None},
        "container": probed.container,
        "video_codecs": ",".join(probed.video_codecs),
        "audio_codecs": ",".join(probed.audio_codecs),
        **({"discontinuities": source.discontinuities} if source.discontinuities is not None else {}),
    }


def _stage_download(target: Target, download: _Download, settings: Settings, number: int) -> _Staged:
    stage = _work(settings, target.id) / "stage"
    _remove_tree(stage)
    stage.mkdir(parents=True)
    for path in download.folder.iterdir():
        if path.is_file() and not path.name.endswith((".part", ".ytdl")) and ".part-Frag" not in path.name:
            os.rename(path, stage / path.name)
    fetched = download.fetched
    source = _Source(
        via=download.kind,
        url=download.url,
        final_url=fetched.final_url,
        webpage_url=fetched.webpage_url,
        extractor=fetched.extractor,
        platform_title=fetched.platform_title,
        yt_dlp_version=fetched.tool_version,
        announced=(
            (fetched.announced_duration, "the platform"),
            (target.announced_duration, target.source_file),
        ),
        playlist_duration=fetched.playlist_duration,
        discontinuities=fetched.discontinuities,
        format=fetched.format,
        memento=download.memento,
    )
    return _stage(target.id, stage, stage / fetched.media_path.name, source, settings, number)


# --- stage: keep -----------------------------------------------------------------------


def _dedupe_and_seal(staged: _Staged, manifest: Manifest, settings: Settings) -> None:
    """Identical bytes are stored once (hard links to the held file); every kept file becomes read-only."""
    held: dict[str, Path] = {}
    root = settings.media_dir / manifest.id
    for version in manifest.versions:
        for item in version.files:
            path = (root / version.folder if version.folder else root) / item.name
            if path.is_file():
                held.setdefault(item.sha256, path)
    for item in staged.version.files:
        path = staged.folder / item.name
        twin = held.get(item.sha256)
        if twin is not None and twin.stat().st_size == item.size:
            temporary = path.with_name(path.name + ".link")
            os.link(twin, temporary)
            os.replace(temporary, path)
        else:
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
            os.chmod(path, 0o444)  # the master copy: world-readable, never written again
    write_atomically(staged.folder / VERSION_RECORD_NAME, to_json(staged.version), mode=0o444)
    os.chmod(staged.folder, 0o755)


def _keep(
    staged: _Staged, manifest: Manifest, settings: Settings, arrival: CustodyEvent, origin: OriginCheck | None
) -> tuple[Manifest, MirrorOutcome, int]:
    """Keep a verified stage as a new version, or drop it when a held version has the same bytes;
    returns the manifest, the outcome and the number of the version that holds the bytes."""
    root = settings.media_dir / manifest.id
    current = manifest.current_version
    key = staged.version.content_key()
    same = next((v for v in manifest.versions if v.content_key() == key), None)
    if same is not None:  # these bytes are held already: store nothing, say so
        _remove_tree(staged.folder)
        custody.append(
            settings.media_dir,
            [
                arrival.model_copy(
                    update={
                        "version": same.number,
                        "detail": f"{arrival.detail}; the same bytes as version {same.number}: nothing stored",
                        "sha256_after": _hashes(same),
                    }
                )
            ],
        )
        reverted = current is not None and same.number != current.number and staged.version.via != "import"
        manifest = _with(
            manifest,
            origin=origin or manifest.origin,
            current=same.number if reverted else manifest.current,
            changed_at_origin=staged.version.retrieved_at if reverted else manifest.changed_at_origin,
        )
        write_manifest(root, manifest)
        return manifest, (MirrorOutcome.CHANGED if reverted else MirrorOutcome.UNCHANGED), same.number
    _dedupe_and_seal(staged, manifest, settings)
    root.mkdir(parents=True, exist_ok=True)
    os.rename(
        staged.folder, root / staged.version.folder
    )  # one rename: the version exists whole or not at all
    fsync_dir(root)
    crash_point("version-kept")
    custody.append(settings.media_dir, [arrival])
    crash_point("custody-partial")
    custody.append(settings.media_dir, staged.events)
    crash_point("custody-written")
    changed = current is not None and staged.version.via != "import"
    manifest = _with(
        manifest,
        versions=[*manifest.versions, staged.version],
        current=staged.version.number,
        origin=origin or manifest.origin,
        changed_at_origin=staged.version.retrieved_at if changed else manifest.changed_at_origin,
    )
    write_manifest(root, manifest)
    number = staged.version.number
    if staged.version.via == "import":
        return manifest, MirrorOutcome.IMPORTED, number
    return manifest, (MirrorOutcome.CHANGED if changed else MirrorOutcome.RESCUED), number


# --- one recording ---------------------------------------------------------------------


def _agents_for(download: _Download) -> list[Agent]:
    return [Agent(name="yt-dlp", role="executing program", version=download.fetched.tool_version)]


def _result_for(
    manifest: Manifest, outcome: MirrorOutcome, detail: str, url: str | None, via: str | None
) -> MirrorResult:
    version = manifest.current_version
    files = version.files if version else []
    return MirrorResult(
        manifest.id,
        outcome,
        detail,
        url,
        via,
        len(files),
        sum(f.size for f in files),
        version.number if version else None,
    )


def mirror_recording(target: Target, settings: Settings, progress: Progress | None = None) -> MirrorResult:
    """Every stage for one recording, under its lock; returns its outcome, never raises for a network problem."""
    return _with_recording(
        target, settings, lambda held: _mirror_held(target, settings, progress or NoProgress(), held)
    )


def _with_recording(
    target: Target, settings: Settings, work: Callable[[Manifest | None], MirrorResult]
) -> MirrorResult:
    """What every writer of a recording does first: its lock, then the manifest read and any
    interrupted run recovered; `work` gets the manifest (None when nothing was ever recorded)."""
    validate_id(target.id)
    try:
        with recording_lock(settings.media_dir, target.id, settings.lock_wait):
            try:
                held = _recover(
                    settings, target.id, load_manifest(settings.media_dir, target.id), target.source_url
                )
            except ManifestError as error:
                return MirrorResult(target.id, MirrorOutcome.FAILED, str(error))
            _remove_tree(_work(settings, target.id) / "stage")
            return work(held)
    except Busy as busy:
        return MirrorResult(target.id, MirrorOutcome.BUSY, str(busy))


def _mirror_held(
    target: Target, settings: Settings, progress: Progress, held: Manifest | None
) -> MirrorResult:
    root = settings.media_dir / target.id
    if held is not None and is_mirrored(held):
        problems = _fixity(settings, held)
        if problems:
            return _result_for(
                held,
                MirrorOutcome.FAILED,
                f"the held copy does not match its manifest ({'; '.join(problems)}): nothing fetched; "
                f"see 'memoria verify {target.id}'",
                None,
                None,
            )
        if not settings.refresh:
            version = held.current_version
            assert version is not None
            return _result_for(
                held, MirrorOutcome.PRESENT, "verified (sha256)", version.final_url, version.via
            )
    manifest: Manifest = (held or _empty_manifest(target)).model_copy(
        update={"source_url": target.source_url, "alternate_urls": list(target.alternate_urls)}
    )
    attempts: list[AttemptRecord] = []
    origin: OriginCheck | None = None
    errors: list[tuple[str, FetchError]] = []
    events: list[CustodyEvent] = []
    deadline_at = time.monotonic() + settings.deadline

    def try_candidates(queue: list[tuple[str, str, Memento | None]]) -> MirrorResult | None:
        nonlocal origin, manifest
        for url, kind, memento in queue:
            download, error = _fetch_with_retries(
                target, url, kind, settings, attempts, progress, deadline_at
            )
            if kind == "source":
                origin = _origin_from(url, error)
            if download is None:
                assert error is not None
                errors.append((kind, error))
                events.append(
                    new_event(
                        target.id,
                        "capture",
                        "failure",
                        f"{error.failure.value}: {error.message}",
                        url=url,
                        sha256_before=_hashes(manifest.current_version),
                    )
                )
                continue
            download.memento = memento
            try:
                staged = _stage_download(target, download, settings, manifest.next_number)
            except (_Rejected, media.MediaError) as rejected:
                attempts[-1].update(
                    {
                        "outcome": "rejected",
                        "error_class": FailureClass.REJECTED.value,
                        "error": str(rejected),
                    }
                )
                errors.append((kind, FetchError(FailureClass.REJECTED, str(rejected))))
                events.append(
                    new_event(
                        target.id,
                        "validation",
                        "failure",
                        f"{url}: {rejected}",
                        url=url,
                        agents=_agents_for(download),
                    )
                )
                _remove_tree(download.folder)
                _remove_tree(_work(settings, target.id) / "stage")
                continue
            except OSError as error:
                if error.errno == 28:
                    errors.append((kind, FetchError(FailureClass.DISK_FULL, f"{url}: {error}")))
                    _remove_tree(download.folder)
                    _remove_tree(_work(settings, target.id) / "stage")
                    continue
                raise
            custody.append(settings.media_dir, events)
            events.clear()
            arrival = new_event(
                target.id,
                "capture",
                "success",
                f"downloaded from {url} ({kind})"
                + (f", Wayback capture {memento.timestamp}" if memento else ""),
                version=staged.version.number,
                url=url,
                agents=_agents_for(download),
                sha256_before=_hashes(manifest.current_version),
                sha256_after=_hashes(staged.version),
            )
            manifest = _with(manifest, attempts=_bounded(manifest, attempts))
            manifest, outcome, _ = _keep(staged, manifest, settings, arrival, origin)
            _remove_tree(_work(settings, target.id))
            detail = {
                MirrorOutcome.RESCUED: "verified",
                MirrorOutcome.UNCHANGED: "the origin serves the same bytes as the held copy: nothing stored",
                MirrorOutcome.CHANGED: "CHANGED AT ORIGIN: other bytes than the held copy; both versions kept",
            }[outcome] + (f" (Wayback {memento.timestamp})" if memento else "")
            result = _result_for(manifest, outcome, detail, url, kind)
            result.attempts = attempts
            return result
        return None

    # each download runs in a child process under the address policy; the CDX lookup checks it too
    candidates: list[tuple[str, str, Memento | None]] = [
        (url, "source" if index == 0 else "alternate", None) for index, url in enumerate(target.urls)
    ]
    result = try_candidates(candidates)
    wayback_captures = manifest.wayback_captures
    if result is None and settings.wayback and not is_mirrored(manifest):
        mementos, wayback_captures = _wayback_lookup(target, settings, attempts, errors)
        result = try_candidates([(m.capture_url, "wayback", m) for m in mementos[:3]])
    if result is not None:
        return result

    custody.append(settings.media_dir, events)
    outcome = _failure_outcome(errors, wayback_captures, is_mirrored(manifest))
    detail = (
        "; ".join(dict.fromkeys(f"{e.failure.value}: {e.message}" for _, e in errors)) or "nothing to fetch"
    )
    if is_mirrored(manifest):
        detail = f"refresh failed, the held copy is kept: {detail}"
    manifest = _with(
        manifest,
        origin=origin or manifest.origin,
        wayback_captures=wayback_captures,
        attempts=_bounded(manifest, attempts),
    )
    write_manifest(root, manifest)
    _remove_stale(settings, target.id)
    return MirrorResult(target.id, outcome, detail, attempts=attempts)


def _bounded(manifest: Manifest, attempts: list[AttemptRecord]) -> list[Attempt]:
    """The manifest keeps the last 50 attempts; the custody log keeps every one."""
    return [*manifest.attempts, *(Attempt.model_validate(a) for a in attempts)][-50:]


def _remove_stale(settings: Settings, recording_id: str) -> None:
    """After a failed run, keep only what a later run can resume (partial downloads of unreachable URLs)."""
    work = _work(settings, recording_id)
    _remove_tree(work / "stage")
    if work.is_dir() and not any(work.iterdir()):
        work.rmdir()


def _wayback_lookup(
    target: Target, settings: Settings, attempts: list[AttemptRecord], errors: list[tuple[str, FetchError]]
) -> tuple[list[Memento], int | None]:
    for number in range(1, max(1, settings.attempts) + 1):
        record = _attempt_record(settings.cdx_endpoint, "wayback-cdx", number)
        attempts.append(record)
        try:
            mementos = find_captures(
                target.source_url,
                settings.cdx_endpoint,
                settings.wayback_prefix,
                settings.timeout,
                settings.policy,
            )
        except FetchError as error:
            record.update(
                {
                    "finished_at": utc_now(),
                    "outcome": "failed",
                    "error_class": error.failure.value,
                    "error": error.message,
                }
            )
            if error.failure is FailureClass.UNREACHABLE and number < settings.attempts:
                time.sleep(settings.backoff * 2 ** (number - 1))
                continue
            errors.append(("wayback", error))
            return [], None
        record.update({"finished_at": utc_now(), "outcome": f"{len(mementos)} captures"})
        return mementos, len(mementos)
    return [], None


def _failure_outcome(
    errors: list[tuple[str, FetchError]], wayback_captures: int | None, held: bool
) -> MirrorOutcome:
    """The honest word for a run that kept nothing new."""
    classes = {e.failure for _, e in errors}
    source = next((e.failure for kind, e in errors if kind == "source"), None)
    if FailureClass.DISK_FULL in classes:
        return MirrorOutcome.DISK_FULL
    if source is FailureClass.RESTRICTED:
        return MirrorOutcome.RESTRICTED
    if FailureClass.REJECTED in classes:
        return MirrorOutcome.INCOMPLETE
    everything_gone = bool(errors) and all(
        e.failure is FailureClass.GONE for kind, e in errors if kind != "wayback"
    )
    if source is FailureClass.GONE and everything_gone and wayback_captures == 0 and not held:
        return MirrorOutcome.LOST
    if FailureClass.REFUSED in classes and len(classes) == 1:
        return MirrorOutcome.FAILED
    if classes <= {FailureClass.GONE}:
        return MirrorOutcome.FAILED if held else MirrorOutcome.UNREACHABLE
    return MirrorOutcome.UNREACHABLE


# --- import: a copy held by someone who was there ---------------------------------------


def import_recording(
    target: Target,
    settings: Settings,
    file: Path,
    donor: str | None,
    captions: list[tuple[str, Path]],
) -> MirrorResult:
    """A file from a laptop or a USB stick becomes a version, probed, hashed and logged like a download."""
    return _with_recording(
        target, settings, lambda held: _import_held(target, settings, file, donor, captions, held)
    )


def _import_held(
    target: Target,
    settings: Settings,
    file: Path,
    donor: str | None,
    captions: list[tuple[str, Path]],
    held: Manifest | None,
) -> MirrorResult:
    manifest = held or _empty_manifest(target)
    stage = _work(settings, target.id) / "stage"
    stage.mkdir(parents=True)
    suffix = file.suffix.lower() if file.suffix.lower() in media.IMPORT_SUFFIXES else ".bin"
    media_path = stage / f"{target.id}{suffix}"
    shutil.copyfile(file, media_path)  # the donor's file is never moved or changed
    for language, caption in captions:
        shutil.copyfile(caption, stage / f"{target.id}.{language}.vtt")
    try:
        staged = _stage(
            target.id,
            stage,
            media_path,
            _Source(
                via="import",
                announced=((target.announced_duration, target.source_file),),
                imported_from=file.name,
                donor=donor,
            ),
            settings,
            manifest.next_number,
        )
    except (_Rejected, media.MediaError) as rejected:
        _remove_tree(_work(settings, target.id))
        custody.append(
            settings.media_dir, [new_event(target.id, "ingestion", "failure", f"{file.name}: {rejected}")]
        )
        return MirrorResult(target.id, MirrorOutcome.INCOMPLETE, str(rejected), via="import")
    arrival = new_event(
        target.id,
        "ingestion",
        "success",
        f"imported from {file.name}" + (f", given by: {donor}" if donor else ""),
        version=staged.version.number,
        agents=[Agent(name=donor, role="donor")] if donor else [],
        sha256_before=_hashes(manifest.current_version),
        sha256_after=_hashes(staged.version),
    )
    manifest, outcome, matched = _keep(staged, manifest, settings, arrival, None)
    _remove_tree(_work(settings, target.id))
    detail = (
        "imported and verified"
        if outcome is MirrorOutcome.IMPORTED
        else f"the same bytes as version {matched}, already held: nothing stored; the ingestion is logged"
    )
    return _result_for(manifest, outcome, detail, None, "import")


# --- the run ---------------------------------------------------------------------------


def dry_run(targets: list[Target], settings: Settings) -> list[MirrorResult]:
    """What a run would do, without any request or write."""
    results = []
    for target in targets:
        try:
            manifest = load_manifest(settings.media_dir, target.id)
        except ManifestError as error:
            results.append(MirrorResult(target.id, MirrorOutcome.FAILED, str(error)))
            continue
        if is_mirrored(manifest) and not settings.refresh:
            assert manifest is not None
            results.append(
                _result_for(manifest, MirrorOutcome.PRESENT, "held (checked on a real run)", None, None)
            )
            continue
        results.append(
            MirrorResult(
                target.id,
                MirrorOutcome.PLANNED,
                "would try " + ", ".join(target.urls),
                target.source_url,
                "source",
            )
        )
    return results


def run(
    targets: list[Target],
    settings: Settings,
    jobs: int = 1,
    progress: Progress | None = None,
    on_result: Callable[[MirrorResult], None] | None = None,
) -> list[MirrorResult]:
    """Mirror every target, `jobs` at a time; the same id twice is one job; results in target order."""
    progress = progress or NoProgress()
    settings.media_dir.mkdir(parents=True, exist_ok=True)
    unique = list({t.id: t for t in targets}.values())

    def one(target: Target) -> MirrorResult:
        try:
            result = mirror_recording(target, settings, progress)
        except Exception as error:  # one recording's bug or disk error must not stop the others
            result = MirrorResult(target.id, MirrorOutcome.FAILED, f"{type(error).__name__}: {error}")
        progress.finished(result)
        if on_result:
            on_result(result)
        return result

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, unique))
