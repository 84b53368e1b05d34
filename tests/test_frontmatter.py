"""Front matter mistakes a non-programmer makes, each reported on its real line with what to do.

Every message here is also in the guide's errors page in both languages (the last test keeps
them in step), so what staff read in the terminal is what the guide explains.
"""

from __future__ import annotations

import time
import tracemalloc
import unicodedata
from pathlib import Path

import pytest
import yaml

from memoria import messages
from memoria.content import Severity, load_archive
from memoria.frontmatter import FrontMatterError, parse_front_matter

ROOT = Path(__file__).resolve().parent.parent
GUIDE = {
    lang: (ROOT / "docs" / "guide" / f"errors.{lang}.md").read_text(encoding="utf-8") for lang in ("en", "es")
}

GOOD = """\
---
title: "Honduras: defenders under threat"
date: 2024-08-25
summary: Defenders in Honduras report new threats.
topics:
  - Women human rights defenders
  - Protection
---

Body.
"""

#: (name, front matter lines after '---', expected "line: field: message")
MISTAKES = [
    (
        "unquoted colon",
        "title: Honduras: defenders under threat\ndate: 2024-08-25\nsummary: x\n",
        "2: title: unquoted ': ' inside the value: put the value in double quotes, as in title: \"Honduras: defenders under threat\"",
    ),
    (
        "tab in the indentation",
        "title: x\ndate: 2024-08-25\nsummary: x\ntopics:\n\t- Protection\n",
        "6: topics: tab character in the indentation: YAML indents with spaces only; replace the tab with spaces",
    ),
    (
        "unclosed double quote, reported where it opens",
        'title: "Honduras: defenders\ndate: 2024-08-25\nsummary: x\n',
        '2: title: the " opened on this line is never closed: add the closing " at the end of the value',
    ),
    (
        "unclosed single quote, reported where it opens",
        "title: x\ndate: 2024-08-25\nsummary: 'Defenders report\ntopics: [Protection]\n",
        "4: summary: the ' opened on this line is never closed: add the closing ' at the end of the value",
    ),
    (
        "list item indented too far (would silently merge into one topic)",
        "title: x\ndate: 2024-08-25\nsummary: x\ntopics:\n  - Women human rights defenders\n    - Protection\n",
        "7: topics: list item at the wrong indentation: start every '- ' item of a list in the same column as "
        "the first one (if the dash is part of the text, put the value in quotes)",
    ),
    (
        "list item indented too little",
        "title: x\ndate: 2024-08-25\nsummary: x\ntopics:\n  - Women human rights defenders\n - Protection\n",
        "7: topics: list item at the wrong indentation: start every '- ' item of a list in the same column as "
        "the first one (if the dash is part of the text, put the value in quotes)",
    ),
    (
        "duplicated key",
        "title: x\ndate: 2024-08-25\nsummary: x\ntitle: y\n",
        "5: title: 'title' is given twice (first on line 2): keep only one",
    ),
    (
        "text after a closing quote",
        'title: "Honduras" defenders\ndate: 2024-08-25\nsummary: x\n',
        "2: title: text after the closing quote: put the whole value inside the quotes",
    ),
    (
        "anchor and alias",
        "title: x\ndate: 2024-08-25\nsummary: &s x\ntopics: *s\n",
        "4: summary: YAML anchors (&name) and aliases (*name) are not part of the front matter format: "
        "write the value out in full (put it in quotes if the & or * belongs to the text)",
    ),
    (
        "markdown emphasis read as an alias",
        "title: x\ndate: 2024-08-25\nsummary: *Urgent* action\n",
        "4: summary: YAML anchors (&name) and aliases (*name) are not part of the front matter format: "
        "write the value out in full (put it in quotes if the & or * belongs to the text)",
    ),
    (
        "tag",
        "title: !!python/object:os.system x\ndate: 2024-08-25\nsummary: x\n",
        "2: title: YAML tags ('!!python/object:os.system') are not part of the front matter format: remove the tag",
    ),
    (
        "merge key",
        "title: x\ndate: 2024-08-25\nsummary: x\ncontacts:\n  - <<: {name: Ana}\n",
        "6: YAML merge keys ('<<') are not part of the front matter format: write the fields out in full",
    ),
]


@pytest.fixture
def docs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path / "docs"


def reported(docs: Path, header: str) -> list[str]:
    path = docs / "press" / "2024" / "honduras.en.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{header}---\n\nBody.\n", encoding="utf-8")
    return [str(p) for p in load_archive(docs).problems if p.severity is Severity.ERROR]


def test_a_good_header_loads(docs: Path) -> None:
    path = docs / "press" / "2024" / "honduras.en.md"
    path.parent.mkdir(parents=True)
    path.write_text(GOOD, encoding="utf-8")
    result = load_archive(docs)
    assert result.problems == []
    assert result.entries[0].english.topics == ["Women human rights defenders", "Protection"]


@pytest.mark.parametrize(("header", "expected"), [m[1:] for m in MISTAKES], ids=[m[0] for m in MISTAKES])
def test_each_mistake_names_its_real_line_and_the_fix(docs: Path, header: str, expected: str) -> None:
    assert reported(docs, header) == [f"docs/press/2024/honduras.en.md:{expected}"]


@pytest.mark.parametrize(("header", "expected"), [m[1:] for m in MISTAKES], ids=[m[0] for m in MISTAKES])
def test_each_message_is_in_the_guide_in_both_languages(header: str, expected: str) -> None:
    """Each language's errors page quotes the message as the tools print it in that language."""
    message = expected.partition(": ")[2]
    assert _shown(header, "en") == message
    for lang, page in GUIDE.items():
        shown = _shown(header, lang)
        assert f"`{shown}`" in page, f"docs/guide/errors.{lang}.md does not show: {shown}"
    assert _shown(header, "es") != message  # the Spanish page quotes the Spanish message


def _shown(header: str, lang: str) -> str:
    """The message `header` gives, as `memoria check` words it in `lang`."""
    messages.install(lang)
    try:
        parse_front_matter(f"---\n{header}---\n")
    except FrontMatterError as error:
        return f"{error.field}: {error.message}" if error.field else error.message
    else:
        pytest.fail("no error")
    finally:
        messages.install("en")


def test_an_alias_bomb_is_refused_before_any_expansion() -> None:
    """A 400-byte header once took 17 s and 2.3 GB: now it is refused at its first anchor."""
    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 9):
        previous = chr(ord("a") + n - 1)
        levels.append(f"{chr(ord('a') + n)}: &{chr(ord('a') + n)} [{', '.join([f'*{previous}'] * 9)}]")
    header = "\n".join(levels) + "\n"
    assert len(header) < 500
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(FrontMatterError) as raised:
        parse_front_matter(f"---\n{header}---\n")
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert raised.value.line == 2
    assert "anchors" in raised.value.message
    assert seconds < 0.5 and peak < 5_000_000


def test_a_tab_inside_a_quoted_value_is_fine() -> None:
    front = parse_front_matter('---\ntitle: "a\tb"\n---\n')
    assert front.values["title"] == "a\tb"


def test_a_dash_inside_a_quoted_multi_line_value_is_fine() -> None:
    front = parse_front_matter('---\nsummary: "One line\n  - and a dash"\n---\n')
    assert front.values["summary"] == "One line - and a dash"


def test_every_text_value_is_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Declaración de Tegucigalpa: niñez")
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    front = parse_front_matter(
        f"---\ntitle: '{decomposed}'\nspeakers:\n  - name: {unicodedata.normalize('NFD', 'José Núñez')}\n---\n"
    )
    assert front.values["title"] == "Declaración de Tegucigalpa: niñez"
    assert unicodedata.is_normalized("NFC", front.values["title"])
    assert front.values["speakers"][0]["name"] == "José Núñez"
    assert unicodedata.is_normalized("NFC", front.values["speakers"][0]["name"])


def test_values_are_what_pyyamls_safe_loader_makes_of_them_in_nfc() -> None:
    # Front matter builds texts, lists and mappings itself and leaves other scalars to the loader.
    header = (
        "title: 'Decl\u0061\u0301racio\u0301n'\nyear: 2014\nsize: 1_000\nsexagesimal: 1:30\nhex: 0x1F\n"
        "ratio: 1.5\nforever: .inf\ndraft: yes\nshown: False\nnothing: ~\nempty:\ndate: 2024-08-25\n"
        "topics: [Protection, 12, null]\nnested:\n  e\u0301: {a: [b, {c: d}]}\n  7: seven\n"
        "block: |\n  line one\n  line two\nfolded: >-\n  one\n  two\n"
    )
    values = parse_front_matter(f"---\n{header}---\n").values
    loaded = yaml.load(header, Loader=yaml.SafeLoader)
    loaded["date"] = "2024-08-25"  # dates stay text, checked by Memoria itself
    loaded["title"] = unicodedata.normalize("NFC", loaded["title"])
    loaded["nested"] = {"\u00e9": loaded["nested"]["e\u0301"], 7: "seven"}
    assert repr(values) == repr(loaded)


def _messages_in_tables(page: str) -> list[str]:
    return [line.split("`")[1] for line in page.splitlines() if line.startswith("| `")]


def test_both_errors_pages_list_as_many_messages() -> None:
    """Kept in step: every row of one page has its row in the other (some messages are translated)."""
    assert len(_messages_in_tables(GUIDE["en"])) == len(_messages_in_tables(GUIDE["es"]))
