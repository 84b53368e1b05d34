"""One download attempt in its own process, bounded in time, size and disk by its parent.

yt-dlp's `socket_timeout` bounds one read, not an attempt: a server that drips a byte every
few seconds never trips it, and yt-dlp's own retries multiply any timeout. So each attempt
runs in a child process (`python -m memoria.mirror.worker`) that reports progress as JSON
lines; the parent kills the child's whole process group when bytes stop (`stall_timeout`),
when the deadline passes, when more than `max_size` bytes arrive or are announced, or when
the announced size does not fit on the disk. Killing a process is the one way to stop a
blocked read from outside; the `.part` file stays for a resume when the failure allows one.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from memoria.mirror.failures import FailureClass, FetchError

#: fewer new bytes than this within `stall_timeout` is a stall (a byte every few seconds is not a download)
STALL_BYTES = 1024


@dataclass(frozen=True)
class FetchRequest:
    """What the child needs: plain values, sent as JSON on its standard input."""

    url: str
    workdir: str
    recording_id: str
    retries: int
    read_timeout: float
    ffmpeg: str | None
    max_size: int
    allow_private: bool
    allowed_networks: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FetchedFile:
    """The child's answer for a finished download (the parent has no yt-dlp objects)."""

    final_url: str
    webpage_url: str
    extractor: str
    media_path: Path
    platform_title: str | None
    announced_duration: float | None
    format: dict[str, Any]
    playlist_duration: float | None
    playlist_segments: int | None
    discontinuities: int | None
    warnings: list[str]
    tool_version: str


@dataclass(frozen=True)
class Limits:
    stall_timeout: float
    deadline: float  # seconds from now for this attempt
    max_size: int
    min_free: int  # bytes to leave free on the disk


def fetch_bounded(
    request: FetchRequest,
    limits: Limits,
    progress: Callable[[int, int | None], None] | None = None,
) -> FetchedFile:
    """Run one attempt in a child process and enforce the limits; raises FetchError, classified."""
    child = subprocess.Popen(
        [sys.executable, "-m", "memoria.mirror.worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: yt-dlp's ffmpeg children die with it
        env={**os.environ, "MEMORIA_MIRROR_PARENT": str(os.getpid())},
    )
    assert child.stdin and child.stdout and child.stderr
    child.stdin.write(json.dumps(asdict(request)).encode("utf-8"))
    child.stdin.close()
    errors: list[bytes] = []
    drain = threading.Thread(target=lambda: errors.append(child.stderr.read() if child.stderr else b""))
    drain.daemon = True
    drain.start()
    selector = selectors.DefaultSelector()
    selector.register(child.stdout, selectors.EVENT_READ)
    started = time.monotonic()
    last_progress, progressed_at = 0, started
    answer: dict[str, Any] | None = None
    buffer = b""
    try:
        while True:
            now = time.monotonic()
            if now - started > limits.deadline:
                raise FetchError(
                    FailureClass.UNREACHABLE,
                    f"{request.url}: deadline passed ({limits.deadline:.0f}s for this attempt, --deadline)",
                )
            if now - progressed_at > limits.stall_timeout:
                raise FetchError(
                    FailureClass.UNREACHABLE,
                    f"{request.url}: stalled: fewer than {STALL_BYTES} bytes in {limits.stall_timeout:.0f}s "
                    "(--stall-timeout)",
                )
            wait = max(
                0.05, min(limits.stall_timeout - (now - progressed_at), limits.deadline - (now - started))
            )
            if not selector.select(timeout=min(wait, 1.0)):
                continue
            chunk = os.read(child.stdout.fileno(), 65536)
            if not chunk:
                break
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                try:
                    message = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a stray line from a library: not ours
                if not isinstance(message, dict):
                    continue
                if "progress" in message:
                    done, total = int(message["progress"]), message.get("total")
                    if done >= last_progress + STALL_BYTES or done < last_progress:
                        last_progress, progressed_at = done, time.monotonic()
                    _enforce_size(request, limits, done, int(total) if total else None)
                    if progress:
                        progress(done, int(total) if total else None)
                else:
                    answer = message
    except BaseException:
        _kill(child)
        raise
    finally:
        selector.close()
    child.wait()
    drain.join(timeout=5)
    if answer is None:
        detail = b"".join(errors).decode("utf-8", "replace").strip().splitlines()
        raise FetchError(
            FailureClass.UNREACHABLE,
            f"{request.url}: the download process ended without an answer (exit {child.returncode}"
            + (f": {detail[-1]}" if detail else "")
            + ")",
        )
    if "error" in answer:
        error = answer["error"]
        raise FetchError(FailureClass(error["class"]), str(error["message"]), error.get("http_status"))
    result = answer["result"]
    return FetchedFile(**{**result, "media_path": Path(result["media_path"])})


def _enforce_size(request: FetchRequest, limits: Limits, done: int, total: int | None) -> None:
    if done > limits.max_size or (total is not None and total > limits.max_size):
        raise FetchError(
            FailureClass.REJECTED,
            f"{request.url}: larger than the size cap ({limits.max_size:,} bytes, --max-size); "
            f"{max(done, total or 0):,} bytes {'announced' if total and total > done else 'received'}",
        )
    if total is not None and total > done:
        free = shutil.disk_usage(request.workdir).free
        if total - done > free - limits.min_free:
            raise FetchError(
                FailureClass.DISK_FULL,
                f"{request.url}: {total - done:,} more bytes announced but only {free:,} free "
                f"(keeping {limits.min_free:,} free): free some space and run again",
            )


def _kill(child: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signal.SIGKILL)
    child.wait()


# --- the child -------------------------------------------------------------------------


def _emit(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _die_with_parent(parent: int) -> None:
    """A killed `memoria mirror` must not leave its downloads running (Linux: PR_SET_PDEATHSIG)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if parent and os.getppid() != parent:  # the parent died before the line above: stop now
        os._exit(1)


def child_main() -> int:
    """Read a FetchRequest on stdin, download with yt-dlp under the address policy, answer on stdout."""
    from memoria.mirror import ytdlp
    from memoria.mirror.netguard import AddressPolicy, guarded

    _die_with_parent(int(os.environ.get("MEMORIA_MIRROR_PARENT", "0")))
    request = FetchRequest(**json.loads(sys.stdin.read()))
    policy = AddressPolicy.from_strings(request.allow_private, request.allowed_networks)
    last = [0.0]

    def report(done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.2 or (total and done >= total):
            last[0] = now
            _emit({"progress": done, "total": total})

    try:
        with guarded(policy):
            fetched = ytdlp.fetch(
                request.url,
                Path(request.workdir),
                request.recording_id,
                request.retries,
                request.read_timeout,
                request.ffmpeg,
                report,
                request.max_size,
            )
    except FetchError as error:
        _emit(
            {
                "error": {
                    "class": error.failure.value,
                    "message": error.message,
                    "http_status": error.http_status,
                }
            }
        )
        return 0
    except OSError as error:
        failure = FailureClass.DISK_FULL if error.errno == 28 else FailureClass.UNREACHABLE
        _emit({"error": {"class": failure.value, "message": f"{request.url}: {error}", "http_status": None}})
        return 0
    playlist = fetched.playlist
    _emit(
        {
            "result": {
                "final_url": fetched.final_url,
                "webpage_url": fetched.webpage_url,
                "extractor": fetched.extractor,
                "media_path": str(fetched.media_path),
                "platform_title": fetched.platform_title,
                "announced_duration": fetched.announced_duration,
                "format": {
                    k: v
                    for k, v in fetched.format.items()
                    if isinstance(v, str | int | float | bool) or v is None
                },
                "playlist_duration": playlist.duration if playlist else None,
                "playlist_segments": playlist.segments if playlist else None,
                "discontinuities": playlist.discontinuities if playlist else None,
                "warnings": fetched.warnings,
                "tool_version": ytdlp.version(),
            }
        }
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(child_main())
