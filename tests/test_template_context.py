"""The template context is a typed, documented contract: the page is generated from the code, every
field is documented, and the templates use no field the context lacks."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from memoria.page_context import (
    DOCUMENTED,
    NotFoundContext,
    PageContext,
    documented_fields,
    template_context_markdown,
)

ROOT = Path(__file__).resolve().parent.parent


def test_the_committed_template_context_page_is_the_generated_one() -> None:
    committed = (ROOT / "handbook" / "template-context.md").read_text(encoding="utf-8")
    assert committed == template_context_markdown(), (
        "handbook/template-context.md is stale: run 'python scripts/template_context_doc.py'"
    )


def test_every_field_of_the_two_contexts_is_documented() -> None:
    for cls in (PageContext, NotFoundContext):
        names = [name for name, _type, _doc in documented_fields(cls)]
        assert names == [f.name for f in dataclasses.fields(cls)], cls  # the source reading sees every field
        undocumented = [name for name, _type, doc in documented_fields(cls) if not doc]
        assert not undocumented, f"{cls.__name__}: give these fields a docstring: {undocumented}"


def test_every_documented_class_is_on_the_page() -> None:
    page = template_context_markdown()
    for cls in DOCUMENTED:
        assert f"## `{cls.__name__}`" in page
        for name, _type, _doc in documented_fields(cls):
            assert f"| `{name}` |" in page, (cls.__name__, name)


def test_templates_use_only_fields_of_the_context() -> None:
    used: dict[str, set[str]] = {"memoria": set(), "memoria_404": set()}
    for template in sorted((ROOT / "overrides").rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        for variable, name in re.findall(r"\b(memoria(?:_404)?)\.([a-z_]+)", text):
            used[variable].add(name)
    assert used["memoria"] and used["memoria_404"]  # the pattern finds what the templates read
    page_fields = {f.name for f in dataclasses.fields(PageContext)}
    not_found_fields = {f.name for f in dataclasses.fields(NotFoundContext)}
    assert used["memoria"] <= page_fields, f"templates read unknown fields: {used['memoria'] - page_fields}"
    assert used["memoria_404"] <= not_found_fields, used["memoria_404"] - not_found_fields
