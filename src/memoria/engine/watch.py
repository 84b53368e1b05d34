"""The live preview's file watcher and its end: file events instead of polling; SIGTERM as Ctrl-C.

`mkdocs serve` polls every watched tree twice a second (MkDocs chose polling so that Docker
and network mounts work, mkdocs/mkdocs#2477). At archive scale that is a walk and a `stat`
of every entry file each half second: at 3,000 entries per language about 40% of a core,
taken from the rebuild that runs in the same process, plus up to half a second before a
save is noticed. File events (inotify on Linux, FSEvents on macOS, kqueue on BSD) cost
nothing while nothing changes and report a save at once. Only changes count: Linux also
reports files being opened and read, and the build itself reads every entry.

`mkdocs serve` deletes its temporary site (the whole built site: 230 MB at 3,000 entries per
language) and runs the plugins' shutdown only after Ctrl-C; terminated by a process manager,
an editor or a test, it left both behind in the temporary folder every time.
"""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from types import FrameType
from typing import Any

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch

CHANGES: tuple[type[FileSystemEvent], ...] = (
    FileCreatedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileDeletedEvent,
    FileClosedEvent,  # closed after writing (reads close as FileClosedNoWriteEvent)
    DirCreatedEvent,
    DirMovedEvent,
    DirDeletedEvent,
)
"""What a save, a new file, a rename or a deletion produce; reading a file produces none of these."""


class ChangeObserver(Observer):  # type: ignore[misc,valid-type]  # the platform's native observer class
    """The platform's native observer, reporting only events that change files."""

    def schedule(
        self,
        event_handler: FileSystemEventHandler,
        path: str | Path,
        *,
        recursive: bool = False,
        event_filter: list[type[FileSystemEvent]] | None = None,
        follow_symlink: bool = False,
    ) -> ObservedWatch:
        return super().schedule(
            event_handler,
            path,
            recursive=recursive,
            event_filter=event_filter or list(CHANGES),
            follow_symlink=follow_symlink,
        )


def use_file_events(server: Any) -> BaseObserver:
    """Move every path `server` (MkDocs' LiveReloadServer, not started yet) watches to a ChangeObserver.

    MkDocs 1.6 keeps no public list of what it watches: `_watched_paths` (path → how many
    times watched) is read, and each path goes through the server's own unwatch and watch.
    """
    watched: dict[str, int] = dict(server._watched_paths)
    for path, times in watched.items():
        for _ in range(times):
            server.unwatch(path)
    server.observer = ChangeObserver()
    for path, times in watched.items():
        for _ in range(times):
            server.watch(path)
    return server.observer


class StopOnSigterm:
    """While installed, SIGTERM ends the process as Ctrl-C does, so `mkdocs serve` cleans up after itself."""

    def __init__(self) -> None:
        self._previous: Any = None

    def install(self) -> None:
        """Only from the main thread, and only where nobody else handles SIGTERM."""
        if threading.current_thread() is not threading.main_thread() or self._previous is not None:
            return
        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            self._previous = signal.signal(signal.SIGTERM, _interrupt)

    def uninstall(self) -> None:
        if self._previous is not None and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self._previous)
            self._previous = None


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt
