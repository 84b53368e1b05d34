"""A newcomer's `make site` shows a playing recording: the fictional hearing's clip, made and imported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT, run_build, write_project
from memoria.custody import read_log
from memoria.manifest import RecordingStatus, load_manifest, recording_status


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
