"""Imports follow need: `memoria check`, `status`, `new` and `build` never load yt-dlp nor the mirror's network code.

Each command runs for real on a copy of the demo. What it loaded is read twice: its
sys.modules at exit, and `python -X importtime`'s log, which also covers the processes
`memoria build` forks for its languages (importlib.import_module is not logged, but every
`import` statement is).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write_project

NETWORK = (
    "yt_dlp",
    *(
        f"memoria.mirror.{name}"
        for name in ("ytdlp", "worker", "pipeline", "netguard", "wayback", "linkcheck")
    ),
)
"""yt-dlp, and the modules of memoria.mirror that download or reach the network."""

COMMANDS = {
    "check": ["check"],
    "status": ["status"],
    "new": [
        "new",
        "press",
        "--title",
        "Imports",
        "--date",
        "2020-01-02",
        "--summary",
        "Imports follow need.",
    ],
    "build": ["build", "-d", "built"],
}

_IMPORTED = re.compile(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)$", re.MULTILINE)
_AT_EXIT = re.compile(r"^sys.modules at exit: (.*)$", re.MULTILINE)

RUN_REPORTING_MODULES = """
import atexit, runpy, sys
atexit.register(lambda: print("sys.modules at exit:", *sorted(sys.modules), file=sys.stderr))
sys.argv = ["memoria", *sys.argv[1:]]
runpy.run_module("memoria.cli", run_name="__main__")
"""
"""`python -m memoria.cli`, printing the modules it holds when it exits (forked workers exit without atexit)."""


def imported_modules(stderr: str) -> set[str]:
    """Every module `python -X importtime` reports in its log, and those the process held at exit."""
    at_exit = {name for line in _AT_EXIT.findall(stderr) for name in line.split()}
    return set(_IMPORTED.findall(stderr)) | at_exit


def loaded_network_code(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == name or m.startswith(f"{name}.") for name in NETWORK))


@pytest.mark.parametrize("command", list(COMMANDS))
def test_command_does_not_import_network_code(command: str, tmp_path: Path) -> None:
    project = write_project(tmp_path / "project", copy_demo=True)
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", RUN_REPORTING_MODULES, *COMMANDS[command]],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "MEMORIA_LANG": "en"},
    )
    modules = imported_modules(result.stderr)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"memoria.commands.{command}" in modules  # the log is read, not empty
    assert loaded_network_code(modules) == [], f"memoria {command} imported them"


def test_the_check_sees_network_code_when_it_is_imported() -> None:
    """`memoria linkcheck` does need yt-dlp: the same reading finds it, imported as the CLI imports commands."""
    code = (
        RUN_REPORTING_MODULES.split("sys.argv")[0]
        + "import importlib; importlib.import_module('memoria.mirror.linkcheck')"
    )
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = loaded_network_code(imported_modules(result.stderr))
    assert "yt_dlp" in found and "memoria.mirror.linkcheck" in found and "memoria.mirror.netguard" in found
