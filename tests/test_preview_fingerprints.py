"""The live preview's fingerprints (memoria.preview): which edits make which pages render again.

Real files in a tmp project, read through the preview's EntryCache; each test edits a file and
compares every page's fingerprint before and after. test_serve.py proves the same through a
running `mkdocs serve --dirty`.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from base import SMALL_ARCHIVE, project
from memoria.catalog import Catalog, load_catalog
from memoria.content import EntryCache
from memoria.feeds import FeedOptions, absolute_html, plan_feeds
from memoria.i18n import LANGUAGES
from memoria.preview import (
    KeptAbsoluteHtml,
    PreviewState,
    entry_fingerprint,
    environment_stamps,
    feed_fingerprint,
    listing_fingerprint,
)

UPDATED = dt.datetime(2026, 11, 29, 12, tzinfo=dt.UTC)


class Preview:
    """A project read as the preview reads it: one EntryCache kept across edits."""

    def __init__(self, root: Path) -> None:
        self.docs = root / "docs"
        self.cache = EntryCache()
        self.catalog: Catalog = load_catalog(self.docs, self.cache)

    def edit(self, relative: str, old: str, new: str) -> None:
        path = self.docs / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{relative} does not say {old!r}"
        stat = path.stat()
        path.write_text(text.replace(old, new), encoding="utf-8")
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # a later save
        self.catalog = load_catalog(self.docs, self.cache)

    def pages(self) -> dict[str, str]:
        """Every entry page and listing of both languages → its fingerprint."""
        found = {}
        for lang in LANGUAGES:
            for entry in self.catalog.entries:
                found[f"{lang}:{entry.section}/{entry.id}"] = entry_fingerprint(
                    self.catalog, self.cache, entry, lang
                )
            for listing in self.catalog.listings():
                found[f"{lang}:{listing.uri}"] = listing_fingerprint(self.cache, listing, lang)
        return found

    def feeds(self) -> dict[str, str]:
        return {
            f"{lang}:{feed.name}": feed_fingerprint(self.cache, feed, UPDATED)
            for lang in LANGUAGES
            for feed in plan_feeds(self.catalog, lang, "Archive", FeedOptions())
        }


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}


@pytest.fixture
def preview(tmp_path: Path) -> Preview:
    return Preview(project(tmp_path / "project", SMALL_ARCHIVE))


def test_nothing_changes_when_nothing_is_edited(preview: Preview) -> None:
    before = preview.pages()
    preview.catalog = load_catalog(preview.docs, preview.cache)
    assert changed(before, preview.pages()) == set()


def test_editing_a_recording_renders_it_its_parts_its_event_and_its_listings(preview: Preview) -> None:
    before = preview.pages()
    preview.edit("recordings/session-part-2.en.md", "The closing.", "The closing, with the vote.")
    assert changed(before, preview.pages()) == {
        f"{lang}:{page}"
        for lang in LANGUAGES
        for page in (
            "recordings/session-part-2",
            "recordings/session-part-1",  # names part 2 by its title (next part)
            "events/roundtable",  # lists its recordings
            "index.md",  # the home page lists the latest recordings
            "recordings/index.md",
        )
    }


def test_editing_the_event_renders_the_pages_that_link_to_it(preview: Preview) -> None:
    before = preview.pages()
    preview.edit("events/2014/roundtable.es.md", "Cuerpo de la mesa.", "Cuerpo de la mesa, corregido.")
    got = changed(before, preview.pages())
    for lang in LANGUAGES:
        assert {
            f"{lang}:events/roundtable",
            f"{lang}:press/statement",  # its event
            f"{lang}:recordings/session-part-1",
            f"{lang}:recordings/session-part-2",
            f"{lang}:events/index.md",
            f"{lang}:events/2014/index.md",
            f"{lang}:countries/mx/index.md",
            f"{lang}:topics/protection-mechanisms/index.md",
        } <= got
        # an entry unrelated to the event, and the listings it alone is on, stay as they were
        assert f"{lang}:press/untranslated" not in got
        assert f"{lang}:countries/sv/index.md" not in got
        assert f"{lang}:press/2015/index.md" not in got


def test_renaming_a_topic_in_spanish_renders_the_spanish_pages_that_show_it(tmp_path: Path) -> None:
    other = {
        "press/2015/other.en.md": """
            ---
            title: Another statement
            date: 2015-02-01
            summary: Related to nothing, on the same topic.
            topics: [Protection mechanisms]
            ---

            Body.
            """
    }
    preview = Preview(project(tmp_path / "project", {**SMALL_ARCHIVE, **other}))
    before = preview.pages()
    # the Spanish label comes from the entries that name the topic in Spanish
    preview.edit("events/2014/roundtable.es.md", "[Mecanismos de protección]", "[Protección]")
    preview.edit("press/2014/statement.es.md", "[Mecanismos de protección]", "[Protección]")
    assert preview.catalog.topic_label("protection-mechanisms", "es") == "Protección"
    got = changed(before, preview.pages())
    # its files and relations are as they were: only the label it shows in Spanish changed
    assert "es:press/other" in got
    assert "en:press/other" not in got
    assert "es:topics/protection-mechanisms/index.md" in got  # its title
    assert "es:press/untranslated" not in got  # another topic


def test_feeds_change_with_their_entries_and_their_date(preview: Preview) -> None:
    before = preview.feeds()
    preview.edit("press/2015/untranslated.en.md", "Body in English only.", "Body, longer.")
    got = changed(before, preview.feeds())
    assert got == {
        "en:all",
        "en:press",
        "en:country/sv",
        "en:topic/land-and-territory",
    }  # not in Spanish feeds
    feed = plan_feeds(preview.catalog, "en", "Archive", FeedOptions())[0]
    later = UPDATED + dt.timedelta(days=1)
    assert feed_fingerprint(preview.cache, feed, later) != feed_fingerprint(preview.cache, feed, UPDATED)


def test_an_event_renamed_changes_the_feeds_of_its_recordings(preview: Preview) -> None:
    """A recording's feed item names its event: the page fingerprint, not its own files, says what it shows."""

    def feeds() -> dict[str, str]:
        return {
            f"{lang}:{feed.name}": feed_fingerprint(
                preview.cache,
                feed,
                UPDATED,
                lambda entry, lang=lang: entry_fingerprint(preview.catalog, preview.cache, entry, lang),
            )
            for lang in LANGUAGES
            for feed in plan_feeds(preview.catalog, lang, "Archive", FeedOptions())
        }

    before = feeds()
    preview.edit("events/2014/roundtable.en.md", "Regional roundtable on protection", "Roundtable, renamed")
    got = changed(before, feeds())
    assert "en:recordings" in got  # the recordings did not change; their event's English title did


def test_deleting_an_entry_drops_its_page_and_changes_its_listings(preview: Preview) -> None:
    before = preview.pages()
    (preview.docs / "press/2015/untranslated.en.md").unlink()
    preview.catalog = load_catalog(preview.docs, preview.cache)
    after = preview.pages()
    assert "en:press/untranslated" in before and "en:press/untranslated" not in after
    assert "en:press/2015/index.md" not in after  # a year left empty has no page
    assert "en:press/index.md" in changed(before, after)
    assert "en:events/index.md" not in changed(before, after)


def test_preview_state_renders_what_changed_and_removes_what_vanished(tmp_path: Path) -> None:
    state = PreviewState(tmp_path / "work")
    assert state.changed("en", "press/a.en.md", "f1", "press/a/index.html") is True  # first build: all
    assert state.changed("en", "press/b.en.md", "f2", "press/b/index.html") is True
    state.commit("en")
    assert state.changed("en", "press/a.en.md", "f1", "press/a/index.html") is False
    assert state.changed("en", "press/a.en.md", "f1", "press/a2/index.html") is True  # moved
    assert state.vanished("en") == ["press/b/index.html"]  # not in this build
    assert state.changed("es", "press/a.es.md", "f1", "es/press/a/index.html") is True  # per language
    state.commit("en")
    assert state.fingerprints["en"] == {"press/a.en.md": ("f1", "press/a2/index.html")}

    path = state.listing_source("press/index.en.md", "# Press\n")
    stamp = path.stat().st_mtime_ns
    os.utime(path, ns=(stamp - 10_000_000_000, stamp - 10_000_000_000))
    assert state.listing_source("press/index.en.md", "# Press\n").stat().st_mtime_ns == stamp - 10_000_000_000
    state.listing_source("press/index.en.md", "# Press releases\n")
    assert path.read_text(encoding="utf-8") == "# Press releases\n"


def test_preview_state_writes_an_output_again_only_when_it_changed(tmp_path: Path) -> None:
    state = PreviewState(tmp_path / "work")
    state.begin("en")
    assert state.output_changed("en", "events/a/a.ics", "f1") is True  # first build: written
    assert state.output_changed("en", "events/b/b.ics", "f2") is True
    assert state.commit("en") == []
    state.begin("en")
    assert state.output_changed("en", "events/a/a.ics", "f1") is False
    assert state.output_changed("en", "events/b/b.ics", "f3") is True  # its event changed
    state.begin("en")  # that build failed: what b.ics holds is unknown now
    assert state.output_changed("en", "events/a/a.ics", "f1") is False
    assert state.output_changed("en", "events/b/b.ics", "f2") is True  # even back as it was
    assert state.commit("en") == []
    state.begin("en")
    assert state.output_changed("en", "events/a/a.ics", "f1") is False
    assert state.commit("en") == ["events/b/b.ics"]  # its event was deleted: the file goes


def test_kept_feed_item_html_is_absolute_htmls_and_only_the_last_rebuilds_is_kept() -> None:
    kept = KeptAbsoluteHtml()
    body = '<p><a href="../other/">other</a> <img src="photo.jpg" srcset="photo-2x.jpg 2x"></p>'
    english, spanish = (
        "https://archive.example.org/press/2014/x/",
        "https://archive.example.org/es/press/2014/x/",
    )
    assert kept(body, english) == absolute_html(body, english)
    assert kept(body, spanish) == absolute_html(body, spanish) != absolute_html(body, english)
    kept.next_rebuild()
    assert kept(body, english) == absolute_html(body, english)  # from the last rebuild's
    edited = body.replace("other", "another")
    assert kept(edited, english) == absolute_html(edited, english)
    kept.next_rebuild()
    kept.next_rebuild()  # a rebuild that wrote no feed
    assert kept.kept == {} and kept.used == {}


def test_a_changed_environment_forgets_every_fingerprint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """mkdocs.yml, a template of the overrides or a shared list changed: every page renders again."""
    config, overrides = tmp_path / "mkdocs.yml", tmp_path / "overrides"
    config.write_text("site_name: A\n", encoding="utf-8")
    (overrides / "partials").mkdir(parents=True)
    (overrides / "partials/footer.html").write_text("<footer></footer>\n", encoding="utf-8")
    missing = tmp_path / "data"  # no shared lists yet

    def stamps() -> object:
        return environment_stamps([config], [overrides, missing])

    state = PreviewState(tmp_path / "work")
    assert state.use_environment(stamps()) is False  # the first build renders everything anyway
    # MkDocs' first build names the files as given (relative), the later ones absolute
    monkeypatch.chdir(tmp_path)
    assert environment_stamps([Path("mkdocs.yml")], [Path("overrides"), Path("data")]) == stamps()
    state.changed("en", "press/a.en.md", "f1", "press/a/index.html")
    state.commit("en")
    assert state.use_environment(stamps()) is False and state.everything is False
    assert state.changed("en", "press/a.en.md", "f1", "press/a/index.html") is False
    state.commit("en")

    for edit in (
        lambda: config.write_text("site_name: B\n", encoding="utf-8"),
        lambda: (overrides / "partials/footer.html").write_text("<footer>x</footer>\n", encoding="utf-8"),
        lambda: missing.mkdir() or (missing / "topics.yml").write_text("[]\n", encoding="utf-8"),
        lambda: (overrides / "partials/footer.html").unlink(),
    ):
        edit()
        assert state.use_environment(stamps()) is True and state.everything is True
        assert state.changed("en", "press/a.en.md", "f1", "press/a/index.html") is True
        state.commit("en")
        assert state.use_environment(stamps()) is False and state.everything is False
