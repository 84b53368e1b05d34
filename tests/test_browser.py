"""What readers do, in a real Chromium against the built demo on 127.0.0.1.

Every page a test opens records its requests; the `reader` fixture fails the test if any
went to a host other than the test server. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, BuiltSite, write_project
from searchsite import RECORDING_ID, build_search_demo

sys.path.insert(0, str(ROOT / "scripts"))
from browsing import Recorder, serve, wait_for
from memoria.offline import make_offline_copy

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PRESS = "press/2014/protect-women-defenders-mesoamerica/"
EVENT = "events/2014/roundtable-whrd-mexico-2014/"
RECORDING = f"recordings/{RECORDING_ID}/"
FALLBACK = "es/press/2015/fictional-early-warning-networks/"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    return build_search_demo(tmp_path_factory.mktemp("browser") / "project")


@pytest.fixture(scope="module")
def base_url(site: BuiltSite) -> Iterator[str]:
    with serve(site.site) as url:
        yield url


class Reader:
    """A fresh browser context (empty cache) whose every request is recorded."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.recorders: list[Recorder] = []
        self.contexts: list[Any] = []

    def open(self, path: str, viewport: dict[str, int] = DESKTOP) -> tuple[Any, Recorder]:
        context = self.browser.new_context(viewport=viewport)
        self.contexts.append(context)
        page = context.new_page()
        recorder = Recorder().attach(page)
        self.recorders.append(recorder)
        page.goto(self.base_url + path, wait_until="networkidle")
        return page, recorder

    def foreign_requests(self) -> list[str]:
        host = self.base_url.rstrip("/")
        return [
            url
            for r in self.recorders
            for url in r.requests
            if not (url + "/").startswith(host + "/") and not url.startswith("data:")
        ]

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def reader(browser: Any, base_url: str) -> Iterator[Reader]:
    opened = Reader(browser, base_url)
    yield opened
    foreign = opened.foreign_requests()
    sitemaps = [
        url for r in opened.recorders for url in r.requests if url.startswith("http") and "sitemap.xml" in url
    ]
    opened.close()
    assert not foreign, f"requests left the test server: {foreign}"
    # Material's language selector would download the whole sitemap on every page view.
    assert not sitemaps, f"sitemap downloaded by a page: {sitemaps}"


def load_axe(page: Any) -> None:
    """axe-core into the page through the DevTools protocol: the page's CSP refuses an added <script>."""
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    assert page.evaluate("typeof axe") == "object"


def screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def search(page: Any, query: str) -> list[str]:
    """Type into the header search box and wait for its result count; returns result URLs."""
    page.locator(".md-search__input").fill(query)
    wait_for(
        page,
        "q => document.querySelector('.md-search-result__meta').textContent.match(/\\d|No |Ninguna/) && "
        "document.querySelector('.md-search__input').value === q",
        arg=query,
    )
    page.wait_for_timeout(300)  # the debounce, then the result fragments
    return [link.get_attribute("href") for link in page.locator(".md-search-result__link").all()]


def pagefind_requests(recorder: Recorder) -> list[str]:
    return [url for url in recorder.requests if "/pagefind/" in url]


# --- search ---------------------------------------------------------------------------------


def test_spanish_search_stems_folds_accents_stays_in_spanish_and_opens_a_result(reader: Reader) -> None:
    page, recorder = reader.open("es/")
    assert not pagefind_requests(recorder), "nothing of the search may load before the reader opens it"
    page.locator(".md-search__input").focus()
    wait_for(page, "document.getElementById('__search').checked")

    stemmed = search(page, "defensora")
    assert stemmed and all(re.search(r"/es/", url) for url in stemmed), stemmed
    excerpts = " ".join(page.locator(".md-search-result__list mark").all_inner_texts()).lower()
    assert "defensoras" in excerpts

    folded = search(page, "proteccion")
    assert folded and all("/es/" in url for url in folded)
    assert "protección" in " ".join(page.locator(".md-search-result__list mark").all_inner_texts()).lower()
    fetched = pagefind_requests(recorder)
    assert fetched and all("/es/pagefind/" in url for url in fetched), "only the Spanish bundle loads"
    assert any("pagefind.es_" in url for url in fetched) and not any("pagefind.en_" in url for url in fetched)

    # The fallback copy of the untranslated English press release is not a Spanish result.
    assert not any("fictional-early-warning" in url for url in search(page, "alerta temprana"))

    search(page, "defensora")
    screenshot(page, "search-results-es-1280")
    target = page.locator(".md-search-result__link").first.get_attribute("href")
    with page.expect_navigation(url=re.compile(re.escape(target) + "$")):
        page.locator(".md-search-result__link").first.click()
    assert page.locator("html").get_attribute("lang") == "es"


def test_english_search_by_keyboard_finds_english_entries_only(reader: Reader) -> None:
    page, recorder = reader.open("")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.classList.contains('md-search__input')")
    page.keyboard.type("defenders")
    wait_for(page, "document.querySelectorAll('.md-search-result__link').length > 0")
    urls = [link.get_attribute("href") for link in page.locator(".md-search-result__link").all()]
    assert urls and not any("/es/" in url for url in urls)
    fetched = pagefind_requests(recorder)
    assert fetched and not any("/es/pagefind/" in url for url in fetched), "only the English bundle loads"
    # Metadata is searchable: an organisation named only in the metadata panel.
    assert any(PRESS in url for url in search(page, "JASS"))
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == page.locator(".md-search-result__link").first.get_attribute("href")
    with page.expect_navigation(url=re.compile(re.escape(focused) + "$")):
        page.keyboard.press("Enter")
    assert page.url.endswith(focused)


def test_escape_closes_the_search_box(reader: Reader) -> None:
    page, _ = reader.open(PRESS)
    page.keyboard.press("s")
    assert page.evaluate("document.getElementById('__search').checked")
    page.keyboard.press("Escape")
    assert not page.evaluate("document.getElementById('__search').checked")


def test_caption_text_is_found_on_the_recording_page(reader: Reader) -> None:
    page, _ = reader.open("es/")
    page.locator(".md-search__input").focus()
    # The recording, then the moment it was said (a Pagefind sub-result on the cue's anchor).
    assert search(page, "radiodifusora") == [f"/es/{RECORDING}", f"/es/{RECORDING}#t1-7"]


def test_phone_reader_opens_search_with_the_keyboard(reader: Reader) -> None:
    page, _ = reader.open("es/", viewport=PHONE)
    button = page.locator("[data-memoria-search-open]")
    assert button.is_visible()
    button.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.classList.contains('md-search__input')")
    assert button.get_attribute("aria-expanded") == "true"
    search(page, "defensoras")
    screenshot(page, "search-results-es-390")


# --- languages and fallbacks ---------------------------------------------------------------


def test_language_switcher_by_keyboard_lands_on_the_translation(reader: Reader) -> None:
    page, _ = reader.open(PRESS)
    switcher = page.locator(".md-select button.md-header__button")
    switcher.focus()
    spanish = page.locator(".md-select__link[hreflang='es']")
    assert spanish.is_visible(), "the language list must open on keyboard focus"
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('hreflang')") == "es":
            break
    else:
        pytest.fail("Tab never reached the Spanish link of the language switcher")
    with page.expect_navigation(url=re.compile(r"/es/")):
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.url == reader.base_url + "es/" + PRESS
    assert page.locator("html").get_attribute("lang") == "es"
    assert "defensoras" in page.locator("h1").inner_text().lower()


def test_untranslated_page_shows_the_fallback_notice(reader: Reader) -> None:
    page, _ = reader.open(FALLBACK)
    notice = page.locator(".memoria-fallback")
    assert notice.is_visible()
    assert "aún no está traducida" in notice.inner_text()
    assert page.locator(".memoria-body").get_attribute("lang") == "en"


def test_feed_discovery_links_are_in_the_head(reader: Reader) -> None:
    for path in ("", "es/", PRESS):
        page, _ = reader.open(path)
        rss = page.locator("head link[rel='alternate'][type='application/rss+xml']")
        atom = page.locator("head link[rel='alternate'][type='application/atom+xml']")
        assert rss.count() >= 1 and atom.count() >= 1, path
        feed_url = rss.first.get_attribute("href")
        assert page.request.get(feed_url.replace("https://archive.example.org/", reader.base_url)).ok


# --- screenshots, accessibility, weight --------------------------------------------------------


@pytest.mark.parametrize("viewport_name", ["390", "1280"])
def test_screenshots_of_home_event_and_recording(reader: Reader, viewport_name: str) -> None:
    viewport = PHONE if viewport_name == "390" else DESKTOP
    for name, path in (("home", ""), ("event", EVENT), ("recording", "es/" + RECORDING)):
        page, _ = reader.open(path, viewport=viewport)
        if name == "recording":
            page.locator("details.memoria-transcript summary").click()
            assert page.locator("details.memoria-transcript li").first.is_visible()
        screenshot(page, f"{name}-{viewport_name}")


A11Y_PAGES = ["", "press/", PRESS, EVENT, RECORDING]


@pytest.mark.parametrize("path", [*A11Y_PAGES, *("es/" + p for p in A11Y_PAGES)])
def test_no_serious_or_critical_accessibility_violation(reader: Reader, path: str) -> None:
    assert AXE.is_file(), "axe-core missing: run 'npm ci' (make test does)"
    page, _ = reader.open(path)
    load_axe(page)
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, "\n".join(serious)


def test_open_search_box_is_accessible_too(reader: Reader) -> None:
    page, _ = reader.open("es/")
    page.locator(".md-search__input").focus()
    search(page, "defensoras")
    load_axe(page)
    results = page.evaluate("async () => await axe.run('#memoria-search')")
    assert not [v["id"] for v in results["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("path", [PRESS, "es/" + PRESS])
def test_a_press_release_weighs_under_150_kb_on_first_visit(reader: Reader, path: str) -> None:
    _, recorder = reader.open(path)
    kinds = {t.kind for t in recorder.transfers}
    assert {"document", "stylesheet", "script"} <= kinds
    assert recorder.total() < 150_000, [(t.url, t.compressed) for t in recorder.transfers]


# --- the offline copy -----------------------------------------------------------------------


def test_offline_copy_works_from_disk_search_included(tmp_path: Path, browser: Any) -> None:
    project = write_project(tmp_path / "project", copy_demo=True)
    report = make_offline_copy(project / "mkdocs.yml", tmp_path / "offline.zip")
    with zipfile.ZipFile(report.zip_path) as archive:
        archive.extractall(tmp_path / "unzipped")
    root = tmp_path / "unzipped" / "memoria-offline"
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    recorder = Recorder().attach(page)
    page.goto((root / "es" / "index.html").as_uri())
    with page.expect_navigation(url=re.compile(r"/es/press/index\.html$")):
        page.locator(".md-tabs__link").nth(1).click()  # file-friendly URLs: a tab opens a page, not a folder
    page.locator(".md-search__input").focus()
    urls = search(page, "proteccion")
    assert urls and all(url.endswith(".html") and "/es/" in url for url in urls)
    with page.expect_navigation(url=re.compile(re.escape(urls[0]) + "$")):
        page.locator(".md-search-result__link").first.click()
    assert page.url.startswith("file://")
    assert page.locator("html").get_attribute("lang") == "es"
    screenshot(page, "offline-result-1280")
    # The English bundle was made loadable from disk too.
    page.goto((root / "index.html").as_uri())
    page.locator(".md-search__input").focus()
    urls = search(page, "protection")
    assert urls and all(url.endswith(".html") and "/es/" not in url for url in urls)
    context.close()
    assert all(url.startswith(("file://", "data:")) for url in recorder.requests), recorder.requests
