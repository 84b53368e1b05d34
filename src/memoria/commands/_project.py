"""Options every command shares: where the project's mkdocs.yml, content and media are."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from memoria.messages import _
from memoria.project import Project, ProjectError, load_project

if TYPE_CHECKING:
    from memoria.mirror.plan import Target


def add_project_options(parser: argparse.ArgumentParser, media: bool = False, store: bool = False) -> None:
    """--config and --docs-dir, plus --media-dir for the commands that touch media/ (and --media-store
    for those that move or check the bytes)."""
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="PATH",
        help=_("the site's mkdocs.yml (default: ./mkdocs.yml)"),
    )
    parser.add_argument(
        "--docs-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help=_("the content folder (default: docs_dir of mkdocs.yml, or docs)"),
    )
    if media:
        parser.add_argument(
            "--media-dir",
            type=Path,
            default=None,
            metavar="DIR",
            help=_("mirror folder (default: the memoria plugin's media_dir, else media/)"),
        )
    if store:
        parser.add_argument(
            "--media-store",
            default=None,
            metavar="STORE",
            help=_(
                "where the bytes live: s3://bucket/prefix (endpoint and credentials from the AWS_* "
                "environment variables) or a folder (default: the plugin's media_store, else the media folder)"
            ),
        )


def load_from(args: argparse.Namespace) -> Project:
    """The project the arguments point at; raises ProjectError."""
    return load_project(
        args.config, args.docs_dir, getattr(args, "media_dir", None), getattr(args, "media_store", None)
    )


def recordings_from(args: argparse.Namespace, command: str) -> tuple[Project, list[Target]] | None:
    """The project and the recordings `args.ids` names (all by default), or None after printing why."""
    from memoria.content import ContentErrors
    from memoria.mirror.plan import PlanError, plan  # the mirror package loads yt-dlp: only when needed

    try:
        project = load_from(args)
        return project, plan(project.docs_dir, list(args.ids), project.addressing.languages)
    except (ProjectError, PlanError, ContentErrors) as error:
        print(f"memoria {command}: {error}", file=sys.stderr)
        return None


def project_from(args: argparse.Namespace, command: str) -> Project | None:
    """The project the arguments point at, or None after printing a one-line error."""
    docs_dir: Path | None = args.docs_dir
    config: Path | None = args.config
    try:
        if config is None and docs_dir is not None and not Path("mkdocs.yml").is_file():
            return Project(
                Path("mkdocs.yml"), docs_dir, Path(getattr(args, "media_dir", None) or "media"), None
            )
        project = load_from(args)
    except ProjectError as error:
        print(_("memoria {command}: error: {error}").format(command=command, error=error), file=sys.stderr)
        return None
    if not project.docs_dir.is_dir():
        print(
            _(
                "memoria {command}: error: {path}: no such folder — run in the project folder or give --docs-dir"
            ).format(command=command, path=project.docs_dir),
            file=sys.stderr,
        )
        return None
    return project


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("expected a whole number, got {text!r}").format(text=text)
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(_("expected 1 or more, got {value}").format(value=value))
    return value


def non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("expected a number of seconds, got {text!r}").format(text=text)
        ) from None
    if value < 0:
        raise argparse.ArgumentTypeError(_("expected 0 or more, got {value}").format(value=value))
    return value


def web_url(text: str) -> str:
    from memoria.mirror.plan import is_web_url

    if not is_web_url(text):
        raise argparse.ArgumentTypeError(
            _("expected an http:// or https:// URL, got {text!r}").format(text=text)
        )
    return text


def add_retry_options(parser: argparse.ArgumentParser, attempts: int, backoff_help: str) -> None:
    """--attempts, --backoff and --timeout, shared by the commands that reach the network."""
    parser.add_argument(
        "--attempts",
        type=positive_int,
        default=attempts,
        metavar="N",
        help=_("tries per URL for transient failures (default {attempts})").format(attempts=attempts),
    )
    parser.add_argument(
        "--backoff", type=non_negative_float, default=2.0, metavar="SECONDS", help=_(backoff_help)
    )
    parser.add_argument(
        "--timeout",
        type=non_negative_float,
        default=20.0,
        metavar="SECONDS",
        help=_("network timeout (default 20)"),
    )


def add_address_options(parser: argparse.ArgumentParser) -> None:
    """Which addresses a network command may reach: public ones, unless the run says otherwise."""
    parser.add_argument(
        "--allow-private-addresses",
        action="store_true",
        help=_(
            "also fetch from private, loopback, link-local and multicast addresses "
            "(refused by default, after DNS resolution and after each redirect)"
        ),
    )
    parser.add_argument(
        "--allow-address",
        action="append",
        default=[],
        metavar="CIDR",
        type=_network,
        help=_("allow one private network or address (repeatable), e.g. 192.168.1.20/32"),
    )


def _network(text: str) -> str:
    import ipaddress

    try:
        return str(ipaddress.ip_network(text, strict=False))
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("expected an address or network like 10.0.0.0/8, got {text!r}").format(text=text)
        ) from None


def size_in_bytes(text: str) -> int:
    """'20GB', '500M', '1048576' → bytes (decimal units, as disks are sold)."""
    import re

    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT]?)[bB]?\s*", text)
    if not found:
        raise argparse.ArgumentTypeError(
            _("expected a size like 20GB, 500MB or 1000000, got {text!r}").format(text=text)
        )
    number, unit = found.groups()
    factor = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12}[unit.lower()]
    return int(float(number) * factor)
