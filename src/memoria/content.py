"""Front matter → typed entries: the kinds (and their registry), translation inheritance, and problems for people."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import hashlib
import os
import re
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Protocol

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from memoria.addressing import MEMORIA_LANGUAGES, Languages, page_source, split_language
from memoria.frontmatter import FrontMatter, FrontMatterError, parse_front_matter
from memoria.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    MESSAGES,
    country_name,
    format_duration,
    is_country_code,
    is_language_code,
    language_name,
    messages_for,
    t,
)
from memoria.messages import N_, _

if TYPE_CHECKING:
    from memoria.views import Link

ID_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: the line `memoria translate` puts above text still to be translated: such a file is not published
TRANSLATE_MARKER = "<!-- memoria:translate"
#: the line `memoria new` puts where the text goes: an entry whose body still holds it is a draft
SCAFFOLD_MARKER = "<!-- memoria:write"
#: what `memoria new` wrote before the marker had its name; files made then still hold it
_OLD_SCAFFOLD_HINT = re.compile(
    r"<!-- Write the text of the (?:press release|event|recording) below, in Markdown\. -->"
)


def holds_placeholder(body: str) -> bool:
    """Whether a body still holds a line the tools wrote for staff to replace (new or translate)."""
    return TRANSLATE_MARKER in body or SCAFFOLD_MARKER in body or bool(_OLD_SCAFFOLD_HINT.search(body))


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, worded as `file:line: field: what is wrong, what to do`."""

    path: str
    line: int
    field: str
    message: str
    severity: Severity = Severity.ERROR
    #: a translation behind its original: the translator's to fix, never a reason to stop a build
    translation_lag: bool = dataclasses.field(default=False, compare=False)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class ContentErrors(Exception):
    """Raised with every problem at once when the archive cannot be built."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# --- field types -----------------------------------------------------------------------


def _parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not DATE_PATTERN.match(value.strip()):
        raise PydanticCustomError("memoria_date", _('expected YYYY-MM-DD, got "{got}"'), {"got": value})
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as error:
        raise PydanticCustomError(
            "memoria_date",
            _('impossible date "{got}" ({why}): give a real date as YYYY-MM-DD'),
            {"got": value, "why": str(error)},
        ) from None


def _parse_id(value: Any) -> str:
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise PydanticCustomError(
            "memoria_id",
            _('invalid id "{got}": use lowercase letters, digits and hyphens, e.g. "roundtable-2014-part-1"'),
            {"got": value},
        )
    return value


def _parse_country(value: Any) -> str:
    if not isinstance(value, str) or not is_country_code(value):
        raise PydanticCustomError(
            "memoria_country",
            _('unknown country code "{got}": use an ISO 3166 two-letter code such as MX or GT'),
            {"got": value},
        )
    return value.upper()


def _parse_language(value: Any) -> str:
    if not isinstance(value, str) or not is_language_code(value.lower()):
        raise PydanticCustomError(
            "memoria_language",
            _('unknown language code "{got}": use an ISO 639-1 code such as es or en'),
            {"got": value},
        )
    return value.lower()


def _parse_url(value: Any) -> str:
    if not isinstance(value, str) or not re.match(r"^https?://[^\s/$.?#][^\s]*$", value):
        raise PydanticCustomError(
            "memoria_url",
            _('not a web address: "{got}": give a full http:// or https:// URL'),
            {"got": value},
        )
    return value


def _parse_duration(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and re.match(r"^(\d+:)?\d{1,2}:\d{2}$", value):
        seconds = 0
        for part in value.split(":"):
            seconds = seconds * 60 + int(part)
        return seconds
    raise PydanticCustomError(
        "memoria_duration",
        _('expected a duration in seconds or as H:MM:SS, got "{got}"'),
        {"got": value},
    )


TIME_PATTERN = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
#: `date: 2014-08-15T10:00` or `2014-08-15 10:00-05:00`: a date with a time (and an offset)
DATETIME_PATTERN = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[T ]([01]?\d|2[0-3]):([0-5]\d)(?::[0-5]\d)?(Z|[+-]\d{2}:?\d{2})?$"
)


def _parse_time(value: Any) -> dt.time:
    if isinstance(value, dt.time):
        return value
    # YAML 1.1 reads an unquoted 10:00 as the base-60 number 600: take it back as hours and minutes.
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        return dt.time(value // 60, value % 60)
    match = TIME_PATTERN.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise PydanticCustomError(
            "memoria_time", _('expected a local time as HH:MM (24-hour clock), got "{got}"'), {"got": value}
        )
    return dt.time(int(match.group(1)), int(match.group(2)))


def check_time_zone(value: Any) -> str:
    """An IANA time zone name zoneinfo knows, e.g. America/Mexico_City."""
    if isinstance(value, str) and value.strip():
        try:
            zoneinfo.ZoneInfo(value.strip())
            return value.strip()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    raise PydanticCustomError(
        "memoria_timezone",
        _('unknown time zone "{got}": use an IANA name such as America/Mexico_City or Europe/Madrid'),
        {"got": value},
    )


def _split_datetime(values: Any, date_field: str) -> Any:
    """`date_field: YYYY-MM-DDTHH:MM[±HH:MM]` → the date, `time:` and `utc_offset:` (minutes)."""
    if not isinstance(values, dict):
        return values
    if "utc_offset" in values:  # filled in from the date below, never written by hand
        raise PydanticCustomError(
            "memoria_time",
            _("utc_offset: not a field: write the offset in the date, e.g. 2014-08-15T10:00-05:00"),
        )
    raw = values.get(date_field)
    match = DATETIME_PATTERN.match(raw.strip()) if isinstance(raw, str) else None
    if match is None:
        return values
    day, hour, minute, offset = match.groups()
    values = {**values, date_field: day}
    if values.get("time") is not None:
        raise PydanticCustomError(
            "memoria_time",
            _("the time is given twice: in {field} and in time: keep one"),
            {"field": date_field},
        )
    values["time"] = f"{hour}:{minute}"
    if offset:
        sign = -1 if offset.startswith("-") else 1
        digits = offset.lstrip("+-").replace(":", "")
        values["utc_offset"] = 0 if offset == "Z" else sign * (int(digits[:2]) * 60 + int(digits[2:]))
    return values


IsoDate = Annotated[dt.date, BeforeValidator(_parse_date)]
LocalTime = Annotated[dt.time, BeforeValidator(_parse_time)]
TimeZoneName = Annotated[str, BeforeValidator(check_time_zone)]


def _parse_publish(value: Any) -> dt.datetime:
    """`publish:` as a moment: a date and time with its UTC offset, or a date (00:00 UTC)."""
    text = value.strip() if isinstance(value, str) else value
    if isinstance(text, str) and DATE_PATTERN.match(text):
        return dt.datetime.combine(_parse_date(text), dt.time(), dt.UTC)
    try:
        moment = dt.datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        moment = None
    if moment is None:
        raise PydanticCustomError(
            "memoria_publish",
            _('expected a date and time such as 2026-12-10T09:00-06:00, got "{got}"'),
            {"got": value},
        )
    if moment.tzinfo is None:
        raise PydanticCustomError(
            "memoria_publish",
            _('"{got}" has no UTC offset: add it, e.g. {got}-06:00 for Mexico City or Tegucigalpa'),
            {"got": value},
        )
    return moment


PublishTime = Annotated[dt.datetime, BeforeValidator(_parse_publish)]
EntryId = Annotated[str, BeforeValidator(_parse_id)]
CountryCode = Annotated[str, BeforeValidator(_parse_country)]
LanguageCode = Annotated[str, BeforeValidator(_parse_language)]
WebUrl = Annotated[str, BeforeValidator(_parse_url)]
Duration = Annotated[int, BeforeValidator(_parse_duration)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, str_strip_whitespace=True)


class Contact(_Model):
    name: str
    role: str | None = None
    email: str | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not EMAIL_PATTERN.match(value):
            raise PydanticCustomError("memoria_email", _('not an e-mail address: "{got}"'), {"got": value})
        return value


class Speaker(_Model):
    name: str
    role: str | None = None
    organisation: str | None = None


class Document(_Model):
    title: str
    url: WebUrl


class Caption(_Model):
    """A WebVTT file for a recording; `file` is relative to the recording's media folder."""

    file: str
    language: LanguageCode
    label: str | None = None

    @field_validator("file")
    @classmethod
    def _safe_file(cls, value: str) -> str:
        if not value.endswith(".vtt") or "/" in value or "\\" in value or value.startswith("."):
            raise PydanticCustomError(
                "memoria_caption",
                _('caption file "{got}" must be a plain file name ending in .vtt'),
                {"got": value},
            )
        return value


class EntryFields(_Model):
    """Fields every kind shares."""

    id: EntryId | None = None
    title: str
    summary: str | None = None
    # lists here and below default through a factory: pydantic deep-copies a `[]` for each entry
    topics: list[str] = Field(default_factory=list)
    updated: IsoDate | None = None
    #: kept out of the built site, feeds and search; shown in the preview with a banner
    draft: bool = False
    #: kept out of the built site until this moment (an embargo)
    publish: PublishTime | None = None
    #: in the file written first, when both languages exist and it is not English
    original: bool = False

    #: when it happened or was published, in local time; `timezone` overrides the archive's
    time: LocalTime | None = None
    timezone: TimeZoneName | None = None
    utc_offset: int | None = Field(default=None, exclude=True)  # minutes, from a full ISO datetime

    #: the field holding the entry's date, which may also carry a time (`2014-08-15T10:00`)
    DATE_FIELD: ClassVar[str] = "date"

    @model_validator(mode="before")
    @classmethod
    def _date_with_time(cls, values: Any) -> Any:
        return _split_datetime(values, cls.DATE_FIELD)

    #: fields a translation may carry; every other field is inherited from English
    TRANSLATABLE: ClassVar[frozenset[str]] = frozenset({"title", "summary", "topics"})
    #: inside lists of mappings, the sub-fields a translation may change
    TRANSLATABLE_SUBFIELDS: ClassVar[dict[str, frozenset[str]]] = {}

    # What each kind answers for itself; the defaults are what a kind without such fields says.

    @property
    def sort_date(self) -> dt.date:
        """The day the entry sits at in listings and feeds: the value of its DATE_FIELD."""
        return getattr(self, self.DATE_FIELD)  # type: ignore[no-any-return]

    @property
    def end(self) -> tuple[dt.date | None, dt.time | None]:
        """The last day and the local end time, for kinds that span time (events)."""
        return None, None

    @property
    def part_number(self) -> int | None:
        """The entry's number among its event's parts (recordings)."""
        return None

    @property
    def speech_language(self) -> str | None:
        """The language spoken in the entry's media, if it has media (recordings)."""
        return None

    @property
    def event_id(self) -> str | None:
        """The event this entry names as its own (press releases, recordings)."""
        return None

    @property
    def recording_ids(self) -> list[str]:
        """The recordings this entry names (press releases, events)."""
        return []

    @property
    def countries_named(self) -> list[str]:
        """Country codes the entry is about, first-named first: its country pages."""
        return []

    @property
    def organisations_named(self) -> list[str]:
        """Organisations as the entry writes them: its organisation pages."""
        return []

    @property
    def contact_names(self) -> list[str]:
        """People to contact about the entry, named as its authors in feeds (press releases)."""
        return []

    def place(self, lang: str) -> str | None:
        """Where it happened or was issued, in one line for listings."""
        return None

    def part_label(self, lang: str) -> str | None:
        """'Part 1 of 2' for an entry in parts."""
        return None

    def metadata_rows(self, rows: MetadataRows) -> None:
        """The kind's rows of the metadata panel on its page (topics and relations are added after)."""
        rows.add("field.date", [rows.link(rows.date)])

    def feed_facts(self, facts: FeedFacts) -> None:
        """What a feed item says first about the entry: the panel's main rows, as text."""
        facts.add(t("field.date", facts.lang), facts.date)


class PressFields(EntryFields):
    date: IsoDate
    summary: str
    dateline: str | None = None
    organisations: list[str] = Field(default_factory=list)
    countries: list[CountryCode] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)
    event: EntryId | None = None
    recordings: list[EntryId] = Field(default_factory=list)

    TRANSLATABLE = frozenset({"title", "summary", "topics", "dateline", "contacts"})
    TRANSLATABLE_SUBFIELDS = {"contacts": frozenset({"role"})}

    @property
    def event_id(self) -> str | None:
        return self.event

    @property
    def recording_ids(self) -> list[str]:
        return self.recordings

    @property
    def countries_named(self) -> list[str]:
        return list(self.countries)

    @property
    def organisations_named(self) -> list[str]:
        return list(self.organisations)

    @property
    def contact_names(self) -> list[str]:
        return [contact.name for contact in self.contacts]

    def place(self, lang: str) -> str | None:
        return self.dateline

    def metadata_rows(self, rows: MetadataRows) -> None:
        rows.add("field.date", [rows.link(rows.date)])
        rows.add("field.dateline", [rows.link(self.dateline)] if self.dateline else [])
        rows.add("field.organisations", rows.organisations(self.organisations))
        rows.add("field.countries", [rows.country(c) for c in self.countries])
        rows.add(
            "field.contacts",
            [rows.link(c.name, f"mailto:{c.email}" if c.email else None, c.role) for c in self.contacts],
        )

    def feed_facts(self, facts: FeedFacts) -> None:
        lang = facts.lang
        facts.add(t("field.date", lang), facts.date)
        if self.dateline:
            facts.add(t("field.dateline", lang), self.dateline)
        if self.contacts:
            contacts = [", ".join(x for x in (c.name, c.role, c.email) if x) for c in self.contacts]
            facts.add(t("field.contacts", lang), "; ".join(contacts))


class EventFields(EntryFields):
    date: IsoDate
    end_date: IsoDate | None = None
    end_time: LocalTime | None = None
    venue: str | None = None
    city: str | None = None
    country: CountryCode | None = None
    organisers: list[str] = Field(default_factory=list)
    sponsors: list[str] = Field(default_factory=list)
    speakers: list[Speaker] = Field(default_factory=list)
    participant_countries: list[CountryCode] = Field(default_factory=list)
    recordings: list[EntryId] = Field(default_factory=list)
    documents: list[Document] = Field(default_factory=list)

    TRANSLATABLE = frozenset({"title", "summary", "topics", "venue", "city", "speakers", "documents"})
    TRANSLATABLE_SUBFIELDS = {"speakers": frozenset({"role"}), "documents": frozenset({"title"})}

    @property
    def end(self) -> tuple[dt.date | None, dt.time | None]:
        return self.end_date, self.end_time

    @property
    def recording_ids(self) -> list[str]:
        return self.recordings

    @property
    def countries_named(self) -> list[str]:
        codes = [self.country] if self.country else []
        return list(dict.fromkeys([*codes, *self.participant_countries]))

    @property
    def organisations_named(self) -> list[str]:
        return list(dict.fromkeys([*self.organisers, *self.sponsors]))

    def place(self, lang: str) -> str | None:
        country = country_name(self.country, lang) if self.country else None
        return ", ".join(x for x in (self.city, country) if x) or None

    def metadata_rows(self, rows: MetadataRows) -> None:
        rows.add("field.dates" if self.end_date else "field.date", [rows.link(rows.date)])
        rows.add("field.venue", [rows.link(self.venue)] if self.venue else [])
        if self.country:
            city = [rows.link(self.city)] if self.city else []
            rows.add("field.location", [*city, rows.country(self.country)])
        rows.add("field.organisers", rows.organisations(self.organisers))
        rows.add("field.sponsors", rows.organisations(self.sponsors))
        rows.add(
            "field.speakers",
            [
                rows.link(
                    s.name,
                    None,
                    ", ".join(
                        x for x in (s.role, rows.name_of(s.organisation) if s.organisation else None) if x
                    )
                    or None,
                )
                for s in self.speakers
            ],
        )
        rows.add("field.participant_countries", [rows.country(c) for c in self.participant_countries])
        rows.add("field.documents", [rows.link(d.title, d.url) for d in self.documents])

    def feed_facts(self, facts: FeedFacts) -> None:
        lang = facts.lang
        label = "field.dates" if self.end_date and self.end_date != self.date else "field.date"
        facts.add(t(label, lang), facts.date)
        if self.venue:
            facts.add(t("field.venue", lang), self.venue)
        place = [x for x in (self.city, country_name(self.country, lang) if self.country else None) if x]
        if place:
            facts.add(t("field.location", lang), ", ".join(place))
        if self.speakers:
            speakers = [
                f"{s.name} ({', '.join(x for x in (s.role, s.organisation) if x)})"
                if s.role or s.organisation
                else s.name
                for s in self.speakers
            ]
            facts.add(t("field.speakers", lang), "; ".join(speakers))

    @model_validator(mode="after")
    def _end_after_start(self) -> EventFields:
        if self.end_date is not None and self.end_date < self.date:
            raise PydanticCustomError(
                "memoria_end_date", _("end_date is before date: an event cannot end before it starts")
            )
        if self.end_time is not None and self.time is None:
            raise PydanticCustomError(
                "memoria_end_time", _("end_time without time: give the starting time too (time: HH:MM)")
            )
        same_day = self.end_date is None or self.end_date == self.date
        if self.end_time is not None and self.time is not None and same_day and self.end_time <= self.time:
            raise PydanticCustomError(
                "memoria_end_time", _("end_time is not after time: an event cannot end before it starts")
            )
        return self


class RecordingFields(EntryFields):
    id: EntryId
    language: LanguageCode
    event: EntryId | None = None
    part: int | None = None
    parts: int | None = None
    recorded: IsoDate
    source_url: WebUrl
    alternate_urls: list[WebUrl] = Field(default_factory=list)
    platform: str | None = None
    duration: Duration | None = None
    captions: list[Caption] = Field(default_factory=list)

    DATE_FIELD = "recorded"
    TRANSLATABLE = frozenset({"title", "summary", "topics", "captions"})
    TRANSLATABLE_SUBFIELDS = {"captions": frozenset({"label"})}

    @property
    def part_number(self) -> int | None:
        return self.part

    @property
    def speech_language(self) -> str | None:
        return self.language

    @property
    def event_id(self) -> str | None:
        return self.event

    def part_label(self, lang: str) -> str | None:
        if self.part and self.parts:
            return t("field.part_of", lang, part=self.part, parts=self.parts)
        return None

    def metadata_rows(self, rows: MetadataRows) -> None:
        rows.add("field.recorded", [rows.link(rows.date)])
        rows.add("field.language", [rows.link(language_name(self.language, rows.lang))])
        if self.part and self.parts:
            rows.add(
                "field.part", [rows.link(t("field.part_of", rows.lang, part=self.part, parts=self.parts))]
            )
        rows.add("field.duration", [rows.link(format_duration(self.duration))] if self.duration else [])
        rows.add("field.platform", [rows.link(self.platform)] if self.platform else [])

    def feed_facts(self, facts: FeedFacts) -> None:
        lang = facts.lang
        facts.add(t("field.recorded", lang), facts.date)
        if self.part and self.parts:
            facts.add("", t("field.part_of", lang, part=self.part, parts=self.parts))
        event_title = facts.event_title()
        if event_title is not None:
            facts.add(t("related.event", lang), event_title)
        facts.add(t("field.source_url", lang), self.source_url)
        status = facts.archive_status()
        if status is not None:
            facts.add(t("feeds.item.archive", lang), t(f"feeds.status.{status}", lang))

    @model_validator(mode="after")
    def _part_within_parts(self) -> RecordingFields:
        if self.part is not None and self.parts is not None and not 1 <= self.part <= self.parts:
            raise PydanticCustomError("memoria_part", _("part must be between 1 and parts"))
        return self


class MetadataRows(Protocol):
    """Where a kind writes its metadata panel (memoria.views builds it): labelled rows of links."""

    @property
    def lang(self) -> str:
        """The page's language."""

    @property
    def date(self) -> str:
        """The entry's date (and time) as readers of `lang` write it."""

    def add(self, label_key: str, values: Sequence[Link]) -> None:
        """A row under the label `label_key` (a template string); no row when `values` is empty."""

    def link(self, text: str, url: str | None = None, note: str | None = None) -> Link:
        """One value: text, maybe a link, maybe a note in brackets."""

    def country(self, code: str) -> Link:
        """A country by its localised name, linked to its country page."""

    def organisations(self, names: list[str]) -> list[Link]:
        """Organisations by their names in `lang`, each linked to its page once."""

    def name_of(self, organisation: str) -> str:
        """An organisation as written in entries → its name in `lang`."""


class FeedFacts(Protocol):
    """Where a kind writes the facts a feed item opens with (memoria.feeds builds it)."""

    @property
    def lang(self) -> str:
        """The feed's language."""

    @property
    def date(self) -> str:
        """The entry's date (and time) as readers of `lang` write it."""

    def add(self, label: str, text: str) -> None:
        """One fact; an empty label shows the text alone."""

    def event_title(self) -> str | None:
        """The title of the entry's event in `lang`, if it belongs to one."""

    def archive_status(self) -> str | None:
        """The archive state of the entry's media (RecordingStatus value), if it has media."""


# --- the kinds ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """One kind of entry and everything the site does differently for it; see handbook/adding-a-kind.md.

    The fields model answers the per-entry questions (its date, places, relations, metadata
    rows, feed facts); this record answers the per-kind ones (where its files live, which
    pages and feeds list it, what `memoria new` asks).
    """

    #: folder below docs/, URL segment, feed name and search facet: "press", "events"
    section: str
    #: the singular staff type after `memoria new`: "press", "event", "recording"
    noun: str
    fields: type[EntryFields]
    #: `memoria new`: the comment above the fields, and the hint where the text goes (English marked
    #: with N_(), translated in the tools' catalog by `make messages`)
    new_header: str
    new_hint: str
    #: files in <section>/<YYYY>/<slug>.<lang>.md and a listing per year; else <section>/<id>.<lang>.md
    by_year: bool = True
    #: the message key of its block on the home page (None: not on the home page)
    home_label: str | None = None
    #: media mirrored from a source URL: player, archive state, enclosures, transcripts (recordings)
    media: bool = False
    #: a calendar file beside each page and a calendar of all of them (events)
    calendar: bool = False
    #: the CSL type of its citation (https://docs.citationstyles.org/en/stable/specification.html#appendix-iii-types)
    csl_type: str = "article"
    #: template strings the kind brings, {key: {language: text}}: kind.<section> (its singular),
    #: section.<section> (its listing's title), feeds.description.<section>, its home_label
    messages: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    #: `memoria new`: optional fields offered as comments (example line, why: English marked with N_())
    new_optional: tuple[tuple[str, str | None], ...] = ()
    #: position among the kinds: same-day order in listings (press, event, recordings)
    order: int = 0


#: every kind by section, in registration order (which is also the same-day order)
KINDS: dict[str, Kind] = {}
#: each kind's field names, looked up for every key of every file
FIELD_NAMES: dict[type[EntryFields], frozenset[str]] = {}


def register_kind(kind: Kind) -> Kind:
    """Add a kind: its folder is read, its pages, listings and feeds are made, `memoria new` offers it."""
    if kind.section in KINDS:
        raise ValueError(f"kind {kind.section!r} is registered already")
    if not ID_PATTERN.match(kind.section) or any(k.noun == kind.noun for k in KINDS.values()):
        raise ValueError(
            f"kind {kind.section!r}: the section must be URL-safe and the noun {kind.noun!r} unique"
        )
    for key, texts in kind.messages.items():
        if key in MESSAGES and MESSAGES[key] != texts:
            raise ValueError(f"kind {kind.section!r}: message {key!r} is defined already with other texts")
        missing = set(LANGUAGES) - set(texts)
        if missing:
            raise ValueError(
                f"kind {kind.section!r}: message {key!r} has no text in {', '.join(sorted(missing))}"
            )
    MESSAGES.update({key: dict(texts) for key, texts in kind.messages.items()})
    messages_for.cache_clear()  # the templates' tables, made once per language, now hold the new strings
    kind = dataclasses.replace(kind, order=len(KINDS))
    KINDS[kind.section] = kind
    FIELD_NAMES[kind.fields] = frozenset(kind.fields.model_fields)
    return kind


def sections() -> tuple[str, ...]:
    """The sections of every registered kind, in order."""
    return tuple(KINDS)


def kind_by_noun(noun: str) -> Kind | None:
    """The kind staff name on the command line (`memoria new event`)."""
    return next((kind for kind in KINDS.values() if kind.noun == noun), None)


register_kind(
    Kind(
        section="press",
        noun="press",
        fields=PressFields,
        home_label="home.latest_press",
        csl_type="article",
        new_header=N_("# A new press release. Remove the '# ' in front of an optional field to use it."),
        new_hint=N_("write the text of the press release below, in Markdown, then delete this line"),
        new_optional=(
            ("dateline: Geneva", N_("where the release was issued")),
            ("organisations:", N_("who issues it")),
            ("#   - International Service for Human Rights", None),
            ("topics:", N_("labels for the topic listings")),
            ("#   - Women human rights defenders", None),
            ("countries: [MX, GT]", N_("ISO 3166 two-letter codes")),
            ("contacts:", None),
            ("#   - name: Pooja Patel", None),
            ("#     role: Program and Advocacy Manager", None),
            ("#     email: p.patel@example.org", None),
            ("event: roundtable-whrd-mexico-2014", N_("the id of the event it is about")),
            ("recordings:", N_("ids of its recordings")),
            ("#   - ustream-51400296", None),
            ("updated: 2024-05-02", N_("when you last corrected it")),
        ),
    )
)
register_kind(
    Kind(
        section="events",
        noun="event",
        fields=EventFields,
        home_label="home.latest_events",
        calendar=True,
        csl_type="event",
        new_header=N_("# A new event. Remove the '# ' in front of an optional field to use it."),
        new_hint=N_("write the text of the event below, in Markdown, then delete this line"),
        new_optional=(
            ("end_date: 2024-05-03", N_("for events of several days")),
            ("summary: {summary}", None),
            ("venue: Palais des Nations", None),
            ("city: Geneva", None),
            ("country: CH", N_("ISO 3166 two-letter code")),
            ("organisers:", None),
            ("#   - JASS Mesoamerica", None),
            ("sponsors:", None),
            ("#   - Embassy of Norway", None),
            ("speakers:", None),
            ("#   - name: Cristina Hardaga", None),
            ("#     role: Speaker", None),
            ("#     organisation: JASS Mesoamerica", None),
            ("participant_countries: [MX, GT, HN]", None),
            ("topics:", None),
            ("#   - Women human rights defenders", None),
            ("recordings:", N_("ids of its recordings")),
            ("#   - ustream-51400296", None),
            ("documents:", None),
            ("#   - title: Resolution 68/181", None),
            ("#     url: https://undocs.org/A/RES/68/181", None),
            ("updated: 2024-05-02", None),
        ),
    )
)
register_kind(
    Kind(
        section="recordings",
        noun="recording",
        fields=RecordingFields,
        by_year=False,
        home_label="home.recordings",
        media=True,
        csl_type="motion_picture",
        new_header=N_("# A new recording. Remove the '# ' in front of an optional field to use it."),
        new_hint=N_("write the text of the recording below, in Markdown, then delete this line"),
        new_optional=(
            ("summary: {summary}", None),
            ("part: 1", N_("with parts: for recordings in several parts")),
            ("parts: 2", None),
            ("alternate_urls:", N_("other copies, e.g. on the Wayback Machine")),
            ("#   - https://web.archive.org/web/2014/http://www.ustream.tv/recorded/51400296", None),
            ("platform: Ustream", None),
            ("duration: 1:02:03", N_("H:MM:SS or seconds")),
            ("captions:", N_("WebVTT files in media/<id>/")),
            ("#   - file: captions.es.vtt", None),
            ("#     language: es", None),
            ("#     label: Español", None),
            ("topics:", None),
            ("#   - Women human rights defenders", None),
            ("updated: 2024-05-02", None),
        ),
    )
)


@dataclass(frozen=True)
class SourceFile:
    """One language's Markdown file of an entry."""

    path: Path
    display_path: str
    lang: str
    front_matter: FrontMatter
    text_digest: str = ""
    """A hash of the file's bytes as read (the build cache's: memoria.build_cache.EntryDigests)."""

    @property
    def body(self) -> str:
        return self.front_matter.body


@dataclass
class Entry:
    """One archive entry in every language it has: its original, and translations of it.

    The original (the only file, or the one marked `original: true`, or English when both
    exist) holds the language-neutral fields; a language without a finished file of its own
    shows the original.
    """

    section: str
    id: str
    norm_uri: str
    fields: dict[str, EntryFields]
    sources: dict[str, SourceFile]
    original_lang: str = DEFAULT_LANGUAGE
    #: languages whose file still holds the translate marker: read and checked, not published
    unfinished: frozenset[str] = frozenset()

    @property
    def english(self) -> EntryFields:
        """The original's fields (English for most entries): the language-neutral values."""
        return self.fields[self.original_lang]

    @property
    def original(self) -> SourceFile:
        """The file that holds the language-neutral fields."""
        return self.sources[self.original_lang]

    def is_translated(self, lang: str) -> bool:
        """Whether readers of `lang` get a finished text in their language."""
        return lang in self.sources and lang not in self.unfinished

    def in_language(self, lang: str) -> EntryFields:
        """The entry as a reader of `lang` sees it (the original's fields where untranslated)."""
        return self.fields[lang] if self.is_translated(lang) else self.english

    def shown_language(self, lang: str) -> str:
        """The language of the text readers of `lang` get: theirs, or the original's."""
        return lang if self.is_translated(lang) else self.original_lang

    def source_uri(self, lang: str) -> str:
        """Path below docs/ of the page readers of `lang` get (memoria.addressing.page_source)."""
        return page_source(self.norm_uri, lang, self.is_translated(lang))

    @property
    def kind(self) -> Kind:
        return KINDS[self.section]

    @property
    def sort_date(self) -> dt.date:
        return self.english.sort_date


class ProblemSplit:
    """Errors and warnings of a `problems` list, for results that carry one."""

    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]


@dataclass
class LoadResult(ProblemSplit):
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


# --- loading ---------------------------------------------------------------------------


def display_path(path: Path) -> str:
    """A path as people type it: relative to the working directory when inside it."""
    folder, name = os.path.split(path)
    try:
        if name in ("", os.curdir, os.pardir):
            relative = os.path.relpath(path)
        else:  # relpath of the folder, then the name: the same, and folders are few
            relative_folder = _relative_folder(os.getcwd(), folder or os.curdir)
            relative = name if relative_folder == os.curdir else os.path.join(relative_folder, name)
    except ValueError:
        return str(path)
    return str(path) if relative.startswith("..") else relative


@lru_cache(maxsize=256)
def _relative_folder(cwd: str, folder: str) -> str:
    return os.path.relpath(folder, cwd)


def entry_files(docs_dir: Path) -> Iterable[tuple[str, Path]]:
    """Every Markdown entry file below the kinds' section folders, sorted, with its section."""
    for section in KINDS:
        root = docs_dir / section
        if not root.is_dir():
            continue
        found: list[tuple[str, ...]] = []
        _markdown_below(os.fspath(root), (), found)
        for parts in sorted(found):  # as Paths sort: by their parts
            name = parts[-1]
            if name.startswith("index.") or name == "index.md":
                continue
            yield section, root.joinpath(*parts)


def _markdown_below(folder: str, parts: tuple[str, ...], found: list[tuple[str, ...]]) -> None:
    """What `Path(folder).rglob("*.md")` finds (Python 3.11: symbolic links to folders are not
    entered), as parts below the first folder: with os.scandir, without a Path per file (at
    10,000 entries per language a third of the preview's catalog walk)."""
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except PermissionError:
        return
    for entry in entries:
        if entry.name.endswith(".md"):
            found.append((*parts, entry.name))
        try:
            descend = entry.is_dir() and not entry.is_symlink()
        except PermissionError:
            descend = False
        if descend:
            _markdown_below(entry.path, (*parts, entry.name), found)


def _pydantic_problems(
    error: ValidationError, source: SourceFile, only_fields: Iterable[str] | None = None
) -> list[Problem]:
    wanted = set(only_fields) if only_fields is not None else None
    problems = []
    for item in error.errors():
        loc = tuple(item["loc"])
        name = ".".join(str(part) for part in loc)
        if wanted is not None and loc and loc[0] not in wanted:
            continue
        kind = item["type"]
        got = item.get("input")
        if kind == "missing":
            message = _("required field is missing: add '{field}:' to the front matter").format(field=loc[-1])
            line = source.front_matter.line_of(loc[:-1]) if len(loc) > 1 else 1
        else:
            line = source.front_matter.line_of(loc)
            if kind.startswith("memoria_"):
                message = item["msg"]
            elif kind in ("string_type",):
                message = _("expected text, got {value}").format(value=_describe(got))
            elif kind in ("list_type",):
                message = _("expected a list ('- item' lines), got {value}").format(value=_describe(got))
            elif kind in ("bool_type", "bool_parsing"):
                message = _("expected true or false, got {value}").format(value=_describe(got))
            elif kind in ("int_type", "int_parsing", "int_from_float"):
                message = _("expected a whole number, got {value}").format(value=_describe(got))
            elif kind in ("model_type", "model_attributes_type", "dict_type"):
                message = _("expected 'key: value' fields, got {value}").format(value=_describe(got))
            else:
                message = item["msg"]
        if not loc:
            name = ""
            line = source.front_matter.line_of(())
        problems.append(Problem(source.display_path, line, name, message))
    return problems


def _describe(value: Any) -> str:
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("a mapping")
    if value is None:
        return _("nothing")
    return f'"{value}"'


def _unknown_field_warnings(source: SourceFile, model: type[EntryFields], translation: bool) -> list[Problem]:
    known = FIELD_NAMES[model]
    problems = []
    for key in source.front_matter.values:
        if key not in known:
            line = source.front_matter.line_of((key,))
            hint = ", ".join(sorted(known))
            problems.append(
                Problem(
                    source.display_path,
                    line,
                    str(key),
                    _("unknown field (a typo?): the fields of this kind are {fields}").format(fields=hint),
                    Severity.WARNING,
                )
            )
    return problems


#: the name of the original's language in messages ("the English file", "el archivo inglés")
_LANGUAGE_ADJECTIVES = {"en": N_("English"), "es": N_("Spanish")}


def _merge_translation(
    english: SourceFile, translation: SourceFile, model: type[EntryFields]
) -> tuple[dict[str, Any], list[Problem]]:
    """The original's values overlaid with the translatable values of `translation`; conflicts are problems."""
    merged = dict(english.front_matter.values)
    problems: list[Problem] = []
    original_name = (
        _(_LANGUAGE_ADJECTIVES[english.lang]) if english.lang in _LANGUAGE_ADJECTIVES else english.lang
    )
    for key, value in translation.front_matter.values.items():
        if key not in FIELD_NAMES[model] or key == "original":
            continue
        line = translation.front_matter.line_of((key,))
        english_value = english.front_matter.values.get(key)
        subfields = model.TRANSLATABLE_SUBFIELDS.get(key)
        if subfields is not None:
            conflict = _list_conflict(english_value, value, subfields, original_name)
            if conflict and _lags_behind(english_value, value):
                # The original gained or lost items since: the page shows the original's list
                # until the translator catches up; publishing is never blocked by a lagging translation.
                problems.append(
                    Problem(
                        translation.display_path,
                        line,
                        key,
                        _(
                            "{conflict}; the {language} file {path} changed — until this list is brought "
                            "up to date the page shows the {language} one"
                        ).format(conflict=conflict, language=original_name, path=english.display_path),
                        Severity.WARNING,
                        translation_lag=True,
                    )
                )
                continue
            if conflict:
                problems.append(
                    Problem(
                        translation.display_path,
                        line,
                        key,
                        _("{conflict}; the {language} file {path} defines it").format(
                            conflict=conflict, language=original_name, path=english.display_path
                        ),
                    )
                )
                continue
            merged[key] = value
        elif key in model.TRANSLATABLE:
            if key == "topics" and _lags_behind(english_value, value):
                problems.append(
                    Problem(
                        translation.display_path,
                        line,
                        key,
                        _(
                            "has {count} topics but the {language} file has {original_count}: translate "
                            "each {language} topic, in the same order (until then the page shows the "
                            "{language} topics)"
                        ).format(
                            count=len(value), language=original_name, original_count=len(english_value or [])
                        ),
                        Severity.WARNING,
                        translation_lag=True,
                    )
                )
                continue
            merged[key] = value
        elif english_value is None or english_value != value:
            shown = (
                _("is not set") if english_value is None else _("says {value!r}").format(value=english_value)
            )
            problems.append(
                Problem(
                    translation.display_path,
                    line,
                    key,
                    _(
                        "conflicts with the {language} file ({path} {shown}): '{field}' is language-neutral; "
                        "set it only in the {language} file and remove it here"
                    ).format(language=original_name, path=english.display_path, shown=shown, field=key),
                )
            )
    return merged, problems


def _lags_behind(original_value: Any, value: Any) -> bool:
    """A translated list with another number of items than the original's: a translation behind."""
    return isinstance(original_value, list) and isinstance(value, list) and len(value) != len(original_value)


def _list_conflict(english_value: Any, value: Any, translatable: frozenset[str], original: str) -> str | None:
    """Why a translated list of mappings cannot stand beside its original, if it cannot."""
    if not isinstance(value, list) or not isinstance(english_value, list):
        return (
            None
            if english_value is None and not isinstance(value, list)
            else _("must be a list matching the {language} one item for item").format(language=original)
        )
    if len(value) != len(english_value):
        return _(
            "has {count} items but the {language} file has {original_count}: translate each item, "
            "in the same order"
        ).format(count=len(value), language=original, original_count=len(english_value))
    for index, (ours, theirs) in enumerate(zip(value, english_value, strict=False)):
        if not isinstance(ours, dict) or not isinstance(theirs, dict):
            continue
        for sub, sub_value in ours.items():
            if sub not in translatable and theirs.get(sub) != sub_value:
                return _(
                    "item {number}: '{field}' differs from {language}; only {fields} may be translated"
                ).format(
                    number=index + 1, field=sub, language=original, fields=", ".join(sorted(translatable))
                )
    return None


def _read(path: Path, lang: str) -> tuple[SourceFile | None, Problem | None]:
    shown = display_path(path)
    data = path.read_bytes()  # decoded at once: cheaper than reading through a text-mode file
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None, Problem(shown, 1, "", _("not UTF-8 text: save the file as UTF-8"))
    if "\r" in text:  # the line ends a text-mode file reads as "\n"
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        front_matter = parse_front_matter(text)
    except FrontMatterError as error:
        return None, Problem(shown, error.line, error.field, error.message)
    text_digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    return SourceFile(path, shown, lang, front_matter, text_digest), None


Stamp = tuple[tuple[str, int, int], ...]  # (path, mtime_ns, size) of each of an entry's files
CachedEntry = tuple[Stamp, Entry | None, list[Problem]]


@dataclass
class EntryCache:
    """Entries already read, by their files' (path, mtime_ns, size): a preview re-reads only what changed."""

    entries: dict[tuple[str, str], CachedEntry] = field(default_factory=dict)  # (section, norm uri) → entry

    @staticmethod
    def stamp(paths: dict[str, Path]) -> Stamp:
        """What identifies one version of an entry's files: each file's path, mtime and size."""
        stamps = []
        for path in sorted(paths.values()):
            stat = path.stat()
            stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
        return tuple(stamps)

    def stamp_of(self, entry: Entry) -> Stamp:
        """The stamp of the files the entry was read from."""
        cached = self.entries.get((entry.section, entry.norm_uri))
        return cached[0] if cached is not None else ()


class KeptEntries(Protocol):
    """Entries an earlier build read, by `entry_key` (the build cache's: memoria.build_cache.EntryStore)."""

    def get(self, key: str) -> tuple[Entry | None, list[Problem]] | None: ...

    def put(self, key: str, entry: Entry | None, problems: list[Problem]) -> None: ...

    def file_digest(self, path: Path) -> bytes:
        """blake2b (16 bytes) of the file's bytes (the store may know it already)."""
        ...


def entry_key(
    section: str,
    norm: str,
    paths: dict[str, Path],
    languages: Languages,
    file_digest: Callable[[Path], bytes],
) -> str:
    """What an entry read from these files depends on: their paths and bytes (`file_digest`: blake2b,
    16 bytes), and the site's languages."""
    parts = hashlib.blake2b(repr((section, norm, list(languages))).encode("utf-8"), digest_size=16)
    for lang, path in sorted(paths.items()):
        parts.update(f"\0{lang}\0{path}\0".encode())
        parts.update(file_digest(path))
    return parts.hexdigest()


def load_archive(
    docs_dir: Path,
    cache: EntryCache | None = None,
    languages: Languages = MEMORIA_LANGUAGES,
    kept: KeptEntries | None = None,
) -> LoadResult:
    """Read and validate every entry below `docs_dir`; every problem is collected, none raised.

    With a `cache` (kept by a live preview), entries whose files are unchanged are not read again;
    with `kept` (the build cache's), entries whose files have the same bytes are not either.
    A file's name ends in one of the site's `languages` (memoria.addressing).
    """
    with _cycle_collection_paused():
        return _load_archive(docs_dir, cache, languages, kept)


@contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """Loading makes ~40 container objects per file and no reference cycles, yet Python's cycle
    collector walked them all again and again as they piled up: a tenth of loading 3,000 entries."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load_archive(
    docs_dir: Path, cache: EntryCache | None, languages: Languages, kept: KeptEntries | None
) -> LoadResult:
    result = LoadResult()
    groups: dict[tuple[str, str], dict[str, Path]] = {}
    depth = len(docs_dir.parts)
    for section, path in entry_files(docs_dir):
        base, lang = split_language(path.name)
        if lang is None or lang not in languages:
            result.problems.append(
                Problem(
                    display_path(path),
                    1,
                    "",
                    _(
                        "file name must end in {suffixes} (got '{name}'): rename it to '{base}.{default}.md'"
                    ).format(
                        suffixes=_(" or ").join(f".{code}.md" for code in languages),
                        name=path.name,
                        base=base,
                        default=languages.default,
                    ),
                )
            )
            continue
        norm = "/".join((*path.parts[depth:-1], f"{base}.md"))  # the path below docs_dir, from its parts
        groups.setdefault((section, norm), {})[lang] = path

    seen: dict[tuple[str, str], CachedEntry] = {}
    for (section, norm), paths in sorted(groups.items()):
        stamp = EntryCache.stamp(paths) if cache is not None else ()
        cached = cache.entries.get((section, norm)) if cache is not None else None
        if cached is not None and cached[0] == stamp:
            entry, problems = cached[1], cached[2]
        elif kept is not None:
            key = entry_key(section, norm, paths, languages, kept.file_digest)
            found = kept.get(key)
            if found is None:
                entry, problems = _load_entry(section, norm, paths)
                kept.put(key, entry, problems)
            else:
                entry, problems = found
        else:
            entry, problems = _load_entry(section, norm, paths)
        seen[(section, norm)] = (stamp, entry, problems)
        result.problems.extend(problems)
        if entry is not None:
            result.entries.append(entry)
    if cache is not None:
        cache.entries = seen  # files that are gone drop out
    return result


def _load_entry(section: str, norm: str, paths: dict[str, Path]) -> tuple[Entry | None, list[Problem]]:
    """One entry from its original file and translations, or None, with the problems found."""
    problems: list[Problem] = []
    model = KINDS[section].fields
    read: dict[str, SourceFile] = {}
    # A broken original does not hide its translations' own problems: all are reported.
    for lang in sorted(paths, key=LANGUAGES.index):
        source, problem = _read(paths[lang], lang)
        if source is None:
            problems.append(problem)  # type: ignore[arg-type]
        else:
            read[lang] = source
            problems.extend(_unknown_field_warnings(source, model, translation=False))
    original_lang, conflict = _original_language(paths, read, model)
    if conflict is not None:
        return None, [*problems, conflict]
    original = read.get(original_lang)
    original_fields: EntryFields | None = None
    if original is not None:
        try:
            original_fields = model.model_validate(original.front_matter.values)
        except ValidationError as error:
            problems.extend(_pydantic_problems(error, original))
    sources: dict[str, SourceFile] = {}
    fields_by_lang: dict[str, EntryFields] = {}
    for lang, translation in read.items():
        if lang == original_lang or original is None:
            continue
        merged, conflicts = _merge_translation(original, translation, model)
        problems.extend(conflicts)
        if original_fields is None:
            continue
        try:
            fields_by_lang[lang] = model.model_validate(merged)
        except ValidationError as error:
            only = translation.front_matter.values
            problems.extend(_pydantic_problems(error, translation, only_fields=only))
            continue
        sources[lang] = translation
    if original is None or original_fields is None:
        return None, problems
    sources = {original_lang: original, **sources}
    fields_by_lang = {original_lang: original_fields, **fields_by_lang}
    unfinished = frozenset(
        lang for lang, source in sources.items() if lang != original_lang and holds_placeholder(source.body)
    )
    entry_id = original_fields.id or Path(norm).stem
    entry = Entry(
        section=section,
        id=entry_id,
        norm_uri=norm,
        fields=fields_by_lang,
        sources=sources,
        original_lang=original_lang,
        unfinished=unfinished,
    )
    return entry, problems


def _original_language(
    paths: dict[str, Path], read: dict[str, SourceFile], model: type[EntryFields]
) -> tuple[str, Problem | None]:
    """The language of the entry's original: the only file, the one marked `original: true`, the
    only one holding language-neutral fields, one without the translate marker, or English."""
    marked = [lang for lang, source in read.items() if source.front_matter.values.get("original") is True]
    if len(marked) > 1:
        second = read[marked[1]]
        return marked[0], Problem(
            second.display_path,
            second.front_matter.line_of(("original",)),
            "original",
            _(
                "{path} is marked 'original: true' too: only one file of an entry is its original; "
                "remove the line from the other"
            ).format(path=read[marked[0]].display_path),
        )
    if marked:
        return marked[0], None
    # The original is the file holding language-neutral fields (a translation carries none), and
    # a file still holding the translate marker is somebody's translation, not the original.
    neutral = FIELD_NAMES[model] - model.TRANSLATABLE - {"original"}
    holding = [lang for lang, source in read.items() if neutral & source.front_matter.values.keys()]
    written = [lang for lang, source in read.items() if TRANSLATE_MARKER not in source.body]
    candidates = (holding if len(holding) == 1 else []) or written or sorted(paths, key=LANGUAGES.index)
    return (DEFAULT_LANGUAGE if DEFAULT_LANGUAGE in candidates else candidates[0]), None
