"""`memoria verify [ID ...]`: re-hash every mirrored file against its manifest."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from memoria import custody
from memoria.commands._project import add_project_options, load_from
from memoria.manifest import MANIFEST_NAME, ManifestError, load_manifest, validate_id
from memoria.messages import N_, _
from memoria.project import ProjectError

if TYPE_CHECKING:
    from memoria.mirror.verify import FileProblem

EXAMPLE = N_("""\
example:
  memoria verify                         # every media/<id>/ with a manifest
  memoria verify ustream-51400296 --json
  memoria verify --media-store s3://our-archive/memoria          # each object: presence, size, SHA-256
  memoria verify --media-store s3://our-archive/memoria --deep   # and every byte read back

Checks every version the archive holds (full SHA-256 of each file), files nobody recorded,
and that the custody log is well-formed and agrees with the manifest. Each check is appended
to the custody log as a PREMIS "fixity check". With a media store, every object of every version
is checked there too: present, of the manifest's size, with the SHA-256 checksum the store keeps
(no bytes read); --deep reads every byte back. A file held only in the store is not missing.
Prints one line per problem: media/<id>/<file>: missing|altered|unexpected|custody|store: detail.
exit status: 0 when every file matches its SHA-256, 1 on any problem, 2 for bad arguments.""")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "verify",
        help=_("re-hash every held version against its manifest and check the custody log"),
        description=_("Re-hash every file of media/<id>/ and report missing, altered and unexpected files."),
        epilog=_(EXAMPLE),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "ids", nargs="*", metavar="ID", help=_("recording ids (default: every mirrored recording)")
    )
    add_project_options(parser, media=True, store=True)
    parser.add_argument("--json", action="store_true", help=_("print a machine-readable report"))
    parser.add_argument(
        "--deep",
        action="store_true",
        help=_("with a media store: read every object's bytes back and hash them"),
    )
    parser.set_defaults(func=run_command)


def run_command(args: argparse.Namespace) -> int:
    from memoria.mirror.verify import FileProblem, verify_recording  # only this command needs the mirror

    try:
        project = load_from(args)
        ids = [validate_id(i) for i in args.ids]
    except (ProjectError, ValueError) as error:
        print(f"memoria verify: {error}", file=sys.stderr)
        return 2
    media_dir = project.media_dir
    from memoria.commands.media import open_store
    from memoria.store import StoreError

    store, status = open_store(project, "verify", 64 * 2**20)
    if status:
        return status
    if not ids and media_dir.is_dir():
        ids = sorted(
            p.name
            for p in media_dir.iterdir()
            if p.is_dir() and not p.name.startswith(".") and (p / MANIFEST_NAME).is_file()
        )
    report: dict[str, list[FileProblem]] = {}
    checked = 0
    versions = 0
    for recording_id in ids:
        try:
            manifest = load_manifest(media_dir, recording_id)
        except ManifestError as error:
            report[recording_id] = [FileProblem("altered", MANIFEST_NAME, str(error))]
            continue
        if manifest is None:
            report[recording_id] = [
                FileProblem("missing", MANIFEST_NAME, f"no manifest: run 'memoria mirror {recording_id}'")
            ]
            continue
        try:
            found, count = verify_recording(media_dir, manifest, store=store, deep=args.deep)
        except StoreError as error:
            print(f"memoria verify: {error}", file=sys.stderr)
            return 1
        checked += count
        versions += len(manifest.versions)
        report[recording_id] = found
        if manifest.versions:
            current = manifest.current_version
            custody.append(
                media_dir,
                [
                    custody.new_event(
                        recording_id,
                        "fixity check",
                        "failure" if found else "success",
                        "; ".join(f"{p.kind} {p.name}: {p.detail}" for p in found)
                        or f"memoria verify: {count} files in {len(manifest.versions)} versions match the "
                        "manifest; the custody log agrees"
                        + (
                            f"; {store.location} holds each object with its size and SHA-256 checksum"
                            + (", every byte read back" if args.deep else "")
                            if store
                            else ""
                        ),
                        version=current.number if current else None,
                    )
                ],
            )
    problems = [(rid, p) for rid, found in report.items() for p in found]
    if args.json:
        json.dump(
            {
                "files_checked": checked,
                "versions": versions,
                "recordings": len(report),
                "problems": [{"id": rid, **p.as_json()} for rid, p in problems],
            },
            sys.stdout,
            indent=2,
        )
        sys.stdout.write("\n")
    else:
        for rid, problem in problems:
            print(f"{media_dir / rid / problem.name}: {problem.kind}: {problem.detail}")
        where = f" (and in {store.location}{', bytes read back' if args.deep else ''})" if store else ""
        print(
            f"{checked} files in {versions} versions of {len(report)} recordings checked{where}: "
            f"{len(problems)} problems"
        )
    return 1 if problems else 0
