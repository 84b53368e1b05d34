"""`memoria mirror [ID ...]`: keep a verified copy of every recording in media/<id>/, every version kept."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from rich.console import Console

from memoria.commands._project import (
    add_address_options,
    add_project_options,
    add_retry_options,
    load_from,
    non_negative_float,
    positive_int,
    size_in_bytes,
    web_url,
)
from memoria.commands.media import add_transfer_options, open_store, print_moves, push_ids
from memoria.messages import N_, _
from memoria.project import ProjectError

EXAMPLE = N_("""\
example:
  memoria mirror                         # every recording of ./mkdocs.yml's archive
  memoria mirror ustream-51400296 --jobs 2 --json > report.json
  memoria mirror --refresh               # fetch again: other bytes become a new version, never a replacement
  memoria mirror --dry-run               # what would be fetched, no request made
  memoria mirror --media-store s3://our-archive/memoria --remove-local   # kept bytes go to the store

Outcomes: rescued (a first verified copy), present (held and re-hashed, no request), unchanged
(refreshed, same bytes), changed (CHANGED AT ORIGIN: other bytes, kept beside the old),
unreachable (could not tell: DNS, timeouts, stalls, 5xx, TLS, redirect loops; try again),
restricted (login wall, 401/403), incomplete (bytes arrived but not the whole recording, or
over --max-size), disk_full, busy (another process holds the recording), lost (the origin says
it is gone and the Wayback Machine has nothing), failed (a broken entry or manifest).

exit status: 0 when every recording is held (or was just kept), 1 when any is not,
2 for bad arguments.""")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "mirror",
        help=_("copy recordings into media/<id>/ with yt-dlp: verified, versioned, with a custody log"),
        description=_(
            "Mirror each recording's source_url (then alternate_urls, then a Wayback capture) "
            "into media/<id>/v<N>/, verify it (probe, demux, durations), keep the original bytes and a "
            "browser-playable copy, and record it in media/<id>/manifest.json and the append-only "
            "media/<id>/custody.jsonl. Held copies are re-hashed and skipped without any request."
        ),
        epilog=_(EXAMPLE),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("ids", nargs="*", metavar="ID", help=_("recording ids (default: all)"))
    add_project_options(parser, media=True, store=True)
    parser.add_argument(
        "--refresh",
        action="store_true",
        help=_(
            "fetch again even when a verified copy is held; other bytes are kept as a new version "
            "(reported as changed at origin), the same bytes are not stored twice"
        ),
    )
    parser.add_argument(
        "--jobs", type=positive_int, default=1, metavar="N", help=_("recordings in parallel (default 1)")
    )
    parser.add_argument(
        "--dry-run", action="store_true", help=_("show what would be fetched; no request, no write")
    )
    parser.add_argument(
        "--json", action="store_true", help=_("print a machine-readable report instead of the table")
    )
    parser.add_argument(
        "--retries",
        type=positive_int,
        default=5,
        metavar="N",
        help=_("yt-dlp retries per request and fragment (default 5)"),
    )
    add_retry_options(
        parser, attempts=3, backoff_help=N_("wait before the second try, doubled each time (default 2)")
    )
    parser.add_argument(
        "--stall-timeout",
        type=non_negative_float,
        default=30.0,
        metavar="SECONDS",
        help=_(
            "end an attempt when fewer than 1 KiB arrive in this time (default 30; a stalling server "
            "fails within about 100 s with the default 3 attempts)"
        ),
    )
    parser.add_argument(
        "--deadline",
        type=non_negative_float,
        default=8 * 3600.0,
        metavar="SECONDS",
        help=_("give up on a recording after this long, all attempts included (default 28800: 8 hours)"),
    )
    parser.add_argument(
        "--max-size",
        type=size_in_bytes,
        default=20 * 10**9,
        metavar="SIZE",
        help=_("largest file accepted, e.g. 20GB (default: 20GB, a long HD event); stops endless responses"),
    )
    parser.add_argument(
        "--min-free",
        type=size_in_bytes,
        default=10**9,
        metavar="SIZE",
        help=_("disk space a download must leave free (default 1GB); checked against the announced size"),
    )
    parser.add_argument(
        "--wait",
        type=non_negative_float,
        default=0.0,
        metavar="SECONDS",
        help=_("wait this long for a recording another process is mirroring (default 0: report it busy)"),
    )
    add_address_options(parser)
    parser.add_argument(
        "--no-web-copy", action="store_true", help=_("keep only the original bytes (no ffmpeg remux)")
    )
    parser.add_argument(
        "--no-wayback", action="store_true", help=_("do not look for Wayback Machine captures")
    )
    parser.add_argument(
        "--cdx-endpoint", type=web_url, default=None, metavar="URL", help=_("Wayback CDX API")
    )
    parser.add_argument(
        "--wayback-prefix", type=web_url, default=None, metavar="URL", help=_("where captures are fetched")
    )
    add_transfer_options(parser)
    parser.set_defaults(func=run_command)


def run_command(args: argparse.Namespace) -> int:
    from memoria.mirror.media import find_ffmpeg
    from memoria.mirror.pipeline import MirrorOutcome, MirrorResult, Settings, dry_run, run
    from memoria.mirror.plan import PlanError, plan_recordings
    from memoria.mirror.report import RichProgress, summary_table
    from memoria.mirror.wayback import DEFAULT_CDX_ENDPOINT, DEFAULT_WAYBACK_PREFIX

    try:
        project = load_from(args)
        planned = plan_recordings(project.docs_dir, list(args.ids), project.addressing.languages)
    except (ProjectError, PlanError) as error:
        print(f"memoria mirror: {error}", file=sys.stderr)
        return 2
    store, status = open_store(project, "mirror", args.part_size, args.remove_local)
    if status:
        return status
    settings = Settings(
        media_dir=project.media_dir,
        retries=args.retries,
        attempts=args.attempts,
        backoff=args.backoff,
        timeout=args.timeout,
        stall_timeout=args.stall_timeout,
        deadline=args.deadline,
        max_size=args.max_size,
        min_free=args.min_free,
        refresh=args.refresh,
        web_copy=not args.no_web_copy,
        wayback=not args.no_wayback,
        cdx_endpoint=args.cdx_endpoint or DEFAULT_CDX_ENDPOINT,
        wayback_prefix=args.wayback_prefix or DEFAULT_WAYBACK_PREFIX,
        ffmpeg=find_ffmpeg(),
        allow_private=args.allow_private_addresses,
        allowed_networks=tuple(args.allow_address),
        lock_wait=args.wait,
        store=store,
    )
    broken = [
        MirrorResult(rid, MirrorOutcome.FAILED, "fix the entry first: " + "; ".join(problems))
        for rid, problems in sorted(planned.broken.items())
    ]
    stderr = Console(stderr=True)
    targets = planned.targets
    if args.dry_run:
        results = dry_run(targets, settings)
    elif args.json or not stderr.is_terminal:
        results = run(targets, settings, args.jobs)
    else:
        with RichProgress(stderr, len(targets)) as progress:
            results = run(targets, settings, args.jobs, progress)
    results = [*results, *broken]
    moved: list[Any] = []
    failure = None
    if store is not None and not args.dry_run:  # the store is where kept bytes belong: send them now
        held = [r.id for r in results if r.outcome.ok and r.version is not None]
        moved, failure = push_ids(
            project, store, held, remove_local=args.remove_local, dry_run=False, quiet=args.json
        )
    if args.json:
        json.dump(
            {
                "media_dir": str(project.media_dir),
                "dry_run": args.dry_run,
                "recordings": [r.as_json() for r in results],
                **({"store": str(store.location), "pushed": [m.as_json() for m in moved]} if store else {}),
                **({"store_error": failure} if failure else {}),
            },
            sys.stdout,
            indent=2,
            ensure_ascii=False,
        )
        sys.stdout.write("\n")
    else:
        Console(width=max(120, Console().width)).print(summary_table(results))
        if store is not None and not args.dry_run:
            print_moves(moved, project.media_dir, f"mirror → {store.location}")
    if failure:
        print(f"memoria mirror: {failure}", file=sys.stderr)
    pushed = failure is None and not any(m.action == "failed" for m in moved)
    return 0 if all(r.outcome.ok for r in results) and pushed else 1
