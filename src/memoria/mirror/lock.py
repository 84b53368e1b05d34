"""One writer per recording: an advisory lock per id, held for the whole mirror or import of it.

`flock` locks belong to an open file description, so two threads of one run and two runs
alike exclude each other, and the kernel releases the lock when a process dies (kill -9
included): a stale lock never blocks the archive.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from memoria.manifest import validate_id

LOCK_DIR = ".locks"


class Busy(Exception):
    """Another process holds the recording."""


@contextmanager
def recording_lock(media_dir: Path, recording_id: str, wait: float = 0.0) -> Iterator[None]:
    """Hold media/.locks/<id>.lock; wait up to `wait` seconds for it, then raise Busy."""
    folder = Path(media_dir) / LOCK_DIR
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / f"{validate_id(recording_id)}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        give_up = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= give_up:
                    raise Busy(
                        f"{recording_id}: busy: another memoria process is mirroring or importing it "
                        "(run again when it ends, or pass --wait SECONDS)"
                    ) from None
                time.sleep(0.2)
        yield
    finally:
        os.close(fd)
