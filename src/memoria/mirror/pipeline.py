"""The mirror as named stages, one recording at a time; one bad recording never stops the others.

plan → skip if verified → fetch each URL (retries, backoff) → Wayback fallback → verify
(probe, demux, duration) → web copy → stage with manifest → swap into media/<id>/.

Work happens in media/.work/<id>/ (same filesystem, so the final move is a rename). Each
URL downloads into a folder named by a hash of the URL, so an interrupted download resumes
from its own `.part` file and never from another URL's bytes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from memoria import __version__ as MEMORIA_VERSION
from memoria.manifest import (
    MANIFEST_VERSION,
    ManifestError,
    OriginStatus,
    fsync_dir,
    is_mirrored,
    load_manifest,
    mime_of,
    sha256_of,
    utc_now,
    validate_id,
    write_manifest,
)
from memoria.mirror import media, ytdlp
from memoria.mirror.failures import FailureClass, FetchError
from memoria.mirror.plan import Target, is_web_url
from memoria.mirror.verify import verify_folder
from memoria.mirror.wayback import (
    DEFAULT_CDX_ENDPOINT,
    DEFAULT_WAYBACK_PREFIX,
    Memento,
    cdx_digest,
    find_captures,
)

WORK_DIR = ".work"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}


class MirrorOutcome(StrEnum):
    RESCUED = "rescued"  # copied and verified in this run
    PRESENT = "present"  # already mirrored and verified: nothing fetched
    FAILED = "failed"  # not mirrored now (blocked, transient, or a refresh that failed): try again
    LOST = "lost"  # every URL permanently gone and no Wayback capture
    PLANNED = "planned"  # --dry-run: would be fetched


@dataclass(frozen=True)
class Settings:
    """How the mirror behaves; the CLI fills it from its options."""

    media_dir: Path
    retries: int = 5  # yt-dlp's own retries (HTTP and fragments), which default to 0 in its API
    attempts: int = 3  # outer tries per URL for transient failures (extraction is not retried by yt-dlp)
    backoff: float = 2.0  # seconds before the second try, doubled each time
    timeout: float = 20.0
    refresh: bool = False
    web_copy: bool = True
    wayback: bool = True
    cdx_endpoint: str = DEFAULT_CDX_ENDPOINT
    wayback_prefix: str = DEFAULT_WAYBACK_PREFIX
    ffmpeg: str | None = None


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
    attempts: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "outcome": self.outcome.value,
            "detail": self.detail,
            "url": self.url,
            "via": self.via,
            "files": self.files,
            "bytes": self.size,
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
    """A download that arrived but is not a complete recording."""


@dataclass
class _Download:
    fetched: ytdlp.Fetched
    folder: Path
    kind: str
    memento: Memento | None = None


# --- stage: skip if verified -----------------------------------------------------------


def _close_failed_attempt(record: dict[str, Any], error: FetchError) -> None:
    """Close an attempt's manifest record with the failure's class, message and HTTP status."""
    record.update(
        finished_at=utc_now(),
        outcome="failed",
        error_class=error.failure.value,
        error=error.message,
        http_status=error.http_status,
    )


def _recover(folder: Path, work: Path) -> None:
    """Finish a swap that a kill interrupted: the previous copy comes back, or goes once replaced."""
    previous = work / "previous"
    if previous.is_dir():
        if folder.exists():
            shutil.rmtree(previous)
        else:
            os.rename(previous, folder)
            fsync_dir(folder.parent)


def _already_verified(
    target: Target, settings: Settings
) -> tuple[MirrorResult | None, dict[str, Any] | None]:
    folder = settings.media_dir / target.id
    existing = load_manifest(settings.media_dir, target.id)
    if not is_mirrored(existing) or settings.refresh:
        return None, existing
    assert existing is not None
    problems = verify_folder(folder, existing)
    if problems:
        listed = "; ".join(f"{p.kind} {p.name}" for p in problems)
        return MirrorResult(
            target.id,
            MirrorOutcome.FAILED,
            f"the existing copy does not match its manifest ({listed}): see 'memoria verify {target.id}', then 'memoria mirror --refresh {target.id}'",
        ), existing
    size = sum(int(f.get("size", 0)) for f in existing.get("files", []))
    return MirrorResult(
        target.id,
        MirrorOutcome.PRESENT,
        "verified (sha256)",
        existing.get("final_url"),
        existing.get("via"),
        len(existing.get("files", [])),
        size,
    ), existing


# --- stage: fetch, with retries and backoff --------------------------------------------


def _url_folder(work: Path, url: str) -> Path:
    return work / ("dl-" + hashlib.sha256(url.encode("utf-8")).hexdigest()[:16])


def _fetch_with_retries(
    target: Target,
    url: str,
    kind: str,
    settings: Settings,
    attempts: list[dict[str, Any]],
    progress: Progress,
) -> tuple[_Download | None, FetchError | None]:
    """Outer retry: transient failures are retried with exponential backoff, others end this URL."""
    work = settings.media_dir / WORK_DIR / target.id
    folder = _url_folder(work, url)
    last: FetchError | None = None
    for number in range(1, max(1, settings.attempts) + 1):
        record: dict[str, Any] = {"url": url, "kind": kind, "try": number, "started_at": utc_now()}
        attempts.append(record)
        progress.started(target.id, url)
        try:
            if not is_web_url(url):
                raise FetchError(FailureClass.PERMANENT, f"{url}: only http and https URLs are fetched")
            fetched = ytdlp.fetch(
                url,
                folder,
                target.id,
                settings.retries,
                settings.timeout,
                settings.ffmpeg,
                lambda done, total: progress.advanced(target.id, done, total),
            )
        except FetchError as error:
            _close_failed_attempt(record, error)
            last = error
            if error.failure is not FailureClass.TRANSIENT:
                return None, error
            if number < settings.attempts:
                time.sleep(settings.backoff * 2 ** (number - 1))
            continue
        record.update(
            finished_at=utc_now(), outcome="downloaded", error_class=None, error=None, http_status=None
        )
        return _Download(fetched, folder, kind), None
    return None, last


def _origin_from(url: str, error: FetchError | None) -> dict[str, Any]:
    if error is None:
        status = OriginStatus.ALIVE
    else:
        status = {
            FailureClass.PERMANENT: OriginStatus.DEAD,
            FailureClass.BLOCKED: OriginStatus.BLOCKED,
            FailureClass.TRANSIENT: OriginStatus.UNREACHABLE,
        }[error.failure]
    return {
        "url": url,
        "checked_at": utc_now(),
        "status": status.value,
        "http_status": 200 if error is None else error.http_status,
        "checked_by": "mirror",
    }


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
        return "captions", language or None
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return "thumbnail", None
    return "other", None


def _stage(
    target: Target,
    download: _Download,
    settings: Settings,
    attempts: list[dict[str, Any]],
    origin: dict[str, Any] | None,
) -> Path:
    """Move the download into a stage folder, verify it, add the web copy, write the manifest."""
    work = settings.media_dir / WORK_DIR / target.id
    stage = work / "stage"
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    for path in download.folder.iterdir():
        if path.is_file() and not path.name.endswith((".part", ".ytdl")) and ".part-Frag" not in path.name:
            os.rename(path, stage / path.name)
    media_path = stage / download.fetched.media_path.name
    transformations: list[dict[str, Any]] = []
    ffmpeg = settings.ffmpeg
    probed: media.Probe | None = None
    if ffmpeg:
        try:
            probed = media.probe(ffmpeg, media_path)
            media.check_demuxes(ffmpeg, media_path)
        except media.MediaError as error:
            raise _Rejected(str(error)) from None
        # yt-dlp names HLS downloads .mp4 even when the bytes are MPEG-TS: say what they are.
        if probed.suffix and media_path.suffix != probed.suffix:
            renamed = media_path.with_suffix(probed.suffix)
            os.rename(media_path, renamed)
            transformations.append(
                {
                    "step": "rename",
                    "at": utc_now(),
                    "from": media_path.name,
                    "to": renamed.name,
                    "note": f"the bytes are {probed.container}; name changed, bytes unchanged",
                }
            )
            media_path = renamed
        for announced, source in (
            (download.fetched.announced_duration, "the platform"),
            (target.announced_duration, target.source_file),
        ):
            if announced and probed.duration is not None and not _within(probed.duration, float(announced)):
                raise _Rejected(
                    f"duration {probed.duration:.1f}s but {source} announces {float(announced):.1f}s: "
                    "the download is incomplete (or the announced duration is wrong)"
                )
    web_copy: str | None = None
    web_note: str | None = None
    if probed is not None and probed.browser_playable:
        web_copy = media_path.name
    elif probed is not None and probed.codecs_playable and settings.web_copy and ffmpeg:
        web_path = stage / f"{target.id}.web.mp4"
        try:
            arguments = media.remux_to_mp4(ffmpeg, media_path, web_path)
        except media.MediaError as error:
            raise _Rejected(str(error)) from None
        web_copy = web_path.name
        transformations.append(
            {
                "step": "remux",
                "at": utc_now(),
                "tool": "ffmpeg",
                "tool_version": media.ffmpeg_version(ffmpeg),
                "arguments": arguments,
                "input": {"name": media_path.name, "sha256": sha256_of(media_path)},
                "output": {"name": web_path.name, "sha256": sha256_of(web_path)},
                "note": "audio and video streams copied unchanged into MP4 (no re-encoding)",
            }
        )
    else:
        web_note = "no web copy: " + (
            "ffmpeg not found"
            if not ffmpeg
            else "disabled (--no-web-copy)"
            if not settings.web_copy
            else "codecs not playable in browsers"
        )
    files = []
    for path in sorted(stage.iterdir()):
        role, language = _role_of(path, target.id, media_path.name)
        if path.name == web_copy and role != "original":
            role = "web"
        entry: dict[str, Any] = {
            "name": path.name,
            "role": role,
            "size": path.stat().st_size,
            "sha256": sha256_of(path),
            "mime": mime_of(path.name),
        }
        if language:
            entry["language"] = language
        files.append(entry)
    memento = download.memento
    wayback: dict[str, Any] | None = None
    if memento is not None:
        wayback = {**memento.as_manifest(), "digest_matches": cdx_digest(media_path) == memento.digest}
    fetched = download.fetched
    manifest: dict[str, Any] = {
        "memoria_manifest": MANIFEST_VERSION,
        "id": target.id,
        "outcome": "mirrored",
        "retrieved_at": utc_now(),
        "source_url": target.source_url,
        "alternate_urls": list(target.alternate_urls),
        "via": download.kind,
        "final_url": fetched.final_url,
        "webpage_url": fetched.webpage_url,
        "extractor": fetched.extractor,
        "yt_dlp_version": ytdlp.version(),
        "memoria_version": MEMORIA_VERSION,
        "platform_title": fetched.platform_title,
        "duration": round(probed.duration, 3) if probed and probed.duration is not None else None,
        "announced_duration": fetched.announced_duration or target.announced_duration,
        "format": {
            **fetched.format,
            **(
                {
                    "container": probed.container,
                    "video_codecs": list(probed.video_codecs),
                    "audio_codecs": list(probed.audio_codecs),
                }
                if probed
                else {}
            ),
        },
        "original": media_path.name,
        "web_copy": web_copy,
        "web_copy_note": web_note,
        "files": files,
        "transformations": transformations,
        "attempts": attempts,
        "origin": origin,
        "wayback": wayback,
    }
    write_manifest(stage, manifest)
    return stage


def _swap_in(stage: Path, folder: Path, work: Path) -> None:
    """Replace media/<id>/ by the verified stage; a kill between the renames is undone by _recover."""
    previous = work / "previous"
    if previous.exists():
        shutil.rmtree(previous)
    if folder.exists():
        os.rename(folder, previous)
    os.rename(stage, folder)
    fsync_dir(folder.parent)
    shutil.rmtree(work, ignore_errors=True)


# --- one recording ---------------------------------------------------------------------


def mirror_recording(target: Target, settings: Settings, progress: Progress | None = None) -> MirrorResult:
    """Every stage for one recording; returns its outcome, never raises for a network problem."""
    progress = progress or NoProgress()
    validate_id(target.id)
    folder = settings.media_dir / target.id
    work = settings.media_dir / WORK_DIR / target.id
    _recover(folder, work)
    try:
        skipped, existing = _already_verified(target, settings)
    except ManifestError as error:
        return MirrorResult(target.id, MirrorOutcome.FAILED, str(error))
    if skipped is not None:
        return skipped

    attempts: list[dict[str, Any]] = []
    origin: dict[str, Any] | None = None
    errors: list[FetchError] = []
    candidates: list[tuple[str, str, Memento | None]] = [
        (url, "source" if index == 0 else "alternate", None) for index, url in enumerate(target.urls)
    ]

    def try_candidates(queue: list[tuple[str, str, Memento | None]]) -> MirrorResult | None:
        nonlocal origin
        for url, kind, memento in queue:
            download, error = _fetch_with_retries(target, url, kind, settings, attempts, progress)
            if kind == "source":
                origin = _origin_from(url, error)
            if download is None:
                assert error is not None
                errors.append(error)
                continue
            download.memento = memento
            try:
                stage = _stage(target, download, settings, attempts, origin)
            except _Rejected as rejected:
                attempts[-1].update(
                    outcome="rejected", error_class=FailureClass.PERMANENT.value, error=str(rejected)
                )
                errors.append(FetchError(FailureClass.PERMANENT, str(rejected)))
                shutil.rmtree(download.folder, ignore_errors=True)
                continue
            _swap_in(stage, folder, work)
            manifest = load_manifest(settings.media_dir, target.id) or {}
            return MirrorResult(
                target.id,
                MirrorOutcome.RESCUED,
                "verified" + (f" (Wayback {memento.timestamp})" if memento else ""),
                url,
                kind,
                len(manifest.get("files", [])),
                sum(int(f["size"]) for f in manifest.get("files", [])),
                attempts,
            )
        return None

    result = try_candidates(candidates)
    if result is None and settings.wayback:
        mementos: list[Memento] = []
        for number in range(1, max(1, settings.attempts) + 1):
            record: dict[str, Any] = {
                "url": settings.cdx_endpoint,
                "kind": "wayback-cdx",
                "try": number,
                "started_at": utc_now(),
            }
            attempts.append(record)
            try:
                mementos = find_captures(
                    target.source_url, settings.cdx_endpoint, settings.wayback_prefix, settings.timeout
                )
            except FetchError as error:
                _close_failed_attempt(record, error)
                if error.failure is FailureClass.TRANSIENT and number < settings.attempts:
                    time.sleep(settings.backoff * 2 ** (number - 1))
                    continue
                errors.append(error)
                break
            record.update(
                finished_at=utc_now(), outcome=f"{len(mementos)} captures", error_class=None, error=None
            )
            break
        result = try_candidates([(m.capture_url, "wayback", m) for m in mementos[:3]])
    if result is not None:
        result.attempts = attempts
        return result

    everything_gone = bool(errors) and all(e.failure is FailureClass.PERMANENT for e in errors)
    outcome = MirrorOutcome.LOST if everything_gone else MirrorOutcome.FAILED
    detail = "; ".join(dict.fromkeys(f"{e.failure.value}: {e.message}" for e in errors)) or "nothing to fetch"
    if is_mirrored(existing):
        detail = f"refresh failed, the previous copy is kept: {detail}"
    else:
        _record_failure(target, settings, existing, attempts, origin)
    return MirrorResult(target.id, outcome, detail, attempts=attempts)


def _record_failure(
    target: Target,
    settings: Settings,
    existing: dict[str, Any] | None,
    attempts: list[dict[str, Any]],
    origin: dict[str, Any] | None,
) -> None:
    """No good copy exists: keep a manifest of what was tried, so the site can say 'lost'."""
    previous_attempts = list((existing or {}).get("attempts", []))
    write_manifest(
        settings.media_dir / target.id,
        {
            "memoria_manifest": MANIFEST_VERSION,
            "id": target.id,
            "outcome": "failed",
            "updated_at": utc_now(),
            "source_url": target.source_url,
            "alternate_urls": list(target.alternate_urls),
            "yt_dlp_version": ytdlp.version(),
            "memoria_version": MEMORIA_VERSION,
            "files": [],
            "attempts": [*previous_attempts, *attempts][-50:],
            "origin": origin or (existing or {}).get("origin"),
        },
    )


# --- the run ---------------------------------------------------------------------------


def dry_run(targets: list[Target], settings: Settings) -> list[MirrorResult]:
    """What a run would do, without any request or write."""
    results = []
    for target in targets:
        try:
            skipped, _ = _already_verified(target, settings)
        except ManifestError as error:
            results.append(MirrorResult(target.id, MirrorOutcome.FAILED, str(error)))
            continue
        results.append(
            skipped
            or MirrorResult(
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
    """Mirror every target, `jobs` at a time; results in the order of `targets`."""
    progress = progress or NoProgress()
    settings.media_dir.mkdir(parents=True, exist_ok=True)

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
        return list(pool.map(one, targets))
