"""`memoria media push|pull`: move the recordings' bytes between media/ and the media store, verified."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from memoria.commands._project import add_project_options, load_from, size_in_bytes
from memoria.messages import N_, _
from memoria.project import Project, ProjectError

if TYPE_CHECKING:
    from memoria.replication import Moved
    from memoria.store import S3Store

EXAMPLE = N_("""\
examples:
  export AWS_ENDPOINT_URL=https://s3.eu-central-1.wasabisys.com AWS_PROFILE=archive
  memoria media push --media-store s3://our-archive/memoria           # local → store
  memoria media push --remove-local       # and free the disk once each object is verified
  memoria media pull --dry-run            # what `make offline` would need from the store
  memoria media pull ustream-51400296     # store → media/<id>/v<N>/, SHA-256 checked

Bytes go to <prefix>/sha256/<hex> (identical bytes stored once, every version kept), sent with
their SHA-256 so the store rejects a corrupted transfer; large files go in multipart uploads
that resume after an interruption. Manifests, store.json and custody logs stay in media/<id>/.
Each move is logged in the custody log as a PREMIS "replication".
exit status: 0 when every file is where it should be, 1 on any failure, 2 for bad arguments.""")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "media",
        help=_("push recordings' bytes to the S3-compatible media store, or pull them back"),
        description=_(
            "Move the bytes of every held version between media/<id>/ and the media store "
            "(media_store: s3://bucket/prefix), verified by SHA-256, idempotent and resumable."
        ),
        epilog=_(EXAMPLE),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "direction", choices=("push", "pull"), help=_("push: local → store; pull: store → local")
    )
    parser.add_argument(
        "ids", nargs="*", metavar="ID", help=_("recording ids (default: every held recording)")
    )
    add_project_options(parser, media=True, store=True)
    add_transfer_options(parser)
    parser.add_argument(
        "--dry-run", action="store_true", help=_("show what would move; nothing is sent or written")
    )
    parser.add_argument("--json", action="store_true", help=_("print a machine-readable report"))
    parser.set_defaults(func=run_command)


def add_transfer_options(parser: argparse.ArgumentParser) -> None:
    """--remove-local and --part-size, shared by the commands that upload."""
    parser.add_argument(
        "--remove-local",
        action="store_true",
        help=_("with a store: remove each local file once the store's copy is verified (push only)"),
    )
    parser.add_argument(
        "--part-size",
        type=size_in_bytes,
        default=64 * 2**20,
        metavar="SIZE",
        help=_("multipart upload part size (default 64MiB; stores accept 5MB to 5GB)"),
    )


def open_store(
    project: Project, command: str, part_size: int, remove_local: bool = False
) -> tuple[S3Store | None, int]:
    """The project's store (None: the local folder), or an exit status after one line saying why."""
    from memoria.store import StoreError
    from memoria.store import open_store as open_configured

    if remove_local and project.media_store is None:
        print(
            f"memoria {command}: --remove-local needs a media store (--media-store s3://…)", file=sys.stderr
        )
        return None, 2
    try:
        return open_configured(project.media_store, part_size), 0
    except StoreError as error:
        print(f"memoria {command}: {error}", file=sys.stderr)
        return None, 1


@contextmanager
def transfer_bars(quiet: bool) -> Iterator[Callable[[str, int], Callable[[int], None]]]:
    """Rich progress bars on a terminal (one per file); nothing otherwise."""
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        yield lambda _label, _total: lambda _n: None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=console,
    ) as progress:

        def bar(label: str, total: int) -> Callable[[int], None]:
            task = progress.add_task(label, total=total)
            return lambda n: progress.advance(task, n)

        yield bar


def held_ids(media_dir: Path) -> list[str]:
    from memoria.manifest import MANIFEST_NAME

    if not media_dir.is_dir():
        return []
    return sorted(
        p.name
        for p in media_dir.iterdir()
        if p.is_dir() and not p.name.startswith(".") and (p / MANIFEST_NAME).is_file()
    )


def push_ids(
    project: Project, store: S3Store, ids: list[str], *, remove_local: bool, dry_run: bool, quiet: bool
) -> tuple[list[Moved], str | None]:
    """Push each recording; stops at the first store failure (returned as one line), nothing removed."""
    return _move("push", project, store, ids, remove_local=remove_local, dry_run=dry_run, quiet=quiet)


def _move(
    direction: str,
    project: Project,
    store: S3Store,
    ids: list[str],
    *,
    remove_local: bool,
    dry_run: bool,
    quiet: bool,
) -> tuple[list[Moved], str | None]:
    from memoria.manifest import ManifestError, load_manifest
    from memoria.mirror.lock import Busy, recording_lock
    from memoria.replication import Moved, pull_recording, push_recording
    from memoria.store import StoreError

    moved: list[Moved] = []
    with transfer_bars(quiet) as bars:
        for recording_id in ids:
            try:
                manifest = load_manifest(project.media_dir, recording_id)
                if manifest is None:
                    moved.append(Moved(recording_id, "manifest.json", "", 0, "failed", "no manifest"))
                    continue
                with recording_lock(project.media_dir, recording_id, 0.0):
                    if direction == "push":
                        moved += push_recording(
                            project.media_dir,
                            manifest,
                            store,
                            dry_run=dry_run,
                            remove_local=remove_local,
                            progress=bars,
                        )
                    else:
                        moved += pull_recording(
                            project.media_dir, manifest, store, dry_run=dry_run, progress=bars
                        )
            except (ManifestError, Busy) as error:
                moved.append(Moved(recording_id, "manifest.json", "", 0, "failed", str(error)))
            except StoreError as error:
                return moved, str(error)
    return moved, None


def print_moves(moved: list[Moved], media_dir: Path, command: str) -> None:
    for item in moved:
        if item.action in ("in store", "present"):
            continue
        print(
            f"{media_dir / item.id / item.name}: {item.action}" + (f": {item.detail}" if item.detail else "")
        )
    counts = Counter(m.action for m in moved)
    size = sum(m.size for m in moved if m.action in ("uploaded", "resumed", "downloaded"))
    summary = ", ".join(f"{n} {action}" for action, n in sorted(counts.items())) or "nothing held"
    print(f"memoria {command}: {summary}; {size:,} bytes moved")


def run_command(args: argparse.Namespace) -> int:
    from memoria.manifest import validate_id

    command = f"media {args.direction}"
    try:
        project = load_from(args)
        ids = [validate_id(i) for i in args.ids] or held_ids(project.media_dir)
    except (ProjectError, ValueError) as error:
        print(f"memoria {command}: {error}", file=sys.stderr)
        return 2
    if project.media_store is None:
        print(
            f"memoria {command}: no media store: set media_store: s3://bucket/prefix in the memoria plugin's "
            "settings, or give --media-store",
            file=sys.stderr,
        )
        return 2
    if args.remove_local and args.direction == "pull":
        print(f"memoria {command}: --remove-local only goes with push", file=sys.stderr)
        return 2
    store, status = open_store(project, command, args.part_size)
    if store is None:
        return status
    moved, failure = _move(
        args.direction,
        project,
        store,
        ids,
        remove_local=args.remove_local,
        dry_run=args.dry_run,
        quiet=args.json,
    )
    failed = failure is not None or any(m.action == "failed" for m in moved)
    if args.json:
        json.dump(
            {
                "store": str(store.location),
                "dry_run": args.dry_run,
                "files": [m.as_json() for m in moved],
                "error": failure,
            },
            sys.stdout,
            indent=2,
        )
        sys.stdout.write("\n")
    else:
        print_moves(moved, project.media_dir, command)
    if failure:
        print(f"memoria {command}: {failure}", file=sys.stderr)
    return 1 if failed else 0
