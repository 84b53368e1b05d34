"""`memoria translate PATH`: start the other language's file of an entry."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from memoria.commands._project import add_project_options, project_from
from memoria.content import display_path
from memoria.messages import N_, _
from memoria.scaffold import ScaffoldError, write_translation

EXAMPLE = N_("""\
example:
  memoria translate docs/press/2015/fictional-early-warning-networks.en.md
      creates docs/press/2015/fictional-early-warning-networks.es.md with the title, summary
      and other translatable fields, and the English text below a 'memoria:translate' line
""")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "translate",
        help=_("create the Spanish (or English) file of an entry, ready to translate"),
        description=(
            _(
                "Create the counterpart of an entry in the other language, holding only the fields a "
                "translation carries, with the text to translate copied below a marker line. "
                "Never overwrites an existing file."
            )
        ),
        epilog=_(EXAMPLE),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "path", type=Path, help=_("the entry file to translate, e.g. docs/press/2014/x.en.md")
    )
    add_project_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    project = project_from(args, "translate")
    if project is None:
        return 2
    try:
        target = write_translation(project.docs_dir, args.path, project.addressing.languages)
    except ScaffoldError as error:
        print(_("memoria translate: error: {error}").format(error=error), file=sys.stderr)
        return 1
    print(_("created {path}").format(path=display_path(target)))
    print(
        _(
            "Next: translate the fields and the text, delete the 'memoria:translate' line, run 'memoria check'."
        )
    )
    return 0
