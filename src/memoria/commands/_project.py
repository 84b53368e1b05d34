"""Options every staff command shares: where the project's content and media are."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from memoria.project import Project, ProjectError, load_project


def add_project_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", type=Path, default=None, help="the site's mkdocs.yml (default: ./mkdocs.yml)"
    )
    parser.add_argument(
        "--docs-dir",
        type=Path,
        default=None,
        help="the content folder (default: docs_dir of mkdocs.yml, or docs)",
    )


def project_from(args: argparse.Namespace, command: str) -> Project | None:
    """The project the arguments point at, or None after printing a one-line error."""
    docs_dir: Path | None = args.docs_dir
    config: Path | None = args.config
    try:
        if config is None and docs_dir is not None and not Path("mkdocs.yml").is_file():
            return Project(
                Path("mkdocs.yml"), docs_dir, Path(getattr(args, "media_dir", None) or "media"), None
            )
        project = load_project(config, docs_dir, getattr(args, "media_dir", None))
    except ProjectError as error:
        print(f"memoria {command}: error: {error}", file=sys.stderr)
        return None
    if not project.docs_dir.is_dir():
        print(
            f"memoria {command}: error: {project.docs_dir}: no such folder — run in the project folder or give --docs-dir",
            file=sys.stderr,
        )
        return None
    return project
