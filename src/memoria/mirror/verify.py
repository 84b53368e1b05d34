"""Re-hash what the archive holds against its manifest and custody log: missing, altered, unexpected."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

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
from memoria.store import STORE_RECORD_NAME, StoreRecord, load_record

if TYPE_CHECKING:
    from memoria.store import S3Store


@dataclass(frozen=True)
class FileProblem:
    """One file that does not match the manifest, or a custody log that does not."""

    kind: str  # missing | altered | unexpected | custody
    name: str
    detail: str

    def as_json(self) -> dict[str, str]:
        return {"kind": self.kind, "name": self.name, "detail": self.detail}


def verify_version(
    folder: Path,
    version: Version,
    prefix: str = "",
    store: S3Store | None = None,
    record: StoreRecord | None = None,
    deep: bool = False,
) -> tuple[list[FileProblem], int]:
    """Full SHA-256 of every file of one version held on disk (sizes can lie: a same-size edit is still
    caught); with a store, each object's presence, size and stored SHA-256 checksum too, and with
    `deep` its bytes re-read. A file may be held in the store only (after `media push --remove-local`)."""
    problems: list[FileProblem] = []
    for item in version.files:
        name = prefix + item.name
        path = folder / item.name
        if store is not None:
            stored = record.object(store.location, item.sha256) if record else None
            found = store.problem(item.sha256, item.size, stored)
            if deep and (found is None or found[0] != "missing"):  # read back whatever the head said
                digest = store.read_sha256(item.sha256)
                if digest != item.sha256:
                    read = (
                        f"{store.location.key(item.sha256)}: its bytes hash to {digest}, not the manifest's"
                    )
                    found = ("altered", read if found is None else f"{found[1]}; {read}")
            if found is not None:
                problems.append(FileProblem(found[0], name, f"in {store.location}: {found[1]}"))
            if not path.is_file():
                continue
        elif not path.is_file():
            elsewhere = [
                s for s, objects in (record.stores if record else {}).items() if item.sha256 in objects
            ]
            hint = (
                f"; {STORE_RECORD_NAME} says {elsewhere[0]} holds it: give --media-store" if elsewhere else ""
            )
            problems.append(FileProblem("missing", name, f"listed with {item.size} bytes, not on disk{hint}"))
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
    media_dir: Path,
    manifest: Manifest,
    only_current: bool = False,
    store: S3Store | None = None,
    deep: bool = False,
) -> tuple[list[FileProblem], int]:
    """Every version's files (or the current one's), unexpected files, and the custody log's agreement;
    with a store, every object in it (StoreError when the store cannot be asked)."""
    problems: list[FileProblem] = []
    record = load_record(media_dir, manifest.id)
    checked = 0
    root = Path(media_dir) / manifest.id
    versions = [manifest.current_version] if only_current else list(manifest.versions)
    for version in versions:
        if version is None:
            continue
        prefix = f"{version.folder}/" if version.folder else ""
        found, count = verify_version(
            version_path(media_dir, manifest.id, version), version, prefix, store, record, deep
        )
        problems += found
        checked += count
    if only_current:
        return problems, checked
    listed_top = {v_file.name for v in manifest.versions if not v.folder for v_file in v.files}
    folders = {v.folder for v in manifest.versions if v.folder}
    for path in sorted(root.iterdir()) if root.is_dir() else []:
        name = path.name
        if name in (MANIFEST_NAME, CUSTODY_NAME, STORE_RECORD_NAME) or name in listed_top:
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
