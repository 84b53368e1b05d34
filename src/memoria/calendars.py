"""iCalendar (RFC 5545) files of the events: one calendar per language and one file per event.

Engine-independent; written with the `icalendar` library. Output is a function of the content
only: the UID comes from the event's id (the same in every language and build), DTSTAMP from
its dates, never the clock. An event with a time has DTSTART/DTEND in its time zone, with the
VTIMEZONE it needs; one without is all-day (DTEND is the day after the last day, as RFC 5545
says). Summary, location and description are in the calendar's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from icalendar import Calendar, Event

from memoria import __version__
from memoria.catalog import Catalog, newest_first
from memoria.content import Entry, EventFields
from memoria.feeds import updated_at
from memoria.i18n import country_name, t
from memoria.when import DEFAULT_TIME_ZONE, when

#: where the calendar of a language's events lives below the language's root
CALENDAR_PATH = "feeds/events.ics"
MEDIA_TYPE = "text/calendar"


@dataclass(frozen=True)
class CalendarSite:
    """What calendars of one language need to know about its built site."""

    lang: str
    site_name: str
    timezone: str = DEFAULT_TIME_ZONE
    id_authority: str | None = None
    site_url: str = ""
    #: absolute URL of a page below docs/ by its source uri
    page_url: Callable[[str], str] = lambda uri: uri


def event_uid(entry: Entry, site: CalendarSite) -> str:
    """The same in every language and every build: a calendar updates the event, never doubles it."""
    host = (site.id_authority or "").split(",")[0] or urlsplit(site.site_url).hostname or "localhost"
    return f"events/{entry.id}@{host}"


def calendar_event(entry: Entry, site: CalendarSite) -> Event:
    """One VEVENT in the site's language (the English text where the event is untranslated)."""
    fields = entry.in_language(site.lang)
    assert isinstance(fields, EventFields)
    moment = when(entry, site.timezone)
    url = site.page_url(entry.source_uri(site.lang))
    event = Event()
    event.add("uid", event_uid(entry, site))
    event.add("dtstamp", updated_at(entry, site.timezone).astimezone(dt.UTC))
    event.add("summary", fields.title)
    if moment.time is None:
        last_day = moment.end_day or moment.day
        event.add("dtstart", moment.day)
        event.add("dtend", last_day + dt.timedelta(days=1))  # exclusive, RFC 5545 3.6.1
    else:
        event.add("dtstart", moment.start)
        if moment.end is not None:
            event.add("dtend", moment.end)
    location = [
        x
        for x in (
            fields.venue,
            fields.city,
            country_name(fields.country, site.lang) if fields.country else None,
        )
        if x
    ]
    if location:
        event.add("location", ", ".join(location))
    description = [fields.summary or ""]
    if fields.speakers:
        speakers = "; ".join(
            ", ".join(x for x in (s.name, s.role, s.organisation) if x) for s in fields.speakers
        )
        description.append(f"{t('field.speakers', site.lang)}: {speakers}")
    description.append(t("calendar.more", site.lang, url=url))
    event.add("description", "\n\n".join(x for x in description if x))
    event.add("url", url)
    return event


#: An event's VEVENT and its serialised lines, by event id, made once per language build for its
#: calendar and its own file (`write_calendar`, `write_event_calendar`).
MadeEvents = dict[str, tuple[Event, bytes]]

_END = b"END:VCALENDAR\r\n"


def _calendar(events: Iterable[Entry], site: CalendarSite, made: MadeEvents) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", f"-//Memoria//Memoria {__version__}//{site.lang.upper()}")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    name = t("calendar.name", site.lang, site=site.site_name)
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", site.timezone)
    for entry in events:
        if entry.id not in made:
            event = calendar_event(entry, site)
            made[entry.id] = (event, bytes(event.to_ical()))
        calendar.add_component(made[entry.id][0])
    calendar.add_missing_timezones()  # a VTIMEZONE for each zone a DTSTART/DTEND names
    return calendar


def render_calendar(events: Iterable[Entry], site: CalendarSite, made: MadeEvents | None = None) -> bytes:
    """The calendar of `events`; `made` keeps each event's lines for the next calendar that holds it."""
    made = {} if made is None else made
    events = list(events)
    calendar = _calendar(events, site, made)
    # Serialised without its events, which go where they stood (after the time zones, which
    # add_missing_timezones puts first): each content line is folded on its own, so an
    # event's lines are the same in every calendar and are made once.
    calendar.subcomponents = [c for c in calendar.subcomponents if c.name != "VEVENT"]
    head = bytes(calendar.to_ical())
    assert head.endswith(_END)
    return head[: -len(_END)] + b"".join(made[entry.id][1] for entry in events) + _END


def language_events(catalog: Catalog, lang: str) -> list[Entry]:
    """The events written in `lang`, newest first: the calendar holds what the language's feeds hold."""
    return newest_first(e for e in catalog.section("events") if e.is_translated(lang))


def write_calendar(catalog: Catalog, site: CalendarSite, root: Path, made: MadeEvents | None = None) -> Path:
    """The language's calendar of events, `feeds/events.ics` below `root` (its folder of the site)."""
    path = root / CALENDAR_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render_calendar(language_events(catalog, site.lang), site, made))
    return path


def write_event_calendar(
    entry: Entry, site: CalendarSite, page_folder: Path, made: MadeEvents | None = None
) -> Path:
    """One event as its own calendar, `<id>.ics` in the folder of its page (the "Add to calendar" link)."""
    path = page_folder / event_file_name(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render_calendar([entry], site, made))
    return path


def event_file_name(entry: Entry) -> str:
    return f"{entry.id}.ics"
