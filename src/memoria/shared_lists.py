"""Shared lists of organisations and topics: one id, a name per language, a short name and aliases.

`data/organisations.yml` and `data/topics.yml`, beside `docs/`, are optional. Entries name an
organisation or topic by its id or by any of its names; pages, listings, feeds and search then
show the name in the page's language, and every spelling of one organisation is one page.
`memoria check` warns about names not in the list, with the closest known name ("did you
mean…"). Imports no site engine.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from memoria.content import ID_PATTERN, Problem, display_path
from memoria.frontmatter import FrontMatterError, parse_yaml
from memoria.i18n import LANGUAGES
from memoria.messages import _

LIST_FILES = {"organisations": "organisations.yml", "topics": "topics.yml"}
SIMILAR = 0.85  # difflib ratio from which an unknown name is taken for a misspelling of a known one


def data_dir_of(docs_dir: Path) -> Path:
    """The folder of the shared lists: `data/` beside the content folder."""
    return docs_dir.parent / "data"


def normalised(name: str) -> str:
    """How names are compared: NFC, case-folded, inner spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


@dataclass(frozen=True)
class SharedItem:
    """One organisation or topic."""

    id: str
    names: dict[str, str]
    short: dict[str, str] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names["en"]

    def spellings(self) -> list[str]:
        return [self.id, *self.names.values(), *self.short.values(), *self.aliases]


@dataclass
class SharedList:
    """The items of one list, found by any of their spellings."""

    kind: str  # organisations or topics
    path: Path | None = None
    items: list[SharedItem] = field(default_factory=list)
    by_spelling: dict[str, SharedItem] = field(default_factory=dict)
    _known: dict[str, str] | None = field(default=None, init=False, repr=False, compare=False)

    def find(self, name: str) -> SharedItem | None:
        return self.by_spelling.get(normalised(name))

    def closest(self, name: str, others: Mapping[str, str] | None = None) -> str | None:
        """The known name (or other name in use) most like `name`, when close enough to be a misspelling.

        `others` maps other names in use by their `normalised` form (`names_in_use`): made once
        by the caller, not once per name (at 3,000 entries that was 42 million normalisations).
        """
        wanted = normalised(name)
        if self._known is None:
            self._known = {normalised(n): n for item in self.items for n in item.names.values()}
        candidates = {**self._known, **(others or {})}
        candidates.pop(wanted, None)
        match = difflib.get_close_matches(wanted, list(candidates), n=1, cutoff=SIMILAR)
        return candidates[match[0]] if match else None


def names_in_use(names: Iterable[str]) -> dict[str, str]:
    """Names as entries write them, keyed by how they compare (the last spelling of each wins)."""
    return {normalised(n): n for n in names}


@dataclass
class SharedLists:
    organisations: SharedList = field(default_factory=lambda: SharedList("organisations"))
    topics: SharedList = field(default_factory=lambda: SharedList("topics"))
    problems: list[Problem] = field(default_factory=list)


def load_shared_lists(data_dir: Path) -> SharedLists:
    """Both lists from `data_dir` (each optional); problems in them are collected, not raised."""
    lists = SharedLists()
    for kind, file_name in LIST_FILES.items():
        path = data_dir / file_name
        if path.is_file():
            shared, problems = _load_list(kind, path)
            setattr(lists, kind, shared)
            lists.problems.extend(problems)
    return lists


def _load_list(kind: str, path: Path) -> tuple[SharedList, list[Problem]]:
    shown = display_path(path)
    shared = SharedList(kind, path)
    try:
        values, lines = parse_yaml(path.read_text(encoding="utf-8"))
    except FrontMatterError as error:
        return shared, [Problem(shown, error.line, error.field, error.message)]
    except UnicodeDecodeError:
        return shared, [Problem(shown, 1, "", _("not UTF-8 text: save the file as UTF-8"))]
    if not isinstance(values, list):
        return shared, [
            Problem(shown, 1, "", _("expected a list of {kind} ('- id: …' items)").format(kind=kind))
        ]
    problems: list[Problem] = []
    for index, raw in enumerate(values):
        line = lines.get((index,), 1)
        item, wrong = _item(raw)
        if item is None:
            problems.append(Problem(shown, line, f"{index}", wrong))
            continue
        clashes = []
        for spelling in dict.fromkeys(item.spellings()):
            key = normalised(spelling)
            other = shared.by_spelling.get(key)
            if other is not None and other.id != item.id:
                clashes.append((spelling, other))
            shared.by_spelling.setdefault(key, item)
        if clashes:  # one problem per item: its first name that another item already has
            spelling, other = clashes[-1]
            problems.append(
                Problem(
                    shown,
                    line,
                    item.id,
                    _('"{name}" already names "{id}": one name can stand for one item only').format(
                        name=spelling, id=other.id
                    ),
                )
            )
        shared.items.append(item)
    return shared, problems


def _item(raw: Any) -> tuple[SharedItem | None, str]:
    if not isinstance(raw, dict):
        return None, _("expected 'id:', 'name:' (en, es), and optionally 'short:' and 'aliases:'")
    item_id = raw.get("id")
    if not isinstance(item_id, str) or not ID_PATTERN.match(item_id):
        return None, _('invalid id "{id}": use lowercase letters, digits and hyphens, e.g. "ishr"').format(
            id=item_id
        )
    names = _per_language(raw.get("name"))
    missing = [lang for lang in LANGUAGES if lang not in names]
    if missing:
        return None, _("{id}: name: give the name in every language ({languages} missing)").format(
            id=item_id, languages=", ".join(missing)
        )
    aliases = raw.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        return None, _("{id}: aliases: expected a list of names").format(id=item_id)
    return SharedItem(item_id, names, _per_language(raw.get("short")), tuple(aliases)), ""


def _per_language(value: Any) -> dict[str, str]:
    """`{en: …, es: …}`, or one text for every language."""
    if isinstance(value, str):
        return dict.fromkeys(LANGUAGES, value)
    if isinstance(value, dict):
        return {lang: text for lang, text in value.items() if lang in LANGUAGES and isinstance(text, str)}
    return {}


# --- Spanish collation ------------------------------------------------------------------

_TILDE_N = re.compile("n\u0303")


def collation_key(text: str, lang: str) -> tuple[str, str]:
    """Alphabetical order as readers of `lang` expect it, without ICU.

    Accents and case are ignored at first (Spanish: "Ámbito" beside "ambiente"); in Spanish "ñ"
    is a letter of its own between "n" and "o". Ties keep a stable order by the text itself.
    """
    decomposed = unicodedata.normalize("NFD", text.casefold())
    if lang == "es":
        decomposed = _TILDE_N.sub("n\U0010ffff", decomposed)  # after every "n…", before "o"
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base, text
