"""Inputs stay inside the archive and generated files are serialised, not formatted: whole builds in tmp dirs."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import run_build, write_project
from memoria.catalog import Listing
from memoria.engine.plugin import _generated_markdown

TOPIC = 'Says \\"no\\": the "right" to \'dissent\' # and: more'
PRESS = f"""
---
title: Quoting press release
date: 2014-08-25
summary: A topic full of quotes.
topics:
  - '{TOPIC.replace("'", "''")}'
---

Text.
"""


def test_generated_front_matter_is_yaml_whatever_the_title_holds() -> None:
    for title in (TOPIC, "a: b", "- list", "&anchor *alias", "{flow}", "multi\nline", "\\", "'", '"'):
        markdown = _generated_markdown(
            Listing("topics/x/index.md", "topic", {"en": title, "es": title}), "en"
        )
        head = markdown.split("---\n")[1]
        values = yaml.safe_load(head)
        assert values["title"] == title.replace("&", "&amp;").replace("<", "&lt;"), title
        assert values["search"] == {"exclude": True} and values["hide"] == ["toc"]


@pytest.mark.slow
def test_a_topic_with_quotes_backslashes_and_colons_keeps_its_title(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project", {"press/2014/quoting.en.md": PRESS})
    built = run_build(project)
    assert built.returncode == 0, built.output
    topic_pages = [p for p in (built.site / "topics").iterdir() if p.is_dir()]
    assert len(topic_pages) == 1
    page = built.page(f"topics/{topic_pages[0].name}/")
    assert page.xpath("//title/text()")[0].startswith(f"Topic: {TOPIC}")
    assert page.xpath("//article//h1//text()")[0].strip() == f"Topic: {TOPIC}"
    spanish = built.page(f"es/topics/{topic_pages[0].name}/")
    assert spanish.xpath("//title/text()")[0].startswith(f"Tema: {TOPIC}")
    # listings are not search results: no page of the search index is a topic page
    assert (
        "data-pagefind-body" not in (built.site / "topics" / topic_pages[0].name / "index.html").read_text()
    )


@pytest.mark.slow
def test_a_symbolic_link_to_etc_passwd_fails_the_build(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project", copy_demo=True)
    (project / "docs" / "passwd.txt").symlink_to("/etc/passwd")
    (project / "docs" / "system").symlink_to("/etc")
    built = run_build(project)
    assert built.returncode != 0
    assert "Memoria found 2 problems in the content" in built.output
    assert "docs/passwd.txt:1: symbolic link to /etc/passwd, outside docs/" in built.output
    assert "docs/system:1: symbolic link to /etc, outside docs/" in built.output
    assert not (project / "site" / "passwd.txt").exists()


@pytest.mark.slow
def test_a_symbolic_link_out_of_media_fails_the_build(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project", copy_demo=True)
    (project / "media" / "ustream-51400296").mkdir(parents=True)
    (project / "media" / "ustream-51400296" / "ustream-51400296.mp4").symlink_to("/etc/passwd")
    built = run_build(project)
    assert built.returncode != 0
    assert "media/ustream-51400296/ustream-51400296.mp4:1: symbolic link to /etc/passwd, outside media/" in (
        built.output
    )
