"""Ready data for a recording's player and for status badges, read from the mirror's manifests.

Engine-independent: the adapter passes `media_url_of`, which turns `<id>/<file>` into the
URL the page links to (relative into site/media/, or below the configured media_url).
Every value is plain text; templates escape it.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import os
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from babel.numbers import format_decimal

from memoria.content import RecordingFields
from memoria.i18n import format_date, format_duration, language_name, t
from memoria.identity import Identity
from memoria.manifest import (
    MANIFEST_NAME,
    Manifest,
    MediaFile,
    OriginCheck,
    OriginStatus,
    RecordingStatus,
    load_manifest,
    media_files,
    recording_status,
)

MediaUrlOf = Callable[[str], str]  # "<id>/<file>" → URL from the current page


@dataclass(frozen=True)
class StatusBadge:
    status: str
    label: str
    count: int = 0


@dataclass(frozen=True)
class Track:
    url: str
    language: str
    label: str


@dataclass(frozen=True)
class Download:
    url: str
    name: str
    size: str
    sha256: str
    label: str


@dataclass(frozen=True)
class EarlierVersion:
    """A version the archive still holds but no longer shows: when, from where, which bytes."""

    number: int
    retrieved: str
    via: str
    sha256: str
    size: str


@dataclass(frozen=True)
class PlayerView:
    """Everything memoria-recording.html shows, already localised."""

    status: StatusBadge
    video_url: str | None
    video_mime: str | None
    poster_url: str | None
    tracks: tuple[Track, ...]
    duration: str | None
    downloads: tuple[Download, ...]
    original_url: str
    origin_note: str | None
    wayback_url: str | None
    wayback_note: str | None
    platform_title: str | None
    version: int | None = None
    earlier_versions: tuple[EarlierVersion, ...] = ()
    changed_note: str | None = None
    cross_origin: bool = False  # media from a store on another host: captions need CORS there
    status_text: str = ""
    """What the status means, in plain words."""
    wayback_listing_url: str = ""
    """The Wayback Machine's list of captures of the original: a link, never requested by the page."""
    original_dead: bool = False
    original_link_note: str | None = None
    """'dead link' / 'not checked', said next to the original's address."""
    ask_copy: tuple[str, str] | None = None
    """For a recording the archive holds no copy of: the text before and after the contact link."""
    contact: str | None = None
    contact_url: str | None = None


#: states in which the archive holds no copy and cannot get one from the original now
NO_COPY_STATES = frozenset(
    {RecordingStatus.LOST, RecordingStatus.UNREACHABLE, RecordingStatus.RESTRICTED, RecordingStatus.UNKNOWN}
)
#: states in which the original's address no longer leads to the recording
DEAD_ORIGINAL_STATES = frozenset({RecordingStatus.RESCUED, RecordingStatus.LOST})


def wayback_listing(url: str) -> str:
    """The Wayback Machine's page listing every capture of `url`."""
    return f"https://web.archive.org/web/*/{url}"


def status_badge(manifest: Manifest | None, lang: str) -> StatusBadge:
    status = recording_status(manifest)
    return StatusBadge(status.value, t(f"status.{status.value}", lang))


def status_counts(manifests: dict[str, Manifest | None], lang: str) -> list[StatusBadge]:
    """How many recordings are in each status, in a fixed order, zeros left out."""
    counts = Counter(recording_status(m) for m in manifests.values())
    return [
        StatusBadge(s.value, t(f"status.{s.value}", lang), counts[s]) for s in RecordingStatus if counts[s]
    ]


def load_manifests(media_dir: Path, ids: list[str]) -> dict[str, Manifest | None]:
    return {recording_id: load_manifest(media_dir, recording_id) for recording_id in ids}


def _size(size: int, lang: str) -> str:
    if size >= 1_000_000:
        return f"{format_decimal(size / 1_000_000, format='#,##0.0', locale=lang)} MB"
    return f"{format_decimal(size / 1000, format='#,##0', locale=lang)} kB"


def _date(stamp: str | None, lang: str) -> str | None:
    if not stamp:
        return None
    try:
        return format_date(dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).date(), lang)
    except ValueError:
        return None


def player_view(
    fields: RecordingFields,
    manifest: Manifest | None,
    lang: str,
    media_url_of: MediaUrlOf,
    media_dir: Path,
    files_of: Callable[[Manifest | None], list[MediaFile]] | None = None,
    identity: Identity | None = None,
) -> PlayerView:
    """The player, the download links, the provenance and the earlier versions of one recording in `lang`.

    `files_of` gives the published files from elsewhere than media_dir (a media store)."""
    files = files_of(manifest) if files_of else media_files(manifest, "", media_dir)
    by_name = {f.name: f for f in files}
    version = manifest.current_version if manifest and files else None

    def url(file: MediaFile) -> str:
        return media_url_of(file.path)

    web = by_name.get(version.web_copy or "") if version else None
    original = by_name.get(version.original) if version else None
    poster = next((f for f in files if f.role == "thumbnail"), None)
    origin = manifest.origin if manifest else None
    wayback = version.wayback if version else None
    duration = version.duration if version else None
    status = recording_status(manifest)
    dead = status in DEAD_ORIGINAL_STATES or (origin is not None and origin.status is OriginStatus.GONE)
    contact = identity.contact if identity else None
    ask_copy, contact_url = (
        _ask_copy(fields, identity, lang)
        if status in NO_COPY_STATES and not files and contact
        else (None, None)
    )
    return PlayerView(
        status=status_badge(manifest, lang),
        video_url=url(web) if web else None,
        video_mime=web.mime if web else None,
        poster_url=url(poster) if poster else None,
        tracks=_tracks(fields, files, url, lang),
        duration=format_duration(round(duration)) if duration else None,
        downloads=_downloads(web, original, url, lang),
        original_url=fields.source_url,
        origin_note=_origin_note(origin, lang) if origin is not None else None,
        wayback_url=wayback.capture_url if wayback else None,
        wayback_note=_wayback_note(wayback.timestamp, lang) if wayback is not None else None,
        platform_title=version.platform_title if version else None,
        version=version.number if version else None,
        earlier_versions=_earlier_versions(manifest, version.number, lang) if manifest and version else (),
        changed_note=(
            t("player.changed", lang, date=_date(manifest.changed_at_origin, lang) or "?")
            if manifest is not None and manifest.changed_at_origin
            else None
        ),
        cross_origin=files_of is not None and bool(files),
        status_text=t(f"status.{status.value}.text", lang),
        wayback_listing_url=wayback_listing(fields.source_url),
        original_dead=dead,
        original_link_note=_original_link_note(status, dead, lang),
        ask_copy=ask_copy,
        contact=contact,
        contact_url=contact_url,
    )


def _tracks(
    fields: RecordingFields, files: list[MediaFile], url: Callable[[MediaFile], str], lang: str
) -> tuple[Track, ...]:
    """The captions as <track>s, labelled as the entry says, else by their language's name."""
    labels = {c.file: c.label for c in fields.captions if c.label}
    return tuple(
        Track(
            url(f), f.language or "und", labels.get(f.name) or language_name(f.language or "", lang) or f.name
        )
        for f in files
        if f.role == "captions" and f.name.endswith(".vtt")
    )


def _downloads(
    web: MediaFile | None, original: MediaFile | None, url: Callable[[MediaFile], str], lang: str
) -> tuple[Download, ...]:
    """The web copy and the original as downloads with size and SHA-256 (one link when they are one file)."""
    downloads: list[Download] = []
    for file, key in ((web, "player.download_web"), (original, "player.download_original")):
        if file is not None and not any(d.name == file.name for d in downloads):
            downloads.append(
                Download(url(file), file.name, _size(file.size, lang), file.sha256, t(key, lang))
            )
    return tuple(downloads)


def _origin_note(origin: OriginCheck, lang: str) -> str:
    """What the last check of the original's address found, and when."""
    return t(
        "player.origin_checked",
        lang,
        status=t(f"origin.{origin.status.value}", lang),
        http=f" (HTTP {origin.http_status})" if origin.http_status else "",
        date=_date(origin.checked_at, lang) or "?",
    )


def _wayback_note(stamp: str, lang: str) -> str:
    """When the Wayback Machine captured the copy the archive points to."""
    try:
        captured = format_date(dt.date(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:8])), lang)
    except ValueError:
        captured = stamp
    return t("player.wayback", lang, date=captured)


def _earlier_versions(manifest: Manifest, current: int, lang: str) -> tuple[EarlierVersion, ...]:
    """Versions the archive holds besides the current one, newest first."""
    earlier: list[EarlierVersion] = []
    for held in sorted(manifest.versions, key=lambda v: -v.number):
        held_original = held.file(held.original)
        if held.number == current or held_original is None:
            continue
        earlier.append(
            EarlierVersion(
                held.number,
                _date(held.retrieved_at, lang) or held.retrieved_at,
                t(f"player.via.{held.via}", lang),
                held_original.sha256,
                _size(held_original.size, lang),
            )
        )
    return tuple(earlier)


def _original_link_note(status: RecordingStatus, dead: bool, lang: str) -> str | None:
    """'dead link' / 'not checked', said next to the original's address."""
    if dead:
        return t("recording.dead_link", lang)
    if status is RecordingStatus.UNKNOWN:
        return t("recording.unchecked_link", lang)
    return None


def _ask_copy(
    fields: RecordingFields, identity: Identity | None, lang: str
) -> tuple[tuple[str, str], str | None]:
    """For a recording the archive holds no copy of: the sentence around the contact link, and the
    link (a mailto: with the recording's title and original address as subject)."""
    before, _, after = t("recording.ask_copy_text", lang, contact="\0").partition("\0")
    contact_url = identity.contact_url if identity else None
    if contact_url and contact_url.startswith("mailto:"):
        subject = t("recording.ask_copy_subject", lang, title=fields.title)
        contact_url += "?" + urlencode({"subject": f"{subject} ({fields.source_url})"}, quote_via=quote)
    return (before, after), contact_url


def _copy_file(source: Path, target: Path) -> None:
    """A copy of its own for the site (a reflink where the filesystem can, else bytes): never a hard link,
    so an edit of the published site can never reach the archive's master copy."""
    temporary = target.with_name(f".{target.name}.tmp")
    with source.open("rb") as reader, temporary.open("wb") as writer:
        try:
            fcntl.ioctl(writer.fileno(), 0x40049409, reader.fileno())  # FICLONE: shares blocks, not the inode
        except OSError as error:
            if error.errno not in (errno.EOPNOTSUPP, errno.EXDEV, errno.EINVAL, errno.ENOTTY, errno.EBADF):
                raise
            shutil.copyfileobj(reader, writer, 1 << 20)
    os.chmod(temporary, 0o644)
    stat = source.stat()
    os.utime(temporary, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    os.replace(temporary, target)


SITE_MEDIA = "media"
"""The site's folder of published media (`publish_media`'s target below site_dir)."""


def publish_media(media_dir: Path, target_dir: Path, manifests: dict[str, Manifest | None]) -> int:
    """Put the current version's published files of every held recording (and its manifest) under target_dir.

    The layout mirrors the archive's (<id>/v<N>/<file>), so a new version gets new addresses.
    Files already there with the same size and modification time are left alone. The custody
    log is not published: it may name who gave a copy. Returns files placed.
    """
    placed = 0
    for recording_id, manifest in manifests.items():
        files = media_files(manifest, "", media_dir)
        if not files:
            continue
        for relative in [*(f.path for f in files), f"{recording_id}/{MANIFEST_NAME}"]:
            source = media_dir / relative
            target = target_dir / relative
            stat = source.stat()
            if target.exists():
                existing = target.stat()
                if (
                    existing.st_size == stat.st_size
                    and existing.st_mtime_ns == stat.st_mtime_ns
                    and existing.st_ino != stat.st_ino
                ):
                    continue
                target.unlink()
            target.parent.mkdir(parents=True, exist_ok=True)
            _copy_file(source, target)
            placed += 1
    return placed
