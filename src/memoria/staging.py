"""Staging folders next to site_dir: where `memoria build` makes a site before publishing it.

A build makes its new site in a folder of its own beside site_dir (same file system: one rename
publishes it) and, once published, the previous site ends up in that folder too. Removing it
(every file of a whole site) took most of a second at 3,000 entries per language after the
site was already published, so it happens in a process of its own that outlives the build.
Each folder holds a lock (`flock`) for as long as its build runs; a folder whose lock is free
was left by a build that was killed (kill -9, power loss) and the next build removes it too.
Where `flock` is missing (not POSIX), folders are removed before the build ends, as before.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

PREFIX = ".memoria-build-"
LOCK = ".lock"
#: a folder without a lock file is one a build has only just made, unless it is older than this
_UNLOCKED_GRACE_SECONDS = 3600

#: one line: it is the process's command line (ps, py-spy's process names)
_REMOVER = "import shutil, sys; [shutil.rmtree(f, ignore_errors=True) for f in sys.argv[1:]]"


class Staging:
    """One build's staging folder, locked while the build runs."""

    def __init__(self, parent: Path) -> None:
        self.path = Path(tempfile.mkdtemp(prefix=PREFIX, dir=parent))
        self._lock: int | None = None
        if fcntl is not None:
            self._lock = os.open(self.path / LOCK, os.O_CREAT | os.O_RDWR, 0o600)
            fcntl.flock(self._lock, fcntl.LOCK_EX)

    def remove(self, background: bool = True) -> None:
        """Remove this folder and any a killed build left beside it: in the background where possible
        (`background` False: a small folder, or one in memory, is gone when this returns)."""
        folders = [self.path, *abandoned(self.path.parent, self.path)]
        if self._lock is None or not background:
            for folder in folders:
                shutil.rmtree(folder, ignore_errors=True)
            self._unlock()
            return
        try:
            subprocess.Popen(
                [sys.executable, "-c", _REMOVER, *map(str, folders)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # not killed with the terminal's process group (Ctrl-C)
            )
        except OSError:
            for folder in folders:
                shutil.rmtree(folder, ignore_errors=True)
        finally:
            self._unlock()

    def _unlock(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # from now on a later build may remove what is left too
            self._lock = None


def abandoned(parent: Path, but: Path | None = None) -> list[Path]:
    """Staging folders in `parent` whose build no longer runs (their lock is free)."""
    if fcntl is None:
        return []
    found = []
    for folder in sorted(parent.glob(PREFIX + "*")):
        if folder == but or not folder.is_dir() or folder.is_symlink():
            continue
        try:
            lock = os.open(folder / LOCK, os.O_RDWR)
        except FileNotFoundError:
            try:
                if time.time() - folder.stat().st_mtime > _UNLOCKED_GRACE_SECONDS:
                    found.append(folder)
            except OSError:
                pass
            continue
        except OSError:
            continue
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # its build is still running
        finally:
            os.close(lock)
        found.append(folder)
    return found
