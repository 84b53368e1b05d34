"""The offline copy: the whole site in one zip that works opened from disk (file://), search included.

Two things break a static site opened from disk. Directory URLs (`press/x/`) open a folder
listing, so the copy is built with `use_directory_urls: false`. And browsers refuse ES modules,
workers and fetch() on file:// pages, which is how Pagefind loads; classic <script> tags
still work, so every file of each language's search bundle (`site/pagefind/`,
`site/es/pagefind/`) is also written as a small script that hands its bytes to
memoria-search.js, which serves them to Pagefind in place of fetch(). The search engine and
its per-language bundles stay exactly those of the hosted site.
Engine-independent: the copy is built by `memoria build --serial` as a command (MkDocs or ProperDocs,
as the site chose), not imported.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from memoria.search import BUNDLE_DIR, bundle_dirs

OFFLINE_DIR = "offline"
"""Inside the search bundle: the classic-script copies only the file:// copy needs."""

_EXPORTS = re.compile(r"export\s*\{([^}]*)\};?\s*$")


class OfflineError(Exception):
    """The offline copy could not be made; the message says which step failed and why."""


@dataclass(frozen=True)
class OfflineReport:
    zip_path: Path
    files: int
    bytes: int


def _classic_pagefind(module_source: str) -> str:
    """Pagefind's ES module as a classic script that publishes its exports on `window`."""
    match = _EXPORTS.search(module_source)
    if match is None:
        raise OfflineError(
            "pagefind.js: no trailing export list found; this Pagefind version is not supported offline"
        )
    names = [name.strip() for name in match.group(1).split(",") if name.strip()]
    body = module_source[: match.start()].replace("import.meta.url", "__memoriaPagefindUrl")
    if "import.meta" in body or re.search(r"\bimport\s*\(", body):
        raise OfflineError("pagefind.js: uses module-only syntax this converter does not handle")
    exports = ", ".join(names)
    return (
        "(() => {\n"
        'const __memoriaPagefindUrl = document.currentScript.src.replace(/offline\\/pagefind\\.js$/, "pagefind.js");\n'
        f"{body}\nwindow.__memoriaPagefind = {{ {exports} }};\n}})();\n"
    )


def make_bundle_file_loadable(bundle: Path) -> int:
    """Write bundle/offline/: pagefind.js as a classic script, and each data file as a script."""
    bundle = Path(bundle)
    offline = bundle / OFFLINE_DIR
    offline.mkdir(exist_ok=True)
    (offline / "pagefind.js").write_text(
        _classic_pagefind((bundle / "pagefind.js").read_text(encoding="utf-8")), encoding="utf-8"
    )
    count = 1
    for path in sorted(bundle.rglob("*")):
        relative = path.relative_to(bundle).as_posix()
        if not path.is_file() or relative.startswith(f"{OFFLINE_DIR}/") or relative.endswith((".js", ".css")):
            continue
        target = offline / f"{relative}.js"
        target.parent.mkdir(parents=True, exist_ok=True)
        payload = base64.b64encode(path.read_bytes()).decode("ascii")
        target.write_text(
            f"__memoriaPagefindFile({json.dumps(relative)}, {json.dumps(payload)});\n", encoding="utf-8"
        )
        count += 1
    return count


#: set for the offline build: with a media store, media come from media/ (after `memoria media pull`)
OFFLINE_ENV = "MEMORIA_OFFLINE_BUILD"


def build_offline_site(config_file: Path, site_dir: Path, engine: str | None = None) -> None:
    """Build the site with file-friendly URLs into `site_dir` (strict, like the hosted site).

    One process, exactly as the engine's own `build` does it; `engine` None means the site's choice.
    """
    config_file = Path(config_file).resolve()
    override = config_file.parent / f".memoria-offline-{os.getpid()}.yml"
    settings = {
        "INHERIT": config_file.name,
        "site_dir": str(Path(site_dir).resolve()),
        "use_directory_urls": False,
    }
    override.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    try:
        command = [sys.executable, "-m", "memoria.cli", "build", "--serial", "--strict", "-f", str(override)]
        result = subprocess.run(
            [*command, *(["--engine", engine] if engine else [])],
            cwd=config_file.parent,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, OFFLINE_ENV: "1"},
        )
    finally:
        override.unlink(missing_ok=True)
    if result.returncode != 0:
        raise OfflineError(f"the offline copy's build failed:\n{result.stdout}{result.stderr}")


def zip_site(site_dir: Path, zip_path: Path, folder: str) -> OfflineReport:
    """Zip `site_dir` under one top folder, in a stable order (media are stored, not recompressed)."""
    zip_path = Path(zip_path)
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    temporary = zip_path.with_name(zip_path.name + ".part")
    files = 0
    with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(Path(site_dir).rglob("*")):
            if path.is_file():
                compress = (
                    zipfile.ZIP_STORED
                    if path.suffix in {".mp4", ".webm", ".m4a", ".mp3"}
                    else zipfile.ZIP_DEFLATED
                )
                archive.write(
                    path, f"{folder}/{path.relative_to(site_dir).as_posix()}", compress_type=compress
                )
                files += 1
    os.replace(temporary, zip_path)
    return OfflineReport(zip_path, files, zip_path.stat().st_size)


def make_offline_copy(
    config_file: Path, zip_path: Path, folder: str = "memoria-offline", engine: str | None = None
) -> OfflineReport:
    """Build, make search work from disk, and zip: the whole offline copy in one call."""
    with tempfile.TemporaryDirectory(prefix="memoria-offline-") as work:
        site_dir = Path(work) / "site"
        build_offline_site(config_file, site_dir, engine)
        bundles = bundle_dirs(site_dir)
        if site_dir / BUNDLE_DIR not in bundles:
            raise OfflineError(
                f"{site_dir / BUNDLE_DIR}: no search bundle after the build (is the memoria plugin enabled?)"
            )
        for bundle in bundles:  # one per language
            make_bundle_file_loadable(bundle)
        return zip_site(site_dir, zip_path, folder)
