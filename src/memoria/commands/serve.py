"""`memoria serve`: the live preview (what `make serve` runs), by the site's engine, MkDocs or ProperDocs.

The engine's own `serve` runs with the options the preview is tuned for: `--dirty` (Memoria
re-renders only the pages an edit changes), `--no-strict` (a mistake shows on the page and the
preview keeps running) and `--livereload`. On POSIX the engine replaces this process, so Ctrl-C
and SIGTERM reach it directly and it cleans up its temporary site as usual.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from memoria.engine.engines import add_engine_option, command, engine_for
from memoria.messages import N_, _

EXAMPLE = N_("""\
examples:
  memoria serve                         preview ./mkdocs.yml on http://127.0.0.1:8000/
  memoria serve -a 127.0.0.1:8001       on another port
  memoria serve --engine properdocs     the same preview, run by ProperDocs
""")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve",
        help=_("live preview of the site while you edit"),
        description=_(
            "Serve the site on your computer and rebuild the pages an edit changes, "
            "like 'mkdocs serve --dirty --no-strict --livereload'."
        ),
        epilog=_(EXAMPLE),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "-f", "--config-file", type=Path, default=Path("mkdocs.yml"), help=_("the site's mkdocs.yml")
    )
    parser.add_argument(
        "-a",
        "--dev-addr",
        default="127.0.0.1:8000",
        metavar="IP:PORT",
        help=_("address to serve on (default: 127.0.0.1:8000)"),
    )
    add_engine_option(parser)
    parser.set_defaults(func=run)


def serve_command(engine: str, config_file: Path, dev_addr: str) -> list[str]:
    """The engine's serve command line for the preview."""
    options = ["--dirty", "--no-strict", "--livereload", "--config-file", str(config_file)]
    return [*command(engine), "serve", *options, "--dev-addr", dev_addr]


def run(args: argparse.Namespace) -> int:
    config_file: Path = args.config_file
    engine = engine_for("serve", args.engine, config_file)
    if engine is None:
        return 2
    argv = serve_command(engine, config_file, args.dev_addr)
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "posix":
        os.execv(argv[0], argv)
    return subprocess.call(argv)
