"""A newcomer's `make site` shows a playing recording: the fictional hearing's clip, made and imported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, run_build, write_project
from memoria.custody import read_log
from memoria.manifest import RecordingStatus, load_manifest, recording_status

sys.path.insert(0, str(ROOT / "scripts"))
from browsing import Recorder, serve, wait_for

pytestmark = pytest.mark.slow  # every test here builds or runs a command in a subprocess

ARTIFACTS = ROOT / "test-artifacts"


def test_the_demo_hearing_plays_its_generated_clip_with_spanish_captions(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project", copy_demo=True)
    made = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "demo_media.py"), "--project", str(project)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    assert "imported as version 1" in made.stdout
    manifest = load_manifest(project / "media", "hearing-2015-part-1")
    assert manifest is not None and recording_status(manifest) is RecordingStatus.RESCUED
    version = manifest.current_version
    assert version is not None and version.via == "import"
    assert {c.name for c in version.checks} >= {
        "demuxes",
        "duration matches docs/recordings/hearing-2015-part-1.es.md",
    }
    events, problems = read_log(project / "media", "hearing-2015-part-1")
    assert not problems and events[0].event_type == "ingestion"
    again = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "demo_media.py"), "--project", str(project)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "already held" in again.stdout  # a second `make site` imports nothing
    built = run_build(project)
    assert built.returncode == 0, built.output
    for prefix, media in (("", "../../media/"), ("es/", "../../../media/")):
        page = built.page(f"{prefix}recordings/hearing-2015-part-1/")
        assert page.xpath("//video/source/@src") == [f"{media}hearing-2015-part-1/v1/hearing-2015-part-1.mp4"]
        assert page.xpath("//track/@srclang") == ["es"]
        assert "ficticia" in page.text_content() or "fictional" in page.text_content()


@pytest.fixture(scope="module")
def demo_with_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo as `make site` makes it: the clip generated and imported, then the strict build."""
    project = write_project(tmp_path_factory.mktemp("demo-clip") / "project", copy_demo=True)
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "demo_media.py"), "--project", str(project)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    built = run_build(project)
    assert built.returncode == 0, built.output
    return built.site


@pytest.mark.browser
@pytest.mark.parametrize("prefix", ["", "es/"])
@pytest.mark.parametrize("width", [390, 1280])
def test_a_newcomer_sees_the_demo_clip_play_with_spanish_captions(
    demo_with_clip: Path, prefix: str, width: int, browser: Any
) -> None:
    with serve(demo_with_clip) as base_url:
        context = browser.new_context(viewport={"width": width, "height": 900}, has_touch=width < 500)
        page = context.new_page()
        recorder = Recorder().attach(page)
        page.goto(f"{base_url}{prefix}recordings/hearing-2015-part-1/", wait_until="networkidle")
        page.evaluate(
            "async () => { const v = document.querySelector('video.memoria-video'); v.muted = true; await v.play(); }"
        )
        wait_for(page, "document.querySelector('video.memoria-video').currentTime > 1", timeout=20_000)
        state = page.evaluate(
            """() => {
            const video = document.querySelector('video.memoria-video');
            const track = [...video.textTracks][0];
            return {error: video.error && video.error.code, src: video.currentSrc,
                    language: track && track.language, cues: track && track.cues ? track.cues.length : 0};
        }"""
        )
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"demo-clip-{prefix.strip('/') or 'en'}-{width}.png"))
        context.close()
    assert state["error"] is None and state["src"].endswith(
        "/media/hearing-2015-part-1/v1/hearing-2015-part-1.mp4"
    )
    assert state["language"] == "es" and state["cues"] == 4
    assert not [u for u in recorder.requests if not u.startswith((base_url, "data:", "blob:"))]
