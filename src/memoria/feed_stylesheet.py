"""The XSL stylesheet that shows a feed as a readable page in a browser, in the feed's language.

Engine-independent. Each language gets its own `feeds/feed.xsl` beside its feeds (same origin,
no request elsewhere); every RSS and Atom file points to it with an xml-stylesheet instruction,
which feed readers ignore. The page says what a feed is and how to subscribe, then lists the
entries with their kind, date and summary. Labels and month names come from memoria.i18n and
Babel; every value from the feed is copied as text (never as markup).
"""

from __future__ import annotations

import base64
import hashlib
from xml.sax.saxutils import escape, quoteattr

from babel.dates import get_month_names

from memoria.i18n import t

ATOM_NS = "http://www.w3.org/2005/Atom"

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f1f1f;background:#fafafa;line-height:1.5}
header{background:#4527a0;color:#fff;padding:1.5rem 1rem}
header h1{margin:0 0 .25rem;font-size:1.5rem;line-height:1.3}
header p{margin:.25rem 0}
main{max-width:46rem;margin:0 auto;padding:1rem}
.subscribe{background:#fff8e1;border:1px solid #ffcc80;border-radius:.5rem;padding:1rem;margin:1rem 0}
.subscribe code{display:block;word-break:break-all;background:#fff;padding:.5rem;margin:.5rem 0;border:1px solid #ddd}
article{background:#fff;border:1px solid #e0e0e0;border-radius:.5rem;padding:1rem;margin:1rem 0}
article h2{font-size:1.15rem;margin:.25rem 0}
.meta{color:#555;font-size:.9rem;margin:0}
.kind{display:inline-block;background:#ede7f6;color:#311b92;border-radius:.25rem;padding:0 .4rem;margin-right:.5rem}
a{color:#4527a0}
header a{color:#fff}
""".strip()


def style_hash() -> str:
    """The CSP hash of the page's one inline style: the page may load nothing else."""
    digest = hashlib.sha256(STYLE.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def _month_template(lang: str) -> str:
    """A named template: a month (number 01–12 or RSS's English abbreviation) → its name in `lang`."""
    names = get_month_names("wide", locale=lang)
    abbreviations = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    cases = "".join(
        f"<xsl:when test=\"$m='{number:02d}' or $m='{abbreviations[number - 1]}'\">{escape(names[number])}</xsl:when>"
        for number in range(1, 13)
    )
    return (
        '<xsl:template name="month"><xsl:param name="m"/>'
        f'<xsl:choose>{cases}<xsl:otherwise><xsl:value-of select="$m"/></xsl:otherwise></xsl:choose>'
        "</xsl:template>"
    )


def _date_template(lang: str) -> str:
    """A named template: an RSS (RFC 822) or Atom (RFC 3339) date → '15 August 2014' / '15 de agosto de 2014'."""
    of = " de " if lang == "es" else " "
    return f"""
<xsl:template name="date"><xsl:param name="d"/>
  <xsl:choose>
    <xsl:when test="contains($d, ',')">
      <xsl:value-of select="number(substring($d, 6, 2))"/><xsl:text>{of}</xsl:text>
      <xsl:call-template name="month"><xsl:with-param name="m" select="substring($d, 9, 3)"/></xsl:call-template>
      <xsl:text>{of}</xsl:text><xsl:value-of select="substring($d, 13, 4)"/>
    </xsl:when>
    <xsl:otherwise>
      <xsl:value-of select="number(substring($d, 9, 2))"/><xsl:text>{of}</xsl:text>
      <xsl:call-template name="month"><xsl:with-param name="m" select="substring($d, 6, 2)"/></xsl:call-template>
      <xsl:text>{of}</xsl:text><xsl:value-of select="substring($d, 1, 4)"/>
    </xsl:otherwise>
  </xsl:choose>
</xsl:template>"""


#: summaries are HTML-escaped text (RSS descriptions are HTML): undo that, then output as text
_UNESCAPE = """
<xsl:template name="unescape"><xsl:param name="s"/>
  <xsl:call-template name="replace"><xsl:with-param name="s">
    <xsl:call-template name="replace"><xsl:with-param name="s">
      <xsl:call-template name="replace"><xsl:with-param name="s" select="$s"/>
        <xsl:with-param name="from" select="'&amp;lt;'"/><xsl:with-param name="to" select="'&lt;'"/>
      </xsl:call-template></xsl:with-param>
      <xsl:with-param name="from" select="'&amp;gt;'"/><xsl:with-param name="to" select="'&gt;'"/>
    </xsl:call-template></xsl:with-param>
    <xsl:with-param name="from" select="'&amp;amp;'"/><xsl:with-param name="to" select="'&amp;'"/>
  </xsl:call-template>
</xsl:template>
<xsl:template name="replace"><xsl:param name="s"/><xsl:param name="from"/><xsl:param name="to"/>
  <xsl:choose>
    <xsl:when test="contains($s, $from)">
      <xsl:value-of select="substring-before($s, $from)"/><xsl:value-of select="$to"/>
      <xsl:call-template name="replace">
        <xsl:with-param name="s" select="substring-after($s, $from)"/>
        <xsl:with-param name="from" select="$from"/><xsl:with-param name="to" select="$to"/>
      </xsl:call-template>
    </xsl:when>
    <xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise>
  </xsl:choose>
</xsl:template>"""


def render_stylesheet(lang: str, feeds_page_url: str) -> bytes:
    """The XSL 1.0 stylesheet of one language's feeds (RSS 2.0 and Atom 1.0 alike)."""
    csp = f"default-src 'none'; style-src '{style_hash()}'; img-src 'self'"
    labels = {
        "feed": escape(t("feeds.xsl.this_is", lang)),
        "subscribe": escape(t("feeds.xsl.subscribe", lang)),
        "what": escape(t("feeds.xsl.what", lang)),
        "site": escape(t("feeds.xsl.site", lang)),
        "entries": escape(t("feeds.xsl.entries", lang)),
        "read": escape(t("feeds.xsl.read", lang)),
    }
    page = quoteattr(feeds_page_url)
    stylesheet = f"""<?xml version="1.0" encoding="UTF-8"?>
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:atom="{ATOM_NS}" exclude-result-prefixes="atom">
<xsl:output method="html" encoding="UTF-8" indent="yes" doctype-system="about:legacy-compat"/>

<xsl:template match="/">
  <xsl:variable name="title" select="rss/channel/title | atom:feed/atom:title"/>
  <xsl:variable name="self" select="rss/channel/atom:link[@rel='self']/@href | atom:feed/atom:link[@rel='self']/@href"/>
  <xsl:variable name="home" select="rss/channel/link | atom:feed/atom:link[@rel='alternate']/@href"/>
  <html lang="{lang}">
    <head>
      <meta charset="utf-8"/>
      <meta http-equiv="Content-Security-Policy" content="{csp}"/>
      <meta name="viewport" content="width=device-width, initial-scale=1"/>
      <title><xsl:value-of select="$title"/> ({labels["feed"]})</title>
      <style>{STYLE}</style>
    </head>
    <body>
      <header>
        <p>{labels["feed"]}</p>
        <h1><xsl:value-of select="$title"/></h1>
        <p><xsl:value-of select="rss/channel/description | atom:feed/atom:subtitle"/></p>
      </header>
      <main>
        <section class="subscribe">
          <p><strong>{labels["subscribe"]}</strong></p>
          <code><xsl:value-of select="$self"/></code>
          <p><a href={page}>{labels["what"]}</a> · <a href="{{$home}}">{labels["site"]}</a></p>
        </section>
        <h2>{labels["entries"]}</h2>
        <xsl:apply-templates select="rss/channel/item | atom:feed/atom:entry"/>
      </main>
    </body>
  </html>
</xsl:template>

<xsl:template match="item | atom:entry">
  <xsl:variable name="link" select="link | atom:link[@rel='alternate']/@href"/>
  <article>
    <p class="meta">
      <span class="kind"><xsl:value-of select="(category | atom:category/@term)[1]"/></span>
      <xsl:call-template name="date"><xsl:with-param name="d" select="pubDate | atom:published"/></xsl:call-template>
    </p>
    <h2><a href="{{$link}}"><xsl:value-of select="title | atom:title"/></a></h2>
    <p><xsl:call-template name="unescape"><xsl:with-param name="s" select="description | atom:summary"/></xsl:call-template></p>
    <p><a href="{{$link}}">{labels["read"]}</a></p>
  </article>
</xsl:template>
{_month_template(lang)}
{_date_template(lang)}
{_UNESCAPE}
</xsl:stylesheet>
"""
    return stylesheet.encode("utf-8")
