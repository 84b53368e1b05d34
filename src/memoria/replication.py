"""Move a recording's bytes between media/<id>/ and the media store, verified, logged, resumable.

`push` (local → store) uploads every held file the store does not hold whole, then verifies
what the store reports; `pull` (store → local) downloads what is missing on disk and checks
its SHA-256 before it takes the file's place. Each move is a PREMIS "replication" event in
the recording's custody log. A local file is removed only when asked, and only once the
store's copy is verified. Both are idempotent: a second run moves nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from memoria import custody
from memoria.manifest import Manifest, utc_now, version_path
from memoria.store import S3Store, StoredObject, StoreError, load_record, record_object

WORK_PULL = Path(".work") / "pull"

#: (file label, total bytes) → a callable advanced with bytes moved; and one to close it
ProgressFactory = Callable[[str, int], Callable[[int], None]]


@dataclass(frozen=True)
class Moved:
    """What happened to one file of one version."""

    id: str
    name: str  # "v<N>/<file>"
    sha256: str
    size: int
    action: str  # uploaded | resumed | in store | would upload | downloaded | present | would download |
    # removed local | failed
    detail: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "file": self.name,
            "sha256": self.sha256,
            "bytes": self.size,
            "action": self.action,
            "detail": self.detail,
        }


def _no_progress(_label: str, _total: int) -> Callable[[int], None]:
    return lambda _n: None


def _log(
    media_dir: Path, manifest: Manifest, number: int, outcome: str, detail: str, hashes: dict[str, str]
) -> None:
    custody.append(
        media_dir,
        [
            custody.new_event(
                manifest.id,
                "replication",
                outcome,  # type: ignore[arg-type]
                detail,
                version=number,
                sha256_before=hashes if outcome == "success" else None,
                sha256_after=hashes if outcome == "success" else None,
            )
        ],
    )


def push_recording(
    media_dir: Path,
    manifest: Manifest,
    store: S3Store,
    *,
    dry_run: bool = False,
    remove_local: bool = False,
    progress: ProgressFactory = _no_progress,
) -> list[Moved]:
    """Every file of every version into the store; raises StoreError (after logging) on a store failure."""
    moved: list[Moved] = []
    record = load_record(media_dir, manifest.id)
    for version in manifest.versions:
        folder = version_path(media_dir, manifest.id, version)
        for item in version.files:
            name = f"{version.folder}/{item.name}" if version.folder else item.name
            local = folder / item.name
            stored = record.object(store.location, item.sha256)
            problem = store.problem(item.sha256, item.size, stored)
            if problem is None:
                if stored is None and not dry_run:  # held there already (another recording, or a lost record)
                    info = store.head(item.sha256)
                    assert info is not None and info.checksum_sha256
                    stored = StoredObject(
                        key=store.location.key(item.sha256),
                        size=info.size,
                        content_type=info.content_type,
                        checksum_sha256=info.checksum_sha256,
                        verified_at=utc_now(),
                    )
                    record_object(media_dir, manifest.id, store.location, item.sha256, stored)
                moved.append(
                    Moved(manifest.id, name, item.sha256, item.size, "in store", "verified (size, SHA-256)")
                )
            elif not local.is_file():
                moved.append(
                    Moved(
                        manifest.id,
                        name,
                        item.sha256,
                        item.size,
                        "failed",
                        f"not on disk, and the store: {problem[1]}",
                    )
                )
                continue
            elif dry_run:
                moved.append(Moved(manifest.id, name, item.sha256, item.size, "would upload", problem[1]))
                continue
            else:
                try:
                    stored, resumed = store.upload(
                        local, item.sha256, media_dir, progress(f"{manifest.id} {name}", item.size)
                    )
                except StoreError as error:
                    _log(media_dir, manifest, version.number, "failure", f"upload of {name}: {error}", {})
                    moved.append(Moved(manifest.id, name, item.sha256, item.size, "failed", str(error)))
                    raise
                record_object(media_dir, manifest.id, store.location, item.sha256, stored)
                _log(
                    media_dir,
                    manifest,
                    version.number,
                    "success",
                    f"{name} copied to {store.location} as {stored.key}; the store verified its SHA-256 "
                    f"({stored.checksum_sha256}) and reports {stored.size} bytes",
                    {item.name: item.sha256},
                )
                moved.append(
                    Moved(
                        manifest.id,
                        name,
                        item.sha256,
                        item.size,
                        "resumed" if resumed else "uploaded",
                        stored.key,
                    )
                )
            # captions, thumbnails and the info file are small and the site reads captions for its
            # transcripts: only the recording's own bytes leave the disk
            if remove_local and not dry_run and item.role in ("original", "web") and local.is_file():
                local.unlink()  # the store's copy was verified just above
                moved.append(
                    Moved(
                        manifest.id,
                        name,
                        item.sha256,
                        item.size,
                        "removed local",
                        "the store's copy is verified",
                    )
                )
    return moved


def pull_recording(
    media_dir: Path,
    manifest: Manifest,
    store: S3Store,
    *,
    dry_run: bool = False,
    progress: ProgressFactory = _no_progress,
) -> list[Moved]:
    """Every file missing on disk, from the store, SHA-256 checked before it takes its place."""
    moved: list[Moved] = []
    work = Path(media_dir) / WORK_PULL
    for version in manifest.versions:
        folder = version_path(media_dir, manifest.id, version)
        for item in version.files:
            name = f"{version.folder}/{item.name}" if version.folder else item.name
            local = folder / item.name
            if local.is_file() and local.stat().st_size == item.size:
                moved.append(Moved(manifest.id, name, item.sha256, item.size, "present", "on disk"))
                continue
            if dry_run:
                moved.append(Moved(manifest.id, name, item.sha256, item.size, "would download", str(local)))
                continue
            work.mkdir(parents=True, exist_ok=True)
            temporary = work / f"{item.sha256}.part"
            try:
                digest = store.read_sha256(
                    item.sha256, progress(f"{manifest.id} {name}", item.size), temporary
                )
            except StoreError as error:
                temporary.unlink(missing_ok=True)
                moved.append(Moved(manifest.id, name, item.sha256, item.size, "failed", str(error)))
                raise
            if digest != item.sha256:
                temporary.unlink(missing_ok=True)
                detail = f"the store's bytes hash to {digest}, not the manifest's {item.sha256}: not placed"
                _log(media_dir, manifest, version.number, "failure", f"download of {name}: {detail}", {})
                moved.append(Moved(manifest.id, name, item.sha256, item.size, "failed", detail))
                continue
            os.chmod(temporary, 0o444)
            folder.mkdir(parents=True, exist_ok=True)
            os.replace(temporary, local)
            _log(
                media_dir,
                manifest,
                version.number,
                "success",
                f"{name} copied from {store.location} ({store.location.key(item.sha256)}); SHA-256 checked",
                {item.name: item.sha256},
            )
            moved.append(Moved(manifest.id, name, item.sha256, item.size, "downloaded", str(local)))
    return moved
