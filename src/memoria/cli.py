"""The `memoria` command: one subcommand per module in memoria.commands."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from memoria import __version__
from memoria.i18n import LANGUAGES
from memoria.messages import UI_LANG_OPTION, _, install, ui_language

#: each module defines `register(subparsers)`, adding a parser whose `func(args) -> int` runs it
COMMAND_MODULES: tuple[str, ...] = (
    "memoria.commands.new",
    "memoria.commands.translate",
    "memoria.commands.check",
    "memoria.commands.status",
    "memoria.commands.mirror",
    "memoria.commands.import_",
    "memoria.commands.verify",
    "memoria.commands.media",
    "memoria.commands.linkcheck",
    "memoria.commands.bag",
    "memoria.commands.build",
    "memoria.commands.serve",
)


class _Parser(argparse.ArgumentParser):
    """Bad arguments give one line and exit status 2, never a traceback."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(
            2,
            _("{prog}: error: {message} (see '{prog} --help')").format(prog=self.prog, message=message)
            + "\n",
        )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="memoria",
        description=_("Memoria: a bilingual archive of press releases, events and rescued recordings."),
        epilog=_(
            "Run 'memoria COMMAND --help' for the options and an example of each command. "
            "The tools speak English or Spanish: --ui-lang, else MEMORIA_LANG, else the locale "
            "(LC_ALL, LC_MESSAGES, LANG), else English."
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"memoria {__version__}",
        help=_("show program's version number and exit"),
    )
    parser.add_argument(
        UI_LANG_OPTION,
        choices=LANGUAGES,
        metavar="{" + ",".join(LANGUAGES) + "}",
        help=_("language of the tools' messages (default: MEMORIA_LANG or the locale, else en)"),
    )
    subparsers = parser.add_subparsers(dest="command", metavar=_("COMMAND"), parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # The language is chosen before the parser is built, so that its help is in that language.
    install(ui_language(sys.argv[1:] if argv is None else argv, os.environ), export=True)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print(_("interrupted"), file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
