"""The translation table and Babel-backed formatting."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from memoria.i18n import LANGUAGES, MESSAGES, country_name, format_date, format_date_range, is_country_code

ROOT = Path(__file__).resolve().parent.parent


def test_every_message_exists_in_every_language() -> None:
    missing = [key for key, table in MESSAGES.items() for lang in LANGUAGES if not table.get(lang)]
    assert missing == []


def test_every_placeholder_is_the_same_in_both_languages() -> None:
    for key, table in MESSAGES.items():
        placeholders = {lang: sorted(re.findall(r"{(\w+)}", table[lang])) for lang in LANGUAGES}
        assert placeholders["en"] == placeholders["es"], key


def test_templates_use_only_known_messages() -> None:
    used = set()
    for template in (ROOT / "overrides").rglob("*.html"):
        used |= set(re.findall(r"memoria\.t\[[\"']([\w.]+)[\"']\]", template.read_text()))
    assert used, "templates should take their text from the translation table"
    assert sorted(used - set(MESSAGES)) == []


def test_dates_in_the_readers_language() -> None:
    day = dt.date(2014, 8, 25)
    assert format_date(day, "en") == "25 August 2014"
    assert format_date(day, "es") == "25 de agosto de 2014"
    assert format_date_range(dt.date(2015, 3, 18), dt.date(2015, 3, 19), "es") == "18–19 de marzo de 2015"


def test_country_names_are_localised_and_codes_checked() -> None:
    assert country_name("MX", "es") == "México"
    assert country_name("MX", "en") == "Mexico"
    assert is_country_code("gt") and not is_country_code("XX") and not is_country_code("ZZ")
