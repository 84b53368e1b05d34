"""A reader plays a recording the archive mirrored itself, in a real Chromium on 127.0.0.1.

The demo archive is copied to a tmp dir; one recording's `source_url` points at the test media
server's watch page (real ffmpeg-made MP4, Spanish WebVTT, poster); the real `memoria mirror`
copies it; the real build publishes it. The browser then plays the archive's copy, lists its
captions, and downloads the file whose SHA-256 the page and the manifest state, without a
single request to any host but the site's test server (the media server included).
The offline zip of the same project carries the media and plays them from disk.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, BuiltSite, run_build, write_project
from mediaserver import GeneratedMedia, MediaServer, make_media
from memoria.manifest import load_manifest
from memoria.offline import make_offline_copy

sys.path.insert(0, str(ROOT / "scripts"))
from browsing import Recorder, serve, wait_for

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.browser, pytest.mark.slow]

RECORDING_ID = "ustream-51400296"
RECORDING = f"es/recordings/{RECORDING_ID}/"
ARTIFACTS = ROOT / "test-artifacts"
VIEWPORTS = {"390": {"width": 390, "height": 844}, "1280": {"width": 1280, "height": 900}}


@pytest.fixture(scope="module")
def media_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MediaServer]:
    media: GeneratedMedia = make_media(tmp_path_factory.mktemp("player-media"))
    running = MediaServer(media).start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def mirrored_demo(tmp_path_factory: pytest.TempPathFactory, media_server: MediaServer) -> BuiltSite:
    """The demo with one recording mirrored for real from the media server, then built (strict)."""
    project = write_project(tmp_path_factory.mktemp("player") / "project", copy_demo=True)
    source = project / "docs" / "recordings" / f"{RECORDING_ID}.en.md"
    text = source.read_text(encoding="utf-8")
    original = "source_url: http://www.ustream.tv/recorded/51400296"
    assert original in text, "the demo recording changed: update this test's source_url swap"
    source.write_text(
        text.replace(original, f"source_url: {media_server.url('/page/watch.html')}"), encoding="utf-8"
    )
    mirror = subprocess.run(
        [
            sys.executable,
            "-m",
            "memoria.cli",
            "mirror",
            RECORDING_ID,
            "--json",
            "--no-wayback",
            "--timeout",
            "10",
            "--allow-private-addresses",  # the media server listens on 127.0.0.1
        ],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert mirror.returncode == 0, mirror.stdout + mirror.stderr
    outcomes = {r["id"]: r["outcome"] for r in json.loads(mirror.stdout)["recordings"]}
    assert outcomes == {RECORDING_ID: "rescued"}, outcomes
    built = run_build(project)
    assert built.returncode == 0, built.output
    return built


def manifest_files(project: Path) -> dict[str, dict[str, Any]]:
    manifest = load_manifest(project / "media", RECORDING_ID)
    assert manifest is not None and manifest.current_version is not None
    return {f.name: f.model_dump() for f in manifest.current_version.files}


def play(page: Any) -> dict[str, Any]:
    """Start the video muted (autoplay policy), wait until time has advanced, return what the player says."""
    page.evaluate(  # the player's heading just under the sticky header, controls in view
        "() => window.scrollTo(0, document.querySelector('.memoria-player').getBoundingClientRect().top"
        " + window.scrollY - 56)"
    )
    page.evaluate(
        """async () => {
        const video = document.querySelector('video.memoria-video');
        video.muted = true;
        await video.play();
    }"""
    )
    wait_for(page, "document.querySelector('video.memoria-video').currentTime > 1", timeout=20_000)
    wait_for(
        page,
        "[...document.querySelector('video.memoria-video').textTracks].some(t => t.cues && t.cues.length > 0)",
        timeout=10_000,
    )
    return page.evaluate(
        """() => {
        const video = document.querySelector('video.memoria-video');
        return {
            currentTime: video.currentTime,
            error: video.error && video.error.code,
            source: video.currentSrc,
            tracks: [...video.textTracks].map(t => ({
                kind: t.kind, language: t.language, label: t.label, mode: t.mode,
                cues: t.cues ? [...t.cues].map(c => c.text) : [],
            })),
        };
    }"""
    )


@pytest.mark.parametrize("viewport_name", ["390", "1280"])
def test_mirrored_recording_plays_with_spanish_captions_and_a_verifiable_download(
    mirrored_demo: BuiltSite, media_server: MediaServer, browser: Any, viewport_name: str
) -> None:
    files = manifest_files(mirrored_demo.project)
    hits_before = media_server.total_hits()
    with serve(mirrored_demo.site) as base_url:
        context = browser.new_context(viewport=VIEWPORTS[viewport_name])
        page = context.new_page()
        recorder = Recorder().attach(page)
        page.goto(base_url + RECORDING, wait_until="networkidle")
        player = play(page)
        assert player["error"] is None
        assert player["currentTime"] > 1
        assert player["source"] == f"{base_url}media/{RECORDING_ID}/v1/{RECORDING_ID}.mp4"
        assert [(t["kind"], t["language"]) for t in player["tracks"]] == [("captions", "es")]
        assert "Defensoras de derechos humanos." in player["tracks"][0]["cues"]
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"recording-playing-{viewport_name}.png"))

        # The download link's file hashes to the SHA-256 the page shows and the manifest records.
        link = page.locator(".memoria-download a[download]").first
        name = link.inner_text()
        href = link.evaluate("a => a.href")
        assert href.startswith(base_url + "media/"), href
        downloaded = page.request.get(href)
        assert downloaded.ok
        digest = hashlib.sha256(downloaded.body()).hexdigest()
        assert digest == files[name]["sha256"]
        assert digest == link.locator("xpath=..").locator(".memoria-sha256 code").inner_text()
        context.close()

    foreign = [url for url in recorder.requests if not url.startswith((base_url, "data:", "blob:"))]
    assert not foreign, f"requests left the test server: {foreign}"
    assert media_server.total_hits() == hits_before, "the page reached the original platform"


def test_offline_zip_carries_the_mirrored_media_and_plays_it_from_disk(
    mirrored_demo: BuiltSite, browser: Any, tmp_path: Path
) -> None:
    files = manifest_files(mirrored_demo.project)
    report = make_offline_copy(mirrored_demo.project / "mkdocs.yml", tmp_path / "offline.zip")
    folder = f"memoria-offline/media/{RECORDING_ID}/v1/"
    with zipfile.ZipFile(report.zip_path) as archive:
        names = {n[len(folder) :]: n for n in archive.namelist() if n.startswith(folder)}
        assert f"{RECORDING_ID}.mp4" in names and f"{RECORDING_ID}.es.vtt" in names, sorted(names)
        for name in (f"{RECORDING_ID}.mp4", f"{RECORDING_ID}.es.vtt"):
            assert hashlib.sha256(archive.read(names[name])).hexdigest() == files[name]["sha256"], name
        archive.extractall(tmp_path / "unzipped")
    page_file = tmp_path / "unzipped" / "memoria-offline" / "es" / "recordings" / f"{RECORDING_ID}.html"
    context = browser.new_context(viewport=VIEWPORTS["1280"])
    page = context.new_page()
    recorder = Recorder().attach(page)
    page.goto(page_file.as_uri())
    player = page.evaluate(
        """async () => {
        const video = document.querySelector('video.memoria-video');
        video.muted = true;
        await video.play();
        return video.currentSrc;
    }"""
    )
    assert player.startswith("file://") and player.endswith(f"/media/{RECORDING_ID}/v1/{RECORDING_ID}.mp4")
    wait_for(page, "document.querySelector('video.memoria-video').currentTime > 1", timeout=20_000)
    context.close()
    assert all(url.startswith(("file://", "data:", "blob:")) for url in recorder.requests), recorder.requests


@pytest.mark.parametrize("viewport_name", ["390", "1280"])
def test_a_cue_time_seeks_the_player_and_the_transcript_downloads(
    mirrored_demo: BuiltSite, browser: Any, viewport_name: str
) -> None:
    """Issue 13, point 8: each cue's time plays the recording from there; WebVTT and text download."""
    with serve(mirrored_demo.site) as base_url:
        context = browser.new_context(viewport=VIEWPORTS[viewport_name])
        page = context.new_page()
        recorder = Recorder().attach(page)
        page.goto(base_url + RECORDING, wait_until="networkidle")
        page.evaluate("document.querySelector('video.memoria-video').muted = true")
        page.locator("details.memoria-transcript summary").click()
        cue = page.locator("[data-memoria-cue]").nth(1)
        assert "Defensoras de derechos humanos." in cue.inner_text()
        cue.locator("[data-memoria-seek]").click()
        page.wait_for_function(
            "() => document.querySelector('video.memoria-video').currentTime >= 2", timeout=10_000
        )
        assert page.url.endswith("#t1-2")
        assert "memoria-cue--current" in (cue.get_attribute("class") or "")
        page.screenshot(path=str(ARTIFACTS / f"issue13-cue-seek-{viewport_name}.png"))
        links = page.locator("[data-memoria-transcript-download]")
        hrefs = [links.nth(i).evaluate("a => a.href") for i in range(links.count())]
        vtt, txt = (page.request.get(href) for href in hrefs)
        assert vtt.ok and vtt.text().startswith("WEBVTT")
        assert txt.ok and txt.text().splitlines() == [
            "[0:00] Bienvenidas al conversatorio.",
            "[0:02] Defensoras de derechos humanos.",
        ]
        # Opened at a cue's address (as a search result links), the page seeks there too.
        page.goto(base_url + RECORDING + "#t1-2", wait_until="networkidle")
        page.wait_for_function("() => document.querySelector('details.memoria-transcript').open")
        page.wait_for_function(
            "() => document.querySelector('video.memoria-video').currentTime >= 2", timeout=10_000
        )
        context.close()
    foreign = [url for url in recorder.requests if not url.startswith((base_url, "data:", "blob:"))]
    assert not foreign, f"requests left the test server: {foreign}"
