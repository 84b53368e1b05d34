"""Re-hash what the archive holds against its manifest and custody log: missing, altered, unexpected."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from memoria.custody import disagreements, read_log
from memoria.manifest import (
    CUSTODY_NAME,
    MANIFEST_NAME,
    VERSION_FOLDER_PATTERN,
    VERSION_RECORD_NAME,
    Manifest,
    Version,
    sha256_of,
    version_path,
)


@dataclass(frozen=True)
class FileProblem:
    """One file that does not match the manifest, or a custody log that does not."""

    kind: str  # missing | altered | unexpected | custody
    name: str
    detail: str

    def as_json(self) -> dict[str, str]:
        return {"kind": self.kind, "name": self.name, "detail": self.detail}


def verify_version(folder: Path, version: Version, prefix: str = "") -> tuple[list[FileProblem], int]:
    """Full SHA-256 of every file of one version (sizes can lie: a same-size edit is still caught)."""
    problems: list[FileProblem] = []
    for item in version.files:
        name = prefix + item.name
        path = folder / item.name
        if not path.is_file():
            problems.append(FileProblem("missing", name, f"listed with {item.size} bytes, not on disk"))
            continue
        size = path.stat().st_size
        if size != item.size:
            problems.append(FileProblem("altered", name, f"size {size} bytes, the manifest says {item.size}"))
            continue
        digest = sha256_of(path)
        if digest != item.sha256:
            problems.append(FileProblem("altered", name, f"sha256 {digest}, the manifest says {item.sha256}"))
    return problems, len(version.files)


def verify_recording(
    media_dir: Path, manifest: Manifest, only_current: bool = False
) -> tuple[list[FileProblem], int]:
    """Every version's files (or the current one's), unexpected files, and the custody log's agreement."""
    problems: list[FileProblem] = []
    checked = 0
    root = Path(media_dir) / manifest.id
    versions = [manifest.current_version] if only_current else list(manifest.versions)
    for version in versions:
        if version is None:
            continue
        prefix = f"{version.folder}/" if version.folder else ""
        found, count = verify_version(version_path(media_dir, manifest.id, version), version, prefix)
        problems += found
        checked += count
    if only_current:
        return problems, checked
    listed_top = {v_file.name for v in manifest.versions if not v.folder for v_file in v.files}
    folders = {v.folder for v in manifest.versions if v.folder}
    for path in sorted(root.iterdir()) if root.is_dir() else []:
        name = path.name
        if name in (MANIFEST_NAME, CUSTODY_NAME) or name in listed_top:
            continue
        if path.is_dir() and name in folders:
            version = next(v for v in manifest.versions if v.folder == name)
            listed = {f.name for f in version.files} | {VERSION_RECORD_NAME}
            for inner in sorted(path.iterdir()):
                if inner.name not in listed:
                    problems.append(
                        FileProblem("unexpected", f"{name}/{inner.name}", "on disk but not in the manifest")
                    )
            continue
        if path.is_dir() and VERSION_FOLDER_PATTERN.match(name):
            problems.append(
                FileProblem(
                    "unexpected",
                    name,
                    "a version folder the manifest does not list (an interrupted run? "
                    f"'memoria mirror {manifest.id}' adopts it if it verifies)",
                )
            )
            continue
        problems.append(FileProblem("unexpected", name, "on disk but not in the manifest"))
    events, log_problems = read_log(media_dir, manifest.id)
    for problem in log_problems:
        problems.append(FileProblem("custody", f"{CUSTODY_NAME}:{problem.line}", problem.detail))
    for detail in disagreements(manifest, events):
        problems.append(FileProblem("custody", CUSTODY_NAME, detail))
    return problems, checked
