"""ffmpeg for the mirror: find it, probe a file (container, codecs, duration), check it demuxes, remux a web copy.

Always called with an argument list, never through a shell.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

#: containers and codecs every current browser plays in <video>
BROWSER_CONTAINERS = {"mov,mp4,m4a,3gp,3g2,mj2": "mp4", "matroska,webm": "webm"}
BROWSER_VIDEO = {"h264", "vp8", "vp9", "av1"}
BROWSER_AUDIO = {"aac", "mp3", "opus", "vorbis"}
#: suffixes an imported file keeps (anything else is stored as .bin; ffmpeg's probe says what it is)
IMPORT_SUFFIXES = {
    ".mp4",
    ".m4v",
    ".mov",
    ".mkv",
    ".webm",
    ".ts",
    ".flv",
    ".avi",
    ".m4a",
    ".mp3",
    ".ogg",
    ".opus",
    ".wav",
}


class MediaError(Exception):
    """A file ffmpeg cannot read, or a remux that failed."""


@dataclass(frozen=True)
class Probe:
    container: str
    duration: float | None
    video_codecs: tuple[str, ...]
    audio_codecs: tuple[str, ...]

    @property
    def codecs_playable(self) -> bool:
        return (
            bool(self.video_codecs or self.audio_codecs)
            and all(c in BROWSER_VIDEO for c in self.video_codecs)
            and all(c in BROWSER_AUDIO for c in self.audio_codecs)
        )

    @property
    def browser_playable(self) -> bool:
        """Playable as is: a browser container holding browser codecs."""
        if self.container not in BROWSER_CONTAINERS or not self.codecs_playable:
            return False
        if BROWSER_CONTAINERS[self.container] == "webm":
            return all(c in {"vp8", "vp9", "av1"} for c in self.video_codecs)
        return True

    @property
    def suffix(self) -> str | None:
        """The file name suffix this container should carry."""
        if self.container == "mpegts":
            return ".ts"
        if self.container in BROWSER_CONTAINERS:
            return ".mp4" if BROWSER_CONTAINERS[self.container] == "mp4" else None
        if self.container == "flv":
            return ".flv"
        return None


def find_ffmpeg() -> str | None:
    """imageio-ffmpeg's pinned binary when installed, else the system's ffmpeg."""
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError):
        return shutil.which("ffmpeg")


def ffmpeg_version(ffmpeg: str) -> str:
    result = subprocess.run([ffmpeg, "-version"], capture_output=True, text=True, timeout=30, check=False)
    first = result.stdout.splitlines()[0] if result.stdout else ""
    found = re.match(r"ffmpeg version (\S+)", first)
    return found.group(1) if found else "unknown"


def probe(ffmpeg: str, path: Path) -> Probe:
    """Read container, codecs and duration from `ffmpeg -i` (imageio-ffmpeg ships no ffprobe)."""
    result = subprocess.run(
        [ffmpeg, "-hide_banner", "-nostdin", "-i", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    text = result.stderr
    container = re.search(r"^Input #0, (.+?), from ", text, re.MULTILINE)
    if not container:
        last = text.strip().splitlines()[-1] if text.strip() else "no output"
        raise MediaError(f"{path.name}: not a media file ffmpeg can read ({last})")
    duration: float | None = None
    found = re.search(r"Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)", text)
    if found:
        hours, minutes, seconds = found.groups()
        duration = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    video = tuple(re.findall(r"Stream #0:\d+.*?: Video: (\w+)", text))
    audio = tuple(re.findall(r"Stream #0:\d+.*?: Audio: (\w+)", text))
    return Probe(container.group(1), duration, video, audio)


def check_demuxes(ffmpeg: str, path: Path) -> None:
    """Read every packet of the file (no decoding): a truncated container fails here."""
    result = subprocess.run(
        [
            ffmpeg,
            "-hide_banner",
            "-nostdin",
            "-v",
            "error",
            "-i",
            str(path),
            "-map",
            "0",
            "-c",
            "copy",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    # ffmpeg exits 0 on a truncated MP4 ("partial file") but says so at error level: any error
    # line means the container does not read to its end
    if result.returncode != 0 or result.stderr.strip():
        lines = result.stderr.strip().splitlines()
        detail = lines[0] if lines else f"exit status {result.returncode}"
        raise MediaError(f"{path.name}: the file does not read to its end ({detail})")


def remux_to_mp4(ffmpeg: str, source: Path, target: Path) -> list[str]:
    """Copy the streams, unchanged, into an MP4 browsers play; returns the arguments used (for the log)."""
    arguments = [
        "-hide_banner",
        "-nostdin",
        "-v",
        "error",
        "-y",
        "-i",
        source.name,
        "-map",
        "0:v?",
        "-map",
        "0:a?",
        "-c",
        "copy",
        "-movflags",
        "+faststart",
        target.name,
    ]
    result = subprocess.run(
        [ffmpeg, *arguments], cwd=source.parent, capture_output=True, text=True, timeout=3600, check=False
    )
    if result.returncode != 0 or not target.is_file():
        detail = (
            result.stderr.strip().splitlines()[-1]
            if result.stderr.strip()
            else f"exit status {result.returncode}"
        )
        raise MediaError(f"{source.name}: remux to MP4 failed ({detail})")
    return ["ffmpeg", *arguments]
