"""Re-hash a mirrored folder against its manifest: missing, altered and unexpected files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from memoria.manifest import FILE_NAME_PATTERN, MANIFEST_NAME, sha256_of


@dataclass(frozen=True)
class FileProblem:
    """One file that does not match the manifest."""

    kind: str  # missing | altered | unexpected
    name: str
    detail: str

    def as_json(self) -> dict[str, str]:
        return {"kind": self.kind, "name": self.name, "detail": self.detail}


def verify_folder(folder: Path, manifest: dict[str, Any]) -> list[FileProblem]:
    """Full SHA-256 of every listed file (sizes can lie: a same-size edit is still caught)."""
    problems: list[FileProblem] = []
    listed: set[str] = set()
    for item in manifest.get("files", []):
        name = str(item.get("name", ""))
        listed.add(name)
        if not FILE_NAME_PATTERN.match(name):
            problems.append(FileProblem("altered", name, "the manifest lists an unsafe file name"))
            continue
        path = folder / name
        if not path.is_file():
            problems.append(
                FileProblem("missing", name, f"listed with {item.get('size')} bytes, not on disk")
            )
            continue
        size = path.stat().st_size
        if size != item.get("size"):
            problems.append(
                FileProblem("altered", name, f"size {size} bytes, the manifest says {item.get('size')}")
            )
            continue
        digest = sha256_of(path)
        if digest != item.get("sha256"):
            problems.append(
                FileProblem("altered", name, f"sha256 {digest}, the manifest says {item.get('sha256')}")
            )
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.name == MANIFEST_NAME or path.name in listed:
            continue
        problems.append(FileProblem("unexpected", path.name, "on disk but not in the manifest"))
    return problems
