"""When an entry happened, in its own time zone: the instant feeds and calendars publish.

Engine-independent. The archive has a time zone (the `timezone` setting); an entry may carry
its own (`timezone:`), a local `time:`, or a full ISO datetime with an offset. A date without
a time stands for local midnight in that zone, with the zone's real offset on that day, so
readers near the organisation see the right day; nothing here invents a time of day.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from functools import lru_cache

from memoria.content import Entry
from memoria.i18n import format_date, format_date_range

DEFAULT_TIME_ZONE = "UTC"


@lru_cache(maxsize=64)
def time_zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


@dataclass(frozen=True)
class When:
    """An entry's local date (and time, if given) in its zone; events may have an end."""

    day: dt.date
    time: dt.time | None
    zone: dt.tzinfo
    zone_name: str | None  # IANA name; None for a bare offset from a full ISO datetime
    end_day: dt.date | None = None
    end_time: dt.time | None = None

    @property
    def start(self) -> dt.datetime:
        """The local start, at midnight when no time is given, with the zone's offset that day."""
        return dt.datetime.combine(self.day, self.time or dt.time(0, 0), tzinfo=self.zone)

    @property
    def end(self) -> dt.datetime | None:
        """The local end of a timed event (end_date/end_time), if given."""
        if self.time is None or (self.end_time is None and self.end_day is None):
            return None
        return dt.datetime.combine(self.end_day or self.day, self.end_time or self.time, tzinfo=self.zone)


def when(entry: Entry, archive_zone: str = DEFAULT_TIME_ZONE) -> When:
    """Where and when an entry sits in time: its own zone or offset, else the archive's."""
    fields = entry.english
    if fields.utc_offset is not None and fields.timezone is None:
        zone: dt.tzinfo = dt.timezone(dt.timedelta(minutes=fields.utc_offset))
        name = None
    else:
        name = fields.timezone or archive_zone
        zone = time_zone(name)
    end_day, end_time = fields.end
    return When(entry.sort_date, fields.time, zone, name, end_day, end_time)


def same_day_order(entry: Entry) -> tuple[int, int, int, str]:
    """Kind (the press release, the event, its recordings: the kinds' order), then part (numbered
    parts first), then id: how entries of one day follow each other."""
    part = entry.english.part_number
    kind = entry.kind.order
    return (kind, 0, part, entry.id) if part else (kind, 1, 0, entry.id)


def describe(moment: When, lang: str) -> str:
    """The date as readers of `lang` write it, with the local time and zone where one is given.

    '15 August 2014', '15 de agosto de 2014, 10:00–14:00 CDT', '18 – 19 March 2015'.
    """
    end_day = moment.end_day if moment.end_day != moment.day else None
    if moment.time is None:
        return format_date_range(moment.day, end_day, lang)
    start = moment.start
    zone = start.tzname() or ""
    clock = f"{start:%H:%M}"
    end = moment.end
    if end is not None and end_day is None:
        return f"{format_date(moment.day, lang)}, {clock}–{end:%H:%M} {zone}".strip()
    text = f"{format_date(moment.day, lang)}, {clock} {zone}".strip()
    if end is not None:
        text += f" – {format_date(end.date(), lang)}, {end:%H:%M} {end.tzname() or ''}".rstrip()
    elif end_day is not None:
        text += f" – {format_date(end_day, lang)}"
    return text
