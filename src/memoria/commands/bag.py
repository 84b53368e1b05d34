"""`memoria bag ID`: export a verified mirror as a BagIt bag, to hand a recording to another archive."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import Any

from memoria.commands._project import add_project_options, load_from
from memoria.manifest import ManifestError, is_mirrored, load_manifest, validate_id
from memoria.messages import N_, _
from memoria.project import ProjectError

EXAMPLE = N_("""\
example:
  memoria bag ustream-51400296                   # writes bags/ustream-51400296/
  memoria bag ustream-51400296 --output /mnt/transfer

The bag's payload is media/<id>/ as held: every version, manifest.json and custody.jsonl, with SHA-256 and
SHA-512 manifests; it is made only from a copy that verifies against its manifest.""")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "bag",
        help=_("export a mirrored recording as a BagIt bag"),
        description=_(
            "Copy media/<id>/ into a new BagIt bag (payload, checksums, bag-info) after verifying it."
        ),
        epilog=_(EXAMPLE),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("id", metavar="ID", help=_("recording id"))
    add_project_options(parser, media=True)
    parser.add_argument(
        "--output",
        type=Path,
        default=Path("bags"),
        metavar="DIR",
        help=_("folder for the bag (default: bags/)"),
    )
    parser.set_defaults(func=run_command)


def run_command(args: argparse.Namespace) -> int:
    import bagit  # only this command needs these (every `memoria` command imports this module)

    from memoria.mirror.verify import verify_recording

    try:
        project = load_from(args)
        recording_id = validate_id(args.id)
    except (ProjectError, ValueError) as error:
        print(f"memoria bag: {error}", file=sys.stderr)
        return 2
    folder = project.media_dir / recording_id
    try:
        manifest = load_manifest(project.media_dir, recording_id)
    except ManifestError as error:
        print(f"memoria bag: {error}", file=sys.stderr)
        return 1
    if not is_mirrored(manifest):
        print(
            f"memoria bag: {folder}: no verified mirror: run 'memoria mirror {recording_id}' first",
            file=sys.stderr,
        )
        return 1
    assert manifest is not None
    problems, _details = verify_recording(project.media_dir, manifest)
    if problems:
        for problem in problems:
            print(f"{folder / problem.name}: {problem.kind}: {problem.detail}", file=sys.stderr)
        print(
            f"memoria bag: {recording_id}: the copy does not match its manifest; not bagged", file=sys.stderr
        )
        return 1
    target = args.output / recording_id
    if target.exists():
        print(f"memoria bag: {target}: already exists: remove it or choose --output", file=sys.stderr)
        return 1
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(folder, target)
    bag = bagit.make_bag(
        str(target),
        {
            "External-Identifier": recording_id,
            "External-Description": f"Copies of {manifest.source_url} kept by Memoria: every version, "
            "its manifest and its custody log (PREMIS events)",
            "Source-Organization": "Memoria archive",
        },
        checksums=["sha256", "sha512"],
    )
    bag.validate()
    files = sum(len(v.files) for v in manifest.versions)
    print(
        f"{target}: BagIt bag of {files} files in {len(manifest.versions)} versions plus manifest.json "
        "and custody.jsonl, valid"
    )
    return 0
