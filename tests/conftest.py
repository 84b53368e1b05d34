"""Shared fixtures: real MkDocs builds of real archives in tmp dirs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parent.parent
DEMO_DOCS = ROOT / "docs"
ENTRY_FOLDERS = ("press", "events", "recordings")
MKDOCS = [sys.executable, "-m", "mkdocs"]
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
# Builds run in subprocesses whose working folder is a project in tmp_path: a relative
# PYTHONPATH (`PYTHONPATH=src pytest`, from a worktree) would no longer point at this
# checkout's src/, and they would import whichever memoria is installed instead.
if os.environ.get("PYTHONPATH"):
    os.environ["PYTHONPATH"] = os.pathsep.join(
        str(Path(entry).resolve()) for entry in os.environ["PYTHONPATH"].split(os.pathsep) if entry
    )


@dataclass
class BuiltSite:
    """The result of `mkdocs build` on a project in a tmp dir."""

    project: Path
    returncode: int
    output: str

    @property
    def site(self) -> Path:
        return self.project / "site"

    def page(self, url_path: str) -> lxml_html.HtmlElement:
        """Parse the HTML served at `url_path` (e.g. 'es/press/2014/x/')."""
        path = self.site / url_path
        if url_path.endswith("/") or url_path == "":
            path = path / "index.html"
        return lxml_html.fromstring(path.read_bytes())


def write_project(
    project: Path,
    docs: dict[str, str] | None = None,
    copy_demo: bool = False,
    extra_config: str = "",
) -> Path:
    """A Memoria project in `project`: the demo's mkdocs.yml and overrides, with given docs."""
    project.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    if extra_config:
        with (project / "mkdocs.yml").open("a", encoding="utf-8") as handle:
            handle.write(extra_config)
    shutil.copytree(ROOT / "overrides", project / "overrides", dirs_exist_ok=True)
    if copy_demo:  # the demo's shared lists of organisations and topics go with its entries
        shutil.copytree(ROOT / "data", project / "data", dirs_exist_ok=True)
    if copy_demo:
        shutil.copytree(DEMO_DOCS, project / "docs", dirs_exist_ok=True)
    else:
        # Everything but the archive's entries: pages the nav names (the guide) stay valid.
        shutil.copytree(
            DEMO_DOCS,
            project / "docs",
            dirs_exist_ok=True,
            ignore=lambda folder, names: [
                n for n in names if Path(folder) == DEMO_DOCS and n in ENTRY_FOLDERS
            ],
        )
    for rel, text in (docs or {}).items():
        path = project / "docs" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return project


def run_build(project: Path, strict: bool = True) -> BuiltSite:
    """Run the real `mkdocs build` in `project` and keep its output."""
    command = [*MKDOCS, "build"]
    if strict:
        command.append("--strict")
    result = subprocess.run(
        command, cwd=project, capture_output=True, text=True, timeout=600, env={**os.environ}
    )
    return BuiltSite(project, result.returncode, result.stdout + result.stderr)


@pytest.fixture
def build_site(tmp_path: Path) -> Callable[..., BuiltSite]:
    """Build a project made of the given docs (and optionally the demo archive)."""

    def build(
        docs: dict[str, str] | None = None,
        copy_demo: bool = False,
        strict: bool = True,
        extra_config: str = "",
        name: str = "project",
    ) -> BuiltSite:
        project = write_project(tmp_path / name, docs, copy_demo, extra_config)
        return run_build(project, strict=strict)

    return build


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The demo archive, built once per test session."""
    project = write_project(tmp_path_factory.mktemp("demo") / "project", copy_demo=True)
    built = run_build(project)
    assert built.returncode == 0, built.output
    return built


def answer_prompts(
    command: list[str], cwd: Path, answers: list[str], env: dict[str, str] | None = None
) -> tuple[int, str]:
    """Run `command` on a pseudo-terminal, typing the next answer after each prompt (a line ending
    in ':'); returns the exit status and everything the terminal showed."""
    import pty
    import time

    leader, follower = pty.openpty()
    process = subprocess.Popen(command, cwd=cwd, stdin=follower, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    replies = iter(answers)
    transcript = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        transcript += chunk
        if chunk.rstrip().endswith(b":"):
            os.write(leader, (next(replies, "") + "\n").encode())
    process.wait(timeout=30)
    os.close(leader)
    return process.returncode, transcript.decode(errors="replace")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright, one per test module (scripts/browsing.launch)."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "scripts"))
    from browsing import launch

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _tools_language_stays_put() -> Iterator[None]:
    """A test that runs `memoria` in-process exports MEMORIA_LANG (memoria.messages.install):
    never let it reach the commands later tests of this worker start (they would speak English
    where a test set LANG=es_MX)."""
    saved = os.environ.get("MEMORIA_LANG")
    yield
    if saved is None:
        os.environ.pop("MEMORIA_LANG", None)
    else:
        os.environ["MEMORIA_LANG"] = saved


def no_staging_left(project: Path, within: float = 30.0) -> bool:
    """Whether every `.memoria-build-*` staging folder beside the site is gone (their removal runs
    in a process of its own after `memoria build` publishes: memoria.staging)."""
    deadline = time.monotonic() + within
    while any(p.name.startswith(".memoria-build-") for p in project.iterdir()):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
