#!/usr/bin/env python3
"""Build the offline copy: `python scripts/make_offline.py [ZIP] [--config mkdocs.yml] [--engine E]` (what `make offline` runs)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from memoria.engine.engines import ENGINES
from memoria.offline import OfflineError, make_offline_copy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "zip", nargs="?", default="memoria-offline.zip", type=Path, help="where to write the zip"
    )
    parser.add_argument("--config", default="mkdocs.yml", type=Path, help="the site's mkdocs.yml")
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        help="the site engine (default: as `memoria build` chooses: MEMORIA_ENGINE, the plugin's engine, mkdocs)",
    )
    args = parser.parse_args()
    try:
        report = make_offline_copy(args.config, args.zip, engine=args.engine)
    except OfflineError as error:
        print(f"make_offline: {error}", file=sys.stderr)
        return 1
    print(
        f"{report.zip_path}: {report.files} files, {report.bytes / 1_000_000:.1f} MB; open memoria-offline/index.html"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
