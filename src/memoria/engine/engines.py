"""Which site engine runs Memoria: MkDocs 1.6 (the default) or ProperDocs, its maintained continuation.

Both read the same mkdocs.yml, load the same plugins (Memoria registers under `mkdocs.plugins`
and `properdocs.plugins`) and write the same site apart from the generator tag. Once
`properdocs.replacement` is imported, every `mkdocs.*` import in the process is ProperDocs', so
Material's, static-i18n's and Memoria's own imports meet one engine: a command chooses the
engine before importing either (`activate`), and a process never holds both.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from memoria.messages import _
from memoria.project import plugin_options

ENGINES = ("mkdocs", "properdocs")
DEFAULT_ENGINE = "mkdocs"
ENGINE_VARIABLE = "MEMORIA_ENGINE"
"""Chooses the engine for every `memoria` command and `make` target run with it set."""


class EngineError(Exception):
    """No usable engine; the message names the setting to change."""


def choose(option: str | None, config_file: Path) -> str:
    """This run's engine: --engine, else $MEMORIA_ENGINE, else the memoria plugin's `engine`, else MkDocs."""
    if option:
        return _known(option, "--engine")
    if os.environ.get(ENGINE_VARIABLE):
        return _known(os.environ[ENGINE_VARIABLE], ENGINE_VARIABLE)
    written = plugin_options(config_file).get("engine")
    if written:
        return _known(str(written), f"{config_file}: plugins: memoria: engine")
    return DEFAULT_ENGINE


def engine_for(command_name: str, option: str | None, config_file: Path) -> str | None:
    """The engine `memoria <command_name>` runs on; None once it has said on stderr why there is none."""
    if not config_file.is_file():
        message = _("{path}: no such file (run in the project folder or give -f)").format(path=config_file)
    else:
        try:
            return choose(option, config_file)
        except EngineError as error:
            message = str(error)
    print(f"memoria {command_name}: error: {message}", file=sys.stderr)
    return None


def add_engine_option(parser: argparse.ArgumentParser) -> None:
    """--engine, for the commands that run the site engine (build, serve)."""
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        help=_(
            "the site engine (default: {variable}, else the memoria plugin's engine setting, else mkdocs)"
        ).format(variable=ENGINE_VARIABLE),
    )


def _known(name: str, where: str) -> str:
    if name not in ENGINES:
        raise EngineError(
            _("{where}: '{name}' is not an engine Memoria runs on: write mkdocs or properdocs").format(
                where=where, name=name
            )
        )
    return name


def active() -> str | None:
    """The engine this process has imported, if any."""
    loaded = sys.modules.get("mkdocs")
    if loaded is None:
        return None
    return "properdocs" if loaded.__name__ == "properdocs" else "mkdocs"


def activate(engine: str) -> None:
    """Make this process's `mkdocs.*` imports resolve to `engine`; refuse a process that already holds the other."""
    current = active()
    if current not in (None, engine):
        raise EngineError(
            _("this process has already loaded {current}; {engine} must be chosen before it").format(
                current=current, engine=engine
            )
        )
    if engine == "properdocs" and current is None:
        import properdocs.replacement  # noqa: F401  (what the `properdocs` command imports first)

        # As the `properdocs` command does: loggers named mkdocs.* (Material, static-i18n,
        # Memoria) report through ProperDocs' logger, where --strict counts warnings.
        legacy = logging.getLogger("mkdocs")
        legacy.parent = logging.getLogger("properdocs")
        legacy.setLevel(logging.NOTSET)
        legacy.propagate = True


def command(engine: str) -> list[str]:
    """The engine's own command line in this environment: `python -m mkdocs` or `python -m properdocs`."""
    return [sys.executable, "-m", engine]
