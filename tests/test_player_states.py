"""The recording player (memoria.recording_view.player_view) in every state, from real manifests.

Each held copy is made by the mirror's import stage from a real clip; the other states are the
manifest model's own records (origin checks, changes at origin, Wayback captures) written with
write_manifest and read back with load_manifest, as the site build reads them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from base import held_recording, make_clip, value
from memoria.content import RecordingFields
from memoria.identity import Identity
from memoria.manifest import (
    Manifest,
    OriginCheck,
    OriginStatus,
    WaybackCapture,
    load_manifest,
    sha256_of,
    write_manifest,
)
from memoria.recording_view import player_view, status_counts

SOURCE = "https://video.example.org/watch/1"
IDENTITY = Identity(contact="archive@example.org")


def fields(**changes: object) -> RecordingFields:
    return RecordingFields.model_validate(
        {
            "id": "talk",
            "title": "The opening",
            "language": "es",
            "recorded": "2014-08-15",
            "source_url": SOURCE,
            "captions": [{"file": "talk.es.vtt", "language": "es", "label": "Spanish (as spoken)"}],
            **changes,
        }
    )


def media_url(path: str) -> str:
    return "../../media/" + path


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("clips")
    captions = folder / "talk.es.vtt"
    captions.write_text("WEBVTT\n\n00:00.000 --> 00:00.900\nHola.\n", encoding="utf-8")
    return {
        "a": make_clip(folder / "a.mp4"),
        "b": make_clip(folder / "b.mp4", frequency=660),
        "captions": captions,
    }


@pytest.fixture
def media(tmp_path: Path) -> Path:
    return tmp_path / "media"


def hold(media: Path, clips: dict[str, Path], *names: str) -> Manifest:
    """Import each clip in turn (a version each); the manifest as the mirror left it."""
    for name in names:
        held_recording(media, "talk", clips[name], SOURCE, captions=[("es", clips["captions"])])
    manifest = load_manifest(media, "talk")
    assert manifest is not None
    return manifest


def record(media: Path, manifest: Manifest, **changes: object) -> Manifest:
    """Write changed records into the manifest on disk and read it back, as the build does."""
    (media / "talk").mkdir(parents=True, exist_ok=True)
    write_manifest(media / "talk", manifest.model_copy(update=changes))
    loaded = load_manifest(media, "talk")
    assert loaded is not None
    return loaded


def origin(status: OriginStatus, http: int | None = None) -> OriginCheck:
    return OriginCheck(url=SOURCE, checked_at="2026-11-20T10:00:00Z", status=status, http_status=http)


def unheld(**changes: object) -> Manifest:
    return Manifest(id="talk", source_url=SOURCE, **changes)  # type: ignore[arg-type]


def view(manifest: Manifest | None, media: Path, lang: str = "en") -> object:
    return player_view(fields(), manifest, lang, media_url, media, identity=IDENTITY)


def test_a_held_copy_plays_with_its_captions_and_downloads(media: Path, clips: dict[str, Path]) -> None:
    player = view(hold(media, clips, "a"), media)
    assert value(value(player, "status"), "status") == "rescued"  # held; the original never checked
    assert value(player, "video_url") == "../../media/talk/v1/talk.mp4"
    assert value(player, "video_mime") == "video/mp4"
    assert [(value(t, "url"), value(t, "language"), value(t, "label")) for t in value(player, "tracks")] == [
        ("../../media/talk/v1/talk.es.vtt", "es", "Spanish (as spoken)")  # the entry's label
    ]
    downloads = value(player, "downloads")
    assert [(value(d, "name"), value(d, "label")) for d in downloads] == [
        ("talk.mp4", "Download the video")
    ]  # the web copy is the original: one download
    assert value(downloads[0], "sha256") == sha256_of(media / "talk/v1/talk.mp4")
    assert value(downloads[0], "size").endswith("kB")
    assert value(player, "version") == 1 and value(player, "earlier_versions") == ()
    assert value(player, "duration") == "0:01"
    assert value(player, "ask_copy") is None  # a copy is held


def test_online(media: Path, clips: dict[str, Path]) -> None:
    player = view(record(media, hold(media, clips, "a"), origin=origin(OriginStatus.ALIVE, 200)), media)
    assert value(value(player, "status"), "status") == "online"
    assert value(player, "video_url") is not None
    assert value(player, "original_dead") is False and value(player, "original_link_note") is None
    assert value(player, "origin_note") == "online (HTTP 200), checked 20 November 2026"


def test_rescued_after_the_original_went(media: Path, clips: dict[str, Path]) -> None:
    player = view(record(media, hold(media, clips, "a"), origin=origin(OriginStatus.GONE, 410)), media, "es")
    assert value(value(player, "status"), "label") == "Rescatada"
    assert value(player, "original_dead") is True
    assert value(player, "original_link_note")
    assert "410" in value(player, "origin_note")
    assert value(player, "video_url") == "../../media/talk/v1/talk.mp4"


def test_changed_at_origin_shows_the_earlier_version(media: Path, clips: dict[str, Path]) -> None:
    manifest = hold(media, clips, "a", "b")
    player = view(
        record(
            media, manifest, origin=origin(OriginStatus.ALIVE, 200), changed_at_origin="2026-11-21T08:00:00Z"
        ),
        media,
    )
    assert value(value(player, "status"), "status") == "changed"
    assert value(player, "changed_note") and "21 November 2026" in value(player, "changed_note")
    assert value(player, "version") == 2
    assert value(player, "video_url") == "../../media/talk/v2/talk.mp4"
    earlier = value(player, "earlier_versions")
    first = manifest.version(1)
    assert first is not None
    assert [(value(e, "number"), value(e, "sha256")) for e in earlier] == [(1, first.file("talk.mp4").sha256)]  # type: ignore[union-attr]
    # the captions were the same bytes: the track of the version shown is in its own folder
    assert [value(t, "url") for t in value(player, "tracks")] == ["../../media/talk/v2/talk.es.vtt"]


def test_a_copy_from_the_wayback_machine_says_when_it_was_captured(
    media: Path, clips: dict[str, Path]
) -> None:
    manifest = hold(media, clips, "a")
    version = manifest.versions[0].model_copy(
        update={
            "wayback": WaybackCapture(
                timestamp="20150318120000",
                original=SOURCE,
                mimetype="video/mp4",
                digest="ABC",
                capture_url=f"https://web.archive.org/web/20150318120000id_/{SOURCE}",
                cdx_endpoint="https://web.archive.org/cdx/search/cdx",
            )
        }
    )
    player = view(record(media, manifest, versions=[version]), media)
    assert value(player, "wayback_url") == f"https://web.archive.org/web/20150318120000id_/{SOURCE}"
    assert "18 March 2015" in value(player, "wayback_note")


@pytest.mark.parametrize(
    ("manifest", "status", "dead", "asks"),
    [
        (unheld(origin=origin(OriginStatus.ALIVE, 200)), "endangered", False, False),
        (unheld(origin=origin(OriginStatus.UNREACHABLE)), "unreachable", False, True),
        (unheld(origin=origin(OriginStatus.RESTRICTED, 403)), "restricted", False, True),
        (unheld(origin=origin(OriginStatus.GONE, 404), wayback_captures=0), "lost", True, True),
        (unheld(origin=origin(OriginStatus.GONE, 404), wayback_captures=3), "unreachable", True, True),
        (None, "unknown", False, True),
    ],
)
def test_without_a_copy(media: Path, manifest: Manifest | None, status: str, dead: bool, asks: bool) -> None:
    if manifest is not None:
        manifest = record(media, manifest)
    player = view(manifest, media)
    assert value(value(player, "status"), "status") == status
    assert (
        value(player, "video_url") is None
        and value(player, "downloads") == ()
        and value(player, "tracks") == ()
    )
    assert value(player, "original_url") == SOURCE
    assert value(player, "wayback_listing_url") == f"https://web.archive.org/web/*/{SOURCE}"
    assert value(player, "original_dead") is dead
    assert value(player, "status_text")
    if asks:  # no copy, none to be had now: readers are asked for one
        before, after = value(player, "ask_copy")
        assert before.strip() and after.strip()  # around the contact link
        assert value(player, "contact") == "archive@example.org"
        assert value(player, "contact_url").startswith("mailto:archive@example.org?subject=")
        assert "The%20opening" in value(player, "contact_url")
    else:
        assert value(player, "ask_copy") is None
    if status == "unknown":
        assert value(player, "original_link_note") == "not checked: it may no longer work"


def test_a_held_file_missing_on_disk_is_not_offered(media: Path, clips: dict[str, Path]) -> None:
    manifest = hold(media, clips, "a")
    captions = media / "talk" / "v1" / "talk.es.vtt"
    captions.unlink()
    player = view(manifest, media)
    assert value(player, "tracks") == ()
    assert value(player, "video_url") == "../../media/talk/v1/talk.mp4"


def test_status_counts_in_a_fixed_order(media: Path, clips: dict[str, Path]) -> None:
    held = hold(media, clips, "a")
    counts = status_counts(
        {"a": held, "b": None, "c": None, "d": unheld(origin=origin(OriginStatus.ALIVE))}, "en"
    )
    assert [(value(c, "status"), value(c, "count")) for c in counts] == [
        ("rescued", 1),
        ("endangered", 1),
        ("unknown", 2),
    ]


def test_the_built_page_plays_the_held_copy_and_publishes_it(tmp_path: Path, clips: dict[str, Path]) -> None:
    """An in-process build of one language: the player's HTML, the transcript and site/media/."""
    from base import SMALL_ARCHIVE, build, project

    archive = project(tmp_path / "project", SMALL_ARCHIVE)
    page = archive / "docs/recordings/session-part-2.en.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace(
            "duration: 1800\n",
            "captions:\n  - file: session-part-2.es.vtt\n    language: es\n    label: Spanish (as spoken)\n",
        ),
        encoding="utf-8",
    )
    held_recording(
        archive / "media",
        "session-part-2",
        clips["a"],
        "https://video.example.org/watch/2",
        captions=[("es", clips["captions"])],
    )
    site = build(archive, "en")
    html = site.page("recordings/session-part-2/")
    assert html.xpath("//video/source/@src") == ["../../media/session-part-2/v1/session-part-2.mp4"]
    assert html.xpath("//track/@label") == ["Spanish (as spoken)"]
    assert html.xpath("//track/@srclang") == ["es"]
    assert "Hola." in html.text_content()  # the transcript, from the captions
    published = site.site_dir / "media/session-part-2/v1/session-part-2.mp4"
    assert published.read_bytes() == clips["a"].read_bytes()
    assert published.stat().st_ino != (archive / "media/session-part-2/v1/session-part-2.mp4").stat().st_ino
    player = value(site.memoria("recordings/session-part-2/"), "recording")
    assert value(value(player, "status"), "status") == "rescued"
    # the recording without a copy says so, and asks for one
    other = site.page("recordings/session-part-1/")
    assert other.xpath("//video") == []
    assert "archive@example.org" in other.text_content()
