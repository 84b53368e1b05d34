"""The archive's copies are evidence: the mirror never loses, never falsifies, never hangs.

Every test runs the real `memoria` command (real yt-dlp, real ffmpeg) against servers on
127.0.0.1 that misbehave the ways the world does (tests/mediaserver.py), and checks files byte
for byte, the typed manifest, the custody log, exit codes and wall-clock bounds.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import run_build
from mediaserver import GeneratedMedia, MediaServer, make_media
from memoria.manifest import (
    Manifest,
    ManifestError,
    RecordingStatus,
    json_schema,
    load_manifest,
    recording_status,
)
from test_mirror import MEMORIA, make_project, memoria, recording_doc

FAST = ["--backoff", "0.05", "--no-wayback"]


@pytest.fixture(scope="module")
def test_media(tmp_path_factory: pytest.TempPathFactory) -> GeneratedMedia:
    return make_media(tmp_path_factory.mktemp("custody-media"))


@pytest.fixture(scope="module")
def server(test_media: GeneratedMedia) -> Iterator[MediaServer]:
    running = MediaServer(test_media).start()
    yield running
    running.stop()


def manifest_of(project: Path, rid: str) -> Manifest:
    manifest = load_manifest(project / "media", rid)
    assert manifest is not None
    return manifest


def custody_of(project: Path, rid: str) -> list[dict[str, Any]]:
    lines = (project / "media" / rid / "custody.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` with its bytes (to prove nothing held changed)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def run_json(project: Path, *args: str, timeout: float = 120) -> tuple[int, dict[str, Any]]:
    result = memoria(project, "mirror", "--json", *args, timeout=timeout)
    assert result.stdout, result.stderr
    report = json.loads(result.stdout)
    return result.returncode, {r["id"]: r for r in report["recordings"]}


# --- 1. nothing is ever destroyed; identical bytes are not stored twice -------------------------


@pytest.mark.slow
def test_refresh_with_changed_bytes_keeps_both_versions(tmp_path: Path, server: MediaServer) -> None:
    project = make_project(tmp_path / "project", server, {"talk": ["/changing/video.mp4"]})
    server.changed = False
    code, report = run_json(project, *FAST)
    assert code == 0 and report["talk"]["outcome"] == "rescued"
    v1 = snapshot(project / "media" / "talk" / "v1")
    try:
        server.changed = True
        code, report = run_json(project, "--refresh", *FAST)
    finally:
        server.changed = False
    assert code == 0 and report["talk"]["outcome"] == "changed", report
    assert "CHANGED AT ORIGIN" in report["talk"]["detail"] and report["talk"]["version"] == 2
    assert snapshot(project / "media" / "talk" / "v1") == v1  # the earlier bytes, byte for byte
    manifest = manifest_of(project, "talk")
    assert [v.number for v in manifest.versions] == [1, 2] and manifest.current == 2
    assert manifest.changed_at_origin is not None
    assert recording_status(manifest) is RecordingStatus.CHANGED
    first, second = manifest.versions
    assert first.file(first.original).sha256 != second.file(second.original).sha256  # type: ignore[union-attr]
    capture = [e for e in custody_of(project, "talk") if e["event_type"] == "capture"][-1]
    assert capture["version"] == 2
    assert capture["sha256_before"] == {f.name: f.sha256 for f in first.files}
    assert capture["sha256_after"] == {f.name: f.sha256 for f in second.files}
    # a third refresh with the same bytes as version 2 stores nothing
    try:
        server.changed = True
        code, report = run_json(project, "--refresh", *FAST)
    finally:
        server.changed = False
    assert report["talk"]["outcome"] == "unchanged" and not (project / "media" / "talk" / "v3").exists()
    # status and the site say it too
    status = subprocess.run([*MEMORIA, "status", "--json"], cwd=project, capture_output=True, text=True)
    assert json.loads(status.stdout)["recordings"]["by_status"]["changed"] == 1
    built = run_build(project)
    assert built.returncode == 0, built.output
    for page_path, label in (
        ("recordings/talk/", "Changed at origin"),
        ("es/recordings/talk/", "Cambiada en el origen"),
    ):
        page = built.page(page_path)
        assert label in page.xpath("//span[contains(@class,'memoria-badge')]")[0].text_content()
        earlier = page.xpath("//details[@class='memoria-versions']//li")
        assert len(earlier) == 1 and first.file(first.original).sha256 in earlier[0].text_content()  # type: ignore[union-attr]
        assert page.xpath("//video/source/@src")[0].endswith("talk/v2/talk.mp4")
    assert memoria(project, "verify").returncode == 0


# --- 2. the custody log ---------------------------------------------------------------------------


@pytest.mark.slow
def test_custody_log_fetch_refresh_verify_import(
    tmp_path: Path, server: MediaServer, test_media: GeneratedMedia
) -> None:
    project = make_project(tmp_path / "project", server, {"talk": ["/changing/video.mp4"]})
    assert run_json(project, *FAST)[0] == 0
    try:
        server.changed = True
        assert run_json(project, "--refresh", *FAST)[1]["talk"]["outcome"] == "changed"
    finally:
        server.changed = False
    verified = memoria(project, "verify")
    assert verified.returncode == 0 and "0 problems" in verified.stdout
    clip = tmp_path / "usb" / "mesa.mp4"
    clip.parent.mkdir()
    clip.write_bytes(test_media.mp4)
    imported = subprocess.run(
        [*MEMORIA, "import", "talk", str(clip), "--source", "Ana R., organiser, USB stick"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    # the same bytes as version 1: nothing stored again, but the ingestion is on record
    assert imported.returncode == 0 and "unchanged" in imported.stdout and "version 1" in imported.stdout, (
        imported.stdout + imported.stderr
    )
    events = custody_of(project, "talk")
    kinds = [(e["event_type"], e["outcome"]) for e in events]
    assert kinds[:3] == [
        ("capture", "success"),
        ("message digest calculation", "success"),
        ("validation", "success"),
    ]
    assert ("fixity check", "success") in kinds and ("ingestion", "success") in kinds
    ingestion = next(e for e in events if e["event_type"] == "ingestion")
    assert {"name": "Ana R., organiser, USB stick", "role": "donor", "version": None} in ingestion["agents"]
    assert all(e["time"].endswith("Z") and e["recording"] == "talk" for e in events)
    # the log agrees with the manifest; a forged line is caught
    log = project / "media" / "talk" / "custody.jsonl"
    lines = log.read_text(encoding="utf-8").splitlines()
    forged = json.loads(lines[0])
    forged["sha256_after"] = {name: "0" * 64 for name in forged["sha256_after"]}
    log.write_text("\n".join([json.dumps(forged), *lines[1:]]) + "\n", encoding="utf-8")
    result = memoria(project, "verify")
    assert result.returncode == 1 and "custody" in result.stdout and "version 1" in result.stdout
    log.write_text("\n".join([*lines, "{not json"]) + "\n", encoding="utf-8")
    result = memoria(project, "verify")
    assert result.returncode == 1 and f"custody.jsonl:{len(lines) + 1}" in result.stdout


@pytest.mark.slow
def test_import_brings_a_lost_recording_back(
    tmp_path: Path, server: MediaServer, test_media: GeneratedMedia
) -> None:
    project = make_project(tmp_path / "project", server, {"hearing": ["/status/410.mp4"]})
    code, report = run_json(
        project,
        "--backoff",
        "0.05",
        "--cdx-endpoint",
        server.url("/cdx-empty"),
        "--wayback-prefix",
        server.url("/web/"),
    )
    assert code == 1 and report["hearing"]["outcome"] == "lost"
    assert recording_status(manifest_of(project, "hearing")) is RecordingStatus.LOST
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(test_media.mp4)
    vtt = tmp_path / "clip.es.vtt"
    vtt.write_text(test_media.vtt, encoding="utf-8")
    result = subprocess.run(
        [*MEMORIA, "import", "hearing", str(clip), "--captions", f"es={vtt}", "--source", "a participant"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "imported as version 1" in result.stdout
    manifest = manifest_of(project, "hearing")
    version = manifest.current_version
    assert version is not None and version.via == "import" and version.imported_from == "clip.mp4"
    assert {(f.role, f.language) for f in version.files} >= {("original", None), ("captions", "es")}
    assert recording_status(manifest) is RecordingStatus.RESCUED
    assert clip.read_bytes() == test_media.mp4  # the donor's file is left as it was
    assert memoria(project, "verify").returncode == 0
    bad = tmp_path / "notes.txt"
    bad.write_text("not a video")
    refused = subprocess.run(
        [*MEMORIA, "import", "hearing", str(bad)], cwd=project, capture_output=True, text=True
    )
    assert refused.returncode == 1 and "not a media file" in refused.stdout
    assert manifest_of(project, "hearing").versions == manifest.versions


# --- 3. one writer per recording ------------------------------------------------------------------


@pytest.mark.slow
def test_two_runs_on_one_id_one_reports_busy(
    tmp_path: Path, server: MediaServer, test_media: GeneratedMedia
) -> None:
    project = make_project(tmp_path / "project", server, {"slow": ["/slow/video.mp4"]})
    command = [*MEMORIA, "mirror", "--json", "--allow-private-addresses", *FAST]
    # The first run's download lasts ~10 s, not ~2: the second run's start-up (imports) on a
    # loaded machine took longer than that, and it then found the first run done, not busy.
    server.slow_chunk_delay = 0.3
    try:
        first = subprocess.Popen(
            command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not list(
            (project / "media").glob(".work/slow/*/slow.mp4.part")
        ):
            time.sleep(0.05)
        second = subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=60)
        out, _ = first.communicate(timeout=120)
    finally:
        server.slow_chunk_delay = 0.05
    busy = json.loads(second.stdout)["recordings"][0]
    assert (
        second.returncode == 1 and busy["outcome"] == "busy" and "another memoria process" in busy["detail"]
    )
    assert json.loads(out)["recordings"][0]["outcome"] == "rescued"
    manifest = manifest_of(project, "slow")
    assert manifest.current == 1 and manifest.current_version.file("slow.mp4").sha256 == test_media.mp4_sha256  # type: ignore[union-attr]
    verified = memoria(project, "verify")
    assert verified.returncode == 0 and "1 versions" in verified.stdout and "0 files" not in verified.stdout


@pytest.mark.slow
def test_the_same_id_twice_is_one_job(tmp_path: Path, server: MediaServer) -> None:
    project = make_project(tmp_path / "project", server, {"plain": ["/plain/video.mp4"]})
    code, report = run_json(project, "plain", "plain", "--jobs", "2", *FAST)
    assert code == 0 and list(report) == ["plain"] and report["plain"]["outcome"] == "rescued"


# --- 4. bounded in time, size and disk ------------------------------------------------------------


@pytest.mark.slow
def test_a_stalling_server_fails_in_bounded_time(tmp_path: Path, server: MediaServer) -> None:
    project = make_project(
        tmp_path / "project", server, {"stall": ["/stall/video.mp4"], "plain": ["/plain/video.mp4"]}
    )
    started = time.monotonic()
    code, report = run_json(project, "--stall-timeout", "3", "--attempts", "2", *FAST)
    elapsed = time.monotonic() - started
    assert (
        code == 1 and report["stall"]["outcome"] == "unreachable" and "stalled" in report["stall"]["detail"]
    )
    assert report["plain"]["outcome"] == "rescued"
    assert elapsed < 3 * 2 + 0.05 + 20, elapsed  # two stalls of 3 s, the backoff, process start-ups
    manifest = manifest_of(project, "stall")
    assert manifest.versions == [] and recording_status(manifest) is RecordingStatus.UNREACHABLE


@pytest.mark.slow
def test_a_dripping_server_is_a_stall_not_a_download(tmp_path: Path, server: MediaServer) -> None:
    project = make_project(tmp_path / "project", server, {"drip": ["/drip/video.mp4"]})
    started = time.monotonic()
    code, report = run_json(project, "--stall-timeout", "2", "--attempts", "1", *FAST)
    assert code == 1 and report["drip"]["outcome"] == "unreachable" and time.monotonic() - started < 15


@pytest.mark.slow
def test_the_deadline_ends_a_recording(tmp_path: Path, server: MediaServer) -> None:
    project = make_project(tmp_path / "project", server, {"slow": ["/slow/video.mp4"]})
    server.slow_chunk_delay = 0.5
    try:
        code, report = run_json(project, "--deadline", "3", *FAST)
    finally:
        server.slow_chunk_delay = 0.05
    assert code == 1 and report["slow"]["outcome"] == "unreachable" and "deadline" in report["slow"]["detail"]


@pytest.mark.slow
def test_an_endless_response_stops_at_the_size_cap(tmp_path: Path, server: MediaServer) -> None:
    project = make_project(tmp_path / "project", server, {"endless": ["/endless/video.mp4"]})
    code, report = run_json(project, "--max-size", "2MB", *FAST)
    assert (
        code == 1
        and report["endless"]["outcome"] == "incomplete"
        and "size cap" in report["endless"]["detail"]
    )
    leftovers = [p for p in (project / "media").rglob("*") if p.is_file() and p.suffix in (".part", ".mp4")]
    assert leftovers == []  # nothing to resume: the partial file is gone


@pytest.mark.slow
def test_not_enough_disk_is_disk_full_before_downloading(tmp_path: Path, server: MediaServer) -> None:
    project = make_project(tmp_path / "project", server, {"plain": ["/plain/video.mp4"]})
    code, report = run_json(project, "--min-free", "100000TB", *FAST)
    assert code == 1 and report["plain"]["outcome"] == "disk_full" and "free" in report["plain"]["detail"]
    assert not [p for p in (project / "media").rglob("*.part")]
    assert recording_status(manifest_of(project, "plain")) is not RecordingStatus.LOST


@pytest.mark.slow
def test_a_full_disk_mid_download_leaves_no_partial_file(tmp_path: Path, server: MediaServer) -> None:
    project = make_project(tmp_path / "project", server, {"endless": ["/endless/video.mp4"]})
    disk = tmp_path / "small-disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(disk)], check=True)
    try:
        result = memoria(project, "mirror", "--json", "--media-dir", str(disk), "--min-free", "0", *FAST)
        report = json.loads(result.stdout)["recordings"][0]
        assert result.returncode == 1 and report["outcome"] == "disk_full", report
        used = shutil.disk_usage(disk).used
        assert used < 200_000, used  # the partial download was removed: the disk is usable again
    finally:
        subprocess.run(["umount", str(disk)], check=False)


# --- 5. complete or failed ------------------------------------------------------------------------


@pytest.mark.slow
def test_a_playlist_that_changes_during_the_download_is_not_kept(tmp_path: Path, server: MediaServer) -> None:
    project = make_project(tmp_path / "project", server, {"stream": ["/hls-changing/index.m3u8"]})
    code, report = run_json(project, "--attempts", "1", *FAST)
    assert code == 1 and report["stream"]["outcome"] == "incomplete", report
    assert "playlist changed" in report["stream"]["detail"] or "duration" in report["stream"]["detail"]
    manifest = manifest_of(project, "stream")
    assert manifest.versions == [] and recording_status(manifest) is RecordingStatus.ENDANGERED
    built = run_build(project)
    assert built.returncode == 0, built.output
    assert not built.page("recordings/stream/").xpath("//video")
    assert b"<enclosure" not in (built.site / "feeds" / "recordings.rss.xml").read_bytes()


# --- 6. honest outcomes ---------------------------------------------------------------------------


@pytest.mark.slow
def test_outcomes_say_what_happened(tmp_path: Path, server: MediaServer) -> None:
    dead_dns = "http://archive-recordings.invalid/video.mp4"
    project = make_project(
        tmp_path / "project",
        server,
        {
            "wall": ["/login/watch.html"],
            "loop": ["/loop/a"],
            "gone": ["/status/410.mp4"],
            "busy500": ["/status/503.mp4"],
        },
    )
    doc = project / "docs" / "recordings" / "offline.en.md"
    doc.write_text(recording_doc("offline", [dead_dns]), encoding="utf-8")
    code, report = run_json(
        project,
        "--attempts",
        "1",
        "--backoff",
        "0.05",
        "--cdx-endpoint",
        server.url("/cdx"),
        "--wayback-prefix",
        server.url("/web/"),
    )
    outcomes = {rid: r["outcome"] for rid, r in report.items()}
    assert outcomes == {
        "wall": "restricted",
        "loop": "unreachable",
        "gone": "rescued",  # gone at origin, rescued from the Wayback Machine
        "busy500": "unreachable",
        "offline": "unreachable",
    }, report
    assert code == 1
    states = {rid: recording_status(manifest_of(project, rid)) for rid in outcomes}
    assert states == {
        "wall": RecordingStatus.RESTRICTED,
        "loop": RecordingStatus.UNREACHABLE,
        "gone": RecordingStatus.RESCUED,
        "busy500": RecordingStatus.UNREACHABLE,
        "offline": RecordingStatus.UNREACHABLE,  # an offline laptop is not evidence that anything is lost
    }


# --- 7. one bad entry never blocks the others -----------------------------------------------------


@pytest.mark.slow
def test_one_bad_entry_does_not_block_the_others(tmp_path: Path, server: MediaServer) -> None:
    project = make_project(tmp_path / "project", server, {"plain": ["/plain/video.mp4"]})
    (project / "docs" / "recordings" / "broken.en.md").write_text(
        recording_doc("broken", ["not a url"]), encoding="utf-8"
    )
    dry = memoria(project, "mirror", "--dry-run", "--json", "plain")
    assert dry.returncode == 0 and json.loads(dry.stdout)["recordings"][0]["outcome"] == "planned"
    code, report = run_json(project, *FAST)
    assert code == 1 and report["plain"]["outcome"] == "rescued"
    assert report["broken"]["outcome"] == "failed" and "broken.en.md" in report["broken"]["detail"]


# --- 8. safe network ------------------------------------------------------------------------------


@pytest.mark.slow
def test_private_and_link_local_addresses_are_refused(tmp_path: Path, server: MediaServer) -> None:
    project = make_project(
        tmp_path / "project",
        server,
        {"plain": ["/plain/video.mp4"], "metadata": ["/to-link-local/video.mp4"]},
    )
    # no flag: 127.0.0.1 itself is refused before any request reaches it
    before = server.total_hits()
    result = subprocess.run(
        [*MEMORIA, "mirror", "--json", *FAST], cwd=project, capture_output=True, text=True, timeout=120
    )
    report = {r["id"]: r for r in json.loads(result.stdout)["recordings"]}
    assert result.returncode == 1 and "address refused" in report["plain"]["detail"]
    assert server.total_hits() == before
    assert recording_status(manifest_of(project, "plain")) is RecordingStatus.UNKNOWN  # nothing was asked
    # only the test server's address allowed: its redirect to the cloud metadata address is refused
    allowed = subprocess.run(
        [*MEMORIA, "mirror", "--json", "--allow-address", "127.0.0.1/32", "--attempts", "1", *FAST],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = {r["id"]: r for r in json.loads(allowed.stdout)["recordings"]}
    assert report["plain"]["outcome"] == "rescued"
    assert report["metadata"]["outcome"] == "failed" and "169.254.169.254" in report["metadata"]["detail"]


@pytest.mark.slow
def test_platform_subtitle_languages_never_name_files(tmp_path: Path, server: MediaServer) -> None:
    project = make_project(tmp_path / "project", server, {"subs": ["/hostile-subs/watch.html"]})
    code, report = run_json(project, *FAST)
    assert code == 0, report
    files = sorted(
        str(p.relative_to(project / "media")) for p in (project / "media").rglob("*") if p.is_file()
    )
    assert not [f for f in files if "evil" in f] and not (tmp_path / "evil").exists()
    version = manifest_of(project, "subs").current_version
    assert version is not None and [f.language for f in version.files if f.role == "captions"] == ["es"]
    assert memoria(project, "verify").returncode == 0


# --- 10. the typed manifest -----------------------------------------------------------------------


@pytest.mark.slow
def test_a_hand_edited_manifest_is_a_clear_error(tmp_path: Path, server: MediaServer) -> None:
    project = make_project(tmp_path / "project", server, {"gone": ["/status/410.mp4"]})
    run_json(
        project,
        "--backoff",
        "0.05",
        "--cdx-endpoint",
        server.url("/cdx"),
        "--wayback-prefix",
        server.url("/web/"),
    )
    path = project / "media" / "gone" / "manifest.json"
    raw = json.loads(path.read_text())
    raw["versions"][0]["wayback"]["capture_url"] = "javascript:alert(1)"
    path.write_text(json.dumps(raw))
    with pytest.raises(ManifestError, match=r"versions\.0\.wayback\.capture_url.*http"):
        load_manifest(project / "media", "gone")
    raw["versions"][0]["wayback"]["capture_url"] = "https://web.archive.org/x"
    raw["origin"]["status"] = "vanished"
    path.write_text(json.dumps(raw))
    built = run_build(project)
    assert built.returncode != 0 and "origin.status" in built.output and "Traceback" not in built.output
    raw["memoria_manifest"] = 9
    path.write_text(json.dumps(raw))
    verify = memoria(project, "verify")
    assert verify.returncode == 1 and "schema version 9" in verify.stdout


def test_the_published_json_schema_is_the_model() -> None:
    published = Path(__file__).resolve().parent.parent / "docs" / "schema" / "manifest.schema.json"
    assert json.loads(published.read_text(encoding="utf-8")) == json_schema(), (
        "docs/schema/manifest.schema.json is stale: run 'python scripts/manifest_schema.py'"
    )


# --- kill -9 at random points ---------------------------------------------------------------------


@pytest.mark.slow
def test_kill_9_at_random_points_of_a_refresh_loses_nothing(tmp_path: Path, server: MediaServer) -> None:
    project = make_project(tmp_path / "project", server, {"talk": ["/changing/video.mp4"]})
    assert run_json(project, *FAST)[0] == 0
    held = snapshot(project / "media" / "talk" / "v1")
    rng = random.Random(11)
    command = [*MEMORIA, "mirror", "--refresh", "--json", "--allow-private-addresses", *FAST]
    server.changed = True
    try:
        for delay in sorted(rng.uniform(0.3, 3.0) for _ in range(6)):
            process = subprocess.Popen(
                command, cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            time.sleep(delay)
            process.send_signal(signal.SIGKILL)
            process.wait()
            assert snapshot(project / "media" / "talk" / "v1") == held  # the held copy, byte for byte
            manifest = manifest_of(project, "talk")  # always readable: old or new, never half
            assert manifest.version(1) is not None
            for line in (project / "media" / "talk" / "custody.jsonl").read_text().splitlines():
                json.loads(line)  # whole lines only
        code, report = run_json(project, "--refresh", *FAST)
    finally:
        server.changed = False
    assert code == 0 and report["talk"]["outcome"] in ("changed", "unchanged")
    manifest = manifest_of(project, "talk")
    assert [v.number for v in manifest.versions] == [1, 2] and manifest.current == 2
    verify = memoria(project, "verify")
    assert verify.returncode == 0, verify.stdout
    assert snapshot(project / "media" / "talk" / "v1") == held


@pytest.mark.slow
def test_a_version_kept_before_a_kill_is_adopted_on_the_next_run(tmp_path: Path, server: MediaServer) -> None:
    """A kill between keeping a version folder and writing the manifest: the next run records it."""
    project = make_project(tmp_path / "project", server, {"talk": ["/changing/video.mp4"]})
    assert run_json(project, *FAST)[0] == 0
    manifest_path = project / "media" / "talk" / "manifest.json"
    before = manifest_path.read_bytes()
    server.changed = True
    try:
        assert run_json(project, "--refresh", *FAST)[1]["talk"]["outcome"] == "changed"
    finally:
        server.changed = False
    after = manifest_path.read_bytes()
    manifest_path.write_bytes(before)  # as if the kill came right before the manifest's rename
    os.chmod(manifest_path, 0o644)
    result = memoria(project, "mirror", "--json")  # the adoption happens before any request
    assert json.loads(result.stdout)["recordings"][0]["outcome"] == "present"
    adopted = manifest_of(project, "talk")
    assert [v.number for v in adopted.versions] == [1, 2] and adopted.current == 2
    assert (
        json.loads(after)["versions"][1]["files"]
        == json.loads(manifest_path.read_bytes())["versions"][1]["files"]
    )
    assert memoria(project, "verify").returncode == 0


# --- imports follow need ----------------------------------------------------------------------------


@pytest.mark.slow
def test_only_the_network_commands_load_yt_dlp(tmp_path: Path) -> None:
    """check, status, new, build, verify and import read manifests and content only: no yt-dlp."""
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['memoria', *sys.argv[1:]]\n"
        "try:\n    runpy.run_module('memoria.cli', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print('YTDLP' if 'yt_dlp' in sys.modules else 'NO-YTDLP')\n"
    )
    for command in (
        ["check"],
        ["status"],
        ["new", "--help"],
        ["build", "--help"],
        ["verify"],
        ["import", "--help"],
    ):
        result = subprocess.run(
            [MEMORIA[0], "-c", probe, *command], cwd=tmp_path, capture_output=True, text=True, timeout=60
        )
        assert result.stdout.strip().splitlines()[-1] == "NO-YTDLP", (command, result.stdout, result.stderr)
    plugin = subprocess.run(
        [MEMORIA[0], "-c", "import sys, memoria.engine.plugin; print('yt_dlp' in sys.modules)"],
        capture_output=True,
        text=True,
    )
    assert plugin.stdout.strip() == "False", plugin.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    "point", ["version-kept", "custody-partial", "custody-written", "manifest.json-temp-written"]
)
def test_kill_9_during_the_writes_of_a_refresh(point: str, tmp_path: Path, server: MediaServer) -> None:
    """The process dies (SIGKILL) at each step of keeping a new version; the next run completes it."""
    project = make_project(tmp_path / "project", server, {"talk": ["/changing/video.mp4"]})
    assert run_json(project, *FAST)[0] == 0
    held = snapshot(project / "media" / "talk" / "v1")
    manifest_before = (project / "media" / "talk" / "manifest.json").read_bytes()
    server.changed = True
    try:
        killed = subprocess.run(
            [*MEMORIA, "mirror", "--refresh", "--json", "--allow-private-addresses", *FAST],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "MEMORIA_CRASH_AT": point},
        )
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        assert snapshot(project / "media" / "talk" / "v1") == held
        assert (project / "media" / "talk" / "manifest.json").read_bytes() == manifest_before  # old, whole
        for line in (project / "media" / "talk" / "custody.jsonl").read_text().splitlines():
            json.loads(line)
        # the next run (no request needed: the new version is complete on disk) records it
        code, report = run_json(project, *FAST)
    finally:
        server.changed = False
    assert code == 0 and report["talk"]["outcome"] == "present", report
    manifest = manifest_of(project, "talk")
    assert [v.number for v in manifest.versions] == [1, 2] and manifest.current == 2
    assert recording_status(manifest) is RecordingStatus.CHANGED
    assert not list((project / "media" / "talk").glob(".manifest.json-*.tmp"))
    verify = memoria(project, "verify")
    assert verify.returncode == 0, verify.stdout
    assert snapshot(project / "media" / "talk" / "v1") == held


def test_every_status_is_worded_in_both_languages() -> None:
    from memoria.i18n import LANGUAGES, t

    for status in RecordingStatus:
        for key in (f"status.{status.value}", f"feeds.status.{status.value}"):
            for lang in LANGUAGES:
                assert t(key, lang) and t(key, lang) != key, (key, lang)


@pytest.mark.slow
def test_import_speaks_the_staffs_language(tmp_path: Path, server: MediaServer) -> None:
    project = make_project(tmp_path / "project", server, {"talk": ["/plain/video.mp4"]})
    spanish = {**os.environ, "LANG": "es_MX.UTF-8", "LC_ALL": "", "MEMORIA_LANG": ""}
    missing = subprocess.run(
        [*MEMORIA, "import", "talk", "falta.mp4"], cwd=project, capture_output=True, text=True, env=spanish
    )
    assert (
        missing.returncode == 2
        and missing.stderr.strip() == "memoria import: falta.mp4: no existe ese archivo"
    )
    notes = tmp_path / "notas.txt"
    notes.write_text("no soy un video")
    refused = subprocess.run(
        [*MEMORIA, "import", "talk", str(notes)], cwd=project, capture_output=True, text=True, env=spanish
    )
    assert refused.returncode == 1 and refused.stdout.startswith("talk: incompleta: ")


@pytest.mark.slow
def test_a_server_that_lies_about_the_size_never_becomes_a_version(
    tmp_path: Path, server: MediaServer
) -> None:
    """Half an MP4, announced as the whole (ffmpeg exits 0 on it, saying 'partial file'): incomplete."""
    project = make_project(tmp_path / "project", server, {"talk": ["/plain/video.mp4"]})
    assert run_json(project, *FAST)[1]["talk"]["outcome"] == "rescued"
    held = snapshot(project / "media" / "talk" / "v1")
    doc = project / "docs" / "recordings" / "talk.en.md"
    doc.write_text(doc.read_text().replace("/plain/video.mp4", "/half/video.mp4"))
    code, report = run_json(project, "--refresh", "--attempts", "1", *FAST)
    assert code == 1 and report["talk"]["outcome"] == "incomplete", report
    assert "does not read to its end" in report["talk"]["detail"]
    assert (
        snapshot(project / "media" / "talk" / "v1") == held
        and not (project / "media" / "talk" / "v2").exists()
    )
    assert manifest_of(project, "talk").current == 1
