"""`memoria import ID FILE`: a copy held by someone who was there becomes the archive's copy."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from memoria.commands._project import add_project_options, load_from, non_negative_float
from memoria.commands.media import add_transfer_options, open_store, print_moves, push_ids
from memoria.manifest import LANGUAGE_TAG_PATTERN
from memoria.messages import N_, _
from memoria.project import ProjectError

EXAMPLE = N_("""\
example:
  memoria import ustream-51400296 ~/usb/mesa-parte-1.mp4 --source "Ana R., organiser, USB stick, 2026-11-20"
  memoria import hearing-2015-part-1 clip.mp4 --captions es=clip.es.vtt
  memoria import hearing-2015-part-1 big.mp4 --media-store s3://our-archive/memoria --remove-local

The file is copied (never moved), probed and checked with ffmpeg (it must read to its end, and
its duration must match the recording page's `duration` when one is given), hashed, kept as a
new version in media/<id>/v<N>/, and recorded in the custody log as a PREMIS "ingestion" with
--source as the donor. A lost recording comes back this way; identical bytes are not stored twice.

exit status: 0 when the copy is held, 1 when it was refused, 2 for bad arguments.""")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "import",
        help=_("bring in a copy someone holds (laptop, USB stick) as a verified, logged version"),
        description=_(
            "Import FILE as a version of recording ID: probed, verified, hashed, versioned "
            "and logged like a download."
        ),
        epilog=_(EXAMPLE),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("id", metavar="ID", help=_("the recording's id (its page must exist)"))
    parser.add_argument("file", metavar="FILE", type=Path, help=_("the video or audio file"))
    parser.add_argument(
        "--source",
        metavar="TEXT",
        default=None,
        help=_(
            'who gave it and how, e.g. "Ana R., organiser, USB stick" (kept in the custody log, not published)'
        ),
    )
    parser.add_argument(
        "--captions",
        action="append",
        default=[],
        metavar="LANG=FILE",
        help=_("a WebVTT caption file and its language, e.g. es=clip.es.vtt (repeatable)"),
    )
    parser.add_argument(
        "--wait", type=non_negative_float, default=0.0, metavar="SECONDS", help=_("wait for a busy recording")
    )
    parser.add_argument(
        "--no-web-copy", action="store_true", help=_("keep only the original bytes (no ffmpeg remux)")
    )
    parser.add_argument("--json", action="store_true", help=_("print a machine-readable report"))
    add_project_options(parser, media=True, store=True)
    add_transfer_options(parser)
    parser.set_defaults(func=run_command)


#: outcome words and fixed details `memoria import` prints, for the catalog (pipeline.py stays language-free)
IMPORT_DETAILS = {N_("imported and verified")}
_OUTCOME_WORDS = (N_("imported"), N_("unchanged"), N_("incomplete"), N_("busy"), N_("failed"))


def _captions(values: list[str]) -> list[tuple[str, Path]]:
    out = []
    for value in values:
        language, _sep, name = value.partition("=")
        if not LANGUAGE_TAG_PATTERN.match(language) or not name:
            raise ValueError(
                _("--captions {value}: expected LANG=FILE, e.g. es=clip.es.vtt").format(value=repr(value))
            )
        path = Path(name)
        if not path.is_file():
            raise ValueError(
                _("--captions {value}: {path}: no such file").format(value=repr(value), path=path)
            )
        if not path.read_bytes()[:16].lstrip(b"\xef\xbb\xbf").startswith(b"WEBVTT"):
            raise ValueError(
                _("--captions {value}: {path} is not a WebVTT file (it must start with WEBVTT)").format(
                    value=repr(value), path=path
                )
            )
        out.append((language, path))
    return out


def run_command(args: argparse.Namespace) -> int:
    from memoria.mirror.media import find_ffmpeg
    from memoria.mirror.pipeline import Settings, import_recording
    from memoria.mirror.plan import PlanError, plan_recordings

    try:
        project = load_from(args)
        planned = plan_recordings(project.docs_dir, [args.id], project.addressing.languages)
        captions = _captions(args.captions)
    except (ProjectError, PlanError, ValueError) as error:
        print(f"memoria import: {error}", file=sys.stderr)
        return 2
    if not planned.targets:
        print(
            "memoria import: "
            + _("{id}: fix the entry first: {problems}").format(
                id=args.id, problems="; ".join(planned.broken.get(args.id, []))
            ),
            file=sys.stderr,
        )
        return 2
    if not args.file.is_file():
        print("memoria import: " + _("{path}: no such file").format(path=args.file), file=sys.stderr)
        return 2
    store, status = open_store(project, "import", args.part_size, args.remove_local)
    if status:
        return status
    settings = Settings(
        media_dir=project.media_dir,
        web_copy=not args.no_web_copy,
        ffmpeg=find_ffmpeg(),
        lock_wait=args.wait,
        store=store,
    )
    result = import_recording(planned.targets[0], settings, args.file, args.source, captions)
    moved: list[Any] = []
    failure = None
    if store is not None and result.outcome.ok:  # the donor's file stays untouched whatever happens
        moved, failure = push_ids(
            project, store, [args.id], remove_local=args.remove_local, dry_run=False, quiet=args.json
        )
    if args.json:
        report = result.as_json()
        if store is not None:
            report.update(store=str(store.location), pushed=[m.as_json() for m in moved], store_error=failure)
        json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        if result.version:
            line = _("{id}: {outcome} as version {version} in {folder}: {detail}")
        else:
            line = _("{id}: {outcome}: {detail}")
        print(
            line.format(
                id=args.id,
                outcome=_(result.outcome.value),
                version=result.version,
                folder=project.media_dir / args.id,
                detail=_(result.detail) if result.detail in IMPORT_DETAILS else result.detail,
            )
        )
        if store is not None and result.outcome.ok:
            print_moves(moved, project.media_dir, f"import → {store.location}")
    if failure:
        print(f"memoria import: {failure}", file=sys.stderr)
    pushed = failure is None and not any(m.action == "failed" for m in moved)
    return 0 if result.outcome.ok and pushed else 1
