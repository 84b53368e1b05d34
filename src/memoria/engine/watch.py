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

import importlib.metadata
import inspect
import signal
import threading
from pathlib import Path
from types import FrameType
from typing import Any

from mkdocs.plugins import get_plugin_logger

log = get_plugin_logger(__name__)

KNOWN_WATCHDOG_MAJOR = 7
"""The watchdog major version this was written against (pinned in pyproject.toml, as MkDocs' dependency)."""

CHANGE_EVENTS = (
    "FileCreatedEvent",
    "FileModifiedEvent",
    "FileMovedEvent",
    "FileDeletedEvent",
    "FileClosedEvent",  # closed after writing (reads close as FileClosedNoWriteEvent)
    "DirCreatedEvent",
    "DirMovedEvent",
    "DirDeletedEvent",
)
"""What a save, a new file, a rename or a deletion produce; reading a file produces none of these."""

_SERVER_MEMBERS = ("watch", "unwatch", "observer")
"""What of MkDocs' LiveReloadServer this uses besides `_watched_paths` (MkDocs 1.6)."""


def watchdog_refused(version: str | None = None) -> str | None:
    """Why the installed watchdog (or `version` of it) cannot give file events as written here; None: it can."""
    try:
        from watchdog import events
        from watchdog.observers import Observer

        version = version or importlib.metadata.version("watchdog")
    except (ImportError, importlib.metadata.PackageNotFoundError) as error:
        return f"watchdog cannot be imported ({error})"
    major = version.split(".", 1)[0]
    if major != str(KNOWN_WATCHDOG_MAJOR):
        return f"watchdog {version} is installed; this was written for watchdog {KNOWN_WATCHDOG_MAJOR}.x"
    missing = [name for name in CHANGE_EVENTS if not hasattr(events, name)]
    if missing:
        return f"watchdog {version} has no {', '.join(missing)}"
    schedule = getattr(Observer, "schedule", None)
    parameters = inspect.signature(schedule).parameters if callable(schedule) else {}
    if not {"event_filter", "follow_symlink"} <= parameters.keys():
        return f"watchdog {version}'s Observer.schedule takes no event_filter or follow_symlink"
    return None


def server_refused(server: Any) -> str | None:
    """Why MkDocs' `server` cannot have its watched paths moved to another observer; None: it can."""
    watched = getattr(server, "_watched_paths", None)
    if not isinstance(watched, dict):
        return "MkDocs' live-reload server has no _watched_paths (read as of MkDocs 1.6)"
    missing = [name for name in _SERVER_MEMBERS if not hasattr(server, name)]
    if missing:
        return f"MkDocs' live-reload server has no {', '.join(missing)} (used as of MkDocs 1.6)"
    return None


def change_observer() -> Any:
    """The platform's native watchdog observer, reporting only events that change files (after watchdog_refused())."""
    from watchdog import events
    from watchdog.observers import Observer

    changes = [getattr(events, name) for name in CHANGE_EVENTS]

    class ChangeObserver(Observer):  # type: ignore[misc,valid-type]  # the platform's native observer class
        def schedule(
            self,
            event_handler: Any,
            path: str | Path,
            *,
            recursive: bool = False,
            event_filter: list[Any] | None = None,
            follow_symlink: bool = False,
        ) -> Any:
            return super().schedule(
                event_handler,
                path,
                recursive=recursive,
                event_filter=event_filter or changes,
                follow_symlink=follow_symlink,
            )

    return ChangeObserver()


def use_file_events(server: Any, watchdog_version: str | None = None) -> Any:
    """Move every path `server` (MkDocs' LiveReloadServer, not started yet) watches to a change observer.

    MkDocs 1.6 keeps no public list of what it watches: `_watched_paths` (path → how many
    times watched) is read, and each path goes through the server's own unwatch and watch.
    Where MkDocs or watchdog differ from what this was written for, MkDocs' polling stays, a
    warning says why, and None is returned. `watchdog_version`: the installed one unless given.
    """
    refused = server_refused(server) or watchdog_refused(watchdog_version)
    if refused:
        log.warning(f"Live preview: {refused}: watching files by polling, as MkDocs does by default")
        return None
    watched: dict[str, int] = dict(server._watched_paths)
    for path, times in watched.items():
        for _ in range(times):
            server.unwatch(path)
    server.observer = change_observer()
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
