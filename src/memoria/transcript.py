"""Transcripts of recordings: the text of their WebVTT captions, for the page and the search index.

A recording's words are only findable if they are on its page; this module turns the caption
files the mirror keeps in `media/<id>/` into plain cues a template renders as a collapsed
transcript. Engine-independent (no MkDocs); webvtt-py parses the files.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import webvtt
from webvtt.errors import MalformedFileError

from memoria.i18n import language_name, t
from memoria.manifest import load_manifest, media_files, validate_id


@dataclass(frozen=True)
class Cue:
    """One spoken line: when it starts (H:MM:SS), who speaks (if the file says), and what is said."""

    start: str
    seconds: int
    speaker: str | None
    text: str


@dataclass(frozen=True)
class Transcript:
    """The cues of one caption file, with its language so the page can mark it with `lang`."""

    file: str
    language: str | None
    label: str | None
    cues: tuple[Cue, ...]


class TranscriptError(Exception):
    """A caption file that cannot be read; the message names the file."""


@dataclass(frozen=True)
class CaptionFile:
    """A caption file of a recording, as named by its front matter or its mirror manifest."""

    file: str
    language: str | None = None
    label: str | None = None


def _clock(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def read_transcript(path: Path, language: str | None = None, label: str | None = None) -> Transcript:
    """Parse a WebVTT file into cues; repeated lines (rolling auto-captions) are kept once."""
    try:
        captions = webvtt.read(str(path))
    except (MalformedFileError, UnicodeDecodeError) as error:
        raise TranscriptError(f"{path}: not a readable WebVTT file ({error}): fix or remove it") from None
    cues: list[Cue] = []
    previous = ""
    for caption in captions.captions:
        text = " ".join(caption.text.split())
        if not text or text == previous:
            continue
        previous = text
        seconds = int(caption.start_in_seconds)
        cues.append(Cue(_clock(seconds), seconds, caption.voice or None, text))
    return Transcript(path.name, language, label, tuple(cues))


def _caption_paths(
    recording_id: str, declared: Iterable[CaptionFile], media_dir: Path
) -> list[tuple[CaptionFile, Path]]:
    """Caption files and where they are: the current version's folder first, then media/<id>/ itself."""
    root = Path(media_dir) / validate_id(recording_id)
    manifest = load_manifest(Path(media_dir), recording_id)
    published = [m for m in media_files(manifest, media_dir=Path(media_dir)) if m.role == "captions"]
    folders = [Path(media_dir) / m.path for m in published[:1]]
    search = [*(p.parent for p in folders), root]
    found: dict[str, tuple[CaptionFile, Path]] = {}
    for caption in declared:
        for folder in search:
            if (folder / caption.file).is_file():
                found.setdefault(caption.file, (caption, folder / caption.file))
                break
    for media in published:
        if media.name.endswith(".vtt"):
            found.setdefault(
                media.name,
                (CaptionFile(media.name, media.language, media.label), Path(media_dir) / media.path),
            )
    return list(found.values())


def caption_files(recording_id: str, declared: Iterable[CaptionFile], media_dir: Path) -> list[CaptionFile]:
    """The caption files present: those the front matter declares, then the mirror's."""
    return [caption for caption, _ in _caption_paths(recording_id, declared, media_dir)]


def transcripts_for(recording_id: str, declared: Iterable[CaptionFile], media_dir: Path) -> list[Transcript]:
    """Every readable transcript of a recording, in the order its caption files were found."""
    return [
        read_transcript(path, caption.language, caption.label)
        for caption, path in _caption_paths(recording_id, declared, media_dir)
    ]


@dataclass(frozen=True)
class TranscriptView:
    """A transcript as a template shows it: a localised summary line, the speech language, the cues."""

    summary: str
    language: str | None
    cues: tuple[Cue, ...]


def transcript_views(transcripts: Iterable[Transcript], lang: str) -> list[TranscriptView]:
    """Summaries such as 'Transcript (Spanish)' in the reader's language, for the template."""
    views = []
    for transcript in transcripts:
        if not transcript.cues:
            continue
        name = transcript.label or (language_name(transcript.language, lang) if transcript.language else None)
        summary = (
            t("transcript.summary", lang, language=name) if name else t("transcript.summary_plain", lang)
        )
        views.append(TranscriptView(summary, transcript.language, transcript.cues))
    return views
