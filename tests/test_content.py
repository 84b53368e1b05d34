"""One test per content rule: each bad input names the file, line and field a person would read."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from memoria.catalog import build_catalog, load_catalog
from memoria.content import KINDS, ContentErrors, Severity, entry_files, load_archive

PRESS = """\
---
title: A press release
date: 2014-08-25
summary: What happened.
countries: [MX]
topics: [Women human rights defenders]
event: the-event
---

Body.
"""

EVENT = """\
---
title: The event
date: 2014-08-15
country: MX
---

Body.
"""

RECORDING = """\
---
id: rec-1
title: A recording
language: es
recorded: 2014-08-15
source_url: http://www.ustream.tv/recorded/1
event: the-event
---
"""


def write(docs: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return docs


@pytest.fixture
def docs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # problems show paths relative to the working directory
    return write(
        tmp_path / "docs",
        {
            "press/2014/release.en.md": PRESS,
            "events/2014/the-event.en.md": EVENT,
            "recordings/rec-1.en.md": RECORDING,
        },
    )


def problems_of(docs: Path) -> list[str]:
    result = load_archive(docs)
    _, reference_problems = build_catalog(result.entries)
    return [str(p) for p in sorted([*result.problems, *reference_problems])]


def test_valid_archive_has_no_problems(docs: Path) -> None:
    assert problems_of(docs) == []


def test_date_in_wrong_format_names_file_line_and_field(docs: Path) -> None:
    write(docs, {"press/2014/release.en.md": PRESS.replace("date: 2014-08-25", 'date: "25/08/2014"')})
    assert problems_of(docs) == [
        'docs/press/2014/release.en.md:3: date: expected YYYY-MM-DD, got "25/08/2014"'
    ]


def test_control_character_in_front_matter_with_its_line(docs: Path) -> None:
    write(
        docs,
        {"press/2014/release.en.md": PRESS.replace("summary: What happened.", "summary: What\x7f happened.")},
    )
    [problem] = problems_of(docs)
    assert problem == (
        "docs/press/2014/release.en.md:4: control character U+007F is not allowed in front matter: delete it"
    )


def test_impossible_date(docs: Path) -> None:
    write(docs, {"press/2014/release.en.md": PRESS.replace("2014-08-25", "2014-02-30")})
    [problem] = problems_of(docs)
    assert problem.startswith('docs/press/2014/release.en.md:3: date: impossible date "2014-02-30"')


def test_yaml_syntax_error_with_its_line(docs: Path) -> None:
    write(docs, {"press/2014/release.en.md": PRESS.replace("summary: What happened.", "summary: [unclosed")})
    [problem] = problems_of(docs)
    assert problem.startswith("docs/press/2014/release.en.md:")
    assert "YAML syntax error" in problem
    line = int(problem.split(":")[1])
    assert line in (4, 5, 6)  # the YAML parser notices at or just after the broken line


def test_missing_required_field(docs: Path) -> None:
    write(docs, {"press/2014/release.en.md": PRESS.replace("summary: What happened.\n", "")})
    assert problems_of(docs) == [
        "docs/press/2014/release.en.md:1: summary: required field is missing: add 'summary:' to the front matter"
    ]


def test_wrong_type(docs: Path) -> None:
    write(docs, {"press/2014/release.en.md": PRESS.replace("title: A press release", "title: [a, list]")})
    assert problems_of(docs) == ["docs/press/2014/release.en.md:2: title: expected text, got a list"]


def test_unknown_country_code(docs: Path) -> None:
    write(docs, {"press/2014/release.en.md": PRESS.replace("[MX]", "[MX, XX]")})
    assert problems_of(docs) == [
        'docs/press/2014/release.en.md:5: countries.1: unknown country code "XX": '
        "use an ISO 3166 two-letter code such as MX or GT"
    ]


def test_unknown_event_id(docs: Path) -> None:
    write(docs, {"press/2014/release.en.md": PRESS.replace("event: the-event", "event: no-such-event")})
    assert problems_of(docs) == [
        'docs/press/2014/release.en.md:7: event: unknown event id "no-such-event": known events are the-event'
    ]


def test_unknown_recording_id(docs: Path) -> None:
    write(
        docs,
        {"press/2014/release.en.md": PRESS.replace("event: the-event", "recordings:\n  - rec-1\n  - rec-9")},
    )
    [problem] = problems_of(docs)
    assert problem.startswith('docs/press/2014/release.en.md:9: recordings.1: unknown recording id "rec-9"')


def test_duplicate_id(docs: Path) -> None:
    write(docs, {"recordings/rec-2.en.md": RECORDING})  # declares id: rec-1 again
    assert problems_of(docs) == [
        'docs/recordings/rec-2.en.md:2: id: duplicate id "rec-1": docs/recordings/rec-1.en.md uses it already; choose another id'
    ]


def test_a_spanish_only_entry_is_its_own_original(docs: Path) -> None:
    write(docs, {"press/2014/solo.es.md": "---\ntitle: Solo en español\n---\n"})
    assert problems_of(docs) == [
        "docs/press/2014/solo.es.md:1: date: required field is missing: add 'date:' to the front matter",
        "docs/press/2014/solo.es.md:1: summary: required field is missing: add 'summary:' to the front matter",
    ]


def test_translation_contradicting_an_inherited_field(docs: Path) -> None:
    write(docs, {"press/2014/release.es.md": "---\ntitle: Un comunicado\ndate: 2014-08-26\n---\n"})
    [problem] = problems_of(docs)
    assert problem.startswith("docs/press/2014/release.es.md:3: date: conflicts with the English file")
    assert "set it only in the English file" in problem


def test_translation_repeating_an_inherited_field_unchanged_is_fine(docs: Path) -> None:
    write(docs, {"press/2014/release.es.md": "---\ntitle: Un comunicado\ndate: 2014-08-25\n---\n"})
    assert problems_of(docs) == []


def test_unknown_field_is_a_warning(docs: Path) -> None:
    write(
        docs,
        {"press/2014/release.en.md": PRESS.replace("event: the-event", "event: the-event\ncountires: [GT]")},
    )
    result = load_archive(docs)
    [warning] = result.problems
    assert warning.severity is Severity.WARNING
    assert str(warning).startswith("docs/press/2014/release.en.md:8: countires: unknown field (a typo?)")


def test_file_without_language_suffix(docs: Path) -> None:
    write(docs, {"press/2014/plain.md": PRESS})
    [problem] = problems_of(docs)
    assert problem.startswith("docs/press/2014/plain.md:1: file name must end in .en.md or .es.md")


def test_every_problem_is_reported_at_once(docs: Path) -> None:
    write(
        docs,
        {
            "press/2014/release.en.md": PRESS.replace("2014-08-25", "2014-13-01"),
            "events/2014/the-event.en.md": EVENT.replace("country: MX", "country: ZZ"),
            "recordings/rec-1.en.md": RECORDING.replace("http://www", "ftp://www"),
        },
    )
    with pytest.raises(ContentErrors) as raised:
        load_catalog(docs)
    fields = sorted(p.field for p in raised.value.problems)
    assert fields == ["country", "date", "source_url"]


def test_translation_inherits_language_neutral_fields(docs: Path) -> None:
    write(
        docs,
        {
            "press/2014/release.es.md": "---\ntitle: Un comunicado\nsummary: Lo que pasó.\n"
            "topics: [Defensoras de derechos humanos]\n---\n\nCuerpo.\n"
        },
    )
    catalog = load_catalog(docs)
    [press] = catalog.section("press")
    spanish = press.in_language("es")
    assert spanish.title == "Un comunicado"
    assert str(spanish.date) == "2014-08-25"  # type: ignore[attr-defined]
    assert spanish.countries == ["MX"]  # type: ignore[attr-defined]
    assert catalog.topic_label("women-human-rights-defenders", "es") == "Defensoras de derechos humanos"
    assert press.sources["es"].body.strip() == "Cuerpo."


def test_a_translation_behind_on_topics_is_a_warning_and_falls_back(docs: Path) -> None:
    """Translations never block publishing: a new English topic is the translator's to catch up with."""
    write(docs, {"press/2014/release.es.md": "---\ntitle: Un comunicado\ntopics: [Uno, Dos]\n---\n"})
    result = load_archive(docs)
    assert result.errors == []
    [warning] = [str(p) for p in result.warnings]
    assert warning.startswith(
        "docs/press/2014/release.es.md:3: topics: has 2 topics but the English file has 1"
    )
    assert warning.endswith("(until then the page shows the English topics)")
    [press] = [e for e in result.entries if e.section == "press"]
    assert press.in_language("es").title == "Un comunicado"
    assert press.in_language("es").topics == ["Women human rights defenders"]


def test_a_new_speaker_in_the_original_is_a_warning_a_changed_name_an_error(docs: Path) -> None:
    speakers_en = "speakers:\n  - name: Ana\n    role: Lawyer\n  - name: Berta\n    role: Journalist\n"
    write(
        docs, {"events/2014/the-event.en.md": EVENT.replace("country: MX\n", "country: MX\n" + speakers_en)}
    )
    write(
        docs,
        {
            "events/2014/the-event.es.md": "---\ntitle: El evento\nspeakers:\n  - name: Ana\n    role: Abogada\n---\n"
        },
    )
    result = load_archive(docs)
    assert result.errors == []
    assert [p.field for p in result.warnings] == ["speakers"]
    [event] = [e for e in result.entries if e.section == "events"]
    assert [s.role for s in event.in_language("es").speakers] == ["Lawyer", "Journalist"]
    write(
        docs,
        {
            "events/2014/the-event.es.md": "---\ntitle: El evento\nspeakers:\n  - name: Anna\n    role: Abogada\n"
            "  - name: Berta\n    role: Periodista\n---\n"
        },
    )
    assert [str(p) for p in load_archive(docs).errors] == [
        "docs/events/2014/the-event.es.md:3: speakers: item 1: 'name' differs from English; only role may be "
        "translated; the English file docs/events/2014/the-event.en.md defines it"
    ]


def test_relations_resolve_both_ways(docs: Path) -> None:
    catalog = load_catalog(docs)
    [press] = catalog.section("press")
    [event] = catalog.section("events")
    [recording] = catalog.section("recordings")
    assert catalog.event_of(press) is event
    assert catalog.press_of(event) == [press]
    assert catalog.recordings_of(event) == [recording]
    assert catalog.event_of(recording) is event


def test_a_broken_english_file_does_not_hide_its_translations_problems(docs: Path) -> None:
    write(
        docs,
        {
            "press/2014/release.en.md": PRESS.replace("title: A press release", "title: [a, list]"),
            "press/2014/release.es.md": "---\ntitle: Un comunicado\ndate: 2014-08-26\n---\n",
        },
    )
    problems = problems_of(docs)
    assert problems[0] == "docs/press/2014/release.en.md:2: title: expected text, got a list"
    assert problems[1].startswith("docs/press/2014/release.es.md:3: date: conflicts with the English file")
    assert len(problems) == 2


def test_windows_line_endings_read_as_unix_ones(docs: Path) -> None:
    (docs / "press/2014/release.en.md").write_bytes(PRESS.replace("\n", "\r\n").encode("utf-8"))
    [press] = load_catalog(docs).section("press")
    assert press.sources["en"].body == "\nBody.\n"
    assert press.sources["en"].front_matter.line_of(("event",)) == 7


def test_entry_files_are_what_sorted_rglob_finds(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    for name in [
        "press/2014/a.en.md",
        "press/2014/a.es.md",
        "press/2014/index.md",
        "press/2014/index.es.md",
        "press/2014-b/c.en.md",  # "-" sorts before "/" as text, after it as parts
        "press/2014/sub/d.en.md",
        "press/.hidden/e.en.md",
        "press/notes.txt",
        "press/upper.EN.MD",
        "press/top.en.md",
        "events/2015/f.en.md",
        "recordings/x.md/inside.en.md",  # a folder named like an entry file
    ]:
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text("x\n", encoding="utf-8")
    (docs / "events" / "linked").symlink_to(docs / "press" / "2014", target_is_directory=True)
    (docs / "events" / "linked-file.en.md").symlink_to(docs / "press" / "top.en.md")
    expected = [
        (section, path)
        for section in KINDS
        if (docs / section).is_dir()
        for path in sorted((docs / section).rglob("*.md"))
        if not (path.name.startswith("index.") or path.name == "index.md")
    ]
    assert list(entry_files(docs)) == expected
    assert len(expected) == 10
