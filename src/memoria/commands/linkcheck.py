"""`memoria linkcheck [ID ...]`: is each original still online? Records `origin` in the manifests."""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from memoria.commands._project import (
    add_address_options,
    add_project_options,
    add_retry_options,
    positive_int,
    recordings_from,
)
from memoria.manifest import ManifestError
from memoria.messages import N_, _

EXAMPLE = N_("""\
example:
  memoria linkcheck                      # every recording's source_url
  memoria linkcheck ustream-51400296 --json

Each answer is stored in media/<id>/manifest.json as origin: {checked_at, status, http_status};
status is alive, gone (404/410, a removed page, no media), restricted (401/403, a login wall)
or unreachable (DNS, refused connections, timeouts, 5xx, redirect loops, TLS: could not tell).
exit status: 0 when every original is alive, 1 otherwise, 2 for bad arguments.""")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "linkcheck",
        help=_("check every recording's original URL and record the answer"),
        description=_(
            "Ask each recording's source_url for its media (yt-dlp extraction, no download) "
            "and record origin: {checked_at, status, http_status} in media/<id>/manifest.json."
        ),
        epilog=_(EXAMPLE),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("ids", nargs="*", metavar="ID", help=_("recording ids (default: all)"))
    add_project_options(parser, media=True)
    parser.add_argument(
        "--jobs", type=positive_int, default=4, metavar="N", help=_("URLs checked in parallel (default 4)")
    )
    add_retry_options(parser, attempts=2, backoff_help=N_("wait between tries (default 2)"))
    add_address_options(parser)
    parser.add_argument("--json", action="store_true", help=_("print a machine-readable report"))
    parser.set_defaults(func=run_command)


def run_command(args: argparse.Namespace) -> int:
    loaded = recordings_from(args, "linkcheck")
    if loaded is None:
        return 2
    project, targets = loaded
    from memoria.mirror.linkcheck import linkcheck  # loads yt-dlp: only when this command runs
    from memoria.mirror.netguard import AddressPolicy, guarded

    policy = AddressPolicy.from_strings(args.allow_private_addresses, args.allow_address)
    try:
        with guarded(policy), ThreadPoolExecutor(max_workers=args.jobs) as pool:
            results = list(
                pool.map(
                    lambda target: linkcheck(
                        target, project.media_dir, args.attempts, args.backoff, args.timeout
                    ),
                    targets,
                )
            )
    except ManifestError as error:
        print(f"memoria linkcheck: {error}", file=sys.stderr)
        return 1
    if args.json:
        json.dump({"recordings": [r.as_json() for r in results]}, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        table = Table(title="memoria linkcheck", title_justify="left")
        for column in ("recording", "original", "http", "site status", "url"):
            table.add_column(column, overflow="fold")
        for r in results:
            table.add_row(
                Text(r.id),
                r.origin.status.value if r.origin else "not asked",
                str(r.origin.http_status or "") if r.origin else "",
                r.status,
                Text(r.url if not r.detail else f"{r.url}\n{r.detail}"),
            )
        Console(width=max(120, Console().width)).print(table)
    return 0 if all(r.origin is not None and r.origin.status == "alive" for r in results) else 1
