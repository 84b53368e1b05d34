"""The staff's `memoria` commands run in this process (tests/base.memoria_command) on tmp projects.

new → translate → check, the problems check reports, status over real manifests, import and
verify of a real clip. test_staff_cli.py and test_custody.py run the same commands as
subprocesses, as the staff's terminal does.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from base import SMALL_ARCHIVE, CommandResult, held_recording, make_clip, memoria_command, project
from memoria.frontmatter import parse_front_matter
from memoria.manifest import OriginCheck, OriginStatus, load_manifest, write_manifest


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return project(tmp_path / "project", SMALL_ARCHIVE)


@pytest.fixture
def memoria(archive: Path, capsys: Any, monkeypatch: Any) -> Any:
    def run(*args: str) -> CommandResult:
        return memoria_command(archive, *args, capsys=capsys, monkeypatch=monkeypatch)

    return run


def front_matter(path: Path) -> dict[str, object]:
    return parse_front_matter(path.read_text(encoding="utf-8")).values


def test_new_then_translate_then_check(archive: Path, memoria: Any) -> None:
    result = memoria(
        "new", "press", "--title", "Guatemala: ¡justicia!", "--date", "2024-05-02",
        "--summary", "A call for justice.", "--event", "roundtable",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    written = archive / "docs/press/2024/guatemala-justicia.en.md"
    assert written.is_file()
    assert str(written.relative_to(archive)) in result.stdout
    values = front_matter(written)
    assert (values["title"], str(values["date"]), values["event"]) == (
        "Guatemala: ¡justicia!",
        "2024-05-02",
        "roundtable",
    )
    again = memoria(
        "new", "press", "--title", "Guatemala: ¡justicia!", "--date", "2024-05-02", "--summary", "x"
    )
    assert again.returncode != 0 and "exists" in again.stderr  # never overwritten
    translated = memoria("translate", "docs/press/2024/guatemala-justicia.en.md")
    assert translated.returncode == 0, translated.stderr
    spanish = archive / "docs/press/2024/guatemala-justicia.es.md"
    assert set(front_matter(spanish)) <= {"title", "summary", "topics", "dateline", "contacts"}
    report = json.loads(memoria("check", "--json").stdout)
    mine = [p for p in report["problems"] if "guatemala-justicia" in p["file"]]
    assert {p["severity"] for p in mine} == {"warning"}  # not written yet: warned, not refused
    assert report["errors"] == 0


def test_new_refuses_bad_input_in_one_line(memoria: Any) -> None:
    result = memoria("new", "press", "--title", "X", "--date", "25/08/2014", "--summary", "s")
    assert result.returncode == 1
    assert re.fullmatch(r"memoria new: error: [^\n]+\n", result.stderr), result.stderr
    assert "25/08/2014" in result.stderr


THREE_MISTAKES = """\
---
title: "Honduras: defenders under threat"
date: 2024-31-01
summary: Defenders in Honduras report new threats.
countries: [HN, XX]
---

Read [the hearing](../../events/2015/fictional-hearing.md).
"""


def test_check_reports_each_mistake_with_file_line_and_field(archive: Path, memoria: Any) -> None:
    (archive / "docs/press/2024").mkdir(parents=True)
    (archive / "docs/press/2024/honduras.en.md").write_text(THREE_MISTAKES, encoding="utf-8")
    result = memoria("check")
    assert result.returncode == 1
    assert result.stdout.splitlines()[:4] == [
        "Errors (the site will not build until they are fixed):",
        '  docs/press/2024/honduras.en.md:3: date: impossible date "2024-31-01" (month must be in 1..12): give a real date as YYYY-MM-DD',
        '  docs/press/2024/honduras.en.md:5: countries.1: unknown country code "XX": use an ISO 3166 two-letter code such as MX or GT',
        "  docs/press/2024/honduras.en.md:8: body: broken link to ../../events/2015/fictional-hearing.md: no such page — correct the path (relative to this file) or remove the link",
    ]
    assert result.stdout.splitlines()[-1].startswith("3 errors, 2 warnings in 5 entries")


def test_check_warns_of_long_summaries_missing_alt_text_and_language_links(
    archive: Path, memoria: Any
) -> None:
    long_summary = "A very long summary. " * 30
    (archive / "docs/assets").mkdir(exist_ok=True)
    (archive / "docs/assets/x.png").write_bytes(b"\x89PNG\r\n")
    (archive / "docs/press/2024").mkdir(parents=True)
    (archive / "docs/press/2024/photos.en.md").write_text(
        f'---\ntitle: Photos\ndate: 2024-05-02\nsummary: "{long_summary.strip()}"\n---\n\n'
        "![](../../assets/x.png)\n"
        '<img src="../../assets/x.png">\n'
        "![A march in Tegucigalpa](../../assets/x.png)\n"
        "Links: [ok](../2014/statement.md) [list](../index.md) [lang](../2014/statement.es.md) `[code](nope.md)`\n"
        "```\n[fenced](nope.md)\n```\n",
        encoding="utf-8",
    )
    result = memoria("check", "--json")
    report = json.loads(result.stdout)
    mine = [
        (p["line"], p["field"], p["severity"])
        for p in report["problems"]
        if p["file"].endswith("photos.en.md")
    ]
    assert mine == [
        (4, "summary", "warning"),
        (7, "body", "warning"),
        (8, "body", "warning"),
        (10, "body", "error"),
    ]
    assert result.returncode == 1 and report["ok"] is False and report["errors"] == 1


def test_check_sees_a_translation_older_than_its_original(archive: Path, memoria: Any) -> None:
    english = archive / "docs/events/2014/roundtable.en.md"
    spanish = archive / "docs/events/2014/roundtable.es.md"
    os.utime(spanish, (1_600_000_000, 1_600_000_000))
    os.utime(english, (1_700_000_000, 1_700_000_000))
    stale = "docs/events/2014/roundtable.es.md:1: translation: older than the English page"
    assert stale in memoria("check").stdout
    os.utime(spanish, (1_800_000_000, 1_800_000_000))
    assert stale not in memoria("check").stdout


def test_status_counts_translations_and_recordings_by_state(
    archive: Path, memoria: Any, tmp_path: Path
) -> None:
    media = archive / "media"
    held_recording(
        media, "session-part-1", make_clip(tmp_path / "clip.mp4"), "https://video.example.org/watch/1"
    )
    (media / "session-part-2").mkdir(parents=True)
    write_manifest(
        media / "session-part-2",
        load_manifest(media, "session-part-1").model_copy(  # type: ignore[union-attr]
            update={
                "id": "session-part-2",
                "source_url": "https://video.example.org/watch/2",
                "versions": [],
                "current": None,
                "origin": OriginCheck(
                    url="https://video.example.org/watch/2",
                    checked_at="2026-11-20T10:00:00Z",
                    status=OriginStatus.ALIVE,
                ),
            }
        ),
    )
    result = memoria("status", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    press = report["translations"][0]
    assert press == {
        "section": "press",
        "total": 2,
        "translated": {"en": 2, "es": 1},
        "missing": {"en": [], "es": ["docs/press/2015/untranslated.es.md"]},
    }
    by_status = {k: v for k, v in report["recordings"]["by_status"].items() if v}
    assert by_status == {"rescued": 1, "endangered": 1}
    table = memoria("status").stdout
    assert re.search(r"Rescued\s*│\s*1\s*│\s*session-part-1", table), table
    assert re.search(r"Endangered\s*│\s*1\s*│\s*session-part-2", table), table


def test_import_then_verify_then_a_changed_byte(archive: Path, memoria: Any, tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "from-a-usb-stick.mp4")
    result = memoria("import", "session-part-1", str(clip), "--source", "Ana, USB stick", "--json")
    refused = json.loads(result.stdout)  # the page announces 3725 s: one second is not the recording
    assert (result.returncode, refused["outcome"], refused["version"]) == (1, "incomplete", None)
    assert "announces 3725.0s" in refused["detail"]
    page = archive / "docs/recordings/session-part-1.en.md"
    page.write_text(page.read_text(encoding="utf-8").replace("duration: 3725\n", ""), encoding="utf-8")
    result = memoria("import", "session-part-1", str(clip), "--source", "Ana, USB stick", "--json")
    assert result.returncode == 0, result.stdout
    imported = json.loads(result.stdout)
    assert (imported["outcome"], imported["version"], imported["files"]) == ("imported", 1, 1)
    verified = memoria("verify", "--json")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    master = archive / "media/session-part-1/v1/session-part-1.mp4"
    os.chmod(master, 0o644)
    master.write_bytes(master.read_bytes()[:-1] + b"\0")
    altered = memoria("verify")
    assert altered.returncode != 0
    said = altered.stdout + altered.stderr
    assert "altered" in said and "session-part-1.mp4" in said


def test_the_tools_speak_spanish_when_asked(archive: Path, memoria: Any) -> None:
    (archive / "docs/press/2024").mkdir(parents=True)
    (archive / "docs/press/2024/honduras.en.md").write_text(THREE_MISTAKES, encoding="utf-8")
    result = memoria("--ui-lang", "es", "check")
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith("Errores")
    assert memoria("check").stdout.splitlines()[0].startswith("Errors")  # the next command: English again


def test_mirror_dry_run_plans_without_a_request_or_a_write(
    archive: Path, memoria: Any, tmp_path: Path
) -> None:
    page = archive / "docs/recordings/session-part-1.en.md"
    page.write_text(page.read_text(encoding="utf-8").replace("duration: 3725\n", ""), encoding="utf-8")
    held_recording(
        archive / "media",
        "session-part-1",
        make_clip(tmp_path / "clip.mp4"),
        "https://video.example.org/watch/1",
    )
    before = sorted(p.relative_to(archive) for p in (archive / "media").rglob("*"))
    result = memoria("mirror", "--dry-run", "--json")
    assert result.returncode == 0, result.stderr
    planned = {
        item["id"]: (item["outcome"], item["detail"]) for item in json.loads(result.stdout)["recordings"]
    }
    assert planned == {
        "session-part-1": ("present", "held (checked on a real run)"),
        "session-part-2": ("planned", "would try https://video.example.org/watch/2"),
    }
    assert sorted(p.relative_to(archive) for p in (archive / "media").rglob("*")) == before


def test_build_refuses_a_build_time_without_an_offset_once_in_either_language(
    archive: Path, memoria: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("MEMORIA_BUILD_TIME", "ayer")
    spanish = memoria("--ui-lang", "es", "build")
    assert spanish.returncode == 2
    assert spanish.stderr.count("MEMORIA_BUILD_TIME") == 1  # said once, before any language's build
    assert 'se recibió "ayer"' in spanish.stderr and "2026-12-10T09:00-06:00" in spanish.stderr
    assert not (archive / "site").exists()
    monkeypatch.setenv("MEMORIA_BUILD_TIME", "2026-12-10T09:00")
    english = memoria("build")
    assert (
        english.returncode == 2
        and 'UTC offset such as 2026-12-10T09:00-06:00, got "2026-12-10T09:00"' in english.stderr
    )


def test_status_counts_a_recording_written_in_spanish_only(tmp_path: Path) -> None:
    """A recording with only a Spanish file is a recording too (it was left out of `memoria status`)."""
    from memoria.status import recording_ids

    recordings = tmp_path / "docs" / "recordings"
    (recordings / "2015").mkdir(parents=True)
    (recordings / "2016").mkdir(parents=True)
    (recordings / "2015/part-1.en.md").write_text("---\nid: session-part-1\n---\n", encoding="utf-8")
    (recordings / "2015/part-1.es.md").write_text("---\nid: session-part-1\n---\n", encoding="utf-8")
    (recordings / "2016/testimonio.es.md").write_text("---\ntitle: Testimonio\n---\n", encoding="utf-8")
    (recordings / "2016/audiencia.es.md").write_text("---\nid: audiencia-cidh\n---\n", encoding="utf-8")
    # written in Spanish, translated: the English file gives no id (it is the original's)
    (recordings / "2016/audiencia.en.md").write_text("---\ntitle: Hearing\n---\n", encoding="utf-8")
    (recordings / "2016/notes.txt").write_text("not an entry", encoding="utf-8")
    assert recording_ids(tmp_path / "docs") == ["audiencia-cidh", "session-part-1", "testimonio"]
