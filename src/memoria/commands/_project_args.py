"""Options shared by the media commands: where mkdocs.yml, docs/ and media/ are."""

from __future__ import annotations

import argparse
from pathlib import Path

from memoria.project import Project, load_project


def add_project_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, default=None, metavar="PATH",
                        help="the project's mkdocs.yml (default: ./mkdocs.yml)")
    parser.add_argument("--docs-dir", type=Path, default=None, metavar="DIR",
                        help="content folder (default: docs_dir of mkdocs.yml)")
    parser.add_argument("--media-dir", type=Path, default=None, metavar="DIR",
                        help="mirror folder (default: the memoria plugin's media_dir, else media/)")


def project_from(args: argparse.Namespace) -> Project:
    return load_project(args.config, args.docs_dir, args.media_dir)


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, got {value}")
    return value


def non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {value}")
    return value


def web_url(text: str) -> str:
    from memoria.mirror.plan import is_web_url

    if not is_web_url(text):
        raise argparse.ArgumentTypeError(f"expected an http:// or https:// URL, got {text!r}")
    return text
