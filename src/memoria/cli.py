"""The `memoria` command: one subcommand per module in memoria.commands."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from memoria import __version__

#: each module defines `register(subparsers)`, adding a parser whose `func(args) -> int` runs it
COMMAND_MODULES: tuple[str, ...] = (
    "memoria.commands.new",
    "memoria.commands.translate",
    "memoria.commands.check",
    "memoria.commands.status",
    "memoria.commands.mirror",
    "memoria.commands.import_",
    "memoria.commands.verify",
    "memoria.commands.linkcheck",
    "memoria.commands.bag",
    "memoria.commands.build",
)


class _Parser(argparse.ArgumentParser):
    """Bad arguments give one line and exit status 2, never a traceback."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="memoria",
        description="Memoria: a bilingual archive of press releases, events and rescued recordings.",
        epilog="Run 'memoria COMMAND --help' for the options and an example of each command.",
    )
    parser.add_argument("--version", action="version", version=f"memoria {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
