"""New entries and translations as files staff can fill in: the right folder, the right fields.

Engine-independent (no MkDocs): the `new` and `translate` commands are thin wrappers over this.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from slugify import slugify

from memoria.addressing import MEMORIA_LANGUAGES, Addressing, Languages, with_language
from memoria.content import (
    DATE_PATTERN,
    ID_PATTERN,
    KINDS,
    SCAFFOLD_MARKER,
    TRANSLATE_MARKER,
    EntryFields,
    kind_by_noun,
)
from memoria.frontmatter import FrontMatterError, parse_front_matter
from memoria.i18n import DEFAULT_LANGUAGE, is_language_code
from memoria.messages import N_, _

#: the line that marks text still waiting for translation; `memoria check` and `status` look for it


def kind_nouns() -> list[str]:
    """Each kind's singular name, as staff type it on the command line (`memoria new event`)."""
    return sorted(kind.noun for kind in KINDS.values())


_LANGUAGE_NAMES = {"en": N_("English"), "es": N_("Spanish")}

#: the example summary offered in a new event or recording (translated when it is written)
_SUMMARY_EXAMPLE = N_("One or two sentences shown in listings and feeds.")

#: the explanations start in this column, so that they line up under each other
_COMMENT_COLUMN = 33


def _optional_lines(section: str) -> list[str]:
    """The optional-field examples of `section` (its kind's `new_optional`) as lines, explanations in
    the tools' language (each example and why: memoria.content, where the kind is registered)."""
    lines = []
    for example, explanation in KINDS[section].new_optional:
        line = example.format(summary=_(_SUMMARY_EXAMPLE)) if "{summary}" in example else example
        if explanation is not None:
            line += " " * max(_COMMENT_COLUMN - len(line), 3) + "# " + _(explanation)
        lines.append(line)
    return lines


class ScaffoldError(ValueError):
    """Something the user asked for cannot be written; the message says what to do instead."""


@dataclass
class NewEntry:
    """What staff give for a new entry (the fields `memoria new` asks for)."""

    kind: str  # press, event, recording
    title: str
    date: str
    lang: str = DEFAULT_LANGUAGE
    summary: str | None = None
    event: str | None = None
    id: str | None = None
    source_url: str | None = None
    speech_language: str | None = None
    topics: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)  # press releases only

    @property
    def section(self) -> str:
        kind = kind_by_noun(self.kind)
        assert kind is not None, self.kind  # validate_new_entry refuses unknown kinds first
        return kind.section


def parse_date(value: str) -> dt.date:
    """A date as YYYY-MM-DD, or a ScaffoldError saying so."""
    if not DATE_PATTERN.match(value.strip()):
        raise ScaffoldError(
            _('date: expected YYYY-MM-DD, got "{value}" — write e.g. 2024-05-02').format(value=value)
        )
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as error:
        raise ScaffoldError(
            _('date: impossible date "{value}" ({error}) — give a real date').format(value=value, error=error)
        ) from None


def make_slug(title: str) -> str:
    """A URL-safe file name from a title: lowercase ASCII, hyphens, at most 80 characters."""
    slug = slugify(title, max_length=80, word_boundary=True, save_order=True)
    if not slug or not ID_PATTERN.match(slug):
        raise ScaffoldError(
            _(
                'title: "{title}" gives no usable file name — use a title with letters or digits, or give --id'
            ).format(title=title)
        )
    return slug


def entry_path(docs_dir: Path, section: str, slug: str, year: int, lang: str) -> Path:
    """Where an entry lives: by year (press, events), or by id (recordings: `by_year=False`)."""
    if not KINDS[section].by_year:
        return docs_dir / section / with_language(f"{slug}.md", lang)
    return docs_dir / section / f"{year:04d}" / with_language(f"{slug}.md", lang)


def _yaml_block(values: dict[str, Any]) -> list[str]:
    dumped = yaml.safe_dump(values, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
    return dumped.rstrip("\n").split("\n")


def _commented(example: str) -> str:
    return example if example.startswith("#") else f"# {example}"


def new_entry_text(entry: NewEntry, slug: str) -> dict[str, str]:
    """The text of the file to write, keyed by its language: the required fields filled, optional ones as comments.

    The entry is written in one language only, which is its original: `memoria translate` starts
    the other language's file when someone is ready to translate it.
    """
    date = parse_date(entry.date)
    section = entry.section
    required: dict[str, Any] = {}
    if section in ("events", "recordings"):
        required["id"] = slug
    required["title"] = entry.title
    if section == "recordings":
        required["language"] = entry.speech_language
        required["recorded"] = date
        required["source_url"] = entry.source_url
    else:
        required["date"] = date
    if entry.summary:
        required["summary"] = entry.summary
    if entry.event and section != "events":
        required["event"] = entry.event
    if entry.organisations and section == "press":
        required["organisations"] = list(entry.organisations)
    if entry.topics:
        required["topics"] = list(entry.topics)
    already = set(required)
    optional = [
        _commented(line)
        for line in _optional_lines(section)
        if line.startswith("#") or line.split(":", 1)[0] not in already
    ]
    header = ["---", _(KINDS[section].new_header)]
    lines = [*header, *_block_lines(required), *optional, "---", ""]
    hint = _(KINDS[section].new_hint)
    body_hint = f"{SCAFFOLD_MARKER}: {hint} -->"
    return {entry.lang: "\n".join([*lines, body_hint, ""])}


def _block_lines(values: dict[str, Any]) -> list[str]:
    return _yaml_block(values) if values else []


def _translatable(section: str) -> frozenset[str]:
    return KINDS[section].fields.TRANSLATABLE


def translate_marker_line(target_lang: str) -> str:
    name = _(_LANGUAGE_NAMES[target_lang]) if target_lang in _LANGUAGE_NAMES else target_lang
    text = _("translate the title, the summary and the text below into {language}, then delete this line")
    return f"{TRANSLATE_MARKER}: {text.format(language=name)} -->"


def validate_new_entry(entry: NewEntry, languages: Languages = MEMORIA_LANGUAGES) -> None:
    """Refuse values that would give a file `memoria check` rejects, before anything is written."""
    if kind_by_noun(entry.kind) is None:
        raise ScaffoldError(
            _("kind: unknown kind '{kind}' — use press, event or recording").format(kind=entry.kind)
        )
    if entry.lang not in languages:
        raise ScaffoldError(
            _("lang: unknown language '{lang}' — use one of {languages}").format(
                lang=entry.lang, languages=", ".join(languages)
            )
        )
    if not entry.title.strip():
        raise ScaffoldError(_("title: the title is empty — give the title readers will see"))
    parse_date(entry.date)
    if entry.kind == "press" and not (entry.summary or "").strip():
        raise ScaffoldError(
            _("summary: a press release needs a summary — give one or two sentences with --summary")
        )
    if entry.id is not None and not ID_PATTERN.match(entry.id):
        raise ScaffoldError(
            _(
                'id: invalid id "{id}" — use lowercase letters, digits and hyphens, e.g. "roundtable-2014-part-1"'
            ).format(id=entry.id)
        )
    if entry.event is not None and not ID_PATTERN.match(entry.event):
        raise ScaffoldError(
            _('event: invalid event id "{id}" — give the id of an existing event').format(id=entry.event)
        )
    if entry.kind == "recording":
        if not entry.source_url or not entry.source_url.startswith(("http://", "https://")):
            raise ScaffoldError(
                _(
                    "source_url: a recording needs the address of the original video — give it with --source-url https://..."
                )
            )
        if not entry.speech_language or not is_language_code(entry.speech_language.lower()):
            raise ScaffoldError(
                _(
                    "language: a recording needs the language spoken in it — give an ISO 639-1 code with --speech-language, e.g. es"
                )
            )
        entry.speech_language = entry.speech_language.lower()


def write_new_entry(
    docs_dir: Path, entry: NewEntry, known_ids: dict[str, set[str]], languages: Languages = MEMORIA_LANGUAGES
) -> list[Path]:
    """Write the files of a new entry; refuse to overwrite or to reuse an id or unknown event."""
    validate_new_entry(entry, languages)
    slug = entry.id or make_slug(entry.title)
    if slug in known_ids.get(entry.section, set()):
        raise ScaffoldError(
            _(
                'id: an entry with the id "{id}" already exists in {folder}/ — choose another title or give --id'
            ).format(id=slug, folder=entry.section)
        )
    if entry.event and entry.kind != "event" and entry.event not in known_ids.get("events", set()):
        known = ", ".join(sorted(known_ids.get("events", set()))) or _("none yet")
        raise ScaffoldError(
            _('event: unknown event id "{id}" — known events are {known}').format(id=entry.event, known=known)
        )
    year = parse_date(entry.date).year
    texts = new_entry_text(entry, slug)
    paths = {lang: entry_path(docs_dir, entry.section, slug, year, lang) for lang in texts}
    for lang in languages:
        existing = entry_path(docs_dir, entry.section, slug, year, lang)
        if existing.exists():
            raise ScaffoldError(
                _("{path}: already exists — edit it, or choose another title or --id").format(path=existing)
            )
    for lang, text in texts.items():
        paths[lang].parent.mkdir(parents=True, exist_ok=True)
        with paths[lang].open("x", encoding="utf-8") as handle:  # "x": never overwrite
            handle.write(text)
    return list(paths.values())


# --- translations ----------------------------------------------------------------------


def section_of(docs_dir: Path, path: Path) -> str:
    """The section folder a file lies in, or a ScaffoldError naming the folders that are."""
    try:
        relative = path.resolve().relative_to(docs_dir.resolve())
    except ValueError:
        raise ScaffoldError(
            _("{path}: not inside {docs}/ — give a file below {docs}/press, events or recordings").format(
                path=path, docs=docs_dir
            )
        ) from None
    if not relative.parts or relative.parts[0] not in KINDS:
        raise ScaffoldError(
            _("{path}: not an entry — give a file below {docs}/press, events or recordings").format(
                path=path, docs=docs_dir
            )
        )
    return relative.parts[0]


def counterpart_path(path: Path, languages: Languages = MEMORIA_LANGUAGES) -> tuple[Path, str, str]:
    """`x.en.md` → (`x.es.md`, "en", "es") and the other way round: the site's next other language."""
    addressing = Addressing(languages)
    source = addressing.language_of(path.name)
    if source is not None:
        target = next((lang for lang in languages if lang != source), None)
        if target is None:
            raise ScaffoldError(
                _("{path}: the site has one language ({lang}): there is none to translate into").format(
                    path=path, lang=source
                )
            )
        return path.with_name(with_language(addressing.norm_uri(path.name), target)), source, target
    raise ScaffoldError(
        _("{path}: the name must end in .en.md or .es.md — rename it, e.g. to {stem}.en.md").format(
            path=path, stem=path.stem
        )
    )


def _translatable_values(values: dict[str, Any], model: type[EntryFields]) -> dict[str, Any]:
    """Only what a translation carries; lists of mappings keep every sub-field so items line up."""
    return {key: value for key, value in values.items() if key in model.TRANSLATABLE}


def translation_text(
    source_text: str, section: str, source_lang: str, target_lang: str, source_name: str
) -> str:
    """The counterpart file: the translatable fields and the body below the marker, in either direction."""
    try:
        front_matter = parse_front_matter(source_text)
    except FrontMatterError as error:
        raise ScaffoldError(f"{source_name}:{error.line}: {error.message}") from None
    model = KINDS[section].fields
    # The file translated from stays the original: it keeps the language-neutral fields.
    values = _translatable_values(front_matter.values, model)
    subfields = ", ".join(
        f"{key}: {'/'.join(sorted(subs))}" for key, subs in sorted(model.TRANSLATABLE_SUBFIELDS.items())
    )
    note = _("# Only translated fields go here (the rest comes from {file}).").format(
        file=Path(source_name).name
    )
    note += "\n" + (
        _(
            "# Translate the values; keep list items in the same number and order;\n# in lists translate only {fields}."
        )
        if subfields
        else _("# Translate the values; keep list items in the same number and order.")
    ).format(fields=subfields)
    lines = ["---", note, *(_yaml_block(values) if values else []), "---", ""]
    body = front_matter.body.lstrip("\n")
    lines += [translate_marker_line(target_lang), "", body.rstrip("\n"), ""]
    return "\n".join(lines)


def write_translation(docs_dir: Path, path: Path, languages: Languages = MEMORIA_LANGUAGES) -> Path:
    """Create the other language's file of an entry; never overwrite one that exists."""
    if not path.is_file():
        raise ScaffoldError(
            _(
                "{path}: no such file — give the path of an existing entry, e.g. docs/press/2014/x.en.md"
            ).format(path=path)
        )
    section = section_of(docs_dir, path)
    target, source_lang, target_lang = counterpart_path(path, languages)
    if target.exists():
        raise ScaffoldError(
            _("{path}: already exists — edit it instead (nothing was written)").format(path=target)
        )
    try:
        source_text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ScaffoldError(_("{path}: not UTF-8 text — save the file as UTF-8").format(path=path)) from None
    text = translation_text(source_text, section, source_lang, target_lang, str(path))
    with target.open("x", encoding="utf-8") as handle:
        handle.write(text)
    return target
