"""A saved mistake shows in the preview as a page in the editor's language, and the site comes back when fixed.

Real `mkdocs serve` processes on the demo archive: what `make serve` runs (dirty) and plain serve.
"""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from lxml import html as lxml_html

from conftest import write_project
from test_serve import (
    CHANGE_DEADLINE_SECONDS,
    START_DEADLINE_SECONDS,
    _free_port,
    _get,
    _start_serve,
    _wait_until,
)

pytestmark = pytest.mark.slow  # every test here builds or runs a command in a subprocess

ENTRY = "docs/press/2015/fictional-early-warning-networks.en.md"
ERROR_PAGE = 'class="memoria-preview-error"'


def fetch(url: str) -> tuple[int, str, float]:
    """Status, body and seconds taken; an error status is an answer too."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=15) as response:
            return response.status, response.read().decode("utf-8"), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8"), time.monotonic() - started


@pytest.mark.parametrize(
    ("options", "locale", "heading", "headers"),
    [
        (
            ["--dirty", "--no-strict"],
            "es_MX.UTF-8",
            "La vista previa no puede mostrar el sitio: 3 problemas por corregir",
            ["Archivo", "Línea", "Campo", "Qué está mal, y qué hacer"],
        ),
        (
            [],
            "en_GB.UTF-8",
            "The preview cannot show the site: 3 problems to fix",
            ["File", "Line", "Field", "What is wrong, and what to do"],
        ),
    ],
    ids=["make-serve-dirty-es", "full-rebuild-en"],
)
def test_a_saved_mistake_becomes_a_page_and_the_site_returns_when_fixed(
    tmp_path: Path, options: list[str], locale: str, heading: str, headers: list[str]
) -> None:
    project = write_project(tmp_path / "project", copy_demo=True)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    entry = project / ENTRY
    good = entry.read_text(encoding="utf-8")
    with (tmp_path / "serve.log").open("w") as log:
        process = _start_serve(project, port, log, options, LANG=locale, LC_ALL="", LC_MESSAGES="")
        try:
            _wait_until(lambda: "Early warning networks" in _get(f"{base}/"), START_DEADLINE_SECONDS)
            broken = (
                good.replace("date: 2015-03-25", "date: 25/03/2015")
                .replace("countries: [", "countries: [XX, ")
                .replace("summary: ", "sumary: ", 1)
            )
            assert broken.count("\n") == good.count("\n")
            entry.write_text(broken, encoding="utf-8")
            _wait_until(lambda: ERROR_PAGE in fetch(f"{base}/press/")[1], CHANGE_DEADLINE_SECONDS)
            for path in ("/", "/press/", "/es/press/2015/fictional-early-warning-networks/", "/topics/"):
                status, body, seconds = fetch(f"{base}{path}")
                assert status == 200 and seconds < 3, (path, status, seconds)  # answered at once, never held
                assert ERROR_PAGE in body
                page = lxml_html.fromstring(body)
                assert page.get("lang") == locale[:2]
                assert page.xpath("//h1")[0].text_content() == heading
                assert [th.text_content() for th in page.xpath("//th")] == headers
                rows = [[td.text_content() for td in tr.xpath("td")] for tr in page.xpath("//tbody/tr")]
                assert [row[:3] for row in rows] == [
                    [ENTRY, "1", "summary"],  # misspelt 'sumary:': the required field is missing
                    [ENTRY, "3", "date"],
                    [ENTRY, "12", "countries.0"],
                ], rows
                assert (
                    rows[1][3]
                    == {
                        "es": 'se esperaba AAAA-MM-DD y se recibió "25/03/2015"',
                        "en": 'expected YYYY-MM-DD, got "25/03/2015"',
                    }[locale[:2]]
                )
                assert page.xpath("//meta[@http-equiv='refresh']/@content") == ["2"]
            assert fetch(f"{base}/assets/stylesheets/memoria.css")[0] in (200, 404)  # assets are not replaced
            entry.write_text(good.replace("Early warning networks", "Warning networks"), encoding="utf-8")
            _wait_until(lambda: ERROR_PAGE not in fetch(f"{base}/press/")[1], CHANGE_DEADLINE_SECONDS)
            assert "Warning networks for land" in fetch(f"{base}/press/")[1]
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
