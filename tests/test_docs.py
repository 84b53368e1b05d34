"""Every command, option and setting a user can reach is documented (a test fails otherwise)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from memoria.cli import COMMAND_MODULES, build_parser
from memoria.engine.plugin import MemoriaConfig

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
CONFIGURATION = (ROOT / "handbook" / "configuration.md").read_text(encoding="utf-8")
COMMANDS = [name.rsplit(".", 1)[1].rstrip("_") for name in COMMAND_MODULES]  # import_ is `memoria import`


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_readme(command: str) -> None:
    assert re.search(rf"memoria {command}\b", README), f"README.md never shows 'memoria {command}'"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "memoria.cli", command, "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert re.search(r"^examples?:", result.stdout, re.MULTILINE), result.stdout
    assert f"memoria {command}" in result.stdout.split("xample", 1)[1]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_of_every_command_is_explained(command: str) -> None:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    sub = subparsers.choices[command]  # type: ignore[attr-defined]
    undocumented = [a.option_strings or a.dest for a in sub._actions if not a.help]
    assert undocumented == []


@pytest.mark.parametrize("option", sorted(key for key, _ in MemoriaConfig._schema))
def test_every_plugin_setting_is_in_the_configuration_reference(option: str) -> None:
    assert re.search(rf"`{option}`", CONFIGURATION), (
        f"handbook/configuration.md does not document the plugin setting '{option}'"
    )


def test_makefile_targets_in_the_readme() -> None:
    targets = re.findall(r"^([a-z-]+):.*##", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert {"site", "test", "serve", "check"} <= set(targets)
    missing = [t for t in targets if f"make {t}" not in README]
    assert missing == []


def test_bad_arguments_give_one_line_not_a_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "memoria.cli", "no-such-command"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
