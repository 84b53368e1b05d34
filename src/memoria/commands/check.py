"""`memoria check`: every content problem, without building the site."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from memoria.checks import FEED_SUMMARY_LIMIT, check_archive
from memoria.commands._project import add_project_options, project_from
from memoria.content import Problem
from memoria.content_policy import Allowance, PolicyConfigError
from memoria.messages import N_, _, ngettext

EXAMPLE = N_("""\
examples:
  memoria check                 errors and warnings, one per line, then a count
  memoria check --strict        exit status 1 on warnings too (for CI)
  memoria check --json          the same as JSON, for scripts

The content policy, as the build applies it: no scripts, event handlers, javascript:/data:
addresses, frames, forms, Mermaid diagrams or files loaded from other hosts in a page's text
(links to other sites are fine); no symbolic links leading out of docs/ or media/.

Beyond what the build checks: links to .md pages that do not exist, images without alt text,
summaries over {limit} characters (RSS 0.91's limit for an item description),
recordings without captions, unfinished translations, and translations older than their English
page (last commit in git; file dates outside git).

exit status: 0 no errors (warnings allowed), 1 errors (or warnings with --strict), 2 bad arguments
""")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "check",
        help=_("validate the archive without building it"),
        description=_(
            "Validate every entry as the build does, plus checks for staff, and list every problem."
        ),
        epilog=_(EXAMPLE).format(limit=FEED_SUMMARY_LIMIT),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--strict", action="store_true", help=_("fail (exit status 1) on warnings too"))
    parser.add_argument("--json", action="store_true", help=_("print the problems as JSON"))
    add_project_options(parser)
    parser.set_defaults(func=run)


def _as_json(problem: Problem) -> dict[str, object]:
    return {
        "file": problem.path,
        "line": problem.line,
        "field": problem.field,
        "message": problem.message,
        "severity": problem.severity.value,
    }


def run(args: argparse.Namespace) -> int:
    project = project_from(args, "check")
    if project is None:
        return 2
    try:
        allowance = Allowance.from_config(project.allow_embeds, f"{project.config_file}: plugins: memoria")
    except PolicyConfigError as error:
        print(_("memoria check: error: {error}").format(error=error), file=sys.stderr)
        return 2
    started = time.perf_counter()
    report = check_archive(
        project.docs_dir,
        allowance=allowance,
        media_dir=project.media_dir,
        languages=project.addressing.languages,
    )
    seconds = time.perf_counter() - started
    failed = bool(report.errors) or (args.strict and bool(report.warnings))
    if args.json:
        json.dump(
            {
                "entries": report.entries,
                "errors": len(report.errors),
                "warnings": len(report.warnings),
                "ok": not failed,
                "problems": [_as_json(p) for p in report.problems],
            },
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        print()
        return 1 if failed else 0
    if report.errors:
        print(_("Errors (the site will not build until they are fixed):"))
        for problem in report.errors:
            print(f"  {problem}")
    if report.warnings:
        print(_("Warnings:"))
        for problem in report.warnings:
            print(f"  {problem}")
    errors = ngettext("{count} error", "{count} errors", len(report.errors)).format(count=len(report.errors))
    warnings = ngettext("{count} warning", "{count} warnings", len(report.warnings)).format(
        count=len(report.warnings)
    )
    entries = ngettext("{count} entry", "{count} entries", report.entries).format(count=report.entries)
    print(
        _("{errors}, {warnings} in {entries} ({seconds} s)").format(
            errors=errors, warnings=warnings, entries=entries, seconds=f"{seconds:.2f}"
        )
    )
    return 1 if failed else 0
