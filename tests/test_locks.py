"""The lock files: every dependency, direct or not, pinned with hashes, and in step with pyproject.toml."""

from __future__ import annotations

import re
import tomllib

import pytest
from packaging.requirements import Requirement

from conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOCKS = {
    "requirements.lock": [],
    "requirements-dev.lock": ["test", "dev"],
    "requirements-bench.lock": ["test", "dev", "bench"],
    "requirements-audit.lock": ["audit"],
}


def _locked(name: str) -> dict[str, list[tuple[str, list[str]]]]:
    """Package name → [(version, hashes)] (a package may be locked twice, under different markers)."""
    text = (ROOT / name).read_text(encoding="utf-8")
    entries: dict[str, list[tuple[str, list[str]]]] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = re.match(r"([A-Za-z0-9._-]+)==([^\s;\\]+)", block)
        if match:
            key = re.sub(r"[-_.]+", "-", match.group(1)).lower()
            entries.setdefault(key, []).append(
                (match.group(2), re.findall(r"--hash=sha256:([0-9a-f]{64})", block))
            )
    return entries


@pytest.mark.parametrize("lock", LOCKS)
def test_every_locked_package_is_pinned_with_hashes(lock: str) -> None:
    entries = _locked(lock)
    assert len(entries) > 20
    for name, versions in entries.items():
        for version, hashes in versions:
            assert hashes, f"{lock}: {name}=={version} has no hash"


@pytest.mark.parametrize("lock", LOCKS)
def test_the_locks_follow_pyproject(lock: str) -> None:
    direct = [*PYPROJECT["project"]["dependencies"]] if lock != "requirements-audit.lock" else []
    for extra in LOCKS[lock]:
        direct += PYPROJECT["project"]["optional-dependencies"][extra]
    entries = _locked(lock)
    for line in direct:
        requirement = Requirement(line)
        name = re.sub(r"[-_.]+", "-", requirement.name).lower()
        assert name in entries, f"{lock}: {name} is in pyproject.toml but not locked: run `make lock`"
        for version, _hashes in entries[name]:
            assert requirement.specifier.contains(version), (
                f"{lock}: {name}=={version} does not satisfy pyproject.toml's {requirement.specifier}: run `make lock`"
            )


def test_setup_installs_from_the_lock_with_hashes_only() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    setup = makefile.split("$(STAMP): pyproject.toml requirements-dev.lock\n", 1)[1].split("\n\n", 1)[0]
    installs = [
        line.strip() for line in setup.splitlines() if "pip install" in line and "--upgrade pip" not in line
    ]
    assert installs == [
        "$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock",
        "$(BIN)/python -m pip install --quiet --no-deps -e .",
    ]
