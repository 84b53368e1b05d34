"""The Content-Security-Policy every page carries, as a `<meta http-equiv>` (engine-independent).

The theme writes small inline scripts (Material's bootstrap, which differs with the page's
depth, and a few of Memoria's own): each page allows exactly the inline scripts its template
wrote, by their SHA-256 computed from the page as built, and nothing a page's text holds
(the content policy refuses scripts there; this is the second line if one slips through).
Pagefind compiles its WebAssembly search engine, hence `'wasm-unsafe-eval'` (WebAssembly
only, not JavaScript's eval). Material's icons are `data:` SVGs in its stylesheet, hence
`img-src data:`; the language selector's sitemap request is answered with an empty `data:`
sitemap (overrides/partials/memoria-same-host.html), hence `connect-src data:`. Everything else comes from the site itself; recordings also from `media_url`.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)([^>]*)>(.*?)</script\s*>", re.I | re.S)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.I)
_SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}
_META_CHARSET = re.compile(r"<meta\s+charset=[^>]*>", re.I)
_HEAD = re.compile(r"<head\b[^>]*>", re.I)


def _runs(attributes: str) -> bool:
    """Whether a script element with these attributes is JavaScript (not JSON data such as Material's config)."""
    match = _TYPE.search(attributes)
    return (match.group(1).lower() if match else "") in _SCRIPT_TYPES


def inline_script_hashes(page_html: str, not_from: str = "") -> list[str]:
    """CSP source expressions ('sha256-…') of the page's inline scripts, except those also in `not_from` (the page's text)."""
    foreign = (
        {m.group(2) for m in _INLINE_SCRIPT.finditer(not_from) if _runs(m.group(1))} if not_from else set()
    )
    hashes: list[str] = []
    for match in _INLINE_SCRIPT.finditer(page_html):
        body = match.group(2)
        if not _runs(match.group(1)) or body in foreign:
            continue
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
        expression = f"'sha256-{digest}'"
        if expression not in hashes:
            hashes.append(expression)
    return hashes


def origin_of(url: str) -> str | None:
    """`https://media.example.org` of a URL with a host; None for a path on the site itself."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(
    script_hashes: Iterable[str], media_url: str | None = None, allowed_hosts: Iterable[str] = ()
) -> str:
    """The policy: the site itself, the given inline scripts, recordings from `media_url`, embeds staff allowed."""
    media = origin_of(media_url) if media_url else None
    hosts = [f"https://{host}" for host in sorted(allowed_hosts)]
    directives = [
        "default-src 'self'",
        " ".join(["script-src 'self' 'wasm-unsafe-eval'", *script_hashes]),
        "style-src 'self'",
        " ".join(["img-src 'self' data:", *hosts]),
        " ".join(["media-src 'self'", *([media] if media else []), *hosts]),
        " ".join(["frame-src", *hosts]) if hosts else "frame-src 'none'",
        "font-src 'self'",
        "connect-src 'self' data:",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
    return "; ".join(directives)


def with_csp_meta(page_html: str, policy: str) -> str:
    """The page with its policy (and `no-referrer`) first in its head, right after the charset."""
    # no-referrer too: following a link out, a reader's browser does not say which page they came from
    tag = f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n    <meta name="referrer" content="no-referrer">'
    anchor = _META_CHARSET.search(page_html) or _HEAD.search(page_html)
    if anchor is None:
        return page_html  # not an HTML document
    return f"{page_html[: anchor.end()]}\n    {tag}{page_html[anchor.end() :]}"
