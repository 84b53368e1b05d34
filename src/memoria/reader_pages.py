"""What a reader needs around the entries: who keeps the archive, what recording states mean,
how to cite and share a page, and the search results page.

Engine-independent: the adapter passes ready URLs; every value here is plain text that
templates escape.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from json.encoder import encode_basestring  # type: ignore[attr-defined]

from memoria.catalog import Catalog, Listing
from memoria.content import KINDS, Entry
from memoria.i18n import LANGUAGES, format_date, language_name, t
from memoria.identity import Identity
from memoria.manifest import RecordingStatus

#: generated pages beside the listings: the About page, the states page, the search results page
ABOUT_PAGE = Listing(
    uri="about/index.md", kind="about", title={lang: t("about.title", lang) for lang in LANGUAGES}
)
STATES_PAGE = Listing(
    uri="states/index.md", kind="states", title={lang: t("states.title", lang) for lang in LANGUAGES}
)
SEARCH_PAGE = Listing(
    uri="search/index.md", kind="search", title={lang: t("search.page_title", lang) for lang in LANGUAGES}
)
READER_PAGES = (ABOUT_PAGE, STATES_PAGE, SEARCH_PAGE)

#: the order states are explained in: from the best kept to the least known
STATE_ORDER = (
    RecordingStatus.ONLINE,
    RecordingStatus.RESCUED,
    RecordingStatus.CHANGED,
    RecordingStatus.ENDANGERED,
    RecordingStatus.RESTRICTED,
    RecordingStatus.UNREACHABLE,
    RecordingStatus.LOST,
    RecordingStatus.UNKNOWN,
)


@dataclass(frozen=True)
class StateText:
    status: str
    label: str
    text: str


def state_texts(lang: str) -> list[StateText]:
    """Every recording state with its plain-words meaning, for the states page."""
    return [
        StateText(s.value, t(f"status.{s.value}", lang), t(f"status.{s.value}.text", lang))
        for s in STATE_ORDER
    ]


def around(key: str, lang: str, **values: object) -> tuple[str, str]:
    """A message with a `{contact}` link in it, as the text before and after the link."""
    before, _, after = t(key, lang, contact="\0", **values).partition("\0")
    return before, after


def _join(parts: list[str], lang: str) -> str:
    """'a, b and c' / 'a, b y c'."""
    if len(parts) <= 1:
        return "".join(parts)
    conjunction = " y " if lang == "es" else " and "
    return ", ".join(parts[:-1]) + conjunction + parts[-1]


def _count(section: str, count: int, lang: str) -> str:
    return t(f"count.{section}.one", lang) if count == 1 else t(f"count.{section}", lang, count=count)


@dataclass(frozen=True)
class HomeIntro:
    """The home page's opening: whose archive, what it is, what it holds."""

    organisation: str | None
    description: str
    holds: str | None
    about_url: str


def holdings(catalog: Catalog, lang: str) -> str | None:
    """'It holds 2 press releases, 2 event summaries and 5 recordings, from 2014 to 2015, in English and Spanish.'"""
    if not catalog.entries:
        return None
    counts = [_count(section, n, lang) for section in KINDS if (n := len(catalog.section(section)))]
    first, last, codes = catalog.span()
    languages = [language_name(code, lang) for code in codes]
    key = "home.holds" if first != last else "home.holds_one_year"
    return t(
        key,
        lang,
        counts=_join(counts, lang),
        first=first,
        last=last,
        languages=_join(languages, lang),
    )


def home_intro(catalog: Catalog, identity: Identity, lang: str, about_url: str) -> HomeIntro:
    organisation = identity.text("organisation", lang)
    return HomeIntro(
        organisation=t("home.by", lang, organisation=organisation) if organisation else None,
        description=identity.text("description", lang) or t("home.intro", lang),
        holds=holdings(catalog, lang),
        about_url=about_url,
    )


@dataclass(frozen=True)
class AboutView:
    organisation: str | None
    description: str
    holds: str | None
    contact: str | None
    contact_url: str | None
    contact_text: tuple[str, str] | None
    """The sentence around the contact link: (before, after)."""
    states_url: str
    feeds_url: str
    states: list[StateText]


def about_view(catalog: Catalog, identity: Identity, lang: str, states_url: str, feeds_url: str) -> AboutView:
    return AboutView(
        organisation=identity.text("organisation", lang),
        description=identity.text("description", lang) or t("home.intro", lang),
        holds=holdings(catalog, lang),
        contact=identity.contact,
        contact_url=identity.contact_url,
        contact_text=around("about.contact_text", lang) if identity.contact else None,
        states_url=states_url,
        feeds_url=feeds_url,
        states=state_texts(lang),
    )


# --- cite and share -----------------------------------------------------------------------


@dataclass(frozen=True)
class ShareLink:
    label: str
    url: str


@dataclass(frozen=True)
class CiteView:
    """A citation of one page: the text, a permalink, downloads as data: URLs (no request), share links."""

    text: str
    """Author, title, kind, date, site and permalink; the template adds '(accessed …).'"""
    permalink: str
    accessed_iso: str
    accessed: str
    accessed_pattern: str
    """'accessed {date}', for the page's script to put the reader's own date in."""
    csl_json: str
    csl_name: str
    bibtex: str
    bibtex_name: str
    share: list[ShareLink]


_BIBTEX_KEY = re.compile(r"[^A-Za-z0-9]+")

# What urllib.parse.quote(text) (safe "/") and quote_plus(text) (safe "", space as "+") make
# of each byte of the text's UTF-8: looked up byte by byte in C, where quote() runs a Python
# loop per byte (a third of a citation's cost, which every entry page has).
_UNRESERVED = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~"
_QUOTED = [chr(b) if b in _UNRESERVED + b"/" else f"%{b:02X}" for b in range(256)]
_QUOTED_PLUS = ["+" if b == 0x20 else chr(b) if b in _UNRESERVED else f"%{b:02X}" for b in range(256)]


def _quote(text: str) -> str:
    """`urllib.parse.quote(text)`, the same string."""
    return "".join(map(_QUOTED.__getitem__, text.encode("utf-8")))


def _urlencode(query: dict[str, str]) -> str:
    """`urllib.parse.urlencode(query)` of texts, the same string."""
    return "&".join(
        "".join(map(_QUOTED_PLUS.__getitem__, key.encode("utf-8")))
        + "="
        + "".join(map(_QUOTED_PLUS.__getitem__, value.encode("utf-8")))
        for key, value in query.items()
    )


def _json_indented(value: object, level: int = 0) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=2)` of texts, numbers, lists and dicts with text
    keys (others raise TypeError), the same string: json's indented encoder is Python, and does more."""
    if isinstance(value, str):
        return encode_basestring(value)  # type: ignore[no-any-return]
    kind = type(value)
    if kind is int:
        return int.__repr__(value)  # type: ignore[arg-type]
    if isinstance(value, (list, tuple, dict)) and value:
        inner = "\n" + "  " * (level + 1)
        if isinstance(value, dict):
            parts = [f"{encode_basestring(k)}: {_json_indented(v, level + 1)}" for k, v in value.items()]
            opening, closing = "{", "}"
        else:
            parts = [_json_indented(item, level + 1) for item in value]
            opening, closing = "[", "]"
        return opening + inner + ("," + inner).join(parts) + "\n" + "  " * level + closing
    return json.dumps(value, ensure_ascii=False)  # a float, true, false, null, [] or {}


def _bibtex_escape(text: str) -> str:
    return re.sub(r"([{}\\&%$#_])", r"\\\1", text)


def cite_view(
    entry: Entry, identity: Identity, site_name: str, lang: str, permalink: str, accessed: dt.date
) -> CiteView:
    """The citation of `entry` in `lang` at `permalink`; `accessed` is the build's date (the page script puts today's).

    Its language is that of the text the page shows: the reader's, or the original's where the
    entry is not translated (a release written only in Spanish, on the English page, is Spanish).
    """
    fields = entry.in_language(lang)
    shown = entry.shown_language(lang)
    author = identity.text("organisation", lang) or site_name
    date = entry.sort_date
    kind = t(f"kind.{entry.section}", lang)
    accessed_text = t("cite.accessed", lang, date=format_date(accessed, lang))
    text = f"{author}. “{fields.title}”. {kind}, {format_date(date, lang)}. {site_name}. {permalink}"
    csl = {
        "id": entry.id,
        "type": entry.kind.csl_type,
        "title": fields.title,
        "author": [{"literal": author}],
        "issued": {"date-parts": [[date.year, date.month, date.day]]},
        "accessed": {"date-parts": [[accessed.year, accessed.month, accessed.day]]},
        "container-title": site_name,
        "URL": permalink,
        "language": shown,
        "genre": kind,
    }
    if fields.summary:
        csl["abstract"] = fields.summary
    key = _BIBTEX_KEY.sub("", entry.id.title())[:40] + str(date.year)
    bibtex = (
        f"@misc{{{key},\n"
        f"  author = {{{{{_bibtex_escape(author)}}}}},\n"
        f"  title = {{{{{_bibtex_escape(fields.title)}}}}},\n"
        f"  howpublished = {{{_bibtex_escape(site_name)}}},\n"
        f"  year = {{{date.year}}},\n"
        f"  month = {{{date.month}}},\n"
        f"  day = {{{date.day}}},\n"
        f"  note = {{{_bibtex_escape(kind)}}},\n"
        f"  url = {{{permalink}}},\n"
        f"  urldate = {{{accessed.isoformat()}}},\n"
        f"  language = {{{shown}}}\n"
        "}\n"
    )
    subject = _quote(fields.title)
    body = _quote(f"{fields.title}\n{permalink}")
    share = [
        ShareLink(t("share.email", lang), f"mailto:?subject={subject}&body={body}"),
        ShareLink(
            t("share.whatsapp", lang), "https://wa.me/?" + _urlencode({"text": f"{fields.title} {permalink}"})
        ),
        ShareLink(
            t("share.telegram", lang),
            "https://t.me/share/url?" + _urlencode({"url": permalink, "text": fields.title}),
        ),
    ]
    return CiteView(
        text=text,
        permalink=permalink,
        accessed_iso=accessed.isoformat(),
        accessed=accessed_text,
        accessed_pattern=t("cite.accessed", lang, date="{date}"),
        csl_json="data:application/vnd.citationstyles.csl+json;charset=utf-8,"
        + _quote(_json_indented([csl])),
        csl_name=f"{entry.id}.{lang}.csl.json",
        bibtex="data:application/x-bibtex;charset=utf-8," + _quote(bibtex),
        bibtex_name=f"{entry.id}.{lang}.bib",
        share=share,
    )


@dataclass(frozen=True)
class SocialTags:
    """Open Graph and Twitter card values for a page (link previews; nothing loaded from elsewhere)."""

    title: str
    description: str | None
    url: str
    site_name: str
    locale: str
    alternate_locales: tuple[str, ...]
    type: str


_OG_LOCALES = {"en": "en_GB", "es": "es_ES"}


def social_tags(
    title: str, description: str | None, url: str, site_name: str, lang: str, article: bool
) -> SocialTags:
    return SocialTags(
        title=title,
        description=description or None,
        url=url,
        site_name=site_name,
        locale=_OG_LOCALES.get(lang, lang),
        alternate_locales=tuple(_OG_LOCALES.get(other, other) for other in LANGUAGES if other != lang),
        type="article" if article else "website",
    )
