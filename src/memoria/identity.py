"""Whose archive this is: organisation, description, contact and organisation names, per language.

Read from the `memoria` plugin's settings in mkdocs.yml (a value is either one text for every
language or a mapping `{en: …, es: …}`); engine-independent, so templates and feeds get plain
text. A missing language falls back to English; a wrong shape is an error that names the setting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from memoria.i18n import DEFAULT_LANGUAGE, LANGUAGES


class IdentityError(ValueError):
    """A setting of the archive's identity with the wrong shape; the message names it."""


PerLanguage = Mapping[str, str]


def _per_language(setting: str, value: Any) -> dict[str, str]:
    """`value` as {language: text}: a single text holds for every language."""
    if value is None:
        return {}
    if isinstance(value, str):
        return dict.fromkeys(LANGUAGES, value.strip())
    if isinstance(value, Mapping):
        unknown = [key for key in value if key not in LANGUAGES]
        if unknown:
            raise IdentityError(
                f"{setting}: unknown language {unknown[0]!r}: use one of {', '.join(LANGUAGES)}"
            )
        texts = {}
        for lang, text in value.items():
            if not isinstance(text, str) or not text.strip():
                raise IdentityError(f"{setting}: {lang}: expected a text, got {text!r}")
            texts[lang] = text.strip()
        return texts
    raise IdentityError(f"{setting}: expected a text or a mapping of languages (en: …, es: …), got {value!r}")


@dataclass(frozen=True)
class Identity:
    """The archive's own description of itself, read once per build."""

    organisation: PerLanguage = field(default_factory=dict)
    description: PerLanguage = field(default_factory=dict)
    contact: str | None = None
    organisation_names: Mapping[str, PerLanguage] = field(default_factory=dict)
    """Organisation names as written in entries → their name per language."""

    def text(self, field_name: str, lang: str) -> str | None:
        """`organisation` or `description` in `lang`, else in English, else None."""
        texts: PerLanguage = getattr(self, field_name)
        return texts.get(lang) or texts.get(DEFAULT_LANGUAGE)

    def organisation_name(self, name: str, lang: str) -> str:
        """An organisation as readers of `lang` know it (as written in the entry when no translation is set)."""
        return self.organisation_names.get(name, {}).get(lang) or name

    @property
    def contact_url(self) -> str | None:
        """A `mailto:` for an e-mail address, the address itself for a web page."""
        if not self.contact:
            return None
        return self.contact if "://" in self.contact else f"mailto:{self.contact}"


def read_identity(
    organisation: Any = None,
    description: Any = None,
    contact: Any = None,
    organisation_names: Any = None,
) -> Identity:
    """Validate the identity settings; raises IdentityError naming the first bad one."""
    if contact is not None and (not isinstance(contact, str) or not contact.strip()):
        raise IdentityError(f"contact: expected an e-mail address or a web address, got {contact!r}")
    names: dict[str, dict[str, str]] = {}
    if organisation_names is not None:
        if not isinstance(organisation_names, Mapping):
            raise IdentityError(
                "organisation_names: expected a mapping of names as written in entries to "
                f"their names per language, got {organisation_names!r}"
            )
        for name, translations in organisation_names.items():
            names[str(name)] = _per_language(f"organisation_names: {name}", translations)
    return Identity(
        organisation=_per_language("organisation", organisation),
        description=_per_language("description", description),
        contact=contact.strip() if isinstance(contact, str) else None,
        organisation_names=names,
    )
