"""Helpers for fast, in-process tests, in the style of MkDocs' own tests/base.py.

`project()` writes a Memoria project (the demo's mkdocs.yml, overrides and shared lists) in a
tmp folder, `load_config()` validates its mkdocs.yml in this process, `build()` runs the real
`mkdocs.commands.build.build` for one language in this process (no subprocess, no Pagefind),
keeping every page's HTML and template context, and `catalog_of()` loads the archive as the
plugin does. Recordings get real held copies through the mirror's own import stage
(`held_recording()`), so the player and the manifests are the real ones.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import html as lxml_html

from conftest import write_project
from memoria.catalog import Catalog, load_catalog

BUILD_TIME = "2026-11-29T12:00:00+00:00"  # MEMORIA_BUILD_TIME of every in-process build


def dedent(text: str) -> str:
    return textwrap.dedent(text).strip()


def value(item: Any, key: str) -> Any:
    """`item[key]` or `item.key`: views are read as templates read them, whether dicts or objects."""
    if isinstance(item, Mapping):
        return item[key]
    return getattr(item, key)


def write_files(root: Path, files: Mapping[str, str]) -> Path:
    """Files under `root` (relative path → text, dedented), as MkDocs' tempdir(files=...) makes them."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def project(
    root: Path,
    docs: Mapping[str, str] | None = None,
    copy_demo: bool = False,
    extra_config: str = "",
    guide: bool = False,
) -> Path:
    """A Memoria project in `root`: the demo's configuration with the given entries.

    Without `guide`, the staff guide's pages are left out (its nav is not in the menu, and
    each page is one more to render); the demo's entries come with `copy_demo`.
    """
    write_project(root, dict(docs or {}), copy_demo=copy_demo, extra_config=extra_config)
    if not guide:
        shutil.rmtree(root / "docs" / "guide", ignore_errors=True)
    return root


def load_config(project_dir: Path, **overrides: Any) -> Any:
    """The project's mkdocs.yml, loaded and validated in this process (plugins instantiated)."""
    from mkdocs.config import load_config as mkdocs_load_config

    return mkdocs_load_config(str(project_dir / "mkdocs.yml"), **overrides)


def catalog_of(project_dir: Path) -> Catalog:
    """The archive of a project as the plugin catalogues it (every entry, published or not)."""
    return load_catalog(project_dir / "docs")


@dataclass
class Site:
    """One language of a project built in this process: its pages' HTML and template contexts."""

    project: Path
    site_dir: Path
    lang: str
    contexts: dict[str, dict[str, Any]] = field(default_factory=dict)  # page URL → context

    def path(self, url_path: str) -> Path:
        path = self.site_dir / url_path
        return path / "index.html" if url_path.endswith("/") or url_path == "" else path

    def page(self, url_path: str) -> lxml_html.HtmlElement:
        """The parsed HTML served at `url_path` (e.g. 'es/press/2014/x/')."""
        return lxml_html.fromstring(self.path(url_path).read_bytes())

    def memoria(self, url_path: str) -> Any:
        """What Memoria handed the templates of the page at `url_path` (e.g. 'es/press/2014/x/')."""
        return self.contexts[url_path]["memoria"]


class _ContextRecorder:
    """Registered after Memoria's plugin: keeps each page's context as the templates receive it."""

    def __init__(self, contexts: dict[str, dict[str, Any]]) -> None:
        self.contexts = contexts

    def on_page_context(self, context: dict[str, Any], page: Any, config: Any, nav: Any) -> dict[str, Any]:
        self.contexts[page.url] = context
        return context


def build(project_dir: Path, lang: str = "en", strict: bool = True, **env: str) -> Site:
    """`mkdocs build` of one language of the project, in this process, into project/site-<lang>.

    The language is chosen as `memoria build` chooses it for its per-language workers
    (memoria.engine.build.build_language); `env` sets environment variables for the build
    (MEMORIA_BUILD_TIME is fixed so dates do not depend on the clock).
    """
    import os

    from mkdocs.commands.build import build as mkdocs_build

    from memoria.engine.i18n_bridge import StaticI18n

    site_dir = project_dir / f"site-{lang}"  # each language its own: a build empties its site_dir
    contexts: dict[str, dict[str, Any]] = {}
    saved = dict(os.environ)
    os.environ.update({"MEMORIA_BUILD_TIME": BUILD_TIME, **env})
    cwd = Path.cwd()
    try:
        os.chdir(project_dir)  # relative paths in mkdocs.yml (media/, data/) are the project's
        config = load_config(project_dir, site_dir=str(site_dir), strict=strict or None)
        i18n = StaticI18n.of(config)
        if i18n.enabled:
            i18n.build_only(lang)  # static-i18n builds this language alone (memoria.engine.i18n_bridge)
        config.plugins["memoria-test-context"] = _ContextRecorder(contexts)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build(config)
        finally:
            config.plugins.on_shutdown()
    finally:
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(saved)
    return Site(project_dir, site_dir, lang, contexts)


# --- recordings with real held copies ------------------------------------------------------


def ffmpeg() -> str:
    """The ffmpeg the mirror would use (the system's, or imageio-ffmpeg's own build)."""
    from memoria.mirror.media import find_ffmpeg

    found = find_ffmpeg()
    if not found:
        raise RuntimeError("ffmpeg not found: run scripts/install_system_deps.sh")
    return found


def make_clip(path: Path, seconds: float = 1.0, frequency: int = 440) -> Path:
    """A real H.264/AAC MP4 of `seconds` (a test card and a tone); `frequency` makes other bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            ffmpeg(),
            *("-hide_banner", "-v", "error", "-y"),
            *("-f", "lavfi", "-i", f"testsrc=size=64x48:rate=10:duration={seconds}"),
            *("-f", "lavfi", "-i", f"sine=frequency={frequency}:duration={seconds}"),
            *("-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"),
            *("-movflags", "+faststart", str(path)),
        ],
        check=True,
        capture_output=True,
    )
    return path


def mirror_settings(media_dir: Path, **changes: Any) -> Any:
    """The mirror's settings for a tmp media folder: no Wayback, no waiting, nothing from the network."""
    from memoria.mirror.pipeline import Settings

    return Settings(media_dir=media_dir, wayback=False, attempts=1, backoff=0.0, ffmpeg=ffmpeg(), **changes)


def held_recording(
    media_dir: Path,
    recording_id: str,
    clip: Path,
    source_url: str = "https://video.example.org/watch/1",
    captions: list[tuple[str, Path]] | None = None,
) -> Any:
    """A recording held as `memoria import` keeps one (a verified version folder, custody log,
    manifest); returns the import's result."""
    from memoria.mirror.pipeline import import_recording
    from memoria.mirror.plan import Target

    target = Target(recording_id, recording_id, source_url, (), None, f"docs/recordings/{recording_id}.md")
    return import_recording(target, mirror_settings(media_dir), clip, None, captions or [])


def utc(moment: dt.datetime) -> str:
    """A manifest time: ISO 8601 in UTC, ending in Z."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


#: a small archive with every relation: an event, a press release about it, a recording in two
#: parts, and an untranslated press release; values the fast tests read back from the views
SMALL_ARCHIVE: dict[str, str] = {
    "events/2014/roundtable.en.md": """
        ---
        title: Regional roundtable on protection
        date: 2014-08-15
        end_date: 2014-08-16
        summary: A roundtable on protection laws.
        venue: Casa de la Cultura
        city: Mexico City
        country: MX
        organisers: [JASS Mesoamerica, International Service for Human Rights]
        sponsors: [UN Women]
        speakers:
          - name: Ana Güezmes
            role: Director
            organisation: UN Women
        participant_countries: [GT, HN]
        documents:
          - title: Resolution 68/181
            url: https://undocs.org/A/RES/68/181
        topics: [Protection mechanisms]
        ---

        Body of the roundtable.
        """,
    "events/2014/roundtable.es.md": """
        ---
        title: Mesa regional sobre protección
        summary: Una mesa sobre leyes de protección.
        city: Ciudad de México
        topics: [Mecanismos de protección]
        ---

        Cuerpo de la mesa.
        """,
    "press/2014/statement.en.md": """
        ---
        title: Strengthen protection of defenders
        date: 2014-08-25
        dateline: Geneva
        summary: A call to governments.
        organisations: [International Service for Human Rights]
        countries: [MX, GT]
        contacts:
          - name: Pooja Patel
            role: Advocacy Manager
            email: p.patel@example.org
        event: roundtable
        recordings: [session-part-1]
        topics: [Protection mechanisms]
        ---

        Body of the statement.
        """,
    "press/2014/statement.es.md": """
        ---
        title: Fortalecer la protección de las defensoras
        summary: Un llamado a los gobiernos.
        dateline: Ginebra
        topics: [Mecanismos de protección]
        ---

        Cuerpo del comunicado.
        """,
    "press/2015/untranslated.en.md": """
        ---
        title: Early warning networks
        date: 2015-01-10
        summary: Only in English.
        countries: [SV]
        topics: [Land and territory]
        ---

        Body in English only.
        """,
    "recordings/session-part-1.en.md": """
        ---
        id: session-part-1
        title: Roundtable, opening
        summary: The opening session.
        language: es
        event: roundtable
        part: 1
        parts: 2
        recorded: 2014-08-15
        source_url: https://video.example.org/watch/1
        platform: Example Video
        duration: 3725
        topics: [Protection mechanisms]
        ---

        The opening.
        """,
    "recordings/session-part-2.en.md": """
        ---
        id: session-part-2
        title: Roundtable, closing
        summary: The closing session.
        language: es
        event: roundtable
        part: 2
        parts: 2
        recorded: 2014-08-15
        source_url: https://video.example.org/watch/2
        duration: 1800
        ---

        The closing.
        """,
}


# --- the `memoria` command, in this process ------------------------------------------------


@dataclass
class CommandResult:
    returncode: int
    stdout: str
    stderr: str


def memoria_command(project_dir: Path, *args: str, capsys: Any, monkeypatch: Any) -> CommandResult:
    """`memoria <args>` run in this process from `project_dir`, as the staff would type it.

    `memoria.cli.main` installs the tools' language for the process (and MEMORIA_LANG); both
    are put back afterwards, so one test's --lang never reaches another.
    """
    from memoria import messages
    from memoria.cli import main

    monkeypatch.chdir(project_dir)
    for name in ("MEMORIA_LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        # set, then deleted: monkeypatch then deletes on undo what main() exports (MEMORIA_LANG),
        # which a plain delenv of a missing name would leave to the worker's later subprocesses
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    monkeypatch.setenv("LANG", "C.UTF-8")  # English, unless the arguments say --ui-lang
    capsys.readouterr()
    try:
        code = main(list(args))
    except SystemExit as error:  # argparse's usage errors
        code = error.code if isinstance(error.code, int) else 1
    finally:
        messages.install("en")
    captured = capsys.readouterr()
    return CommandResult(code, captured.out, captured.err)
