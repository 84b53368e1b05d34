"""`make audit`: every locked dependency checked against known vulnerabilities, or a clear "could not".

pip-audit reads the lock files (no install: `--no-deps --disable-pip`) and asks PyPI's
vulnerability data about each pinned version. Without access to it, pip-audit still prints
"No known vulnerabilities found", listing the packages it skipped: here that is a failure to
audit, said plainly, with exit status 75 (EX_TEMPFAIL: try again where the network allows),
never a pass.

usage: python scripts/audit.py requirements.lock [more.lock ...]
exit status: 0 audited, nothing known; 1 vulnerabilities found; 75 could not audit
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CANNOT_AUDIT = 75


def audit(lock_file: Path) -> tuple[list[str], list[str], int]:
    """(vulnerabilities found, packages not audited and why, packages audited) of one lock file."""
    command = [
        sys.executable,
        "-m",
        "pip_audit",
        "--requirement",
        str(lock_file),
        "--require-hashes",
        "--no-deps",
        "--disable-pip",
        "--format",
        "json",
        "--progress-spinner",
        "off",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return [], [f"pip-audit could not run: {last}"], 0
    found, skipped, audited = [], [], 0
    for dependency in report.get("dependencies", []):
        name = f"{dependency['name']} {dependency.get('version', '')}".strip()
        if "skip_reason" in dependency:
            skipped.append(f"{name}: {dependency['skip_reason']}")
            continue
        audited += 1
        for vulnerability in dependency.get("vulns", []):
            fixes = ", ".join(vulnerability.get("fix_versions") or []) or "no fixed version yet"
            found.append(f"{name}: {vulnerability['id']} (fixed in: {fixes})")
    return found, skipped, audited


def main(lock_files: list[str]) -> int:
    if not lock_files:
        print(__doc__.strip().split("\n\n")[-2], file=sys.stderr)
        return 2
    status = 0
    for lock_file in map(Path, lock_files):
        found, skipped, audited = audit(lock_file)
        if skipped and not audited:
            print(f"{lock_file}: NOT AUDITED — the vulnerability data could not be reached from here:")
            for line in skipped[:3]:
                print(f"  {line}")
            print("  Run `make audit` where pypi.org is reachable (CI, or a machine with internet access).")
            status = max(status, CANNOT_AUDIT)
            continue
        if found:
            print(f"{lock_file}: {len(found)} known vulnerabilities:")
            for line in found:
                print(f"  {line}")
            print(
                "  Raise the version in pyproject.toml (or pin the fixed one), run `make lock`, then the tests."
            )
            status = 1 if status != CANNOT_AUDIT else status
        else:
            print(f"{lock_file}: {audited} packages audited, no known vulnerability")
        if skipped:
            print(f"  but {len(skipped)} could not be audited:")
            for line in skipped:
                print(f"  {line}")
            status = max(status, CANNOT_AUDIT)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
