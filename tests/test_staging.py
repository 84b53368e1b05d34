"""Staging folders: removed after the build in a process of their own; those a killed build left are removed by the next."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from memoria.staging import LOCK, PREFIX, Staging, abandoned


def _gone(path: Path, within: float = 30.0) -> bool:
    deadline = time.monotonic() + within
    while path.exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_finished_build_s_folder_and_a_killed_one_s_are_removed_a_running_one_s_kept(
    tmp_path: Path,
) -> None:
    # a build that was killed (kill -9) while its site was half written: its lock died with it
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, sys, pathlib; from memoria.staging import Staging\n"
            "s = Staging(pathlib.Path(sys.argv[1])); (s.path / 'site').mkdir(); "
            "(s.path / 'site' / 'index.html').write_text('half'); print(s.path); sys.stdout.flush(); "
            "os.kill(os.getpid(), 9)",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    left = Path(killed.stdout.strip())
    assert killed.returncode == -9 and (left / "site" / "index.html").is_file()
    running = Staging(tmp_path)  # another build, still running
    mine = Staging(tmp_path)
    (mine.path / "previous").mkdir()
    (mine.path / "previous" / "index.html").write_text("the site before", encoding="utf-8")
    assert abandoned(tmp_path, mine.path) == [left]
    mine.remove()
    assert _gone(mine.path) and _gone(left)
    assert running.path.is_dir() and (running.path / LOCK).is_file()
    running.remove()
    assert _gone(running.path)
    assert not list(tmp_path.glob(PREFIX + "*"))


def test_a_folder_without_a_lock_is_left_alone_until_it_is_an_hour_old(tmp_path: Path) -> None:
    young, old = tmp_path / f"{PREFIX}young", tmp_path / f"{PREFIX}old"
    young.mkdir()
    old.mkdir()
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    assert abandoned(tmp_path) == [old]
