"""The documents for each reader stay true to the tree: the README short, every relative link
alive, the content reference equal to the content models, ARCHITECTURE.md's module list equal to
the modules. In-process and fast: they read files, build nothing."""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from pathlib import Path

import pytest

from memoria.content import KINDS, EntryFields

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
#: what the README leads to, and what those pages link among themselves (the built guide's own
#: links are checked by the strict build of the demo)
LINKED_DOCS = [
    README,
    ROOT / "ARCHITECTURE.md",
    ROOT / "CONTRIBUTING.md",
    ROOT / "BENCHMARKS.md",
    *sorted((ROOT / "handbook").glob("*.md")),
]
README_LIMIT = 8 * 1024
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def prose(path: Path) -> str:
    """The Markdown without its fenced code blocks, where a bracket is code, not a link."""
    return FENCE.sub("", path.read_text(encoding="utf-8"))


def anchors(path: Path) -> set[str]:
    """The anchors GitHub gives a Markdown file's headings (lowercase, punctuation dropped, spaces to hyphens)."""
    seen: dict[str, int] = {}
    out = set()
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*#*$", prose(path), re.MULTILINE):
        text = unicodedata.normalize("NFC", heading.lower())
        slug = "".join(c for c in text if c.isalnum() or c in " -_").replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        out.add(slug if count == 0 else f"{slug}-{count}")
    return out


def test_the_readme_stays_short() -> None:
    size = len(README.read_bytes())
    assert size <= README_LIMIT, (
        f"README.md: {size} bytes, over {README_LIMIT}: move the detail to handbook/, CONTRIBUTING.md or "
        "ARCHITECTURE.md and link to it"
    )


def test_ci_runs_the_readmes_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1].strip()
    first_block = re.search(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    assert first_block, "README.md: no ```sh block with the two commands"
    commands = [line.split("#", 1)[0].strip() for line in first_block.group(1).splitlines()]
    assert commands == ["make site", "make test"]
    assert ci == "make test"


@pytest.mark.parametrize("doc", LINKED_DOCS, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(doc: Path) -> None:
    broken = []
    for target in LINK.findall(prose(doc)):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto:
            continue
        path_part, _, anchor = target.partition("#")
        linked = (doc.parent / path_part).resolve() if path_part else doc
        if not linked.exists():
            broken.append(f"{target}: no such file")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            broken.append(f"{target}: no heading '#{anchor}' in {linked.relative_to(ROOT)}")
    assert broken == [], f"{doc.relative_to(ROOT)}: " + "; ".join(broken)


def test_the_readme_links_every_handbook_page() -> None:
    text = README.read_text(encoding="utf-8")
    unlinked = [p.name for p in (ROOT / "handbook").glob("*.md") if f"(handbook/{p.name})" not in text]
    assert unlinked == [], f"README.md, 'Where to go next': link {unlinked}"


# --- the content reference is the content models -------------------------------------------------

KIND_ROWS = {"every kind": None, "press release": "press", "event": "events", "recording": "recordings"}


def reference_table() -> dict[str, tuple[set[str], set[str], set[str]]]:
    """handbook/content.md's 'Front matter by kind' rows: kind → (required, optional, translatable)."""
    text = (ROOT / "handbook" / "content.md").read_text(encoding="utf-8")
    section = text.split("## Front matter by kind", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] in ("kind", "---"):
            continue
        kind = next((name for name in KIND_ROWS if cells[0].startswith(name)), None)
        assert kind, f"handbook/content.md: unknown kind row {cells[0]!r}"

        def names(cell: str) -> set[str]:
            return set(re.findall(r"`([a-z_]+)`", re.sub(r"\([^)]*\)", "", cell)))

        rows[kind] = (names(cells[1]), names(cells[2]), names(cells[3]))
    return rows


def test_the_content_reference_lists_every_kind() -> None:
    documented = {KIND_ROWS[kind] for kind in reference_table()} - {None}
    assert documented == set(KINDS), "handbook/content.md: one row per kind of entry"


@pytest.mark.parametrize("kind", [k for k, section in KIND_ROWS.items() if section])
def test_the_content_reference_matches_the_model(kind: str) -> None:
    table = reference_table()
    every_required, every_optional, every_translated = table["every kind"]
    required, optional, translated = table[kind]
    model = KINDS[KIND_ROWS[kind]].fields  # type: ignore[index]
    fields = {name: info for name, info in model.model_fields.items() if not info.exclude}
    assert {n for n, info in fields.items() if info.is_required()} == every_required | required, kind
    assert {n for n, info in fields.items() if not info.is_required()} == (
        every_optional | optional
    ) - required
    assert set(model.TRANSLATABLE) == every_translated | translated, kind
    assert every_translated == set(EntryFields.TRANSLATABLE)


# --- ARCHITECTURE.md's module list is the tree ---------------------------------------------------


def test_the_module_list_matches_the_tree() -> None:
    spec = importlib.util.spec_from_file_location("module_map", ROOT / "scripts" / "module_map.py")
    assert spec and spec.loader
    module_map = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module_map)
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    expected = module_map.replace_map(text, module_map.module_map())
    assert text == expected, (
        "ARCHITECTURE.md: the module list is stale: run python scripts/module_map.py --write"
    )
