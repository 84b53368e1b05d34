"""The validated archive as one catalog: relations resolved both ways, and every listing page."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from slugify import slugify

from memoria.addressing import MEMORIA_LANGUAGES, Languages, with_language
from memoria.content import (
    ID_PATTERN,
    KINDS,
    ContentErrors,
    Entry,
    EntryCache,
    KeptEntries,
    Problem,
    Severity,
    load_archive,
)
from memoria.i18n import DEFAULT_LANGUAGE, LANGUAGES, country_name, t
from memoria.messages import _
from memoria.publication import Publication, split_by_publication, steady_window
from memoria.shared_lists import SharedLists, data_dir_of, load_shared_lists
from memoria.when import DEFAULT_TIME_ZONE, same_day_order

PAGE_SIZE = 50  # entries per listing page: ~45 KB of HTML; 20 made 12% more pages to build at 3,000 entries
# topic and organisation slugs are asked for on every page that names one
_slug = lru_cache(maxsize=None)(slugify)
HOME_LATEST = 5


@dataclass(frozen=True)
class Listing:
    """A generated page: which entries it lists, in what order, and how it is titled."""

    uri: str  # e.g. "press/index.md", "press/page/2/index.md", "topics/women/index.md"
    kind: str  # home, section, year, topic, country, organisation, index-of-topics, ...
    title: dict[str, str]
    entries: tuple[Entry, ...] = ()
    section: str | None = None
    page: int = 1
    pages: int = 1
    groups: tuple[tuple[str, str, int], ...] = ()  # (label key, listing uri, count) for indexes

    def source_uri(self, lang: str) -> str:
        return with_language(self.uri, lang)


@dataclass
class Catalog:
    """Entries by section and id, with the reverse relations filled in."""

    entries: list[Entry]
    by_id: dict[str, dict[str, Entry]] = field(default_factory=dict)
    press_of_event: dict[str, list[Entry]] = field(default_factory=lambda: defaultdict(list))
    recordings_of_event: dict[str, list[Entry]] = field(default_factory=lambda: defaultdict(list))
    press_of_recording: dict[str, list[Entry]] = field(default_factory=lambda: defaultdict(list))
    topic_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    organisation_names: dict[str, str] = field(default_factory=dict)  # slug → name as first written
    warnings: list[Problem] = field(default_factory=list)
    #: entries readers cannot see yet (drafts, embargoes), left out of everything above
    held_back: list[tuple[Entry, Publication]] = field(default_factory=list)
    #: data/organisations.yml and data/topics.yml: names per language for what entries name
    shared: SharedLists = field(default_factory=SharedLists)
    #: with a moment to publish for: the moments around it between which no entry goes out or
    #: back (publication.steady_window); a build for any moment in between shows the same entries
    steady: tuple[dt.datetime | None, dt.datetime | None] | None = None
    #: every entry, then each section's, newest first: sorted once (a build asks many times)
    _newest: list[Entry] | None = field(default=None, repr=False, compare=False)
    _sections: dict[str, list[Entry]] = field(default_factory=dict, repr=False, compare=False)
    #: topic name as written → its page key, worked out once per catalog (a build asks per entry, many times)
    _topic_keys: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    #: (first year, last year, languages written or spoken), worked out once (home and About, each language)
    _span: tuple[int, int, list[str]] | None = field(default=None, repr=False, compare=False)

    def newest(self) -> list[Entry]:
        """Every entry, newest first (newest_first's order; a list of the caller's own).

        Filtering it gives what newest_first gives of the same entries: its sorts are stable.
        """
        if self._newest is None:
            self._newest = newest_first(self.entries)
        return list(self._newest)

    def span(self) -> tuple[int, int, list[str]]:
        """The first and last year of the entries, and the language codes they are written or spoken in (sorted).

        Only for a catalog with entries.
        """
        if self._span is None:
            years = {entry.sort_date.year for entry in self.entries}
            written = {lang for entry in self.entries for lang in entry.sources}
            spoken = {language for entry in self.entries if (language := entry.english.speech_language)}
            self._span = (min(years), max(years), sorted(written | spoken))
        return self._span

    def section(self, name: str) -> list[Entry]:
        """Entries of a section, newest first (a list of the caller's own)."""
        if name not in self._sections:
            self._sections[name] = [e for e in self.newest() if e.section == name]
        return list(self._sections[name])

    def get(self, section: str, entry_id: str) -> Entry | None:
        return self.by_id.get(section, {}).get(entry_id)

    def event_of(self, entry: Entry) -> Entry | None:
        event_id = entry.english.event_id
        if event_id:
            return self.get("events", event_id)
        if entry.section == "recordings":  # named only by the event's own list
            for candidate_id, recordings in self.recordings_of_event.items():
                if entry in recordings:
                    return self.get("events", candidate_id)
        return None

    def recordings_of(self, entry: Entry) -> list[Entry]:
        """Recordings named by a press release or event, plus (for events) those naming it."""
        found: dict[str, Entry] = {}
        for rec_id in entry.english.recording_ids:
            rec = self.get("recordings", rec_id)
            if rec is not None:
                found[rec.id] = rec
        if entry.section == "events":
            for rec in self.recordings_of_event.get(entry.id, []):
                found.setdefault(rec.id, rec)
        named = list(found.values())[: len(entry.english.recording_ids)]
        others = sorted(list(found.values())[len(named) :], key=_recording_order)
        return [*named, *others]

    def press_of(self, entry: Entry) -> list[Entry]:
        if entry.section == "events":
            return self.press_of_event.get(entry.id, [])
        if entry.section == "recordings":
            return self.press_of_recording.get(entry.id, [])
        return []

    def related(self, entry: Entry) -> list[tuple[str, list[Entry]]]:
        """What an entry's page links to, by relation (event, press, recordings), empty ones too.

        A recording lists no recordings: its page links its event's other parts instead.
        """
        event = self.event_of(entry)
        related = [("event", [event] if event else []), ("press", self.press_of(entry))]
        if entry.section != "recordings":
            related.append(("recordings", self.recordings_of(entry)))
        return related

    def topic_slugs(self, entry: Entry) -> list[str]:
        return [self.topic_key(topic) for topic in entry.english.topics]

    def topic_key(self, name: str) -> str:
        """A topic's page key: its id in the shared list, or the slug of the name as written."""
        key = self._topic_keys.get(name)
        if key is None:
            item = self.shared.topics.find(name)
            key = self._topic_keys[name] = item.id if item is not None else _slug(name)
        return key

    def topic_label(self, slug: str, lang: str) -> str:
        item = self.shared.topics.find(slug)
        if item is not None and item.id == slug:
            return item.name(lang)
        labels = self.topic_labels.get(slug, {})
        return labels.get(lang) or labels.get(DEFAULT_LANGUAGE) or slug

    def organisation_key(self, name: str) -> str:
        """An organisation's page key: its id in the shared list, or the slug of the name as written."""
        item = self.shared.organisations.find(name)
        return item.id if item is not None else _slug(name)

    def organisation_name(self, key: str, lang: str) -> str:
        """The organisation's name in `lang` (from the shared list), or as first written."""
        item = self.shared.organisations.find(key)
        if item is not None and item.id == key:
            return item.name(lang)
        return self.organisation_names.get(key, key)

    def countries_of(self, entry: Entry) -> list[str]:
        return entry.english.countries_named

    def organisations_of(self, entry: Entry) -> list[str]:
        return entry.english.organisations_named

    # --- generated pages ---------------------------------------------------------------

    def listings(self) -> list[Listing]:
        """Every generated page: home, sections (paginated), years, topics, countries, organisations."""
        pages: list[Listing] = [self._home()]
        for section, kind in KINDS.items():
            entries = self.section(section)
            pages.extend(_paginate(f"{section}", "section", _titles(f"section.{section}"), entries, section))
            if kind.by_year:
                by_year: dict[int, list[Entry]] = defaultdict(list)
                for entry in entries:
                    by_year[entry.sort_date.year].append(entry)
                for year, year_entries in sorted(by_year.items(), reverse=True):
                    title = {
                        lang: t("listing.year", lang, section=t(f"section.{section}", lang), year=year)
                        for lang in LANGUAGES
                    }
                    pages.extend(_paginate(f"{section}/{year}", "year", title, year_entries, section))
        pages.extend(self._grouped("topics", "topic", self._entries_by(self.topic_slugs), self._topic_title))
        pages.extend(
            self._grouped(
                "countries",
                "country",
                self._entries_by(lambda e: [c.lower() for c in self.countries_of(e)]),
                lambda code: {lang: country_name(code, lang) for lang in LANGUAGES},
            )
        )
        pages.extend(
            self._grouped(
                "organisations",
                "organisation",
                self._entries_by(
                    lambda e: list(dict.fromkeys(self.organisation_key(n) for n in self.organisations_of(e)))
                ),
                lambda key: {lang: self.organisation_name(key, lang) for lang in LANGUAGES},
            )
        )
        return pages

    def _topic_title(self, slug: str) -> dict[str, str]:
        return {lang: self.topic_label(slug, lang) for lang in LANGUAGES}

    def _entries_by(self, keys_of) -> dict[str, list[Entry]]:  # type: ignore[no-untyped-def]
        grouped: dict[str, list[Entry]] = defaultdict(list)
        for entry in self.newest():
            for key in keys_of(entry):
                grouped[key].append(entry)
        return grouped

    def _grouped(self, folder: str, kind: str, grouped: dict[str, list[Entry]], title_of) -> list[Listing]:  # type: ignore[no-untyped-def]
        pages: list[Listing] = []
        groups = []
        for key in sorted(grouped, key=lambda k: title_of(k)[DEFAULT_LANGUAGE].casefold()):
            title = title_of(key)
            groups.append((key, f"{folder}/{key}/index.md", len(grouped[key])))
            per_lang = {lang: t(f"listing.{kind}", lang, name=title[lang]) for lang in LANGUAGES}
            pages.extend(_paginate(f"{folder}/{key}", kind, per_lang, grouped[key], None))
        pages.insert(
            0,
            Listing(
                uri=f"{folder}/index.md",
                kind=f"index-of-{folder}",
                title=_titles(f"listing.{folder}"),
                groups=tuple(groups),
            ),
        )
        return pages

    def _home(self) -> Listing:
        latest = [
            entry
            for section, kind in KINDS.items()
            if kind.home_label is not None
            for entry in self.section(section)[:HOME_LATEST]
        ]
        return Listing(uri="index.md", kind="home", title=_titles("home.title"), entries=tuple(latest))


def newest_first(entries: Iterable[Entry]) -> list[Entry]:
    """Newest day first; within a day the press release, the event, then recordings by part.

    No time of day takes part: entries without one would otherwise need an invented time.
    """
    by_kind = sorted(entries, key=same_day_order)
    return sorted(by_kind, key=lambda e: e.sort_date, reverse=True)


def _recording_order(entry: Entry) -> tuple[object, ...]:
    english = entry.english
    return (english.sort_date, english.part_number or 0, entry.id)


def _titles(key: str) -> dict[str, str]:
    return {lang: t(key, lang) for lang in LANGUAGES}


def _paginate(
    folder: str, kind: str, title: dict[str, str], entries: list[Entry], section: str | None
) -> list[Listing]:
    pages = max(1, math.ceil(len(entries) / PAGE_SIZE))
    out = []
    for number in range(1, pages + 1):
        uri = f"{folder}/index.md" if number == 1 else f"{folder}/page/{number}/index.md"
        chunk = tuple(entries[(number - 1) * PAGE_SIZE : number * PAGE_SIZE])
        out.append(Listing(uri, kind, title, chunk, section, number, pages))
    return out


def _reference_problems(catalog: Catalog, held_ids: dict[str, set[str]]) -> list[Problem]:
    problems: list[Problem] = []

    def report(entry: Entry, field_name: str, index: int | None, message: str) -> None:
        source = entry.original
        loc: tuple[str | int, ...] = (field_name,) if index is None else (field_name, index)
        name = field_name if index is None else f"{field_name}.{index}"
        problems.append(Problem(source.display_path, source.front_matter.line_of(loc), name, message))

    def held(section: str, entry_id: str) -> bool:
        return entry_id in held_ids.get(section, set())

    for entry in catalog.entries:
        english = entry.english
        event_id = english.event_id
        if event_id and held("events", event_id):
            pass  # a link that appears once the event is published (held-back entries are never linked)
        elif event_id and catalog.get("events", event_id) is None:
            known = ", ".join(sorted(catalog.by_id.get("events", {}))) or _("none yet")
            report(
                entry,
                "event",
                None,
                _('unknown event id "{id}": known events are {known}').format(id=event_id, known=known),
            )
        for index, rec_id in enumerate(english.recording_ids):
            if held("recordings", rec_id):
                continue
            if catalog.get("recordings", rec_id) is None:
                report(
                    entry,
                    "recordings",
                    index,
                    _('unknown recording id "{id}": create docs/recordings/{id}.en.md or fix the id').format(
                        id=rec_id
                    ),
                )
    return problems


def build_catalog(
    entries: Iterable[Entry],
    held_back: Iterable[tuple[Entry, Publication]] = (),
    shared: SharedLists | None = None,
) -> tuple[Catalog, list[Problem]]:
    """Index entries, check ids and references, and fill in reverse relations.

    References to `held_back` entries (not published yet) are not errors: the links appear once they are.
    """
    catalog = Catalog(entries=list(entries), held_back=list(held_back), shared=shared or SharedLists())
    held_ids: dict[str, set[str]] = defaultdict(set)
    for entry, _publication in catalog.held_back:
        held_ids[entry.section].add(entry.id)
    problems: list[Problem] = []
    for entry in catalog.entries:
        source = entry.original
        if not ID_PATTERN.match(entry.id):
            problems.append(
                Problem(
                    source.display_path,
                    1,
                    "id",
                    _(
                        'the file name gives the id "{id}", which is not URL-safe: rename the file with '
                        "lowercase letters, digits and hyphens, or set id:"
                    ).format(id=entry.id),
                )
            )
        seen = catalog.by_id.setdefault(entry.section, {})
        if entry.id in seen:
            first = seen[entry.id].original.display_path
            problems.append(
                Problem(
                    source.display_path,
                    source.front_matter.line_of(("id",)),
                    "id",
                    _('duplicate id "{id}": {path} uses it already; choose another id').format(
                        id=entry.id, path=first
                    ),
                )
            )
            continue
        seen[entry.id] = entry
    problems.extend(_reference_problems(catalog, held_ids))

    for entry in catalog.section("press"):
        if entry.english.event_id:
            catalog.press_of_event[entry.english.event_id].append(entry)
        for rec_id in entry.english.recording_ids:
            catalog.press_of_recording[rec_id].append(entry)
    for entry in catalog.section("recordings"):
        if entry.english.event_id:
            catalog.recordings_of_event[entry.english.event_id].append(entry)
    for entry in catalog.section("events"):
        for rec_id in entry.english.recording_ids:
            rec = catalog.get("recordings", rec_id)
            if rec is not None and rec not in catalog.recordings_of_event[entry.id]:
                catalog.recordings_of_event[entry.id].append(rec)
    for entry in catalog.entries:
        for lang in LANGUAGES:
            for slug, label in zip(catalog.topic_slugs(entry), entry.in_language(lang).topics, strict=False):
                catalog.topic_labels.setdefault(slug, {}).setdefault(lang, label)
        for name in catalog.organisations_of(entry):
            catalog.organisation_names.setdefault(catalog.organisation_key(name), name)
    return catalog, problems


def load_catalog(
    docs_dir: Path,
    cache: EntryCache | None = None,
    published_at: dt.datetime | None = None,
    future_dates: str = "hold",
    archive_zone: str = DEFAULT_TIME_ZONE,
    languages: Languages = MEMORIA_LANGUAGES,
    kept: KeptEntries | None = None,
) -> Catalog:
    """Load, validate and index the archive, raising ContentErrors with every error found.

    With `published_at`, only what readers may see at that moment is catalogued; drafts and
    scheduled entries are validated all the same and kept in `held_back`.
    """
    result = load_archive(docs_dir, cache, languages, kept)
    held: list[tuple[Entry, Publication]] = []
    if published_at is None:
        entries = result.entries
    else:
        entries, held = split_by_publication(result.entries, published_at, future_dates, archive_zone)
    shared = load_shared_lists(data_dir_of(docs_dir))
    catalog, problems = build_catalog(entries, held, shared)
    problems.extend(shared.problems)
    errors = sorted([*result.errors, *(p for p in problems if p.severity is Severity.ERROR)])
    if errors:
        raise ContentErrors(errors)
    catalog.warnings = sorted([*result.warnings, *(p for p in problems if p.severity is Severity.WARNING)])
    if published_at is not None:
        catalog.steady = steady_window(result.entries, published_at, future_dates, archive_zone)
    return catalog
