"""The mirror's stages in this process, on real files in tmp folders (memoria.mirror.pipeline).

Staging (probe, demux, durations, hashes), keep (new version or nothing new, hard-linked
duplicates, read-only masters), recovery of an interrupted run, the fixity check that skips a
held copy, and the outcome words; all without network: the held copy is made by the import
stage from a real ffmpeg clip. test_mirror.py runs the whole `memoria mirror` against a server.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from base import held_recording, make_clip, mirror_settings
from memoria import custody
from memoria.manifest import (
    VERSION_RECORD_NAME,
    Version,
    load_manifest,
    recording_status,
    sha256_of,
    write_manifest,
)
from memoria.mirror.failures import FailureClass, FetchError
from memoria.mirror.pipeline import (
    MirrorOutcome,
    _failure_outcome,
    dry_run,
    import_recording,
    mirror_recording,
)
from memoria.mirror.plan import Target
from memoria.mirror.verify import verify_recording

#: never requested: a held, verified copy is skipped before any fetch (a request would fail the test)
NOWHERE = "http://127.0.0.1:9/never-asked.mp4"


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("clips")
    captions = folder / "talk.es.vtt"
    captions.write_text("WEBVTT\n\n00:00.000 --> 00:00.900\nHola.\n", encoding="utf-8")
    return {
        "a": make_clip(folder / "a.mp4", frequency=440),
        "b": make_clip(folder / "b.mp4", frequency=660),
        "captions": captions,
    }


def target(recording_id: str = "talk", announced: int | None = None, url: str = NOWHERE) -> Target:
    return Target(recording_id, "Talk", url, (), announced, f"docs/recordings/{recording_id}.en.md")


def events_of(media: Path, recording_id: str = "talk") -> list[tuple[str, str, int | None]]:
    events, problems = custody.read_log(media, recording_id)
    assert problems == []
    return [(e.event_type, e.outcome, e.version) for e in events]


def test_import_stages_and_keeps_a_verified_read_only_version(tmp_path: Path, clips: dict[str, Path]) -> None:
    media = tmp_path / "media"
    result = held_recording(media, "talk", clips["a"], NOWHERE, captions=[("es", clips["captions"])])
    assert (result.outcome, result.version, result.files) == (MirrorOutcome.IMPORTED, 1, 2)
    manifest = load_manifest(media, "talk")
    assert manifest is not None and manifest.current == 1
    version = manifest.current_version
    assert version is not None
    assert (version.folder, version.via, version.imported_from) == ("v1", "import", "a.mp4")
    assert {(f.name, f.role, f.language) for f in version.files} == {
        ("talk.mp4", "original", None),
        ("talk.es.vtt", "captions", "es"),
    }
    assert version.web_copy == "talk.mp4"  # H.264/AAC in MP4 plays in browsers as it is
    assert version.duration is not None and 0.8 <= version.duration <= 1.2
    assert {c.name for c in version.checks} >= {"readable", "demuxes", "sha256"}
    assert all(c.passed for c in version.checks)
    folder = media / "talk" / "v1"
    assert version.file("talk.mp4").sha256 == sha256_of(clips["a"]) == sha256_of(folder / "talk.mp4")  # type: ignore[union-attr]
    assert stat.S_IMODE((folder / "talk.mp4").stat().st_mode) == 0o444  # the master copy is never written
    assert Version.model_validate_json((folder / VERSION_RECORD_NAME).read_text(encoding="utf-8")) == version
    assert not (media / ".work" / "talk").exists()  # the stage is gone
    assert events_of(media) == [
        ("ingestion", "success", 1),
        ("message digest calculation", "success", 1),
        ("validation", "success", 1),
    ]
    assert verify_recording(media, manifest) == ([], 2)
    assert recording_status(manifest).value == "rescued"  # held, the original never checked


def test_the_same_bytes_again_store_nothing_and_other_bytes_make_a_second_version(
    tmp_path: Path, clips: dict[str, Path]
) -> None:
    media = tmp_path / "media"
    held_recording(media, "talk", clips["a"], NOWHERE, captions=[("es", clips["captions"])])
    again = held_recording(media, "talk", clips["a"], NOWHERE, captions=[("es", clips["captions"])])
    assert (again.outcome, again.version) == (MirrorOutcome.UNCHANGED, 1)
    assert "the same bytes as version 1" in again.detail
    assert sorted(p.name for p in (media / "talk").iterdir() if p.is_dir()) == ["v1"]

    other = held_recording(media, "talk", clips["b"], NOWHERE, captions=[("es", clips["captions"])])
    assert (other.outcome, other.version) == (MirrorOutcome.IMPORTED, 2)
    manifest = load_manifest(media, "talk")
    assert manifest is not None and [v.number for v in manifest.versions] == [1, 2] and manifest.current == 2
    assert manifest.changed_at_origin is None  # an import is not a change at the origin
    # the captions are the same bytes in both versions: stored once, as a hard link
    first, second = media / "talk" / "v1" / "talk.es.vtt", media / "talk" / "v2" / "talk.es.vtt"
    assert first.stat().st_ino == second.stat().st_ino
    assert (media / "talk" / "v1" / "talk.mp4").stat().st_ino != (
        media / "talk" / "v2" / "talk.mp4"
    ).stat().st_ino
    assert verify_recording(media, manifest) == ([], 4)


def test_bytes_that_are_not_a_recording_are_rejected_and_nothing_is_kept(tmp_path: Path) -> None:
    media = tmp_path / "media"
    fake = tmp_path / "fake.mp4"
    fake.write_bytes(b"not a video at all" * 100)
    result = import_recording(target(), mirror_settings(media), fake, None, [])
    assert result.outcome is MirrorOutcome.INCOMPLETE
    assert load_manifest(media, "talk") is None
    assert not (media / "talk" / "v1").exists() and not (media / ".work" / "talk").exists()
    assert events_of(media) == [("ingestion", "failure", None)]


def test_a_duration_other_than_the_announced_one_is_an_incomplete_copy(
    tmp_path: Path, clips: dict[str, Path]
) -> None:
    media = tmp_path / "media"
    result = import_recording(target(announced=60), mirror_settings(media), clips["a"], None, [])
    assert result.outcome is MirrorOutcome.INCOMPLETE
    assert "announces 60.0s" in result.detail and "incomplete" in result.detail
    assert load_manifest(media, "talk") is None


def test_a_held_verified_copy_is_skipped_without_a_request(tmp_path: Path, clips: dict[str, Path]) -> None:
    media = tmp_path / "media"
    held_recording(media, "talk", clips["a"], NOWHERE)
    result = mirror_recording(target(), mirror_settings(media))
    assert (result.outcome, result.detail, result.version) == (MirrorOutcome.PRESENT, "verified (sha256)", 1)
    assert events_of(media)[-1] == ("fixity check", "success", 1)


def test_a_held_copy_that_fails_its_fixity_check_is_reported_and_never_replaced(
    tmp_path: Path, clips: dict[str, Path]
) -> None:
    media = tmp_path / "media"
    held_recording(media, "talk", clips["a"], NOWHERE)
    master = media / "talk" / "v1" / "talk.mp4"
    os.chmod(master, 0o644)
    with master.open("r+b") as handle:  # one flipped byte
        handle.seek(100)
        byte = handle.read(1)
        handle.seek(100)
        handle.write(bytes([byte[0] ^ 0xFF]))
    result = mirror_recording(target(), mirror_settings(media))
    assert result.outcome is MirrorOutcome.FAILED
    assert "does not match its manifest" in result.detail and "talk.mp4" in result.detail
    assert events_of(media)[-1] == ("fixity check", "failure", 1)
    assert sorted(p.name for p in (media / "talk").iterdir() if p.is_dir()) == ["v1"]


def test_a_version_kept_before_a_kill_is_adopted_and_debris_is_dropped(
    tmp_path: Path, clips: dict[str, Path]
) -> None:
    media = tmp_path / "media"
    held_recording(media, "talk", clips["a"], NOWHERE)
    manifest = load_manifest(media, "talk")
    assert manifest is not None
    # a kill after the version folder was renamed into place, before the manifest named it
    write_manifest(media / "talk", manifest.model_copy(update={"versions": [], "current": None}))
    (media / "talk" / ".manifest.json-1234.tmp").write_text("{", encoding="utf-8")  # a cut-short write
    bogus = media / "talk" / "v7"  # a folder with no valid record was never held
    bogus.mkdir()
    (bogus / "talk.mp4").write_bytes(b"partial")
    result = mirror_recording(target(), mirror_settings(media))
    assert (result.outcome, result.version) == (MirrorOutcome.PRESENT, 1)
    recovered = load_manifest(media, "talk")
    assert recovered is not None and [v.number for v in recovered.versions] == [1] and recovered.current == 1
    assert not bogus.exists()
    assert not list((media / "talk").glob(".manifest.json-*.tmp"))
    # the import's ingestion is logged already: no second one for the same version
    assert [e for e in events_of(media) if e[0] == "ingestion"] == [("ingestion", "success", 1)]


def test_a_version_folder_whose_files_do_not_verify_is_not_adopted(
    tmp_path: Path, clips: dict[str, Path]
) -> None:
    media = tmp_path / "media"
    held_recording(media, "talk", clips["a"], NOWHERE)
    manifest = load_manifest(media, "talk")
    assert manifest is not None
    copy = media / "talk" / "v2"
    shutil.copytree(media / "talk" / "v1", copy)
    os.chmod(copy, 0o755)
    record = manifest.versions[0].model_copy(update={"number": 2, "folder": "v2"})
    os.chmod(copy / VERSION_RECORD_NAME, 0o644)
    (copy / VERSION_RECORD_NAME).write_text(record.model_dump_json(), encoding="utf-8")
    os.chmod(copy / "talk.mp4", 0o644)
    (copy / "talk.mp4").write_bytes(b"truncated")
    mirror_recording(target(), mirror_settings(media))
    assert not copy.exists()
    held = load_manifest(media, "talk")
    assert held is not None and [v.number for v in held.versions] == [1]


def test_a_dry_run_says_what_it_would_do_and_writes_nothing(tmp_path: Path, clips: dict[str, Path]) -> None:
    media = tmp_path / "media"
    held_recording(media, "talk", clips["a"], NOWHERE)
    results = dry_run(
        [target(), target("other", url="https://video.example.org/other")], mirror_settings(media)
    )
    assert [(r.id, r.outcome) for r in results] == [
        ("talk", MirrorOutcome.PRESENT),
        ("other", MirrorOutcome.PLANNED),
    ]
    assert results[1].detail == "would try https://video.example.org/other"
    assert not (media / "other").exists()


def gone(kind: str = "source") -> tuple[str, FetchError]:
    return kind, FetchError(FailureClass.GONE, "410")


@pytest.mark.parametrize(
    ("errors", "wayback_captures", "held", "outcome"),
    [
        ([gone()], 0, False, MirrorOutcome.LOST),  # gone, and nothing in the Wayback Machine
        ([gone()], None, False, MirrorOutcome.UNREACHABLE),  # the Wayback Machine was not asked
        ([gone()], 2, False, MirrorOutcome.UNREACHABLE),  # captures exist, none fetched
        ([gone()], 0, True, MirrorOutcome.FAILED),  # held: the refresh failed, the copy stays
        (
            [gone(), ("alternate", FetchError(FailureClass.UNREACHABLE, "timeout"))],
            0,
            False,
            MirrorOutcome.UNREACHABLE,
        ),
        ([("source", FetchError(FailureClass.RESTRICTED, "403"))], None, False, MirrorOutcome.RESTRICTED),
        ([("source", FetchError(FailureClass.REJECTED, "short"))], None, False, MirrorOutcome.INCOMPLETE),
        (
            [gone(), ("alternate", FetchError(FailureClass.DISK_FULL, "ENOSPC"))],
            0,
            False,
            MirrorOutcome.DISK_FULL,
        ),
        (
            [("source", FetchError(FailureClass.REFUSED, "private address"))],
            None,
            False,
            MirrorOutcome.FAILED,
        ),
        ([], None, False, MirrorOutcome.UNREACHABLE),
    ],
)
def test_the_honest_word_for_a_run_that_kept_nothing(
    errors: list[tuple[str, FetchError]], wayback_captures: int | None, held: bool, outcome: MirrorOutcome
) -> None:
    assert _failure_outcome(errors, wayback_captures, held) is outcome
