"""Tabs, navigation and script config rendered once per language and reused (memoria.engine.chrome)."""

from __future__ import annotations

import json

import pytest
from lxml import html as lxml_html

from conftest import BuiltSite
from memoria.engine.chrome import SharedChrome
from test_site import DEMO_PRESS, DEMO_RECORDING, hrefs, resolve, texts

PAGES_OUTSIDE_NAV = [DEMO_PRESS, DEMO_RECORDING, "press/2014/", "events/2014/"]


def test_a_fragment_is_rendered_once_per_key_and_every_time_without_one() -> None:
    chrome = SharedChrome()
    renders: list[str] = []

    def render() -> str:
        renders.append("nav")
        return f"<nav>{len(renders)}</nav>"

    assert chrome.for_page(("en", "../..")).cached("nav", render) == "<nav>1</nav>"
    assert chrome.for_page(("en", "../..")).cached("nav", render) == "<nav>1</nav>"
    assert chrome.for_page(("es", "../..")).cached("nav", render) == "<nav>2</nav>"
    assert chrome.for_page(None).cached("nav", render) == "<nav>3</nav>"
    assert chrome.for_page(None).cached("nav", render) == "<nav>4</nav>"
    assert len(renders) == 4 and len(chrome) == 2


@pytest.mark.slow
def test_reused_navigation_links_resolve_from_every_page(demo_site: BuiltSite) -> None:
    for prefix in ("", "es/"):
        for path in PAGES_OUTSIDE_NAV:
            url = prefix + path
            page = demo_site.page(url)
            links = hrefs(page, "//nav[contains(@class,'md-nav--primary')]//a/@href")
            links += hrefs(page, "//nav[contains(@class,'md-tabs')]//a/@href")
            assert len(links) > 10, url
            for href in links:
                target = demo_site.site / resolve(url, href)
                assert (target / "index.html").is_file() or target.is_file(), f"{url}: {href}"
            assert not page.xpath("//*[contains(@class,'md-tabs__item--active')]"), url
            config = json.loads(page.xpath("//script[@id='__config']")[0].text)
            assert resolve(url, config["base"] + "/") == "/", url  # the site root, from any depth


@pytest.mark.slow
def test_each_language_keeps_its_own_navigation_and_pages_in_it_stay_highlighted(
    demo_site: BuiltSite,
) -> None:
    english = demo_site.page(DEMO_PRESS)
    spanish = demo_site.page("es/" + DEMO_PRESS)
    assert "About this archive" in texts(english, "//nav[contains(@class,'md-nav--primary')]//a")
    assert "Acerca de este archivo" in texts(spanish, "//nav[contains(@class,'md-nav--primary')]//a")
    press = demo_site.page("press/")
    active = press.xpath(
        "//nav[contains(@class,'md-tabs')]//li[contains(@class,'md-tabs__item--active')]//a/@href"
    )
    assert [resolve("press/", str(h)) for h in active] == ["press/"]
    assert press.xpath(
        "//nav[contains(@class,'md-nav--primary')]//a[contains(@class,'md-nav__link--active')]"
    )
    about = lxml_html.fromstring((demo_site.site / "es" / "about" / "index.html").read_bytes())
    assert about.xpath(
        "//nav[contains(@class,'md-nav--primary')]//a[contains(@class,'md-nav__link--active')]"
    )
