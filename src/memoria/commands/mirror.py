"""`memoria mirror [ID ...]`: copy every recording into media/<id>/ with a verified manifest."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from rich.console import Console

from memoria.commands._project import (
    add_project_options,
    add_retry_options,
    positive_int,
    recordings_from,
    web_url,
)
from memoria.mirror import MirrorOutcome, Settings, dry_run, run
from memoria.mirror.media import find_ffmpeg
from memoria.mirror.report import RichProgress, summary_table
from memoria.mirror.wayback import DEFAULT_CDX_ENDPOINT, DEFAULT_WAYBACK_PREFIX

EXAMPLE = """\
example:
  memoria mirror                         # every recording of ./mkdocs.yml's archive
  memoria mirror ustream-51400296 --jobs 2 --json > report.json
  memoria mirror --dry-run               # what would be fetched, no request made

exit status: 0 when every recording is mirrored (or already was), 1 when any failed or is lost,
2 for bad arguments or content errors."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "mirror",
        help="copy recordings into media/<id>/ with yt-dlp, verified, with a manifest",
        description="Mirror each recording's source_url (then alternate_urls, then a Wayback capture) "
        "into media/<id>/, verify it, keep the original bytes and a browser-playable copy, and write "
        "media/<id>/manifest.json. Verified copies are skipped without any request.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("ids", nargs="*", metavar="ID", help="recording ids (default: all)")
    add_project_options(parser, media=True)
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="fetch again even when a verified copy exists (it is replaced only once the new one is verified)",
    )
    parser.add_argument(
        "--jobs",
        type=positive_int,
        default=1,
        metavar="N",
        help="recordings mirrored in parallel (default 1)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would be fetched; no request, no write"
    )
    parser.add_argument(
        "--json", action="store_true", help="print a machine-readable report instead of the table"
    )
    parser.add_argument(
        "--retries",
        type=positive_int,
        default=5,
        metavar="N",
        help="yt-dlp retries per request and fragment (default 5)",
    )
    add_retry_options(
        parser, attempts=3, backoff_help="wait before the second try, doubled each time (default 2)"
    )
    parser.add_argument(
        "--no-web-copy", action="store_true", help="keep only the original bytes (no ffmpeg remux)"
    )
    parser.add_argument("--no-wayback", action="store_true", help="do not look for Wayback Machine captures")
    parser.add_argument(
        "--cdx-endpoint",
        type=web_url,
        default=DEFAULT_CDX_ENDPOINT,
        metavar="URL",
        help=f"Wayback CDX API (default {DEFAULT_CDX_ENDPOINT})",
    )
    parser.add_argument(
        "--wayback-prefix",
        type=web_url,
        default=DEFAULT_WAYBACK_PREFIX,
        metavar="URL",
        help=f"where captures are fetched (default {DEFAULT_WAYBACK_PREFIX})",
    )
    parser.set_defaults(func=run_command)


def run_command(args: argparse.Namespace) -> int:
    loaded = recordings_from(args, "mirror")
    if loaded is None:
        return 2
    project, targets = loaded
    settings = Settings(
        media_dir=project.media_dir,
        retries=args.retries,
        attempts=args.attempts,
        backoff=args.backoff,
        timeout=args.timeout,
        refresh=args.refresh,
        web_copy=not args.no_web_copy,
        wayback=not args.no_wayback,
        cdx_endpoint=args.cdx_endpoint,
        wayback_prefix=args.wayback_prefix,
        ffmpeg=find_ffmpeg(),
    )
    stderr = Console(stderr=True)
    if args.dry_run:
        results = dry_run(targets, settings)
    elif args.json or not stderr.is_terminal:
        results = run(targets, settings, args.jobs)
    else:
        with RichProgress(stderr, len(targets)) as progress:
            results = run(targets, settings, args.jobs, progress)
    if args.json:
        json.dump(
            {
                "media_dir": str(project.media_dir),
                "dry_run": args.dry_run,
                "recordings": [r.as_json() for r in results],
            },
            sys.stdout,
            indent=2,
            ensure_ascii=False,
        )
        sys.stdout.write("\n")
    else:
        Console(width=max(120, Console().width)).print(summary_table(results))
    failed = any(r.outcome in (MirrorOutcome.FAILED, MirrorOutcome.LOST) for r in results)
    return 1 if failed else 0
