"""The language the `memoria` tools speak to staff: gettext catalogs made with Babel.

The catalog is `locale/<lang>/LC_MESSAGES/memoria.po` (compiled to `.mo` beside it, both in the
package); `make messages` extracts, updates and compiles it. The language is, first to last:
the `--ui-lang` option of `memoria`, then `MEMORIA_LANG`, then the locale (`LC_ALL`,
`LC_MESSAGES`, `LANG`, `LANGUAGE`), else English. `memoria new --lang` is something else: the
language of the entry being written.

Until `install` is called (the site build never calls it) every message stays English.
"""

from __future__ import annotations

import argparse
import gettext
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from memoria.i18n import DEFAULT_LANGUAGE, LANGUAGES, editor_language

DOMAIN = "memoria"
LOCALE_DIR = Path(__file__).parent / "locale"
UI_LANG_OPTION = "--ui-lang"
UI_LANG_VARIABLE = "MEMORIA_LANG"

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = DEFAULT_LANGUAGE


def N_(message: str) -> str:
    """Mark a message for the catalog where it is defined; translate it with `_` where it is shown."""
    return message


def _(message: str) -> str:
    """`message` in the language the tools speak (English until `install`)."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _translations.ngettext(singular, plural, count)


def current_language() -> str:
    return _language


def ui_language(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    """`--ui-lang LANG` (or `--ui-lang=LANG`) before the command wins; else MEMORIA_LANG, else the locale."""
    for index, arg in enumerate(argv):
        if arg == UI_LANG_OPTION and index + 1 < len(argv):
            value = argv[index + 1]
        elif arg.startswith(UI_LANG_OPTION + "="):
            value = arg.split("=", 1)[1]
        else:
            continue
        return value if value in LANGUAGES else DEFAULT_LANGUAGE
    return editor_language(environ)


def install(lang: str, export: bool = False) -> None:
    """Speak `lang` from now on, argparse's own messages ("usage:", "options") included.

    With `export` (the `memoria` command), MEMORIA_LANG is set too, so that what the tools print
    from the site's table (content policy) and the processes they start (`memoria build` runs one
    MkDocs per language) follow the same choice.
    """
    global _translations, _language
    _language = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    if export:
        os.environ[UI_LANG_VARIABLE] = _language
    _translations = gettext.translation(DOMAIN, LOCALE_DIR, languages=[_language], fallback=True)
    argparse._ = _  # type: ignore[attr-defined]  # argparse looks its gettext up at each call
    argparse.ngettext = ngettext  # type: ignore[attr-defined]


#: argparse's own messages that `memoria` shows, so that the catalog translates them too
ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"),
)
