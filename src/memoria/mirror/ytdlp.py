"""The one module of Memoria that imports yt-dlp: extract and download one URL into a work folder.

Options are set explicitly because the Python API's defaults are unsafe for an archive:
retries default to 0, missing HLS fragments are skipped silently, and the download
archive keys generic URLs by their last path segment. Memoria keys everything on its own
ids (the output template is `<id>.<ext>` in a folder per id) and never uses that archive.
"""

from __future__ import annotations

import errno
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import m3u8
import yt_dlp
from yt_dlp.networking.exceptions import HTTPError, TransportError
from yt_dlp.utils import DownloadError, ExtractorError, UnsupportedError
from yt_dlp.version import __version__ as YTDLP_VERSION

from memoria.manifest import LANGUAGE_TAG_PATTERN
from memoria.mirror.failures import FailureClass, FetchError, classify_message, classify_status
from memoria.mirror.netguard import REFUSAL_MARK

__all__ = ["YTDLP_VERSION", "Fetched", "Playlist", "ProgressCallback", "extract", "fetch"]

#: called with (downloaded bytes, total bytes or None) while a file downloads
ProgressCallback = Callable[[int, int | None], None]


@dataclass
class Fetched:
    """What yt-dlp reports about a finished download."""

    final_url: str
    webpage_url: str
    extractor: str
    media_path: Path
    platform_title: str | None
    announced_duration: float | None
    format: dict[str, Any] = field(default_factory=dict)
    playlist: Playlist | None = None
    warnings: list[str] = field(default_factory=list)


class _QuietLogger:
    """yt-dlp talks through this; errors reach us as exceptions, so only keep warnings."""

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def debug(self, message: str) -> None:
        self.info(message)

    def info(self, message: str) -> None:
        if "max-filesize" in message:  # yt-dlp skips such a download with only this line to say why
            self.warnings.append(message)

    def warning(self, message: str) -> None:
        self.warnings.append(message)

    def error(self, message: str) -> None:
        pass


def _options(
    workdir: Path | None,
    recording_id: str,
    retries: int,
    timeout: float,
    ffmpeg: str | None,
    progress: ProgressCallback | None,
) -> dict[str, Any]:
    options: dict[str, Any] = {
        "quiet": True,
        "noprogress": True,
        "no_warnings": False,
        "logger": _QuietLogger(),
        "noplaylist": True,
        "playlist_items": "1",
        "format": "best/bestvideo*+bestaudio",
        "retries": retries,
        "fragment_retries": retries,
        "file_access_retries": 3,
        "extractor_retries": retries,
        "skip_unavailable_fragments": False,
        "socket_timeout": timeout,
        "continuedl": True,
        "nopart": False,
        "overwrites": False,
        "fixup": "never",  # keep the original bytes; Memoria remuxes a web copy itself
        "postprocessors": [],
        "keepvideo": True,
        "writeinfojson": True,
        "writesubtitles": True,
        "subtitleslangs": ["all"],
        "subtitlesformat": "vtt/best",
        "writethumbnail": True,
        "restrictfilenames": True,
        "windowsfilenames": True,
        "updatetime": False,
        "cachedir": False,
        "color": "never",
    }
    if workdir is not None:
        options["paths"] = {"home": str(workdir), "temp": str(workdir)}
        options["outtmpl"] = {"default": f"{recording_id}.%(ext)s"}
    if ffmpeg:
        options["ffmpeg_location"] = ffmpeg
    if progress is not None:

        def hook(status: dict[str, Any]) -> None:
            if status.get("status") in ("downloading", "finished"):
                total = status.get("total_bytes") or status.get("total_bytes_estimate")
                progress(int(status.get("downloaded_bytes") or 0), int(total) if total else None)

        options["progress_hooks"] = [hook]
    return options


def _classify(error: BaseException) -> FetchError:
    """Walk the exception chain yt-dlp built and name the failure class."""
    text = _clean(str(error))
    if REFUSAL_MARK in text or REFUSAL_MARK in repr(error.__context__):
        return FetchError(FailureClass.REFUSED, text)
    if "no space left on device" in text.lower():
        return FetchError(FailureClass.DISK_FULL, text)
    if re.search(r"fragment \d+ not found|fragments? (?:are )?missing", text, re.IGNORECASE):
        # the playlist is there but a piece of it is not: an incomplete recording, not a gone one
        return FetchError(FailureClass.REJECTED, text)
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        if REFUSAL_MARK in str(current):
            return FetchError(FailureClass.REFUSED, _clean(str(current)))
        if isinstance(current, OSError) and current.errno == errno.ENOSPC:
            return FetchError(FailureClass.DISK_FULL, text)
        if isinstance(current, HTTPError):
            return FetchError(classify_status(current.status), text, current.status)
        if isinstance(current, UnsupportedError):
            return FetchError(FailureClass.GONE, text)
        if isinstance(current, TransportError):
            failure, status = classify_message(str(current))
            return FetchError(failure if status else FailureClass.UNREACHABLE, text, status)
        following: BaseException | None = None
        if isinstance(current, DownloadError) and current.exc_info:
            following = current.exc_info[1]
        elif isinstance(current, ExtractorError) and isinstance(current.cause, BaseException):
            following = current.cause
        current = following or current.__cause__ or current.__context__
    failure, status = classify_message(text)
    return FetchError(failure, text, status)


def _clean(message: str) -> str:
    """yt-dlp's message without its prefix and the repeated '(caused by …)' tail."""
    message = message.removeprefix("ERROR: ").strip()
    return re.sub(r"\s*\(caused by .*\)\s*$", "", message, flags=re.DOTALL)


def _login_wall(ydl: yt_dlp.YoutubeDL, url: str) -> bool:
    """A page with no media that asks for a password (or landed on a login address) is restricted, not gone."""
    try:
        with ydl.urlopen(url) as response:
            final = str(response.url).lower()
            page = response.read(512_000).decode("utf-8", "replace").lower()
    except Exception:  # the page can't be read again: keep the first classification
        return False
    return bool(re.search(r"/(?:log-?in|sign-?in|auth|account)\b", final)) or bool(
        re.search(r"<input[^>]+type=[\"']?password", page)
    )


def _extraction_failure(ydl: yt_dlp.YoutubeDL, url: str, error: BaseException) -> FetchError:
    """An extraction error, classified; a page with no media that asks for a login is restricted, not gone."""
    failure = _classify(error)
    if failure.failure is FailureClass.GONE and failure.http_status is None and _login_wall(ydl, url):
        return FetchError(FailureClass.RESTRICTED, f"{url}: a login page, no recording")
    return failure


def extract(url: str, retries: int = 3, timeout: float = 20.0) -> dict[str, Any]:
    """Extract without downloading (for `memoria linkcheck`); raises FetchError."""
    options = _options(None, "probe", retries, timeout, None, None)
    options["skip_download"] = True
    for key in ("writeinfojson", "writesubtitles", "writethumbnail"):
        options[key] = False
    with yt_dlp.YoutubeDL(options) as ydl:
        try:
            info = ydl.extract_info(url, download=False)
        except (DownloadError, ExtractorError) as error:
            raise _extraction_failure(ydl, url, error) from None
    if not info:
        raise FetchError(FailureClass.GONE, f"{url}: no media found")
    return dict(info)


@dataclass(frozen=True)
class Playlist:
    """An HLS media playlist as the server announced it."""

    fingerprint: str
    duration: float
    segments: int
    discontinuities: int
    complete: bool  # ends with #EXT-X-ENDLIST (not a live stream)


def _playlist(ydl: yt_dlp.YoutubeDL, url: str) -> Playlist:
    with ydl.urlopen(url) as response:
        text = response.read(20_000_000).decode("utf-8", "replace")
    parsed = m3u8.loads(text, uri=url)
    return Playlist(
        fingerprint=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        duration=round(sum(float(s.duration or 0) for s in parsed.segments), 3),
        segments=len(parsed.segments),
        discontinuities=sum(1 for s in parsed.segments if s.discontinuity),
        complete=bool(parsed.is_endlist),
    )


def _safe_metadata(info: dict[str, Any], warnings: list[str]) -> None:
    """Platform metadata names files: drop subtitle languages and extensions that are not plain tags."""
    for key in ("subtitles", "automatic_captions"):
        tracks = info.get(key) or {}
        for language in list(tracks):
            if not isinstance(language, str) or not LANGUAGE_TAG_PATTERN.match(language):
                warnings.append(f"subtitle language {language!r} is not a language tag: not kept")
                del tracks[language]
    ext = info.get("ext")
    if ext is not None and not re.fullmatch(r"[a-z0-9]{1,8}", str(ext)):
        raise FetchError(FailureClass.REJECTED, f"the platform announces an unsafe file extension {ext!r}")


def fetch(
    url: str,
    workdir: Path,
    recording_id: str,
    retries: int = 5,
    timeout: float = 20.0,
    ffmpeg: str | None = None,
    progress: ProgressCallback | None = None,
    max_size: int | None = None,
) -> Fetched:
    """Extract and download `url` into `workdir` as `<recording_id>.<ext>` (+ info, subtitles, thumbnail).

    Extraction and download are two steps so that platform metadata is checked before it names
    a file, and an HLS playlist is read before and after the download (a playlist that changed
    meanwhile is a failure). A `.part` file left by an interrupted run is resumed. Raises
    FetchError, classified.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    options = _options(workdir, recording_id, retries, timeout, ffmpeg, progress)
    if max_size:
        options["max_filesize"] = max_size
    warnings: list[str] = []
    with yt_dlp.YoutubeDL(options) as ydl:
        try:
            extracted = ydl.extract_info(url, download=False)
        except (DownloadError, ExtractorError) as error:
            raise _extraction_failure(ydl, url, error) from None
        if extracted and extracted.get("_type") == "playlist":
            entries = [e for e in extracted.get("entries") or [] if e]
            extracted = entries[0] if entries else None
        if not extracted:
            raise FetchError(FailureClass.GONE, f"{url}: no media found on the page")
        chosen = extracted.get("requested_formats") or [extracted]
        hls_url = next((str(f["url"]) for f in chosen if str(f.get("protocol", "")).startswith("m3u8")), None)
        info = ydl.sanitize_info(extracted, remove_private_keys=True)
        _safe_metadata(info, warnings)
        try:
            before = _playlist(ydl, hls_url) if hls_url else None
            if before is not None and not before.complete:
                raise FetchError(
                    FailureClass.REJECTED,
                    f"{url}: a live stream (the playlist has no end): not a recording yet",
                )
            info = ydl.process_ie_result(info, download=True)
            after = _playlist(ydl, hls_url) if hls_url else None
        except (DownloadError, ExtractorError) as error:
            failure = _classify(error)
            if failure.failure is FailureClass.GONE:
                # the recording was there a moment ago: a piece of it (a fragment) is what is missing
                raise FetchError(
                    FailureClass.REJECTED, f"{url}: part of the recording is missing: {failure.message}"
                ) from None
            raise failure from None
        except OSError as error:
            raise _classify(error) from None
    if before is not None and after is not None and before.fingerprint != after.fingerprint:
        raise FetchError(
            FailureClass.REJECTED,
            f"{url}: the playlist changed during the download ({before.segments} segments, "
            f"{before.duration:.1f}s before; {after.segments} segments, {after.duration:.1f}s after)",
        )
    downloads = (info or {}).get("requested_downloads") or []
    if not info or not downloads or not downloads[0].get("filepath"):
        if max_size and any("max-filesize" in w for w in ydl_warnings(options)):
            raise FetchError(FailureClass.REJECTED, f"{url}: larger than the size cap ({max_size} bytes)")
        raise FetchError(FailureClass.GONE, f"{url}: no media found on the page")
    media_path = Path(downloads[0]["filepath"])
    if not media_path.is_file():
        raise FetchError(
            FailureClass.UNREACHABLE, f"{url}: yt-dlp reported {media_path.name} but it is not there"
        )
    selected = downloads[0]
    return Fetched(
        final_url=str(selected.get("url") or info.get("url") or url),
        webpage_url=str(info.get("webpage_url") or url),
        extractor=str(info.get("extractor_key") or info.get("extractor") or "unknown"),
        media_path=media_path,
        platform_title=info.get("title"),
        announced_duration=float(info["duration"]) if info.get("duration") else None,
        format={
            key: selected.get(key, info.get(key))
            for key in ("format_id", "format", "ext", "protocol", "vcodec", "acodec", "width", "height")
        },
        playlist=before,
        warnings=warnings + ydl_warnings(options),
    )


def ydl_warnings(options: dict[str, Any]) -> list[str]:
    logger = options.get("logger")
    return list(logger.warnings) if isinstance(logger, _QuietLogger) else []


def version() -> str:
    """yt-dlp's version, for manifests and `--version` style reports."""
    return str(YTDLP_VERSION)
