"""The one module of Memoria that imports yt-dlp: extract and download one URL into a work folder.

Options are set explicitly because the Python API's defaults are unsafe for an archive:
retries default to 0, missing HLS fragments are skipped silently, and the download
archive keys generic URLs by their last path segment. Memoria keys everything on its own
ids (the output template is `<id>.<ext>` in a folder per id) and never uses that archive.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yt_dlp
from yt_dlp.networking.exceptions import HTTPError, TransportError
from yt_dlp.utils import DownloadError, ExtractorError, UnsupportedError
from yt_dlp.version import __version__ as YTDLP_VERSION

from memoria.mirror.failures import FailureClass, FetchError, classify_message, classify_status

__all__ = ["YTDLP_VERSION", "Fetched", "ProgressCallback", "extract", "fetch"]

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


class _QuietLogger:
    """yt-dlp talks through this; errors reach us as exceptions, so only keep warnings."""

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def debug(self, message: str) -> None:
        pass

    def info(self, message: str) -> None:
        pass

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
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        if isinstance(current, HTTPError):
            return FetchError(classify_status(current.status), _clean(str(error)), current.status)
        if isinstance(current, UnsupportedError):
            return FetchError(FailureClass.PERMANENT, _clean(str(error)))
        if isinstance(current, TransportError):
            failure, status = classify_message(str(current))
            if status is None and failure is FailureClass.PERMANENT and "not known" not in str(current):
                failure = FailureClass.TRANSIENT
            return FetchError(failure, _clean(str(error)), status)
        following: BaseException | None = None
        if isinstance(current, DownloadError) and current.exc_info:
            following = current.exc_info[1]
        elif isinstance(current, ExtractorError) and isinstance(current.cause, BaseException):
            following = current.cause
        current = following or current.__cause__ or current.__context__
    failure, status = classify_message(str(error))
    return FetchError(failure, _clean(str(error)), status)


def _clean(message: str) -> str:
    return message.removeprefix("ERROR: ").strip()


def extract(url: str, retries: int = 3, timeout: float = 20.0) -> dict[str, Any]:
    """Extract without downloading (for `memoria linkcheck`); raises FetchError."""
    options = _options(None, "probe", retries, timeout, None, None)
    options["skip_download"] = True
    for key in ("writeinfojson", "writesubtitles", "writethumbnail"):
        options[key] = False
    try:
        with yt_dlp.YoutubeDL(options) as ydl:
            info = ydl.extract_info(url, download=False)
    except (DownloadError, ExtractorError) as error:
        raise _classify(error) from None
    if not info:
        raise FetchError(FailureClass.PERMANENT, f"{url}: no media found")
    return dict(info)


def fetch(
    url: str,
    workdir: Path,
    recording_id: str,
    retries: int = 5,
    timeout: float = 20.0,
    ffmpeg: str | None = None,
    progress: ProgressCallback | None = None,
) -> Fetched:
    """Extract and download `url` into `workdir` as `<recording_id>.<ext>` (+ info, subtitles, thumbnail).

    A `.part` file left by an interrupted run is resumed. Raises FetchError, classified.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    options = _options(workdir, recording_id, retries, timeout, ffmpeg, progress)
    try:
        with yt_dlp.YoutubeDL(options) as ydl:
            info = ydl.extract_info(url, download=True)
    except (DownloadError, ExtractorError) as error:
        raise _classify(error) from None
    if info and info.get("_type") == "playlist":
        entries = [e for e in info.get("entries") or [] if e]
        info = entries[0] if entries else None
    downloads = (info or {}).get("requested_downloads") or []
    if not info or not downloads or not downloads[0].get("filepath"):
        raise FetchError(FailureClass.PERMANENT, f"{url}: no media found on the page")
    media_path = Path(downloads[0]["filepath"])
    if not media_path.is_file():
        raise FetchError(
            FailureClass.TRANSIENT, f"{url}: yt-dlp reported {media_path.name} but it is not there"
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
    )


def version() -> str:
    """yt-dlp's version, for manifests and `--version` style reports."""
    return str(YTDLP_VERSION)
