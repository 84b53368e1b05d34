"""Memoria's copies of Material templates differ from the installed Material's only by the intended changes.

overrides/partials/header.html is Material's header with Memoria's search box and same-host
links; the site_nav block of overrides/main.html is Material's with the nav partial cached.
Each copy's diff against the installed original is kept in tests/material/*.diff: when a
Material upgrade changes the original, the diff changes and this test fails, so the copy is
brought up to date instead of silently rendering the old Material. After merging upstream's
change into the copy, `python tests/test_material_copies.py` rewrites the expected diffs.
"""

from __future__ import annotations

import difflib
import importlib.metadata
import re
import sys
import textwrap
from pathlib import Path

import material

ROOT = Path(__file__).resolve().parent.parent
MATERIAL = Path(material.__file__).parent / "templates"
EXPECTED = Path(__file__).parent / "material"


def template_block(text: str, name: str) -> str:
    """The `{% block name %}…{% endblock %}` of a template, dedented (Material nests it; Memoria does not)."""
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if re.match(rf"\s*{{% block {name} %}}", line))
    indent = lines[start][: len(lines[start]) - len(lines[start].lstrip())]
    end = next(i for i in range(start + 1, len(lines)) if lines[i].rstrip() == f"{indent}{{% endblock %}}")
    return textwrap.dedent("".join(lines[start : end + 1]))


def copy_diff(original: str, copy: str, name: str) -> str:
    """A unified diff (one line of context) from Material's `original` to Memoria's `copy`."""
    diff = difflib.unified_diff(
        original.splitlines(), copy.splitlines(), f"material/{name}", f"memoria/{name}", n=1, lineterm=""
    )
    return "\n".join(diff) + "\n"


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def copies() -> dict[str, tuple[str, str]]:
    """Expected diff file → (Material's original, Memoria's copy), from the installed Material."""
    return {
        "header.html.diff": (
            _read(MATERIAL / "partials/header.html"),
            _read(ROOT / "overrides/partials/header.html"),
        ),
        "site_nav.diff": (
            template_block(_read(MATERIAL / "base.html"), "site_nav"),
            template_block(_read(ROOT / "overrides/main.html"), "site_nav"),
        ),
    }


def test_copies_differ_from_installed_material_only_by_the_intended_changes() -> None:
    for expected_name, (original, copy) in copies().items():
        expected = _read(EXPECTED / expected_name)
        actual = copy_diff(original, copy, expected_name.removesuffix(".diff"))
        assert actual == expected, (
            f"Material {importlib.metadata.version('mkdocs-material')}'s template behind tests/material/{expected_name} changed "
            f"(or Memoria's copy did): bring the copy up to date with upstream, keep only Memoria's "
            f"changes, then run `python tests/test_material_copies.py`.\nDiff now:\n{actual}"
        )


def test_the_intended_changes_are_the_ones_documented() -> None:
    """The header's diff is the search box (cached like the chrome) and the same-host include; site_nav's
    is the cached nav partial."""
    header = _read(EXPECTED / "header.html.diff")
    added = [line for line in header.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert '+{% include "partials/memoria-same-host.html" %}' in added
    [search] = [line for line in added if line.startswith("+    {% if memoria and memoria.chrome %}")]
    assert 'memoria.chrome.cached("search "' in search
    assert search.count('{% include "partials/memoria-search.html" %}') == 2  # cached, and on nav pages
    site_nav = _read(EXPECTED / "site_nav.diff")
    changed = [line for line in site_nav.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert [line[0] for line in changed] == ["-", "+"] and 'memoria.chrome.cached("nav")' in changed[1]


def test_an_upstream_change_is_noticed() -> None:
    """The check fails on a drifted original: a line Material added, and one it changed, each show in the diff."""
    original, copy = copies()["header.html.diff"]
    expected = _read(EXPECTED / "header.html.diff")
    # Far from Memoria's changes (a new hunk), and inside one hunk's context.
    added = original.replace("{{ page.title }}", "{{ page.title }}{{ page.subtitle }}", 1)
    changed = original.replace('data-md-component="header"', 'data-md-component="header-v2"', 1)
    for drifted in (added, changed):
        assert drifted != original
        assert copy_diff(drifted, copy, "header.html") != expected
    nav_original, nav_copy = copies()["site_nav.diff"]
    drifted_nav = nav_original.replace(
        '{% include "partials/toc.html" %}', '{% include "partials/toc2.html" %}'
    )
    assert drifted_nav != nav_original
    assert copy_diff(drifted_nav, nav_copy, "site_nav") != _read(EXPECTED / "site_nav.diff")


if __name__ == "__main__":  # rewrite the expected diffs from the installed Material and the copies
    for expected_name, (original, copy) in copies().items():
        (EXPECTED / expected_name).write_text(
            copy_diff(original, copy, expected_name.removesuffix(".diff")), encoding="utf-8"
        )
        print(f"tests/material/{expected_name} written", file=sys.stderr)
