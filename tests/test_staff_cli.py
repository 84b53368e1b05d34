"""The staff commands (new, translate, check, status) as staff run them: real subprocesses on a copy of the demo."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import answer_prompts, run_build, write_project
from memoria.content import KINDS
from memoria.frontmatter import parse_front_matter

pytestmark = pytest.mark.slow  # every test here builds or runs a command in a subprocess

CLI = [sys.executable, "-m", "memoria.cli"]
ONE_LINE_ERROR = re.compile(r"^memoria( \w+)?: error: [^\n]+\n$")


def memoria(project: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], cwd=project, capture_output=True, text=True, timeout=120, input=stdin or ""
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the demo archive with its mkdocs.yml, outside any git repository."""
    return write_project(tmp_path / "site-project", copy_demo=True)


def front_matter(path: Path) -> dict[str, object]:
    return parse_front_matter(path.read_text(encoding="utf-8")).values


# --- new ---------------------------------------------------------------------------------


NEW_PRESS = [
    "new",
    "press",
    "--title",
    "Guatemala: ¡justicia para las defensoras!",
    "--date",
    "2024-05-02",
    "--summary",
    "ISHR calls on Guatemala to protect women defenders.",
    "--event",
    "roundtable-whrd-mexico-2014",
]


def test_new_entries_and_translation_pass_check_and_build(project: Path) -> None:
    press = memoria(project, *NEW_PRESS)
    assert press.returncode == 0, press.stderr
    press_file = project / "docs/press/2024/guatemala-justicia-para-las-defensoras.en.md"
    assert f"created {press_file.relative_to(project)}" in press.stdout
    fields = front_matter(press_file)
    assert fields == {
        "title": "Guatemala: ¡justicia para las defensoras!",
        "date": "2024-05-02",
        "summary": "ISHR calls on Guatemala to protect women defenders.",
        "event": "roundtable-whrd-mexico-2014",
    }
    text = press_file.read_text(encoding="utf-8")
    for optional in ("# dateline:", "# countries:", "# contacts:", "# recordings:", "# organisations:"):
        assert optional in text

    event = memoria(
        project,
        "new",
        "event",
        "--title",
        "Conversatorio sobre defensoras",
        "--date",
        "2024-06-01",
        "--lang",
        "es",
    )
    assert event.returncode == 0, event.stderr
    event_en = project / "docs/events/2024/conversatorio-sobre-defensoras.en.md"
    event_es = project / "docs/events/2024/conversatorio-sobre-defensoras.es.md"
    # Written in Spanish: the Spanish file is the original and the only file.
    assert not event_en.exists()
    assert event.stdout.splitlines()[0] == f"created {event_es.relative_to(project)}"
    assert front_matter(event_es) == {
        "id": "conversatorio-sobre-defensoras",
        "title": "Conversatorio sobre defensoras",
        "date": "2024-06-01",
    }

    recording = memoria(
        project,
        "new",
        "recording",
        "--title",
        "Roundtable, part 3",
        "--date",
        "2014-08-15",
        "--source-url",
        "http://www.ustream.tv/recorded/1",
        "--speech-language",
        "es",
        "--id",
        "ustream-1",
        "--event",
        "roundtable-whrd-mexico-2014",
    )
    assert recording.returncode == 0, recording.stderr
    assert front_matter(project / "docs/recordings/ustream-1.en.md") == {
        "id": "ustream-1",
        "title": "Roundtable, part 3",
        "language": "es",
        "recorded": "2014-08-15",
        "source_url": "http://www.ustream.tv/recorded/1",
        "event": "roundtable-whrd-mexico-2014",
    }

    # Staff write the text in place of the scaffold's line; until then each entry is a draft.
    for written in (press_file, event_es, project / "docs/recordings/ustream-1.en.md"):
        text = written.read_text(encoding="utf-8")
        marker = next(line for line in text.splitlines() if line.startswith("<!-- memoria:write: "))
        written.write_text(text.replace(marker, "The text."), encoding="utf-8")

    translated = memoria(project, "translate", str(press_file.relative_to(project)))
    assert translated.returncode == 0, translated.stderr
    assert (project / "docs/press/2024/guatemala-justicia-para-las-defensoras.es.md").is_file()

    check = memoria(project, "check")
    assert check.returncode == 0, check.stdout
    assert "0 errors" in check.stdout
    built = run_build(project)
    assert built.returncode == 0, built.output
    for page in (
        "press/2024/guatemala-justicia-para-las-defensoras",
        "es/press/2024/guatemala-justicia-para-las-defensoras",
        "events/2024/conversatorio-sobre-defensoras",
        "es/events/2024/conversatorio-sobre-defensoras",
        "recordings/ustream-1",
    ):
        assert (project / "site" / page / "index.html").is_file(), page


def test_new_refuses_to_overwrite(project: Path) -> None:
    assert memoria(project, *NEW_PRESS).returncode == 0
    path = project / "docs/press/2024/guatemala-justicia-para-las-defensoras.en.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nMy text.\n", encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    again = memoria(project, *NEW_PRESS)
    assert again.returncode == 1
    assert ONE_LINE_ERROR.match(again.stderr), again.stderr
    assert "already exists" in again.stderr
    assert path.read_text(encoding="utf-8") == before


@pytest.mark.parametrize(
    ("args", "status", "expected"),
    [
        (
            ["--title", "A", "--date", "25/08/2024", "--summary", "S"],
            1,
            'date: expected YYYY-MM-DD, got "25/08/2024"',
        ),
        (["--title", "A", "--date", "2024-02-30", "--summary", "S"], 1, 'date: impossible date "2024-02-30"'),
        (
            ["--title", "!!!", "--date", "2024-05-02", "--summary", "S"],
            1,
            'title: "!!!" gives no usable file name',
        ),
        (["--title", "A", "--date", "2024-05-02"], 1, "summary: a press release needs a summary"),
        (
            ["--title", "A", "--date", "2024-05-02", "--summary", "S", "--event", "no-such-event"],
            1,
            'event: unknown event id "no-such-event"',
        ),
        (
            ["--title", "A", "--date", "2024-05-02", "--summary", "S", "--id", "Bad Id"],
            1,
            'id: invalid id "Bad Id"',
        ),
        (["--date", "2024-05-02", "--summary", "S"], 2, "--title required when not run in a terminal"),
        (
            ["--title", "A", "--date", "2024-05-02", "--lang", "fr"],
            2,
            "argument --lang: invalid choice: 'fr'",
        ),
        (["--title", "A", "--bogus"], 2, "unrecognized arguments: --bogus"),
    ],
)
def test_new_press_bad_input(project: Path, args: list[str], status: int, expected: str) -> None:
    before = sorted(p for p in (project / "docs").rglob("*"))
    result = memoria(project, "new", "press", *args)
    assert result.returncode == status
    assert ONE_LINE_ERROR.match(result.stderr), result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p for p in (project / "docs").rglob("*")) == before


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            [
                "event",
                "--title",
                "Regional roundtable",
                "--date",
                "2020-01-01",
                "--id",
                "roundtable-whrd-mexico-2014",
            ],
            'id: an entry with the id "roundtable-whrd-mexico-2014" already exists in events/',
        ),
        (
            ["recording", "--title", "Part 9", "--date", "2014-08-15", "--speech-language", "es"],
            "source_url: a recording needs the address of the original video",
        ),
        (
            [
                "recording",
                "--title",
                "Part 9",
                "--date",
                "2014-08-15",
                "--source-url",
                "https://example.org/v",
            ],
            "language: a recording needs the language spoken in it",
        ),
        (
            [
                "recording",
                "--title",
                "Part 9",
                "--date",
                "2014-08-15",
                "--source-url",
                "https://example.org/v",
                "--speech-language",
                "xx",
            ],
            "language: a recording needs the language spoken in it",
        ),
        (["podcast", "--title", "A"], "argument kind: invalid choice: 'podcast'"),
    ],
)
def test_new_event_and_recording_bad_input(project: Path, args: list[str], expected: str) -> None:
    result = memoria(project, "new", *args)
    assert result.returncode in (1, 2)
    assert ONE_LINE_ERROR.match(result.stderr), result.stderr
    assert expected in result.stderr


def test_new_asks_in_a_terminal(project: Path) -> None:
    """With a terminal on stdin, `new` prompts for every missing value and re-asks a bad answer."""
    returncode, text = answer_prompts(
        [*CLI, "new", "press"],
        project,
        ["", "Honduras: a new law", "2024-13-01", "2024-07-09", "Defenders welcome the law.", ""],
    )
    assert returncode == 0, text
    assert "Title:" in text and "Summary (one or two sentences):" in text
    assert "not valid" in text  # 2024-13-01 was asked again
    path = project / "docs/press/2024/honduras-a-new-law.en.md"
    assert front_matter(path) == {
        "title": "Honduras: a new law",
        "date": "2024-07-09",
        "summary": "Defenders welcome the law.",
    }


# --- translate ---------------------------------------------------------------------------


def test_translate_copies_only_translatable_fields_and_the_text(project: Path) -> None:
    source = project / "docs/press/2015/fictional-early-warning-networks.en.md"
    result = memoria(project, "translate", "docs/press/2015/fictional-early-warning-networks.en.md")
    assert result.returncode == 0, result.stderr
    target = source.with_name("fictional-early-warning-networks.es.md")
    assert "created docs/press/2015/fictional-early-warning-networks.es.md" in result.stdout
    fields = front_matter(target)
    english = front_matter(source)
    assert set(fields) <= KINDS["press"].fields.TRANSLATABLE
    assert set(fields) == set(english) & KINDS["press"].fields.TRANSLATABLE
    assert "date" not in fields and "countries" not in fields
    text = target.read_text(encoding="utf-8")
    marker, _, body = text.partition("<!-- memoria:translate")[2].partition("\n")
    assert "into Spanish" in marker
    assert source.read_text(encoding="utf-8").split("---\n", 2)[2].strip() in body

    check = memoria(project, "check")
    assert check.returncode == 0
    assert (
        "docs/press/2015/fictional-early-warning-networks.es.md:13: body: translation not finished "
        "(the 'memoria:translate' line is still here) — translate the title, summary and text, then delete that line"
    ) in check.stdout
    status = json.loads(memoria(project, "status", "--json").stdout)
    press = status["translations"][0]
    assert press["translated"] == {"en": 2, "es": 1}
    assert press["missing"]["es"] == ["docs/press/2015/fictional-early-warning-networks.es.md"]

    # finished: the marker line deleted → counted as translated
    target.write_text(
        text.replace(text[text.index("<!-- memoria:translate") : text.index("-->") + 4], ""), encoding="utf-8"
    )
    status = json.loads(memoria(project, "status", "--json").stdout)
    assert status["translations"][0]["translated"] == {"en": 2, "es": 2}
    assert run_build(project).returncode == 0


def test_translate_spanish_entry_with_list_fields_keeps_items_aligned(project: Path) -> None:
    (project / "docs/events/2015/fictional-hearing-defenders-2015.es.md").unlink()
    result = memoria(project, "translate", "docs/events/2015/fictional-hearing-defenders-2015.en.md")
    assert result.returncode == 0, result.stderr
    check = memoria(project, "check", "--json")
    problems = [p for p in json.loads(check.stdout)["problems"] if "fictional-hearing" in p["file"]]
    assert [p["message"].split(" (")[0] for p in problems] == ["translation not finished"]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            "docs/events/2014/roundtable-whrd-mexico-2014.en.md",
            "roundtable-whrd-mexico-2014.es.md: already exists — edit it instead",
        ),
        ("docs/press/2015/nothing-here.en.md", "docs/press/2015/nothing-here.en.md: no such file"),
        ("mkdocs.yml", "mkdocs.yml: not inside"),
        ("docs/press/2015/notes.md", "the name must end in .en.md or .es.md"),
    ],
)
def test_translate_bad_input(project: Path, path: str, expected: str) -> None:
    (project / "docs/press/2015/notes.md").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in (project / "docs").rglob("*.md")}
    result = memoria(project, "translate", path)
    assert result.returncode == 1
    assert ONE_LINE_ERROR.match(result.stderr), result.stderr
    assert expected in result.stderr
    assert {p: p.read_bytes() for p in (project / "docs").rglob("*.md")} == before


# --- check -------------------------------------------------------------------------------


def test_check_demo_is_clean_apart_from_captions_and_fast(project: Path) -> None:
    result = memoria(project, "check")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Warnings:"
    assert all(": captions: recording without captions — " in line for line in lines[1:-1])
    summary = re.fullmatch(r"0 errors, 5 warnings in 10 entries \((\d+\.\d\d) s\)", lines[-1])
    assert summary, lines[-1]
    assert float(summary.group(1)) < 0.5
    assert memoria(project, "check", "--strict").returncode == 1


THREE_MISTAKES = """\
---
title: "Honduras: defenders under threat"
date: 2024-31-01
summary: Defenders in Honduras report new threats.
countries: [HN, XX]
---

Read [the hearing](../../events/2015/fictional-hearing.md).
"""


def test_check_reports_three_mistakes_with_file_line_field(project: Path) -> None:
    (project / "docs/press/2024").mkdir(parents=True)
    (project / "docs/press/2024/honduras.en.md").write_text(THREE_MISTAKES, encoding="utf-8")
    result = memoria(project, "check")
    assert result.returncode == 1
    assert result.stdout.splitlines()[:4] == [
        "Errors (the site will not build until they are fixed):",
        '  docs/press/2024/honduras.en.md:3: date: impossible date "2024-31-01" (month must be in 1..12): give a real date as YYYY-MM-DD',
        '  docs/press/2024/honduras.en.md:5: countries.1: unknown country code "XX": use an ISO 3166 two-letter code such as MX or GT',
        "  docs/press/2024/honduras.en.md:8: body: broken link to ../../events/2015/fictional-hearing.md: no such page — correct the path (relative to this file) or remove the link",
    ]
    assert result.stdout.splitlines()[-1].startswith("3 errors, 5 warnings in 10 entries")
    built = run_build(project)
    assert built.returncode != 0  # the build agrees


def test_check_warnings_images_summary_links(project: Path) -> None:
    long_summary = "A very long summary. " * 30
    (project / "docs/press/2024").mkdir(parents=True)
    (project / "docs/press/2024/photos.en.md").write_text(
        f'---\ntitle: Photos\ndate: 2024-05-02\nsummary: "{long_summary.strip()}"\n---\n\n'
        "![](../../assets/x.png)\n"
        '<img src="../../assets/x.png">\n'
        "![A march in Tegucigalpa](../../assets/x.png)\n"
        "Links: [ok](../2014/protect-women-defenders-mesoamerica.md) [list](../index.md) "
        "[lang](../2014/protect-women-defenders-mesoamerica.es.md) `[code](nope.md)`\n"
        "```\n[fenced](nope.md)\n```\n",
        encoding="utf-8",
    )
    (project / "docs/assets").mkdir(exist_ok=True)
    (project / "docs/assets/x.png").write_bytes(b"\x89PNG\r\n")
    result = memoria(project, "check", "--json")
    report = json.loads(result.stdout)
    mine = [
        (p["line"], p["field"], p["severity"], p["message"])
        for p in report["problems"]
        if p["file"].endswith("photos.en.md")
    ]
    assert mine == [
        (
            4,
            "summary",
            "warning",
            f"{len(long_summary.strip())} characters, too long for a feed (at most 500) — shorten it to one or two sentences and keep the rest in the text",
        ),
        (
            7,
            "body",
            "warning",
            "image ../../assets/x.png has no alt text — describe it between the brackets: ![what it shows](../../assets/x.png)",
        ),
        (8, "body", "warning", 'image has no alt text — add alt="what it shows" to the <img> tag'),
        (
            10,
            "body",
            "error",
            "link to ../2014/protect-women-defenders-mesoamerica.es.md names a language — link to ../2014/protect-women-defenders-mesoamerica.md; each reader gets their own language",
        ),
    ]
    assert result.returncode == 1 and report["ok"] is False and report["errors"] == 1


def _git(project: Path, *args: str, when: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    subprocess.run(["git", *args], cwd=project, check=True, capture_output=True, env=env)


STALE = "docs/events/2014/roundtable-whrd-mexico-2014.es.md:1: translation: older than the English page"


def test_check_stale_translation_from_git(project: Path) -> None:
    _git(project, "init", "-q", when="2024-01-01T10:00:00Z")
    _git(project, "add", "docs", when="2024-01-01T10:00:00Z")
    _git(project, "commit", "-qm", "archive", when="2024-01-01T10:00:00Z")
    assert STALE not in memoria(project, "check").stdout
    english = project / "docs/events/2014/roundtable-whrd-mexico-2014.en.md"
    english.write_text(
        english.read_text(encoding="utf-8").replace("city: Mexico City", "city: Ciudad de México"),
        encoding="utf-8",
    )
    _git(project, "commit", "-qam", "city", when="2024-03-05T12:00:00Z")
    spanish = project / "docs/events/2014/roundtable-whrd-mexico-2014.es.md"
    os.utime(spanish)  # a newer file date does not count: the commit date does
    result = memoria(project, "check")
    assert result.returncode == 0
    assert (
        f"{STALE} (roundtable-whrd-mexico-2014.en.md changed 2024-03-05 12:00:00 UTC, this file 2024-01-01 10:00:00 UTC) — "
        "bring the translation up to date with the English changes, then save it"
    ) in result.stdout
    # editing the translation (uncommitted) uses its file date, which is newer
    spanish.write_text(spanish.read_text(encoding="utf-8") + "\nActualizado.\n", encoding="utf-8")
    assert STALE not in memoria(project, "check").stdout


def test_check_stale_translation_from_file_dates(project: Path) -> None:
    english = project / "docs/events/2014/roundtable-whrd-mexico-2014.en.md"
    spanish = project / "docs/events/2014/roundtable-whrd-mexico-2014.es.md"
    os.utime(spanish, (1_700_000_000, 1_700_000_000))
    os.utime(english, (1_700_086_400, 1_700_086_400))
    assert STALE in memoria(project, "check").stdout
    os.utime(spanish, (1_700_086_401, 1_700_086_401))
    assert STALE not in memoria(project, "check").stdout


def test_check_bad_arguments(project: Path, tmp_path: Path) -> None:
    result = memoria(project, "check", "--nope")
    assert result.returncode == 2 and ONE_LINE_ERROR.match(result.stderr), result.stderr
    missing = memoria(tmp_path, "check")
    assert missing.returncode == 2 and ONE_LINE_ERROR.match(missing.stderr), missing.stderr
    assert "mkdocs.yml: not found" in missing.stderr
    nodocs = memoria(project, "check", "--docs-dir", "elsewhere")
    assert nodocs.returncode == 2 and "elsewhere: no such folder" in nodocs.stderr


def test_check_yaml_error_is_reported_not_raised(project: Path) -> None:
    path = project / "docs/press/2015/fictional-early-warning-networks.en.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("date: 2015-03-25", "date: [2015"), encoding="utf-8"
    )
    result = memoria(project, "check")
    assert result.returncode == 1
    assert "docs/press/2015/fictional-early-warning-networks.en.md:" in result.stdout
    assert "YAML syntax error" in result.stdout and "Traceback" not in result.stderr


# --- status ------------------------------------------------------------------------------


def test_status_table_for_the_demo(project: Path) -> None:
    result = memoria(project, "status")
    assert result.returncode == 0
    out = result.stdout
    assert re.search(
        r"Press releases\s*│\s*2/2\s*│\s*1/2\s*│\s*es: docs/press/2015/fictional-early-warning-networks\.es\.md",
        out,
    ), out
    assert re.search(r"Events\s*│\s*2/2\s*│\s*2/2\s*│\s*—", out)
    assert re.search(r"Not checked\s*│\s*6\s*│\s*hearing-2015-part-1, ustream-51400296", out), out


def test_status_both_directions_and_recordings_by_status(project: Path) -> None:
    assert (
        memoria(
            project, "new", "event", "--title", "Foro de defensoras", "--date", "2024-06-01", "--lang", "es"
        ).returncode
        == 0
    )
    (project / "docs/recordings/ustream-51403229.es.md").unlink()
    media = project / "media"

    def write_manifest(folder: Path, manifest: dict[str, object]) -> None:  # schema 1, as older archives hold
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    write_manifest(
        media / "ustream-51400296",
        {
            "id": "ustream-51400296",
            "outcome": "mirrored",
            "files": [{"name": "v.mp4", "role": "original", "size": 1, "sha256": "0" * 64}],
            "origin": {"status": "dead"},
        },
    )
    write_manifest(
        media / "ustream-51404064",
        {"id": "ustream-51404064", "outcome": "failed", "files": [], "origin": {"status": "alive"}},
    )
    write_manifest(
        media / "ustream-51404484",
        {"id": "ustream-51404484", "outcome": "failed", "files": [], "origin": {"status": "dead"}},
    )
    (media / "ustream-51407558").mkdir()
    (media / "ustream-51407558/manifest.json").write_text("{broken", encoding="utf-8")
    result = memoria(project, "status", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    events, recordings = report["translations"][1], report["translations"][2]
    assert events == {
        "section": "events",
        "total": 3,
        "translated": {"en": 2, "es": 3},
        "missing": {"en": ["docs/events/2024/foro-de-defensoras.en.md"], "es": []},
    }
    assert recordings["missing"] == {"en": [], "es": ["docs/recordings/ustream-51403229.es.md"]}
    assert report["recordings"]["by_status"] == {
        "online": 0,
        "rescued": 1,
        "changed": 0,
        "endangered": 1,
        "unreachable": 0,
        "restricted": 0,
        "lost": 1,
        "unknown": 3,
    }
    broken = next(item for item in report["recordings"]["items"] if item["id"] == "ustream-51407558")
    assert broken["status"] == "unknown" and "not valid JSON" in broken["problem"]
    table = memoria(project, "status").stdout
    assert re.search(r"Rescued\s*│\s*1\s*│\s*ustream-51400296", table)
    assert "not valid JSON" in table


# --- help --------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["new", "translate", "check", "status"])
def test_every_command_has_help_with_an_example(project: Path, command: str) -> None:
    result = memoria(project, command, "--help")
    assert result.returncode == 0
    assert re.search(r"^examples?:\n  memoria " + command, result.stdout, re.MULTILINE), result.stdout


# --- the guide ---------------------------------------------------------------------------

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "guide"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_guide_example_output_is_what_check_prints(project: Path, lang: str) -> None:
    """The guide's three-mistake example shows the real output, so the guide cannot drift from the code."""
    text = (GUIDE / f"errors.{lang}.md").read_text(encoding="utf-8")
    example = re.search(r"```markdown\n(.*?)```", text, re.DOTALL)
    shown = re.search(r"```text\n(.*?)```", text, re.DOTALL)
    assert example and shown
    (project / "docs/press/2024").mkdir(parents=True)
    (project / "docs/press/2024/honduras.en.md").write_text(example.group(1), encoding="utf-8")
    # Each page shows what `memoria check` prints in its language.
    result = subprocess.run(
        [*CLI, "--ui-lang", lang, "check"], cwd=project, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    printed = [line for line in result.stdout.splitlines() if "honduras" in line or line.startswith("Error")]
    assert printed == shown.group(1).splitlines()[:-1]
    count = re.sub(r"\(\d+\.\d\d s\)", "", result.stdout.splitlines()[-1])
    assert count == re.sub(r"\(\d+\.\d\d s\)", "", shown.group(1).splitlines()[-1])


@pytest.mark.parametrize("lang", ["en", "es"])
def test_guide_covers_every_staff_command(lang: str) -> None:
    text = "\n".join(path.read_text(encoding="utf-8") for path in GUIDE.glob(f"*.{lang}.md"))
    for command in (
        "memoria new press",
        "memoria new event",
        "memoria new recording",
        "memoria translate",
        "memoria check",
        "memoria check --strict",
        "memoria check --json",
        "memoria status",
        "memoria status --json",
        "make serve",
        "--lang es",
    ):
        assert command in text, f"docs/guide/*.{lang}.md: does not mention '{command}'"
    assert len(list(GUIDE.glob("*.en.md"))) == len(list(GUIDE.glob("*.es.md")))


def test_guide_is_built_in_both_languages_and_linked_from_the_footer_not_the_menu(demo_site) -> None:  # type: ignore[no-untyped-def]
    for lang_prefix, link, title in (
        ("", "Staff guide", "Common errors and their fix"),
        ("es/", "Guía para el equipo", "Errores frecuentes y cómo corregirlos"),
    ):
        home = demo_site.page(lang_prefix)
        tabs = [
            " ".join(a.text_content().split()) for a in home.xpath("//a[contains(@class, 'md-tabs__link')]")
        ]
        assert not [tab for tab in tabs if "Gu" in tab], tabs
        assert home.xpath("//footer//a[@data-memoria-guide]/text()") == [link]
        errors = demo_site.page(f"{lang_prefix}guide/errors/")
        assert errors.xpath("string(//h1)").strip() == title
        assert errors.xpath("string(//html/@lang)") == (lang_prefix.rstrip("/") or "en")
