"""`memoria import ID FILE`: a copy held by someone who was there becomes the archive's copy."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from memoria.commands._project import add_project_options, load_from, non_negative_float
from memoria.manifest import LANGUAGE_TAG_PATTERN
from memoria.project import ProjectError

EXAMPLE = """\
example:
  memoria import ustream-51400296 ~/usb/mesa-parte-1.mp4 --source "Ana R., organiser, USB stick, 2026-11-20"
  memoria import hearing-2015-part-1 clip.mp4 --captions es=clip.es.vtt

The file is copied (never moved), probed and checked with ffmpeg (it must read to its end, and
its duration must match the recording page's `duration` when one is given), hashed, kept as a
new version in media/<id>/v<N>/, and recorded in the custody log as a PREMIS "ingestion" with
--source as the donor. A lost recording comes back this way; identical bytes are not stored twice.

exit status: 0 when the copy is held, 1 when it was refused, 2 for bad arguments."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "import",
        help="bring in a copy someone holds (laptop, USB stick) as a verified, logged version",
        description="Import FILE as a version of recording ID: probed, verified, hashed, versioned "
        "and logged like a download.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("id", metavar="ID", help="the recording's id (its page must exist)")
    parser.add_argument("file", metavar="FILE", type=Path, help="the video or audio file")
    parser.add_argument(
        "--source",
        metavar="TEXT",
        default=None,
        help='who gave it and how, e.g. "Ana R., organiser, USB stick" (kept in the custody log, not published)',
    )
    parser.add_argument(
        "--captions",
        action="append",
        default=[],
        metavar="LANG=FILE",
        help="a WebVTT caption file and its language, e.g. es=clip.es.vtt (repeatable)",
    )
    parser.add_argument(
        "--wait", type=non_negative_float, default=0.0, metavar="SECONDS", help="wait for a busy recording"
    )
    parser.add_argument(
        "--no-web-copy", action="store_true", help="keep only the original bytes (no ffmpeg remux)"
    )
    parser.add_argument("--json", action="store_true", help="print a machine-readable report")
    add_project_options(parser, media=True)
    parser.set_defaults(func=run_command)


def _captions(values: list[str]) -> list[tuple[str, Path]]:
    out = []
    for value in values:
        language, _, name = value.partition("=")
        if not LANGUAGE_TAG_PATTERN.match(language) or not name:
            raise ValueError(f"--captions {value!r}: expected LANG=FILE, e.g. es=clip.es.vtt")
        path = Path(name)
        if not path.is_file():
            raise ValueError(f"--captions {value!r}: {path}: no such file")
        if not path.read_bytes()[:16].lstrip(b"\xef\xbb\xbf").startswith(b"WEBVTT"):
            raise ValueError(f"--captions {value!r}: {path} is not a WebVTT file (it must start with WEBVTT)")
        out.append((language, path))
    return out


def run_command(args: argparse.Namespace) -> int:
    from memoria.mirror.media import find_ffmpeg
    from memoria.mirror.pipeline import Settings, import_recording
    from memoria.mirror.plan import PlanError, plan_recordings

    try:
        project = load_from(args)
        planned = plan_recordings(project.docs_dir, [args.id])
        captions = _captions(args.captions)
    except (ProjectError, PlanError, ValueError) as error:
        print(f"memoria import: {error}", file=sys.stderr)
        return 2
    if not planned.targets:
        print(
            f"memoria import: {args.id}: fix the entry first: {'; '.join(planned.broken.get(args.id, []))}",
            file=sys.stderr,
        )
        return 2
    if not args.file.is_file():
        print(f"memoria import: {args.file}: no such file", file=sys.stderr)
        return 2
    settings = Settings(
        media_dir=project.media_dir, web_copy=not args.no_web_copy, ffmpeg=find_ffmpeg(), lock_wait=args.wait
    )
    result = import_recording(planned.targets[0], settings, args.file, args.source, captions)
    if args.json:
        json.dump(result.as_json(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        where = f" as version {result.version} in {project.media_dir / args.id}" if result.version else ""
        print(f"{args.id}: {result.outcome.value}{where}: {result.detail}")
    return 0 if result.outcome.ok else 1
