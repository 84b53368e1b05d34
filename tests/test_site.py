"""Whole-site builds: generated pages, relations, bilingual behaviour, privacy, escaping."""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from lxml import html as lxml_html

from conftest import BuiltSite
from memoria.catalog import PAGE_SIZE, load_catalog

pytestmark = pytest.mark.slow  # every test here builds or runs a command in a subprocess

DEMO_PRESS = "press/2014/protect-women-defenders-mesoamerica/"
DEMO_EVENT = "events/2014/roundtable-whrd-mexico-2014/"
DEMO_RECORDING = "recordings/ustream-51400296/"
UNTRANSLATED = "press/2015/fictional-early-warning-networks/"


def texts(page: lxml_html.HtmlElement, xpath: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in page.xpath(xpath)]


def hrefs(page: lxml_html.HtmlElement, xpath: str) -> list[str]:
    return [str(h) for h in page.xpath(xpath)]


def resolve(page_url: str, href: str) -> str:
    """The site path a relative link on `page_url` points to."""
    parts = [p for p in page_url.split("/") if p]
    for piece in href.split("/"):
        if piece == "..":
            parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts) + ("/" if href.endswith("/") or not href else "")


def test_every_generated_page_exists_in_both_languages(demo_site: BuiltSite) -> None:
    catalog = load_catalog(demo_site.project / "docs")
    listings = catalog.listings()
    assert len(listings) > 20
    for listing in listings:
        folder = listing.uri[: -len("index.md")]
        for prefix, lang in (("", "en"), ("es/", "es")):
            page = demo_site.page(prefix + folder)
            assert page.get("lang") == lang, folder
            assert texts(page, "//h1")[0] == listing.title[lang], folder


def test_build_is_strict_clean_and_lists_no_warning(demo_site: BuiltSite) -> None:
    assert "WARNING" not in demo_site.output


def test_section_listing_is_newest_first_in_both_languages(demo_site: BuiltSite) -> None:
    english = demo_site.page("press/")
    assert texts(english, "//ul[@class='memoria-items']//time") == ["25 March 2015", "25 August 2014"]
    spanish = demo_site.page("es/press/")
    assert texts(spanish, "//ul[@class='memoria-items']//time") == [
        "25 de marzo de 2015",
        "25 de agosto de 2014",
    ]


def test_entry_metadata_is_localised(demo_site: BuiltSite) -> None:
    english = demo_site.page(DEMO_PRESS)
    spanish = demo_site.page("es/" + DEMO_PRESS)
    assert "25 August 2014" in texts(english, "//dl[@class='memoria-meta']")[0]
    meta_es = texts(spanish, "//dl[@class='memoria-meta']")[0]
    assert "25 de agosto de 2014" in meta_es
    assert "México" in meta_es and "Mexico" not in meta_es.replace("Mexico City", "")
    assert "Pooja Patel (Responsable de programas e incidencia" in meta_es
    assert "Fecha" in meta_es and "Contactos" in meta_es
    event_es = texts(demo_site.page("es/" + DEMO_EVENT), "//dl[@class='memoria-meta']")[0]
    assert (
        "Ciudad de México" in event_es
        and "Ponentes" in event_es
        and "Embajada de Noruega en México" in event_es  # the shared list's Spanish name
        and "Embassy of Norway" not in event_es
    )


def test_relations_are_linked_both_ways(demo_site: BuiltSite) -> None:
    for prefix in ("", "es/"):
        event = demo_site.page(prefix + DEMO_EVENT)
        related = [
            resolve(prefix + DEMO_EVENT, h)
            for h in hrefs(event, "//aside[@class='memoria-related']//a/@href")
        ]
        assert prefix + DEMO_PRESS in related
        recordings = [r for r in related if "/recordings/" in "/" + r]
        assert len(recordings) == 5
        # the event's own order: parts 1/2 and 2/2 first
        assert recordings[0] == prefix + DEMO_RECORDING

        press = demo_site.page(prefix + DEMO_PRESS)
        related = [
            resolve(prefix + DEMO_PRESS, h)
            for h in hrefs(press, "//aside[@class='memoria-related']//a/@href")
        ]
        assert prefix + DEMO_EVENT in related and prefix + DEMO_RECORDING in related

        recording = demo_site.page(prefix + DEMO_RECORDING)
        related = [
            resolve(prefix + DEMO_RECORDING, h)
            for h in hrefs(recording, "//aside[@class='memoria-related']//a/@href")
        ]
        assert prefix + DEMO_EVENT in related and prefix + DEMO_PRESS in related


def test_language_switcher_goes_to_the_same_page(demo_site: BuiltSite) -> None:
    page = demo_site.page(DEMO_EVENT)
    switch = dict(
        zip(
            hrefs(page, "//a[@class='md-select__link']/@hreflang"),
            hrefs(page, "//a[@class='md-select__link']/@href"),
            strict=False,
        )
    )
    assert resolve(DEMO_EVENT, switch["es"]) == "es/" + DEMO_EVENT
    page = demo_site.page("es/" + DEMO_EVENT)
    switch = dict(
        zip(
            hrefs(page, "//a[@class='md-select__link']/@hreflang"),
            hrefs(page, "//a[@class='md-select__link']/@href"),
            strict=False,
        )
    )
    assert resolve("es/" + DEMO_EVENT, switch["en"]) == DEMO_EVENT
    # generated pages too
    page = demo_site.page("es/topics/women-human-rights-defenders/")
    switch = dict(
        zip(
            hrefs(page, "//a[@class='md-select__link']/@hreflang"),
            hrefs(page, "//a[@class='md-select__link']/@href"),
            strict=False,
        )
    )
    assert (
        resolve("es/topics/women-human-rights-defenders/", switch["en"])
        == "topics/women-human-rights-defenders/"
    )


def test_hreflang_alternates_with_x_default(demo_site: BuiltSite) -> None:
    page = demo_site.page("es/" + DEMO_PRESS)
    alternates = dict(
        zip(
            hrefs(page, "//link[@data-memoria-alternate]/@hreflang"),
            hrefs(page, "//link[@data-memoria-alternate]/@href"),
            strict=False,
        )
    )
    assert alternates == {
        "en": "https://archive.example.org/" + DEMO_PRESS,
        "es": "https://archive.example.org/es/" + DEMO_PRESS,
        "x-default": "https://archive.example.org/" + DEMO_PRESS,
    }


def test_untranslated_page_falls_back_with_a_notice(demo_site: BuiltSite) -> None:
    page = demo_site.page("es/" + UNTRANSLATED)
    assert page.get("lang") == "es"
    assert texts(page, "//div[contains(@class,'memoria-fallback')]") == [
        "Esta página aún no está traducida; se muestra en inglés."
    ]
    assert page.xpath("//h1")[0].get("lang") == "en"
    [body] = page.xpath("//div[@class='memoria-body']")
    assert body.get("lang") == "en" and "deliberately left untranslated" in body.text_content()
    # labels Memoria adds stay Spanish
    assert "Fecha" in texts(page, "//dl[@class='memoria-meta']")[0]
    english = demo_site.page(UNTRANSLATED)
    assert not english.xpath("//div[contains(@class,'memoria-fallback')]")
    # a translated page has no notice
    assert not demo_site.page("es/" + DEMO_PRESS).xpath("//div[contains(@class,'memoria-fallback')]")


def test_not_found_page_per_language(demo_site: BuiltSite) -> None:
    english = lxml_html.fromstring((demo_site.site / "404.html").read_bytes())
    spanish = lxml_html.fromstring((demo_site.site / "es" / "404.html").read_bytes())
    assert english.get("lang") == "en" and texts(english, "//article//h1") == ["Page not found"]
    assert spanish.get("lang") == "es" and texts(spanish, "//article//h1") == ["Página no encontrada"]


def test_entries_stay_out_of_the_navigation(demo_site: BuiltSite) -> None:
    page = demo_site.page(DEMO_PRESS)
    nav_links = hrefs(page, "//nav[contains(@class,'md-nav--primary')]//a/@href")
    assert not [h for h in nav_links if "/2014/" in h or "ustream" in h]
    assert len(nav_links) < 20


LOADING = {
    "script": "src",
    "img": "src",
    "iframe": "src",
    "video": "src",
    "audio": "src",
    "source": "src",
    "track": "src",
    "embed": "src",
    "object": "data",
}


def test_no_page_makes_requests_to_other_hosts(demo_site: BuiltSite) -> None:
    offenders: list[str] = []
    html_files = sorted(demo_site.site.rglob("*.html"))
    assert len(html_files) > 50
    for path in html_files:
        page = lxml_html.fromstring(path.read_bytes())
        urls = [str(u) for tag, attr in LOADING.items() for u in page.xpath(f"//{tag}/@{attr}")]
        urls += [str(u) for u in page.xpath("//video/@poster | //img/@srcset")]
        urls += [
            str(link.get("href"))
            for link in page.xpath("//link")
            if set((link.get("rel") or "").split())
            & {
                "stylesheet",
                "preload",
                "modulepreload",
                "prefetch",
                "icon",
                "preconnect",
                "dns-prefetch",
                "manifest",
            }
        ]
        urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", " ".join(page.xpath("//style/text() | //@style")))
        offenders += [
            f"{path}: {u}" for u in urls if urlsplit(u).scheme in ("http", "https") or u.startswith("//")
        ]
    for css in demo_site.site.rglob("*.css"):
        for match in re.findall(
            r"(?:url\(\s*['\"]?|@import\s+['\"])((?:https?:)?//[^'\")]+)", css.read_text(errors="replace")
        ):
            offenders.append(f"{css}: {match}")
    assert offenders == []


def test_hostile_title_is_escaped_everywhere(build_site) -> None:  # type: ignore[no-untyped-def]
    hostile = '<script>alert(1)</script> & "quotes" <b>bold</b>'
    built = build_site(
        {
            "recordings/hostile.en.md": f"""
            ---
            id: hostile
            title: '{hostile}'
            summary: 'Said "hi" & <i>left</i>'
            language: es
            recorded: 2014-08-15
            source_url: http://www.ustream.tv/recorded/1
            ---
            """,
        }
    )
    assert built.returncode == 0, built.output
    for url in ("recordings/hostile/", "recordings/", "", "es/recordings/hostile/"):
        raw = (built.site / url / "index.html").read_text()
        assert "<script>alert(1)</script>" not in raw, url
        assert "<b>bold</b>" not in raw, url
        page = built.page(url)
        assert not [s for s in page.xpath("//script") if "alert(1)" in (s.text or "")]
    page = built.page("recordings/hostile/")
    assert texts(page, "//title")[0].startswith(hostile)
    assert page.xpath("//meta[@name='description']/@content") == ['Said "hi" & <i>left</i>']
    assert texts(page, "//article//h1") == [hostile]


def test_invalid_content_fails_the_build_listing_every_error(build_site) -> None:  # type: ignore[no-untyped-def]
    built = build_site(
        {
            "press/2014/x.en.md": """
            ---
            title: X
            date: 2014-08-25
            summary: S
            ---
            """,
            "press/2014/x.es.md": """
            ---
            title: X
            date: 25/08/2014
            ---
            """,
            "events/2014/e.en.md": """
            ---
            title: E
            date: 2014-02-30
            ---
            """,
        }
    )
    assert built.returncode != 0
    assert "Memoria found 2 problems in the content" in built.output
    assert "docs/press/2014/x.es.md:3: date: conflicts with the English file" in built.output
    assert 'docs/events/2014/e.en.md:3: date: impossible date "2014-02-30"' in built.output


def test_unknown_field_fails_a_strict_build(build_site) -> None:  # type: ignore[no-untyped-def]
    built = build_site(
        {
            "events/2014/e.en.md": """
            ---
            title: E
            date: 2014-08-15
            venu: Typo Hall
            ---
            """,
        }
    )
    assert built.returncode != 0
    assert "docs/events/2014/e.en.md:4: venu: unknown field (a typo?)" in built.output


def test_pagination_splits_sections_newest_first(build_site) -> None:  # type: ignore[no-untyped-def]
    count = PAGE_SIZE + 5  # one full page, then five
    docs = {
        f"press/2013/item-{n:02d}.en.md": f"""
        ---
        title: Item {n:02d}
        date: {date(2013, 1, 1) + timedelta(days=n):%Y-%m-%d}
        summary: Number {n}.
        ---
        """
        for n in range(1, count + 1)
    }
    built = build_site(docs)
    assert built.returncode == 0, built.output
    first = built.page("press/")
    titles = texts(first, "//ul[@class='memoria-items']//h3")
    assert titles == [f"Item {n:02d}" for n in range(count, 5, -1)]
    assert hrefs(first, "//nav[@class='memoria-pagination']/a[@rel='next']/@href") == ["page/2/"]
    second = built.page("press/page/2/")
    assert texts(second, "//ul[@class='memoria-items']//h3") == [f"Item {n:02d}" for n in range(5, 0, -1)]
    assert hrefs(second, "//nav[@class='memoria-pagination']/a[@rel='prev']/@href") == ["../../"]
    spanish = built.page("es/press/page/2/")
    assert texts(spanish, "//nav[@class='memoria-pagination']/span") == ["Página 2 de 2"]
    # the year archive paginates the same way
    assert built.page("press/2013/page/2/") is not None


def test_entries_of_the_same_day_keep_a_stable_reading_order(demo_site: BuiltSite) -> None:
    titles = texts(demo_site.page("es/recordings/"), "//ul[@class='memoria-items']//h3")
    assert [t[-3:] for t in titles[1:3]] == ["1/2", "2/2"]  # after the 2015 demo clip, newest first


def test_group_counts_agree_in_number(demo_site: BuiltSite) -> None:
    counts = texts(
        demo_site.page("es/organisations/"), "//ul[@class='memoria-groups']//span[@class='memoria-count']"
    )
    assert "1 entrada" in counts and "2 entradas" in counts and "1 entradas" not in counts
    counts = texts(
        demo_site.page("organisations/"), "//ul[@class='memoria-groups']//span[@class='memoria-count']"
    )
    assert "1 entry" in counts and "2 entries" in counts
