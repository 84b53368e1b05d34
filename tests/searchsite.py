"""The demo archive plus a caption file on one recording: what the search and browser tests read."""

from __future__ import annotations

from pathlib import Path

from conftest import BuiltSite, run_build, write_project

RECORDING_ID = "ustream-51400296"
CAPTIONS = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Moderadora>Bienvenidas a este conversatorio sobre la protección de las defensoras.

00:00:04.000 --> 00:00:07.000
<v Moderadora>Bienvenidas a este conversatorio sobre la protección de las defensoras.

00:00:07.000 --> 00:00:11.500
Las radiodifusoras comunitarias denuncian amenazas contra sus periodistas.
"""
"""Spanish speech; 'radiodifusoras' appears nowhere else in the archive, so finding it proves captions are indexed."""


def build_search_demo(project: Path) -> BuiltSite:
    """Write the demo with `captions.es.vtt` declared on one recording, and build it (strict)."""
    write_project(project, copy_demo=True)
    source = project / "docs" / "recordings" / f"{RECORDING_ID}.en.md"
    text = source.read_text(encoding="utf-8")
    head, separator, body = text.partition("\n---\n")
    source.write_text(
        head + "\ncaptions:\n  - file: captions.es.vtt\n    language: es\n" + separator + body,
        encoding="utf-8",
    )
    media = project / "media" / RECORDING_ID
    media.mkdir(parents=True, exist_ok=True)
    (media / "captions.es.vtt").write_text(CAPTIONS, encoding="utf-8")
    built = run_build(project)
    assert built.returncode == 0, built.output
    return built
