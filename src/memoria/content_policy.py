"""What staff write may load nothing from elsewhere: the content policy of Markdown bodies.

One module decides, and `memoria check`, `memoria build` and the live preview all ask it (the
plugin raises its errors as a build error). A body may link anywhere (a link loads nothing
until clicked), but it may not hold scripts, inline event handlers, `javascript:`/`data:`
addresses, frames, objects, embeds, forms, Mermaid diagrams (Material fetches Mermaid's script
from a CDN) or anything the reader's browser would fetch from another host: images, media,
styles, fonts, CSS `url()`. Raw HTML is read with a real HTML parser (lxml), which keeps each
element's line; Markdown links, images and attribute lists (`{ onclick=… }`) are read from the
text around it. Staff may allow the embeds of named hosts (`allow_embeds:`), at a cost to
readers handbook/deployment.md states.

Also here: symbolic links that lead out of docs/ or media/, which would publish whatever they
point at.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree

from memoria.content import Problem, SourceFile, display_path
from memoria.frontmatter import FrontMatterError, parse_front_matter
from memoria.i18n import t, terminal_language
from memoria.messages import _

FIELD = "body"

#: elements that run script or change how the whole page loads
_SCRIPT_TAGS = frozenset({"script"})
_PAGE_TAGS = frozenset({"base", "meta", "link"})
#: elements that show another document inside the page
_FRAME_TAGS = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet", "portal"})
#: elements that send what readers type somewhere
_FORM_TAGS = frozenset({"form", "input", "textarea", "select"})
#: attributes whose address the browser fetches as soon as the page loads (href only on the tags below)
_RESOURCE_ATTRIBUTES = frozenset(
    {"src", "srcset", "poster", "background", "data", "lowsrc", "dynsrc", "ping", "imagesrcset"}
)
_HREF_RESOURCE_TAGS = frozenset({"link", "image", "use", "feimage", "script", "pattern", "filter"})
#: attributes that hold an address (links included): checked for javascript:/data:
_URL_ATTRIBUTES = frozenset(
    {
        "href",
        "xlink:href",
        "action",
        "formaction",
        "cite",
        "longdesc",
        "usemap",
        "manifest",
        "to",
        "from",
        "values",
    }
    | _RESOURCE_ATTRIBUTES
)
_BAD_SCHEMES = ("javascript", "vbscript", "data")

_FENCE = re.compile(r"^(\s{0,3})(`{3,}|~{3,})\s*\{?\s*\.?([\w-]*)")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_INLINE_LINK = re.compile(
    r"(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^()\s<>]*(?:\([^()\s]*\))?[^()\s<>]*)>?(?:\s+[\"'(][^)]*)?\)"
)
_REFERENCE_USE = re.compile(r"!\[((?:[^\[\]]|\[[^\]]*\])*)\](?:\[([^\]]*)\])?")
_REFERENCE_DEF = re.compile(r"^\s{0,3}\[([^\]]+)\]:\s*<?(\S+?)>?(?:\s+.*)?$")
_ATTR_LIST = re.compile(r"\{:?\s*([^{}\n]*)\}")
_ATTR_PAIR = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'}]+))""")
_CSS_URL = re.compile(
    r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""", re.I
)
_CSS_STRING_URL = re.compile(r"""(?<!url\()["']\s*((?:[a-z][a-z0-9+.-]*:)?//[^"']*)["']""", re.I)
_CONTROL = re.compile(r"[\x00-\x20]+")
_ATTR_LIST_TAG = "{ }"  # attributes from a Markdown attribute list, not an HTML tag


@dataclass(frozen=True)
class Allowance:
    """Hosts whose embeds and resources staff have allowed (`allow_embeds:` in mkdocs.yml)."""

    hosts: frozenset[str] = frozenset()

    @classmethod
    def from_config(cls, value: object, where: str = "mkdocs.yml") -> Allowance:
        """`allow_embeds:` as mkdocs.yml gives it: a list of host names (www.example.org)."""
        if value is None:
            return cls()
        if not isinstance(value, list) or not all(isinstance(h, str) and _is_host(h) for h in value):
            raise PolicyConfigError(
                _(
                    "{where}: allow_embeds: expected a list of host names (e.g. [media.example.org]), got {value!r}"
                ).format(where=where, value=value)
            )
        return cls(frozenset(h.lower() for h in value))

    def allows(self, host: str) -> bool:
        return host.lower() in self.hosts


class PolicyConfigError(ValueError):
    """`allow_embeds:` is not a list of host names."""


def _is_host(text: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z0-9.-]+(:\d+)?", text)) and "." in text


# --- addresses ---------------------------------------------------------------------------


def _scheme(url: str) -> str | None:
    """`javascript`, `vbscript` or `data` when `url` uses one (browsers ignore spaces and controls in it)."""
    compact = _CONTROL.sub("", html.unescape(url)).lower()
    for scheme in _BAD_SCHEMES:
        if compact.startswith(f"{scheme}:"):
            return scheme
    return None


def _host(url: str) -> str | None:
    """The host `url` reaches, if it names one (`https://x/`, `//x/`); None for the archive's own paths."""
    compact = _CONTROL.sub("", html.unescape(url))
    if not (compact.startswith("//") or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", compact)):
        return None
    try:
        return urlsplit(compact if "://" in compact else "https:" + compact).hostname or "?"
    except ValueError:
        return "?"


def _srcset_urls(value: str) -> list[str]:
    return [candidate.split()[0] for candidate in value.split(",") if candidate.split()]


def _css_urls(css: str) -> list[str]:
    return [next(g for g in match.groups() if g is not None).strip() for match in _CSS_URL.finditer(css)]


# --- reading a body ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Finding:
    line: int
    key: str
    values: dict[str, str]


class _Scanner:
    """Every finding in one Markdown body whose first line is `first_line` of its file."""

    def __init__(self, allowance: Allowance) -> None:
        self.allowance = allowance
        self.findings: list[_Finding] = []

    def add(self, line: int, key: str, **values: str) -> None:
        self.findings.append(_Finding(line, key, values))

    def url(self, line: int, where: str, url: str, loads: bool) -> None:
        """An address in `where` (e.g. `<img src>`); `loads`: the browser fetches it with the page."""
        scheme = _scheme(url)
        if scheme is not None:
            self.add(line, "policy.scheme", where=where, scheme=f"{scheme}:", url=_short(url))
            return
        if loads:
            host = _host(url)
            if host is not None and not self.allowance.allows(host):
                self.add(line, "policy.remote", where=where, host=host, url=_short(url))

    def css(self, line: int, where: str, css: str) -> None:
        if re.search(r"expression\s*\(|behavior\s*:|-moz-binding", css, re.I):
            self.add(line, "policy.css_script", where=where)
        for url in _css_urls(css):
            self.url(line, where, url, loads=True)
        # image-set("https://…" 1x) takes plain strings, no url()
        for match in _CSS_STRING_URL.finditer(css):
            self.url(line, where, match.group(1), loads=True)

    def attributes(self, line: int, tag: str, attributes: Iterable[tuple[str, str]]) -> None:
        for name, value in attributes:
            name = name.lower()
            where = f"{{ {name}=… }}" if tag == _ATTR_LIST_TAG else f"<{tag} {name}>"
            if name.startswith("on"):
                self.add(line, "policy.handler", where=where)
            elif name == "style":
                self.css(line, where, value)
            elif name in ("srcset", "imagesrcset"):
                for url in _srcset_urls(value):
                    self.url(line, where, url, loads=True)
            elif name in _URL_ATTRIBUTES or name.endswith(":href"):
                loads = name in _RESOURCE_ATTRIBUTES or (
                    name in ("href", "xlink:href") and tag in _HREF_RESOURCE_TAGS
                )
                self.url(line, where, value, loads)
            elif name == "class" and "mermaid" in value.split():
                self.add(line, "policy.mermaid")
            elif name == "http-equiv" and value.strip().lower() == "refresh":
                pass  # <meta> is refused as a whole

    def raw_html(self, text: str, first_line: int) -> None:
        """Raw HTML in the body, read by lxml's HTML parser (the Markdown around it is text to it)."""
        if "<" not in text:
            return
        parser = etree.HTMLParser(recover=True, no_network=True, remove_comments=True, remove_pis=True)
        root = etree.fromstring(f"<div>{text}</div>", parser)
        if root is None:
            return
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            tag = element.tag.lower()
            line = first_line + (element.sourceline or 1) - 1
            if tag in _SCRIPT_TAGS:
                self.add(line, "policy.script")
            elif tag in _FRAME_TAGS:
                source = element.get("src") or element.get("data") or ""
                host = _host(source)
                # srcdoc replaces src with a document of the page's own (scripts included)
                allowed = tag == "iframe" and host is not None and self.allowance.allows(host)
                if not allowed or element.get("srcdoc") is not None:
                    self.add(line, "policy.frame", tag=tag)
                # its address is part of this one error (or allowed)
                self.attributes(line, tag, [(k, v) for k, v in element.items() if k not in ("src", "data")])
                continue
            elif tag in _FORM_TAGS:
                self.add(line, "policy.form", tag=tag)
            elif tag in _PAGE_TAGS:
                self.add(line, "policy.page_tag", tag=tag)
            elif tag == "style":
                self.css(line, "<style>", element.text or "")
            self.attributes(line, tag, element.items())

    def markdown_line(self, line: int, text: str, references: dict[str, str]) -> None:
        """Markdown links, images and attribute lists on one line."""
        for match in _INLINE_LINK.finditer(text):
            is_image, target = match.group(1) == "!", match.group(3)
            self.url(line, _short(match.group(0)), target, loads=is_image)
        if "![" in text:
            for match in _REFERENCE_USE.finditer(text):
                label = (match.group(2) or match.group(1)).strip().lower()
                if label in references and text[match.end() : match.end() + 1] != "(":
                    self.url(line, _short(match.group(0)), references[label], loads=True)
        definition = _REFERENCE_DEF.match(text)
        if definition:
            self.url(line, _short(text.strip()), definition.group(2), loads=False)
        if "{" in text:
            for match in _ATTR_LIST.finditer(text):
                content = match.group(1)
                pairs = [
                    (m.group(1), next(g for g in m.groups()[1:] if g is not None))
                    for m in _ATTR_PAIR.finditer(content)
                ]
                if pairs or ".mermaid" in content:
                    self.attributes(line, _ATTR_LIST_TAG, pairs)
                    if re.search(r"(^|\s)\.mermaid(\s|$)", content):
                        self.add(line, "policy.mermaid")


def _short(url: str, limit: int = 60) -> str:
    url = url.strip()
    return url if len(url) <= limit else url[: limit - 1] + "…"


def _body_text(body: str) -> Iterator[tuple[int, str, str | None]]:
    """(offset, text, fence info) per body line: text outside fences with code spans blanked; fence openers' info."""
    fence: str | None = None
    for offset, line in enumerate(body.split("\n")):
        opener = _FENCE.match(line)
        if fence is None and opener:
            fence = opener.group(2)[0] * len(opener.group(2))
            yield offset, "", opener.group(3).lower()
            continue
        if fence is not None:
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = None
            yield offset, "", None
            continue
        yield offset, _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line) if "`" in line else line, None


def _may_hold_anything(body: str) -> bool:
    """Most bodies are plain prose: skip them without reading line by line."""
    return any(mark in body for mark in ("<", "]", "{", "&", "mermaid"))  # single characters: fastest


def body_problems(
    body: str, first_line: int, path: str, allowance: Allowance, lang: str | None = None
) -> list[Problem]:
    """Every content-policy error in one Markdown body, with its file line and the fix."""
    if not _may_hold_anything(body):
        return []
    scanner = _Scanner(allowance)
    references: dict[str, str] = {}
    lines: list[str] = []
    for offset, text, info in _body_text(body):
        lines.append(text)
        if info == "mermaid":
            scanner.add(first_line + offset, "policy.mermaid")
        definition = _REFERENCE_DEF.match(text)
        if definition:
            references[definition.group(1).strip().lower()] = definition.group(2)
    for offset, text in enumerate(lines):
        if text and ("[" in text or "{" in text):
            scanner.markdown_line(first_line + offset, text, references)
    scanner.raw_html("\n".join(lines), first_line)
    return _problems(scanner, path, lang or terminal_language())


def _problems(scanner: _Scanner, path: str, lang: str, field: str = FIELD) -> list[Problem]:
    """The scanner's findings as problems in `lang`, by line, each once."""
    seen: set[tuple[int, str]] = set()
    problems = []
    for finding in sorted(scanner.findings, key=lambda f: f.line):
        message = t(finding.key, lang, **finding.values)
        if (finding.line, message) not in seen:
            seen.add((finding.line, message))
            problems.append(Problem(path, finding.line, field, message))
    return problems


def markdown_file_problems(path: Path, allowance: Allowance, lang: str | None = None) -> list[Problem]:
    """The policy errors of a Markdown file that is not an entry (a guide page, the home page)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []  # MkDocs reports unreadable pages itself
    try:
        front_matter = parse_front_matter(text)
        body, first_line = front_matter.body, front_matter.body_line
    except FrontMatterError:
        body, first_line = text, 1
    return body_problems(body, first_line, display_path(path), allowance, lang)


PolicyCache = dict[tuple[str, int, str], list[Problem]]
"""Problems of bodies already read, by (file, first line, body): the live preview reads unchanged ones once."""


def policy_problems(
    docs_dir: Path, sources: Iterable[SourceFile], allowance: Allowance, cache: PolicyCache | None = None
) -> list[Problem]:
    """The policy errors of every page in `docs_dir`: entries from their parsed `sources`, other files read here."""
    lang = terminal_language()
    problems: list[Problem] = []
    seen: set[str] = set()
    for source in sources:
        seen.add(str(source.path))
        key = (source.display_path, source.front_matter.body_line, source.body)
        found = cache.get(key) if cache is not None else None
        if found is None:
            found = body_problems(
                source.body, source.front_matter.body_line, source.display_path, allowance, lang
            )
            if cache is not None:
                cache[key] = found
        problems.extend(found)
    # os.walk and plain strings: pathlib's rglob and sort cost half a second at 6,000 files
    for folder, dirs, files in os.walk(docs_dir):
        dirs.sort()
        for name in sorted(files):
            suffix = os.path.splitext(name)[1].lower()
            if suffix == ".md":
                path = os.path.join(folder, name)
                if path not in seen:
                    problems.extend(markdown_file_problems(Path(path), allowance, lang))
            elif suffix in MARKUP_FILES:
                problems.extend(markup_file_problems(Path(os.path.join(folder, name)), allowance, lang))
    return problems


#: files MkDocs copies as they are that a browser runs as documents when opened (an SVG's script runs
#: under the site's address, and no <meta> policy reaches it)
MARKUP_FILES = frozenset({".html", ".htm", ".xhtml", ".svg", ".xml", ".xsl"})


def markup_file_problems(path: Path, allowance: Allowance, lang: str | None = None) -> list[Problem]:
    """The policy errors of an HTML or SVG file in docs/, which MkDocs publishes as it is."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    scanner = _Scanner(allowance)
    scanner.raw_html(text, 1)
    return _problems(scanner, display_path(path), lang or terminal_language(), field="")


# --- symbolic links ----------------------------------------------------------------------


def escaping_links(root: Path, folder_name: str, lang: str | None = None) -> list[Problem]:
    """Symbolic links below `root` that lead outside it: what they point at would be published."""
    if not root.is_dir():
        return []
    lang = lang or terminal_language()
    inside = os.path.realpath(root)
    problems = []
    for path in _links_below(os.fspath(root)):
        target = os.path.realpath(path)
        if os.path.commonpath([inside, target]) != inside:
            problems.append(
                Problem(
                    display_path(Path(path)),
                    1,
                    "",
                    t("policy.symlink", lang, target=target, folder=folder_name),
                )
            )
    return problems


def _links_below(folder: str) -> Iterator[str]:
    """Every symbolic link below `folder`, in the order of os.walk(followlinks=False) with each
    folder's names sorted; told by os.scandir's entries, without a stat of each file (the
    live preview asks at every rebuild: 20,000 files at 10,000 entries per language)."""
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError:
        return  # as os.walk: a folder it cannot list is passed over
    for entry in sorted(entries, key=lambda entry: entry.name):
        if entry.is_symlink():
            yield entry.path
    for entry in entries:  # os.walk enters folders in the order it listed them
        try:
            descend = entry.is_dir(follow_symlinks=False)
        except OSError:
            descend = False
        if descend:
            yield from _links_below(entry.path)


def is_inside(path: str | Path, root: str | Path) -> bool:
    """Whether `path`, symbolic links resolved, lies inside `root`."""
    inside = os.path.realpath(root)
    return os.path.commonpath([inside, os.path.realpath(path)]) == inside
