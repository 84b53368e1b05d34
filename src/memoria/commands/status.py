"""`memoria status`: what still needs translating, and the state of the recordings."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from rich.console import Console
from rich.table import Table

from memoria.commands._project import add_project_options, project_from
from memoria.i18n import t
from memoria.messages import N_, _, current_language
from memoria.publication import build_moment
from memoria.status import count_by_status, held_back, recording_states, translation_coverage

EXAMPLE = N_("""\
examples:
  memoria status            two tables: translations per section, recordings by status
  memoria status --json     the same for scripts

A file that still holds the 'memoria:translate' line counts as not translated yet.
Drafts ('draft: true') and scheduled entries ('publish:' or, by default, a date after today)
are listed with the moment they go out; a build before then leaves them out of the site.
Recording status comes from media/<id>/manifest.json (written by 'memoria mirror');
a recording without one is 'unknown' (not checked yet).
""")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "status",
        help=_("translation coverage and recordings by status"),
        description=_(
            "Show, per section, how many entries exist in each language and which files are missing, "
            "and how many recordings are online, rescued, endangered, lost or not checked."
        ),
        epilog=_(EXAMPLE),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--json", action="store_true", help=_("print the report as JSON"))
    add_project_options(parser, media=True)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    project = project_from(args, "status")
    if project is None:
        return 2
    languages = project.addressing.languages
    coverage = translation_coverage(project.docs_dir, languages)
    states = recording_states(project.docs_dir, project.media_dir, languages)
    counts = count_by_status(states)
    try:
        now = build_moment(os.environ)
    except ValueError as error:
        print(_("memoria status: error: {error}").format(error=error), file=sys.stderr)
        return 2
    waiting = held_back(project.docs_dir, now, project.future_dates, project.timezone, languages)
    if args.json:
        json.dump(
            {
                "translations": [row.as_dict() for row in coverage],
                "not_published": [row.as_dict() for row in waiting],
                "recordings": {
                    "by_status": counts,
                    "items": [
                        {"id": s.id, "status": s.status, **({"problem": s.problem} if s.problem else {})}
                        for s in states
                    ],
                },
            },
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        print()
        return 0
    # Piped output (a report saved to a file) gets room for whole paths.
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 140)
    table = Table(title=_("Translations"), title_justify="left")
    table.add_column(_("section"))
    for lang in languages:
        table.add_column(lang, justify="right")
    table.add_column(_("missing"), overflow="fold")
    for row in coverage:
        missing = [f"{lang}: {path}" for lang in languages for path in row.missing[lang]]
        table.add_row(
            t(f"section.{row.section}", current_language()),
            *(f"{row.translated[lang]}/{row.total}" for lang in languages),
            "\n".join(missing) or "—",
        )
    console.print(table)
    recordings = Table(title=_("Recordings"), title_justify="left")
    recordings.add_column(_("status"))
    recordings.add_column(_("count"), justify="right")
    recordings.add_column(_("recordings"), overflow="fold")
    for status, count in counts.items():
        ids = [s.id for s in states if s.status == status]
        recordings.add_row(t(f"status.{status}", current_language()), str(count), ", ".join(ids) or "—")
    console.print(recordings)
    unpublished = Table(title=_("Not published yet"), title_justify="left")
    unpublished.add_column(_("state"))
    unpublished.add_column(_("goes out"))
    unpublished.add_column(_("file"), overflow="fold")
    for held in waiting:
        when = (
            f"{held.at.isoformat(timespec='minutes')} ({held.reason})"
            if held.at
            else _("when 'draft: true' is removed")
            if held.reason == "draft"
            else _("when the text replaces the 'memoria:write' or 'memoria:translate' line")
        )
        unpublished.add_row(
            t(f"publication.{held.state}", current_language()), when, f"{held.path}\n{held.title}"
        )
    if not waiting:
        unpublished.add_row("—", "—", _("every valid entry is published"))
    console.print(unpublished)
    for state in states:
        if state.problem:
            console.print(f"[yellow]{state.problem}[/yellow]")
    return 0
