"""`memoria new press|event|recording`: a new entry in the right folder with the fields of its kind."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from typing import Any

from memoria.catalog import build_catalog
from memoria.commands._project import add_project_options, project_from
from memoria.content import display_path, load_archive
from memoria.i18n import DEFAULT_LANGUAGE, LANGUAGES
from memoria.messages import N_, _
from memoria.scaffold import NewEntry, ScaffoldError, kind_nouns, parse_date, write_new_entry
from memoria.shared_lists import LIST_FILES, SharedList, SharedLists, data_dir_of, load_shared_lists

EXAMPLE = N_("""\
examples:
  memoria new press        (asks for each value)
  memoria new press --title "Mexico: protect women defenders" --date 2024-05-02 \\
      --summary "ISHR calls on Mexico to ..." --event roundtable-whrd-mexico-2014
  memoria new event --title "Regional roundtable" --date 2024-05-02 --lang es
  memoria new recording --title "Roundtable, part 1" --date 2014-08-15 \\
      --source-url http://www.ustream.tv/recorded/51400296 --speech-language es --id ustream-51400296
""")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "new",
        help=_("create a press release, event or recording page"),
        description=(
            _(
                "Write a new entry: docs/press/YYYY/<slug>.<lang>.md, docs/events/YYYY/<slug>.<lang>.md "
                "or docs/recordings/<id>.<lang>.md, with the required fields filled and the optional "
                "ones as comments. Asks for missing values when run in a terminal; never overwrites."
            )
        ),
        epilog=_(EXAMPLE),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("kind", choices=kind_nouns(), help=_("what to create"))
    parser.add_argument("--title", help=_("the title readers see"))
    parser.add_argument(
        "--date", help=_("YYYY-MM-DD: date of the release or event, or when a recording was made")
    )
    parser.add_argument(
        "--lang", choices=LANGUAGES, default=None, help=_("language you write in (default: en)")
    )
    parser.add_argument(
        "--summary", help=_("one or two sentences for listings and feeds (required for press)")
    )
    parser.add_argument("--event", help=_("id of the event a press release or recording belongs to"))
    parser.add_argument(
        "--topics", help=_("topics, separated by commas (ids or names from data/topics.yml)"), default=None
    )
    parser.add_argument(
        "--organisations",
        help=_(
            "press release: organisations, separated by commas (ids or names from data/organisations.yml)"
        ),
        default=None,
    )
    parser.add_argument("--id", help=_("the entry's id and file name (default: made from the title)"))
    parser.add_argument("--source-url", help=_("recording: address of the original video"))
    parser.add_argument(
        "--speech-language", help=_("recording: ISO 639-1 code of the language spoken, e.g. es")
    )
    add_project_options(parser)
    parser.set_defaults(func=run)


def _ask(question: str, default: str | None = None, check: Callable[[str], str | None] | None = None) -> str:
    """Ask until the answer is non-empty and `check` finds nothing wrong; Enter takes the default."""
    suffix = f" [{default}]" if default else ""
    while True:
        answer = input(f"{question}{suffix}: ").strip() or (default or "")
        if not answer:
            print(_("  (needed; please answer)"))
            continue
        wrong = check(answer) if check else None
        if wrong is None:
            return answer
        print(_("  not valid: {problem}").format(problem=wrong))


def _date_problem(answer: str) -> str | None:
    try:
        parse_date(answer)
    except ScaffoldError as error:
        return str(error)
    return None


def _language_problem(answer: str) -> str | None:
    return None if answer in LANGUAGES else _("answer {choices}").format(choices=_(" or ").join(LANGUAGES))


def _ask_event(known: set[str]) -> str | None:
    """An event id, asked again until it is one of the known events or empty."""
    listed = ", ".join(sorted(known)) or _("none yet")
    while True:
        answer = input(_("Event id (Enter for none; known: {known}): ").format(known=listed)).strip()
        if not answer or answer in known:
            return answer or None
        print(
            _('  not valid: unknown event id "{id}" — known events are {known}').format(
                id=answer, known=listed
            )
        )


def _ask_names(label: str, shared: SharedList) -> list[str]:
    """Names from a shared list, separated by commas; an unknown one is asked again, with the closest known name."""
    known = [item.name("en") for item in shared.items]
    offer = _("; known: {names}").format(names=", ".join(known)) if known else ""
    while True:
        answer = input(
            _("{label}, separated by commas (Enter for none{known}): ").format(label=label, known=offer)
        ).strip()
        names = [name.strip() for name in answer.split(",") if name.strip()]
        unknown = [name for name in names if shared.path is not None and shared.find(name) is None]
        if not unknown:
            return names
        closest = shared.closest(unknown[0])
        hint = (
            _(' — did you mean "{name}"?').format(name=closest)
            if closest
            else _(" — add it to data/{file} first").format(file=LIST_FILES[shared.kind])
        )
        print(_('  not valid: "{name}" is not in the list{hint}').format(name=unknown[0], hint=hint))


def _split_names(text: str | None) -> list[str]:
    return [name.strip() for name in (text or "").split(",") if name.strip()]


def _fill_interactively(args: argparse.Namespace, known_events: set[str], shared: SharedLists) -> None:
    if args.lang is None:
        args.lang = _ask(_("Language you write in (en or es)"), DEFAULT_LANGUAGE, _language_problem)
    if not args.title:
        args.title = _ask(_("Title"))
    if not args.date:
        label = _("Date recorded (YYYY-MM-DD)") if args.kind == "recording" else _("Date (YYYY-MM-DD)")
        args.date = _ask(label, dt.date.today().isoformat(), _date_problem)
    if args.kind == "press" and not args.summary:
        args.summary = _ask(_("Summary (one or two sentences)"))
    if args.kind == "recording":
        if not args.source_url:
            args.source_url = _ask(_("Address of the original video (https://...)"))
        if not args.speech_language:
            args.speech_language = _ask(_("Language spoken in the recording (e.g. es)"))
    if args.kind != "event" and args.event is None:
        args.event = _ask_event(known_events)
    if args.topics is None:
        args.topics = ", ".join(_ask_names(_("Topics"), shared.topics))
    if args.kind == "press" and args.organisations is None:
        args.organisations = ", ".join(_ask_names(_("Organisations"), shared.organisations))


def run(args: argparse.Namespace) -> int:
    project = project_from(args, "new")
    if project is None:
        return 2
    languages = project.addressing.languages
    catalog, _problems = build_catalog(load_archive(project.docs_dir, languages=languages).entries)
    known_ids = {section: set(ids) for section, ids in catalog.by_id.items()}
    if sys.stdin.isatty():
        try:
            _fill_interactively(
                args, known_ids.get("events", set()), load_shared_lists(data_dir_of(project.docs_dir))
            )
        except EOFError:
            print(_("memoria new: error: input ended before every value was given"), file=sys.stderr)
            return 2
    missing = [flag for flag, value in (("--title", args.title), ("--date", args.date)) if not value]
    if missing:
        print(
            _(
                "memoria new: error: {options} required when not run in a terminal (see 'memoria new --help')"
            ).format(options=_(" and ").join(missing)),
            file=sys.stderr,
        )
        return 2
    entry = NewEntry(
        kind=args.kind,
        title=args.title,
        date=args.date,
        lang=args.lang or languages.default,
        summary=args.summary,
        event=args.event,
        id=args.id,
        source_url=args.source_url,
        speech_language=args.speech_language,
        topics=_split_names(args.topics),
        organisations=_split_names(args.organisations),
    )
    try:
        paths = write_new_entry(project.docs_dir, entry, known_ids, languages)
    except ScaffoldError as error:
        print(_("memoria new: error: {error}").format(error=error), file=sys.stderr)
        return 1
    for path in paths:
        print(_("created {path}").format(path=display_path(path)))
    print(
        _(
            "Next: write the text in place of the 'memoria:write' line, run 'memoria check', and preview with 'make serve'."
        )
    )
    return 0
