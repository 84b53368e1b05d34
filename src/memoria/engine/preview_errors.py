"""The live preview shows a saved mistake as a page, in the editor's language, and never stalls.

When a rebuild fails, MkDocs' live-reload server keeps the previous epoch and holds every page
request until a build succeeds: the browser spins and the problem is only in the terminal.
Here the server's builder is wrapped so that a failed rebuild counts as finished (requests are
answered at once) and every page request gets a page listing each problem as file, line,
field and fix. The page reloads itself every two seconds; once a rebuild succeeds the site is
back. Only `builder` and the WSGI app (`get_app`/`set_app`, the standard library's
`wsgiref` interface) of the server are touched, and only when both exist.
"""

from __future__ import annotations

import html
import logging
import traceback
from collections.abc import Callable, Iterable
from typing import Any

from memoria.content import Problem
from memoria.i18n import t

log = logging.getLogger("mkdocs.plugins.memoria")

RELOAD_SECONDS = 2
_PAGE_SUFFIXES = ("/", ".html", ".htm")


class PreviewErrors:
    """Serves an error page while the last rebuild of the preview failed."""

    def __init__(self, problems: Callable[[], list[Problem]], lang: str) -> None:
        self.problems = problems  # the content problems of the failed build, from the plugin
        self.lang = lang
        self.page: bytes | None = None  # the error page, while the last rebuild failed

    def install(self, server: Any) -> bool:
        """Wrap the server's builder and WSGI app; False (and nothing changed) on a server without them."""
        if not callable(getattr(server, "builder", None)) or not callable(getattr(server, "get_app", None)):
            log.info(
                "memoria: this MkDocs server has no builder or WSGI app: build errors stay in the terminal"
            )
            return False
        server.builder = self.guard(server.builder)
        server.set_app(self.wsgi(server.get_app()))
        return True

    def guard(self, builder: Callable[..., Any]) -> Callable[..., Any]:
        """The builder, turned so that a failed build shows its problems instead of stalling the server."""

        def build(*args: Any, **kwargs: Any) -> Any:
            try:
                result = builder(*args, **kwargs)
            except Exception as error:  # every failed rebuild: the page replaces the stall
                if error.__class__.__module__.split(".")[0] not in ("mkdocs", "properdocs"):
                    traceback.print_exc()  # not a content problem: the developer needs the trace
                self.page = error_page(self.problems(), str(error), self.lang)
                log.error(t("preview.error.terminal", self.lang))
                return None
            self.page = None
            return result

        return build

    def wsgi(self, app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
        """The server's app, answering page requests with the error page while there is one."""

        def serve(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            page = self.page
            path = environ.get("PATH_INFO", "")
            if page is None or not _is_page(path):
                return app(environ, start_response)
            # 200, not 503: MkDocs logs every other status as a warning, and a warning during
            # the next rebuild (the page reloads itself) would fail a strict preview build.
            start_response(
                "200 OK",
                [
                    ("Content-Type", "text/html; charset=utf-8"),
                    ("Content-Length", str(len(page))),
                    ("Cache-Control", "no-store"),
                ],
            )
            return [page]

        return serve


def _is_page(path: str) -> bool:
    last = path.rsplit("/", 1)[-1]
    return path.endswith(_PAGE_SUFFIXES) or "." not in last


def error_page(problems: list[Problem], fallback: str, lang: str) -> bytes:
    """A self-contained page (no request elsewhere) listing each problem: file, line, field, fix."""
    labels = [
        html.escape(t(key, lang), quote=True)
        for key in ("preview.error.file", "preview.error.line", "preview.error.field", "preview.error.fix")
    ]
    rows = [
        "<tr>"
        + "".join(
            f'<td data-label="{label}">{cell}</td>'
            for label, cell in zip(
                labels,
                (
                    f"<code>{html.escape(p.path)}</code>",
                    str(p.line),
                    f"<code>{html.escape(p.field or '—')}</code>",
                    html.escape(p.message),
                ),
                strict=True,
            )
        )
        + "</tr>"
        for p in problems
    ]
    if rows:
        count = len(problems)
        heading = t("preview.error.heading_one" if count == 1 else "preview.error.heading", lang, count=count)
        body = (
            "<table><thead><tr>"
            + "".join(
                f"<th>{html.escape(t(key, lang))}</th>"
                for key in (
                    "preview.error.file",
                    "preview.error.line",
                    "preview.error.field",
                    "preview.error.fix",
                )
            )
            + "</tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table>"
        )
    else:
        heading = t("preview.error.heading_other", lang)
        body = f"<pre>{html.escape(fallback)}</pre>"
    title = html.escape(t("preview.error.title", lang))
    return (
        "<!doctype html>\n"
        f'<html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta http-equiv="refresh" content="{RELOAD_SECONDS}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{_STYLE}</style></head>"
        f'<body><main class="memoria-preview-error"><h1>{html.escape(heading)}</h1>{body}'
        f"<p>{html.escape(t('preview.error.after', lang))}</p></main></body></html>\n"
    ).encode()


_STYLE = (
    "body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#fff;color:#1a1a1a}"
    "main{max-width:70rem;margin:0 auto;padding:1.5rem}"
    "h1{font-size:1.4rem;color:#a4000f;border-left:.4rem solid #a4000f;padding-left:.8rem}"
    "table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;"
    "padding:.5rem;border-bottom:1px solid #ddd}th{background:#f4f4f4;white-space:nowrap}"
    "td:first-child,td:last-child{overflow-wrap:anywhere}"
    "code{font-size:.9em}pre{white-space:pre-wrap;background:#f4f4f4;padding:1rem}"
    "@media (max-width:40rem){thead{display:none}td{display:block;border:0;padding:.1rem .5rem}"
    "tr{display:block;border-bottom:1px solid #ddd;padding:.5rem 0}"
    "td::before{content:attr(data-label) ': ';font-weight:600}}"
)
