"""When an entry goes out: drafts, embargoes (`publish:`) and future dates. Imports no site engine.

A real build shows only what is published at the moment it runs; everything else leaves no
trace in the output (no page, listing, feed item, search record or sitemap line). The preview
shows every entry, with a banner on those readers cannot see yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum

from memoria.content import Entry, holds_placeholder
from memoria.messages import _
from memoria.when import DEFAULT_TIME_ZONE, when

#: the moment a build publishes for, when set (ISO 8601 with offset): to see what an embargo will
#: release, and so that every language process of one `memoria build` compares with the same moment
BUILD_TIME_VARIABLE = "MEMORIA_BUILD_TIME"

#: what `future_dates` may say: "hold" keeps an entry dated after today out until its local start
FUTURE_DATES = ("hold", "publish")


class PublicationState(str, Enum):
    PUBLISHED = "published"
    DRAFT = "draft"
    SCHEDULED = "scheduled"


@dataclass(frozen=True)
class Publication:
    """Whether readers may see an entry now and, if it is scheduled, from when."""

    state: PublicationState
    at: dt.datetime | None = None  # when a scheduled entry goes out (aware)
    reason: str = ""  # what decides: "draft", "body" (still the scaffold's), "publish" or "date"

    @property
    def published(self) -> bool:
        return self.state is PublicationState.PUBLISHED


def publication_of(
    entry: Entry, now: dt.datetime, future_dates: str = "hold", archive_zone: str = DEFAULT_TIME_ZONE
) -> Publication:
    """The entry's state at `now` (aware): draft, scheduled until a moment, or published.

    A future date waits until its local start: its time (or midnight) in its own zone, else the archive's.
    """
    if entry.english.draft:
        return Publication(PublicationState.DRAFT, reason="draft")
    if holds_placeholder(entry.original.body):  # the scaffold's text: nothing written yet
        return Publication(PublicationState.DRAFT, reason="body")
    for moment, reason in sorted(
        _moments(entry, future_dates, archive_zone), key=lambda p: p[0], reverse=True
    ):
        if moment > now:
            return Publication(PublicationState.SCHEDULED, moment, reason)
    return Publication(PublicationState.PUBLISHED)


def _moments(entry: Entry, future_dates: str, archive_zone: str) -> list[tuple[dt.datetime, str]]:
    """The moments from which the entry may go out: its `publish:` and, when held, its local start."""
    moments = []
    if entry.english.publish is not None:
        moments.append((entry.english.publish, "publish"))
    if future_dates == "hold":
        moments.append((when(entry, archive_zone).start, "date"))
    return moments


def steady_window(
    entries: Iterable[Entry],
    now: dt.datetime,
    future_dates: str = "hold",
    archive_zone: str = DEFAULT_TIME_ZONE,
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The moments around `now` between which no entry goes out or back: (the last at or before
    `now`, the first after; None where there is none). A build for any moment in between
    publishes exactly the same entries."""
    before: dt.datetime | None = None
    after: dt.datetime | None = None
    for entry in entries:
        for moment, _reason in _moments(entry, future_dates, archive_zone):
            if moment > now:
                after = moment if after is None or moment < after else after
            else:
                before = moment if before is None or moment > before else before
    return before, after


def split_by_publication(
    entries: Iterable[Entry],
    now: dt.datetime,
    future_dates: str = "hold",
    archive_zone: str = DEFAULT_TIME_ZONE,
) -> tuple[list[Entry], list[tuple[Entry, Publication]]]:
    """(entries readers may see now, the others with why and until when)."""
    published: list[Entry] = []
    held: list[tuple[Entry, Publication]] = []
    for entry in entries:
        publication = publication_of(entry, now, future_dates, archive_zone)
        if publication.published:
            published.append(entry)
        else:
            held.append((entry, publication))
    return published, held


def build_moment(environ: Mapping[str, str]) -> dt.datetime:
    """The moment to publish for: MEMORIA_BUILD_TIME if set, else now (UTC)."""
    given = environ.get(BUILD_TIME_VARIABLE, "").strip()
    if not given:
        return dt.datetime.now(dt.UTC)
    try:
        moment = dt.datetime.fromisoformat(given)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValueError(
            _(
                '{variable}: expected a date and time with its UTC offset such as 2026-12-10T09:00-06:00, got "{given}"'
            ).format(variable=BUILD_TIME_VARIABLE, given=given)
        )
    return moment
