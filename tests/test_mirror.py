"""`memoria mirror`, `verify`, `linkcheck`, `bag` and the site's player, against real media on 127.0.0.1.

The real yt-dlp mirrors real ffmpeg-made video from a local server (tests/mediaserver.py);
each run is the real `memoria` command in a subprocess, asserted on files, hashes,
manifests, exit codes and server hits.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bagit
import pytest

from conftest import run_build, write_project
from mediaserver import CAPTURE_TIMESTAMP, HOSTILE_TITLE, GeneratedMedia, MediaServer, make_media
from memoria.manifest import Manifest, RecordingStatus, Version, load_manifest, recording_status, validate_id

pytestmark = pytest.mark.slow  # every test here builds or runs a command in a subprocess

MEMORIA = [sys.executable, "-m", "memoria.cli"]

#: recording id → path on the media server (alternates after the first)
RECORDINGS: dict[str, list[str]] = {
    "plain": ["/plain/video.mp4"],
    "page": ["/page/watch.html"],
    "hls": ["/hls/index.m3u8"],
    "hls-missing": ["/hls-missing/index.m3u8"],
    "gone": ["/status/410.mp4"],
    "missing-then-alt": ["/status/404.mp4", "/alt/video.mp4"],
    "forbidden": ["/status/403.mp4"],
    "flaky": ["/flaky/video.mp4"],
    "drop": ["/drop/video.mp4"],
    "norange": ["/norange/video.mp4"],
}
RESCUED = ["plain", "page", "hls", "gone", "missing-then-alt", "flaky", "drop", "norange"]


SITE_CONFIG = """\
site_name: Recordings
site_url: https://archive.example.org/
docs_dir: docs
use_directory_urls: true
theme:
  name: material
  custom_dir: overrides
  font: false
extra_css:
  - assets/stylesheets/memoria.css
plugins:
  - memoria{memoria_options}
  - i18n:
      docs_structure: suffix
      fallback_to_default: true
      reconfigure_material: true
      languages:
        - locale: en
          name: English
          default: true
          build: true
        - locale: es
          name: Español
          build: true
"""


def site_project(
    root: Path, mirrored: dict[str, Any], shown: tuple[str, ...], media_url: str | None = None
) -> Path:
    """A small site of mirrored recordings with its own mkdocs.yml (independent of the demo's nav)."""
    docs = {
        f"recordings/{rid}.en.md": (mirrored["project"] / "docs" / "recordings" / f"{rid}.en.md").read_text()
        for rid in shown
    }
    project = write_project(root, docs)
    options = f":\n      media_url: {media_url}" if media_url else ""
    (project / "mkdocs.yml").write_text(SITE_CONFIG.format(memoria_options=options))
    for rid in shown:
        shutil.copytree(mirrored["project"] / "media" / rid, project / "media" / rid)
    return project


@pytest.fixture(scope="session")
def test_media(tmp_path_factory: pytest.TempPathFactory) -> GeneratedMedia:
    return make_media(tmp_path_factory.mktemp("media-source"))


@pytest.fixture(scope="module")
def server(test_media: GeneratedMedia) -> Iterator[MediaServer]:
    running = MediaServer(test_media).start()
    yield running
    running.stop()


def recording_doc(recording_id: str, urls: list[str], extra: str = "") -> str:
    alternates = "".join(f"\n  - {u}" for u in urls[1:])
    return (
        f'---\nid: {recording_id}\ntitle: "Recording {recording_id}"\nlanguage: es\nrecorded: 2014-08-15\n'
        f"source_url: {urls[0]}\n"
        + (f"alternate_urls:{alternates}\n" if alternates else "")
        + extra
        + "---\n\nA recording.\n"
    )


def make_project(root: Path, server: MediaServer, recordings: dict[str, list[str]]) -> Path:
    docs = {
        f"recordings/{rid}.en.md": recording_doc(rid, [server.url(p) for p in paths])
        for rid, paths in recordings.items()
    }
    return write_project(root, docs)


def memoria(
    project: Path, *args: str, server: MediaServer | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    extra: list[str] = []
    if args and args[0] in ("mirror", "linkcheck"):
        extra = ["--allow-private-addresses"]  # the test servers listen on 127.0.0.1
    if server is not None and args and args[0] == "mirror":
        extra += [
            "--backoff",
            "0.05",
            "--timeout",
            "5",
            "--cdx-endpoint",
            server.url("/cdx"),
            "--wayback-prefix",
            server.url("/web/"),
        ]
    return subprocess.run(
        [*MEMORIA, *args, *extra], cwd=project, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def mirrored(tmp_path_factory: pytest.TempPathFactory, server: MediaServer) -> dict[str, Any]:
    """One mirror run over every kind of source, two at a time."""
    project = make_project(tmp_path_factory.mktemp("mirror") / "project", server, RECORDINGS)
    result = memoria(project, "mirror", "--json", "--jobs", "2", server=server)
    report = json.loads(result.stdout)
    return {"project": project, "result": result, "report": {r["id"]: r for r in report["recordings"]}}


def manifest_of(project: Path, recording_id: str) -> Manifest:
    manifest = load_manifest(project / "media", recording_id)
    assert manifest is not None, f"no manifest for {recording_id}"
    return manifest


def current(project: Path, recording_id: str) -> tuple[Version, Path]:
    """The version the site shows, and its folder."""
    version = manifest_of(project, recording_id).current_version
    assert version is not None, f"{recording_id}: no version held"
    return version, project / "media" / recording_id / version.folder


def custody_of(project: Path, recording_id: str) -> list[dict[str, Any]]:
    path = project / "media" / recording_id / "custody.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_mirror_outcomes_and_exit_status(mirrored: dict[str, Any]) -> None:
    outcomes = {rid: r["outcome"] for rid, r in mirrored["report"].items()}
    assert outcomes == {
        **dict.fromkeys(RESCUED, "rescued"),
        "hls-missing": "incomplete",
        "forbidden": "restricted",
    }, mirrored["result"].stderr
    assert mirrored["result"].returncode == 1  # a failure anywhere is a non-zero exit


def test_plain_mp4_is_byte_identical_and_fully_recorded(
    mirrored: dict[str, Any], test_media: GeneratedMedia
) -> None:
    project = mirrored["project"]
    for rid in ("plain", "drop", "norange", "flaky", "gone", "missing-then-alt"):
        version, folder = current(project, rid)
        assert (version.number, version.folder) == (1, "v1")
        original = folder / version.original
        assert original.read_bytes() == test_media.mp4, rid  # the dropped connection resumed byte-identically
        entry = version.file(version.original)
        assert (
            entry is not None and entry.sha256 == test_media.mp4_sha256 and entry.size == len(test_media.mp4)
        )
        assert version.web_copy == version.original  # H.264/AAC MP4 plays as is: no remux
        assert version.transformations == []
        assert version.duration is not None and 3.9 <= version.duration <= 4.2
        assert version.extractor == "Generic" and version.tools["yt-dlp"]
        assert version.verified and {c.name for c in version.checks} >= {"readable", "demuxes", "sha256"}
        assert oct(original.stat().st_mode & 0o777) == "0o444"  # the master copy: read-only, world-readable
    manifest = manifest_of(project, "plain")
    version, _ = current(project, "plain")
    assert version.final_url and version.final_url.endswith("/plain/video.mp4")
    assert manifest.origin is not None and manifest.origin.status == "alive"
    assert manifest.attempts[0].started_at.endswith("Z")
    assert oct((project / "media" / "plain" / "manifest.json").stat().st_mode & 0o777) == "0o644"
    assert not list((project / "media").glob(".work/plain"))  # work folder cleaned up
    events = custody_of(project, "plain")
    assert [e["event_type"] for e in events] == ["capture", "message digest calculation", "validation"]
    assert events[0]["sha256_after"] == {f.name: f.sha256 for f in version.files}
    assert {a["name"] for a in events[0]["agents"]} == {"Memoria", "yt-dlp"}


def test_drop_was_resumed_with_a_range_request(mirrored: dict[str, Any], server: MediaServer) -> None:
    assert any(path == "/drop/video.mp4" and not rng.startswith("bytes=0-") for path, rng in server.ranges)


def test_transient_503_is_retried_with_attempts_recorded(mirrored: dict[str, Any]) -> None:
    attempts = manifest_of(mirrored["project"], "flaky").attempts
    assert [a.error_class for a in attempts] == ["unreachable", "unreachable", None]
    assert [a.http_status for a in attempts[:2]] == [503, 503]


def test_permanent_failure_moves_to_the_alternate_url(mirrored: dict[str, Any]) -> None:
    manifest = manifest_of(mirrored["project"], "missing-then-alt")
    version, _ = current(mirrored["project"], "missing-then-alt")
    assert version.via == "alternate" and version.final_url and version.final_url.endswith("/alt/video.mp4")
    first = manifest.attempts[0]
    assert (first.error_class, first.http_status, first.kind) == ("gone", 404, "source")
    assert manifest.origin is not None and manifest.origin.status == "gone"
    assert recording_status(manifest) is RecordingStatus.RESCUED


def test_hls_keeps_the_transport_stream_and_logs_the_remux(mirrored: dict[str, Any]) -> None:
    project = mirrored["project"]
    version, folder = current(project, "hls")
    assert version.original == "hls.ts" and version.web_copy == "hls.web.mp4"
    steps = [t.step for t in version.transformations]
    assert steps == ["rename", "remux"]
    remux = version.transformations[1]
    assert remux.source_sha256 == hashlib.sha256((folder / "hls.ts").read_bytes()).hexdigest()
    assert remux.result_sha256 == hashlib.sha256((folder / "hls.web.mp4").read_bytes()).hexdigest()
    assert "-c" in remux.arguments and "copy" in remux.arguments
    assert (folder / "hls.ts").read_bytes()[0] == 0x47  # MPEG-TS sync byte: the original bytes
    checks = {c.name: c for c in version.checks}
    assert checks["duration matches the HLS playlist (sum of its segments)"].passed
    assert checks["web copy duration equals the original's"].passed
    assert version.format["discontinuities"] == 0
    assert "format transformation" in [e["event_type"] for e in custody_of(project, "hls")]


def test_missing_fragment_is_a_failure_not_a_shorter_video(mirrored: dict[str, Any]) -> None:
    project = mirrored["project"]
    manifest = manifest_of(project, "hls-missing")
    assert manifest.versions == [] and manifest.current is None
    assert sorted(p.name for p in (project / "media" / "hls-missing").iterdir()) == [
        "custody.jsonl",
        "manifest.json",
    ]
    source_attempts = [a for a in manifest.attempts if a.kind == "source"]
    assert source_attempts[0].error_class == "rejected"
    # the playlist is alive: a missing piece is not a lost recording
    assert recording_status(manifest) is RecordingStatus.ENDANGERED


def test_blocked_is_told_apart(mirrored: dict[str, Any]) -> None:
    manifest = manifest_of(mirrored["project"], "forbidden")
    assert manifest.attempts[0].error_class == "restricted"
    assert manifest.origin is not None and (manifest.origin.status, manifest.origin.http_status) == (
        "restricted",
        403,
    )
    assert recording_status(manifest) is RecordingStatus.RESTRICTED


def test_page_gives_captions_thumbnail_and_escaped_nothing(
    mirrored: dict[str, Any], test_media: GeneratedMedia
) -> None:
    version, folder = current(mirrored["project"], "page")
    roles = {f.name: (f.role, f.language) for f in version.files}
    assert roles["page.es.vtt"] == ("captions", "es")
    assert roles["page.jpg"] == ("thumbnail", None)
    assert (folder / "page.es.vtt").read_text().startswith("WEBVTT")
    assert version.platform_title and version.platform_title.startswith(
        HOSTILE_TITLE
    )  # data; escaped where shown


def test_wayback_capture_rescues_a_gone_recording(mirrored: dict[str, Any]) -> None:
    manifest = manifest_of(mirrored["project"], "gone")
    version, _ = current(mirrored["project"], "gone")
    assert version.via == "wayback"
    wayback = version.wayback
    assert wayback is not None and wayback.timestamp == CAPTURE_TIMESTAMP and wayback.digest_matches is True
    assert wayback.capture_url.endswith(f"/web/{CAPTURE_TIMESTAMP}id_/{manifest.source_url}")
    assert manifest.origin is not None and (manifest.origin.status, manifest.origin.http_status) == (
        "gone",
        410,
    )


def test_second_run_makes_no_request(mirrored: dict[str, Any], server: MediaServer) -> None:
    project = mirrored["project"]
    before = server.total_hits()
    result = memoria(project, "mirror", *RESCUED, server=server)
    assert result.returncode == 0, result.stdout + result.stderr
    assert server.total_hits() == before
    assert "already there" in result.stdout and f"{len(RESCUED)} already there" in result.stdout


def test_dry_run_fetches_and_writes_nothing(tmp_path: Path, server: MediaServer) -> None:
    project = make_project(tmp_path / "project", server, {"plain": RECORDINGS["plain"]})
    before = server.total_hits()
    result = memoria(project, "mirror", "--dry-run", "--json", server=server)
    assert result.returncode == 0
    assert json.loads(result.stdout)["recordings"][0]["outcome"] == "planned"
    assert server.total_hits() == before and not (project / "media" / "plain").exists()


def test_verify_catches_a_same_size_edit_missing_and_unexpected_files(
    tmp_path: Path, mirrored: dict[str, Any]
) -> None:
    project = tmp_path / "project"
    shutil.copytree(mirrored["project"], project)
    assert memoria(project, "verify").returncode == 0
    video = project / "media" / "plain" / "v1" / "plain.mp4"
    data = bytearray(video.read_bytes())
    data[len(data) // 2] ^= 0xFF
    video.chmod(0o644)
    video.write_bytes(bytes(data))  # same size, different bytes
    (project / "media" / "page" / "v1" / "page.jpg").unlink()
    (project / "media" / "hls" / "v1" / "notes.txt").write_text("?")
    result = memoria(project, "verify")
    assert result.returncode == 1
    assert f"{Path('media/plain/v1/plain.mp4')}: altered: sha256" in result.stdout.replace(
        str(project) + os.sep, ""
    )
    assert "page.jpg: missing" in result.stdout and "notes.txt: unexpected" in result.stdout
    # a copy that does not verify is never skipped silently, nor replaced without --refresh
    again = memoria(project, "mirror", "plain", "--json")
    assert json.loads(again.stdout)["recordings"][0]["outcome"] == "failed" and again.returncode == 1


def test_refresh_failure_keeps_the_old_copy(
    tmp_path: Path, mirrored: dict[str, Any], server: MediaServer
) -> None:
    project = tmp_path / "project"
    shutil.copytree(mirrored["project"], project)
    folder = project / "media" / "plain" / "v1"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    doc = project / "docs" / "recordings" / "plain.en.md"
    doc.write_text(doc.read_text().replace("/plain/video.mp4", "/status/404.mp4"))
    result = memoria(project, "mirror", "plain", "--refresh", "--no-wayback", "--json", server=server)
    assert result.returncode == 1
    report = json.loads(result.stdout)["recordings"][0]
    assert report["outcome"] == "failed" and "held copy is kept" in report["detail"]
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    manifest = manifest_of(project, "plain")
    assert manifest.current == 1 and manifest.origin is not None and manifest.origin.status == "gone"
    assert recording_status(manifest) is RecordingStatus.RESCUED  # gone at origin, held here
    assert custody_of(project, "plain")[-1]["outcome"] == "failure"


def test_refresh_replaces_only_with_a_verified_copy(
    tmp_path: Path, mirrored: dict[str, Any], server: MediaServer
) -> None:
    project = tmp_path / "project"
    shutil.copytree(mirrored["project"], project)
    old = manifest_of(project, "norange")
    result = memoria(project, "mirror", "norange", "--refresh", "--json", server=server)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["recordings"][0]["outcome"] == "unchanged"
    new = manifest_of(project, "norange")
    assert new.versions == old.versions and new.current == 1  # the same bytes are not stored twice
    assert not (project / "media" / "norange" / "v2").exists()
    assert not (project / "media" / ".work" / "norange").exists()
    assert "nothing stored" in custody_of(project, "norange")[-1]["detail"]


def test_resume_after_kill_9(tmp_path: Path, server: MediaServer, test_media: GeneratedMedia) -> None:
    project = make_project(tmp_path / "project", server, {"slow": ["/slow/video.mp4"]})
    command = [*MEMORIA, "mirror", "--json", "--timeout", "5", "--allow-private-addresses"]
    process = subprocess.Popen(command, cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    part: list[Path] = []
    while time.monotonic() < deadline:
        part = [p for p in (project / "media").glob(".work/slow/*/slow.mp4.part") if p.stat().st_size > 8192]
        if part:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert part, "the download never started"
    time.sleep(0.5)  # the download process dies with its parent: the part file stops growing
    assert part[0].stat().st_size == part[0].stat().st_size
    kept = part[0].stat().st_size
    assert 0 < kept < len(test_media.mp4)
    assert not (project / "media" / "slow" / "manifest.json").exists()
    server.slow_chunk_delay = 0.0
    try:
        result = memoria(project, "mirror", "--json", server=server)
    finally:
        server.slow_chunk_delay = 0.05
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "media" / "slow" / "v1" / "slow.mp4").read_bytes() == test_media.mp4
    starts = [int(r.split("=")[1].split("-")[0]) for p, r in server.ranges if p == "/slow/video.mp4"]
    assert any(start >= kept - 1 for start in starts if start > 0), starts  # resumed, not restarted


def test_linkcheck_records_origin_and_status(tmp_path: Path, server: MediaServer) -> None:
    project = make_project(
        tmp_path / "project",
        server,
        {"alive": ["/plain/video.mp4"], "dead": ["/status/410.mp4"], "refused": ["/status/403.mp4"]},
    )
    result = memoria(project, "linkcheck", "--json", "--backoff", "0")
    assert result.returncode == 1  # not every original is alive
    report = {r["id"]: r for r in json.loads(result.stdout)["recordings"]}
    assert {
        rid: (r["origin"]["status"], r["origin"]["http_status"], r["status"]) for rid, r in report.items()
    } == {
        "alive": ("alive", 200, "endangered"),
        # gone at origin, but the Wayback Machine was not asked: not proven lost
        "dead": ("gone", 410, "unreachable"),
        "refused": ("restricted", 403, "restricted"),
    }
    manifest = manifest_of(project, "dead")
    assert (
        manifest.origin is not None and manifest.origin.checked_at.endswith("Z") and manifest.versions == []
    )
    assert custody_of(project, "dead")[-1]["event_type"] == "metadata extraction"


def test_bag_exports_a_valid_bagit_bag(tmp_path: Path, mirrored: dict[str, Any]) -> None:
    project = tmp_path / "project"
    shutil.copytree(mirrored["project"], project)
    result = memoria(project, "bag", "hls", "--output", "out")
    assert result.returncode == 0, result.stderr
    bag = bagit.Bag(str(project / "out" / "hls"))
    assert bag.is_valid()
    version, _ = current(project, "hls")
    for item in version.files:
        assert bag.entries[f"data/v1/{item.name}"]["sha256"] == item.sha256
    assert "data/custody.jsonl" in bag.entries
    assert memoria(project, "bag", "forbidden").returncode == 1  # nothing verified to bag


def test_bad_arguments_and_hostile_ids(tmp_path: Path, server: MediaServer) -> None:
    project = make_project(tmp_path / "project", server, {"plain": RECORDINGS["plain"]})
    for args in (
        ["mirror", "--jobs", "0"],
        ["mirror", "--cdx-endpoint", "file:///etc/passwd"],
        ["bag", "../etc"],
    ):
        result = memoria(project, *args)
        assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, (args, result.stderr)
    unknown = memoria(project, "mirror", "nope")
    assert unknown.returncode == 2 and "unknown recording id 'nope'" in unknown.stderr
    with pytest.raises(ValueError):
        validate_id("../../etc")
    help_text = memoria(project, "mirror", "--help").stdout
    assert "example:" in help_text and "--refresh" in help_text


def test_recording_page_plays_the_archive_copy(tmp_path: Path, mirrored: dict[str, Any]) -> None:
    shown = ("page", "hls", "gone", "hls-missing", "forbidden")
    project = site_project(tmp_path / "site-project", mirrored, shown)
    built = run_build(project)
    assert built.returncode == 0, built.output
    for prefix, media_prefix in (("", "../../media/"), ("es/", "../../../media/")):
        page = built.page(f"{prefix}recordings/page/")
        video = page.xpath("//video[@controls][@preload='metadata']")[0]
        assert video.get("poster") == f"{media_prefix}page/v1/page.jpg"
        assert video.xpath("./source/@src") == [f"{media_prefix}page/v1/page.mp4"]
        track = page.xpath("//track[@kind='captions']")[0]  # libxml2 does not nest <track> in <video>
        assert (track.get("src"), track.get("srclang")) == (f"{media_prefix}page/v1/page.es.vtt", "es")
        version, _ = current(project, "page")
        digest = next(f.sha256 for f in version.files if f.name == "page.mp4")
        assert digest in page.text_content()
        assert page.xpath("//dd[@class='memoria-platform-title']")[0].text_content().startswith(HOSTILE_TITLE)
        assert not page.xpath("//script[contains(., 'alert')]")
    hls = built.page("recordings/hls/")
    assert hls.xpath("//video/source/@src") == ["../../media/hls/v1/hls.web.mp4"]
    downloads = hls.xpath("//div[contains(@class,'memoria-download')]//a/@href")
    assert downloads == ["../../media/hls/v1/hls.web.mp4", "../../media/hls/v1/hls.ts"]
    gone = built.page("recordings/gone/")
    assert f"{CAPTURE_TIMESTAMP}id_" in gone.xpath("//div[contains(@class,'memoria-wayback')]//a/@href")[0]
    incomplete = built.page("es/recordings/hls-missing/")
    assert (
        not incomplete.xpath("//video")
        and "En peligro" in incomplete.xpath("//span[contains(@class,'memoria-badge')]")[0].text_content()
    )
    index = built.page("recordings/")
    counts = {
        b.get("class").split("--")[1]: b.xpath(".//span[@class='memoria-status-count']")[0].text
        for b in index.xpath("//p[@class='memoria-status-counts']/span")
    }
    assert counts == {"online": "2", "rescued": "1", "endangered": "1", "restricted": "1"}
    badges = index.xpath(
        "//li[contains(@class,'memoria-item--recordings')]//span[contains(@class,'memoria-badge')]"
    )
    assert len(badges) == len(shown)
    published = built.site / "media" / "hls" / "v1" / "hls.web.mp4"
    master = project / "media" / "hls" / "v1" / "hls.web.mp4"
    assert published.read_bytes() == master.read_bytes()
    assert published.stat().st_ino != master.stat().st_ino  # a copy: editing the site never edits the master
    assert not (built.site / "media" / "hls" / "custody.jsonl").exists()  # it may name who gave a copy
    assert not (built.site / "es" / "media").exists() and not (built.site / "media" / ".work").exists()
    assert not (built.site / "media" / "hls-missing").exists()


def test_media_url_publishes_nothing_locally(tmp_path: Path, mirrored: dict[str, Any]) -> None:
    project = site_project(tmp_path / "cdn-project", mirrored, ("hls",), "https://media.example.org/archive/")
    built = run_build(project)
    assert built.returncode == 0, built.output
    assert built.page("es/recordings/hls/").xpath("//video/source/@src") == [
        "https://media.example.org/archive/hls/v1/hls.web.mp4"
    ]
    assert not (built.site / "media").exists()
