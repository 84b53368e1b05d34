"""The guide's way to get the `memoria` command works as written, in both languages (issue: a new
staff member following the guide met `memoria: command not found`)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEADINGS = {"en": "## Getting the `memoria` command", "es": "## Obtener el comando `memoria`"}


def guide_block(lang: str) -> str:
    """The first ```sh block under the guide's heading on getting the command."""
    page = (ROOT / "docs" / "guide" / f"index.{lang}.md").read_text(encoding="utf-8")
    section = page.split(HEADINGS[lang], 1)[1]
    match = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert match, f"no sh block under {HEADINGS[lang]}"
    return match.group(1)


def test_both_guides_give_the_same_commands() -> None:
    assert guide_block("en") == guide_block("es")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make setup" in readme and ". .venv/bin/activate" in readme


@pytest.mark.slow
def test_the_guide_commands_run_as_written_in_a_fresh_terminal() -> None:
    """A login-like shell whose PATH has no .venv: the block's lines, one after the other, as typed."""
    path = os.pathsep.join(
        entry for entry in os.environ.get("PATH", "").split(os.pathsep) if ".venv" not in entry
    )
    env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = path
    before = subprocess.run(
        ["bash", "-c", "command -v memoria"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30
    )
    assert before.returncode != 0, "memoria is already on PATH: the test would prove nothing"
    script = "set -e\n" + guide_block("en") + "command -v memoria\n"
    result = subprocess.run(
        ["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "usage: memoria" in result.stdout
    assert re.search(r"^\d+ errors?, \d+ warnings? in \d+ entr", result.stdout, re.MULTILINE)
    assert result.stdout.strip().splitlines()[-1] == str(ROOT / ".venv" / "bin" / "memoria")
