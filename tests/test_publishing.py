"""What reaches readers: text normalised before pages, feeds and search see it (real builds)."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import html as lxml_html

from conftest import ROOT, BuiltSite, write_project
from memoria import messages
from memoria.content import load_archive
from test_serve import START_DEADLINE_SECONDS, _free_port, _get, _start_serve, _wait_until

GUIDE_ERRORS = {
    lang: (ROOT / "docs" / "guide" / f"errors.{lang}.md").read_text(encoding="utf-8") for lang in ("en", "es")
}
NFC_TITLE = "Declaración de Tegucigalpa: niñez y defensoras"
NFC_SUMMARY = "Organizaciones de Honduras piden protección para la niñez."
NFC_ORGANISATION = "Comité de Familiares de Detenidos Desaparecidos en Honduras"


def nfd(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    return decomposed


def site_texts(site: Path) -> dict[str, str]:
    """Every text file of a built site, and Pagefind's gzip'd fragments, decoded."""
    texts = {}
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        raw = path.read_bytes()
        if path.suffix == ".pf_fragment":
            raw = gzip.decompress(raw)
        if path.suffix in (".html", ".xml", ".json", ".pf_fragment", ".txt"):
            texts[str(path.relative_to(site))] = raw.decode("utf-8", errors="replace")
    return texts


@pytest.mark.slow
def test_decomposed_text_reaches_pages_feeds_and_search_composed(
    build_site: Callable[..., BuiltSite],
) -> None:
    built = build_site(
        {
            "press/2024/tegucigalpa.es.md": f"""
            ---
            title: "{nfd(NFC_TITLE)}"
            date: 2024-03-01
            summary: {nfd(NFC_SUMMARY)}
            organisations: ["{nfd(NFC_ORGANISATION)}"]
            ---

            Texto.
            """,
            "press/2024/tegucigalpa.en.md": f"""
            ---
            title: Tegucigalpa declaration
            date: 2024-03-01
            summary: Honduran organisations ask for protection.
            organisations: ["{nfd(NFC_ORGANISATION)}"]
            ---

            Text.
            """,
        }
    )
    assert built.returncode == 0, built.output
    texts = site_texts(built.site)
    decomposed = [nfd(NFC_TITLE), nfd(NFC_SUMMARY), nfd(NFC_ORGANISATION)]
    leaks = sorted(name for name, text in texts.items() if any(form in text for form in decomposed))
    assert leaks == []
    page = texts["es/press/2024/tegucigalpa/index.html"]
    assert NFC_TITLE in page and NFC_SUMMARY in page and NFC_ORGANISATION in page
    assert NFC_TITLE in texts["es/feeds/press.rss.xml"] and NFC_TITLE in texts["es/feeds/all.atom.xml"]
    fragments = [text for name, text in texts.items() if name.startswith("es/pagefind/fragment/")]
    assert any(NFC_TITLE in fragment for fragment in fragments)


# --- drafts and embargoes --------------------------------------------------------------

EMBARGO = "2026-12-10T09:00-06:00"
#: words that exist only in entries readers may not see yet: none may appear anywhere in site/
DRAFT_TRACES = (
    "Zorzal confidential draft",
    "zorzal-confidential-draft",
    "Zorzal draft summary",
    "Zorzal topic",
)
EMBARGO_TRACES = (
    "Quetzal embargoed release",
    "quetzal-embargoed-release",
    "Quetzal summary",
    "Quetzal topic",
)
FUTURE_TRACES = ("Colibri future release", "colibri-future-release")
EVENT_TRACES = ("Tapir hidden hearing", "tapir-hidden-hearing")

HELD_BACK_DOCS = {
    "press/2026/open-release.en.md": """
    ---
    title: An open release
    date: 2026-01-05
    summary: Already public.
    event: tapir-hidden-hearing
    ---

    Text.
    """,
    "press/2026/zorzal-confidential-draft.en.md": """
    ---
    title: Zorzal confidential draft
    date: 2026-01-06
    summary: Zorzal draft summary.
    topics: [Zorzal topic]
    draft: true
    ---

    Text.
    """,
    "press/2026/zorzal-confidential-draft.es.md": """
    ---
    title: Borrador Zorzal
    summary: Resumen Zorzal.
    topics: [Tema Zorzal]
    ---

    Texto.
    """,
    "press/2026/quetzal-embargoed-release.en.md": f"""
    ---
    title: Quetzal embargoed release
    date: 2026-12-10
    publish: {EMBARGO}
    summary: Quetzal summary.
    topics: [Quetzal topic]
    ---

    Text.
    """,
    "press/2099/colibri-future-release.en.md": """
    ---
    title: Colibri future release
    date: 2099-01-01
    summary: Dated in the future.
    ---

    Text.
    """,
    "events/2026/tapir-hidden-hearing.en.md": """
    ---
    title: Tapir hidden hearing
    date: 2026-01-04
    draft: true
    ---

    Text.
    """,
}


def traces(site: Path, words: tuple[str, ...]) -> dict[str, list[str]]:
    """Which files of the built site mention any of `words` (pages, feeds, sitemap, search)."""
    found: dict[str, list[str]] = {}
    for name, text in site_texts(site).items():
        hits = [word for word in words if word in text]
        if hits:
            found[name] = hits
    return found


@pytest.mark.slow
def test_drafts_and_embargoes_leave_no_trace_until_their_time(
    build_site: Callable[..., BuiltSite], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEMORIA_BUILD_TIME", "2026-12-10T08:59-06:00")  # one minute before the embargo
    before = build_site(HELD_BACK_DOCS, name="before")
    assert before.returncode == 0, before.output
    assert "open-release" in (before.site / "sitemap.xml").read_text(encoding="utf-8")
    held = (*DRAFT_TRACES, *EMBARGO_TRACES, *FUTURE_TRACES, *EVENT_TRACES)
    assert traces(before.site, held) == {}
    assert not list(before.site.rglob("*zorzal*")) and not list(before.site.rglob("*quetzal*"))
    # The published release that names the draft event builds, without a link to it.
    page = before.page("press/2026/open-release/")
    assert not page.xpath("//a[contains(@href, 'tapir')]")

    monkeypatch.setenv("MEMORIA_BUILD_TIME", "2026-12-10T09:00-06:00")  # the embargo's moment
    after = build_site(HELD_BACK_DOCS, name="after")
    assert after.returncode == 0, after.output
    assert traces(after.site, (*DRAFT_TRACES, *FUTURE_TRACES, *EVENT_TRACES)) == {}
    found = traces(after.site, ("Quetzal embargoed release",))
    for published in (
        "press/2026/quetzal-embargoed-release/index.html",
        "es/press/2026/quetzal-embargoed-release/index.html",  # the English page, with a notice
        "index.html",
        "press/index.html",
        "feeds/all.rss.xml",
        "feeds/press.atom.xml",
    ):
        assert published in found, published
    assert "quetzal-embargoed-release" in (after.site / "sitemap.xml").read_text(encoding="utf-8")
    assert any(name.startswith("pagefind/fragment/") for name in found)


@pytest.mark.slow
def test_the_preview_shows_held_back_entries_with_a_banner(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project", HELD_BACK_DOCS)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with (tmp_path / "serve.log").open("w") as log:
        process = _start_serve(
            project, port, log, ["--dirty", "--no-strict"], MEMORIA_BUILD_TIME="2026-12-01T00:00Z"
        )
        try:
            draft_url = f"{base}/press/2026/zorzal-confidential-draft/"
            _wait_until(lambda: "Zorzal" in _get(draft_url), START_DEADLINE_SECONDS)
            banners = {
                url: lxml_html.fromstring(_get(url)).xpath("//div[contains(@class, 'memoria-publication')]")
                for url in (
                    draft_url,
                    f"{base}/es/press/2026/zorzal-confidential-draft/",
                    f"{base}/press/2026/quetzal-embargoed-release/",
                    f"{base}/es/press/2026/quetzal-embargoed-release/",
                )
            }
            shown = {
                url.removeprefix(base): " ".join(b[0].text_content().split())
                for url, b in banners.items()
                if b
            }
            assert shown == {
                "/press/2026/zorzal-confidential-draft/": "Draft Not published: this page appears only in the "
                "preview. Remove 'draft: true' to publish it.",
                "/es/press/2026/zorzal-confidential-draft/": "Borrador Sin publicar: esta página solo aparece en "
                "la vista previa. Quite 'draft: true' para publicarla.",
                "/press/2026/quetzal-embargoed-release/": "Scheduled Embargoed until 10 December 2026, 09:00 "
                "(UTC-06:00): the site shows it from the first build after that moment.",
                "/es/press/2026/quetzal-embargoed-release/": "Programado Bajo embargo hasta el 10 de diciembre de "
                "2026, 09:00 (UTC-06:00): el sitio lo muestra desde la primera construcción después de ese momento.",
            }
            assert not lxml_html.fromstring(_get(f"{base}/press/2026/open-release/")).xpath(
                "//div[contains(@class, 'memoria-publication')]"
            )
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.mark.slow
def test_status_lists_drafts_and_scheduled_entries_with_their_times(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project", HELD_BACK_DOCS)
    command = [sys.executable, "-m", "memoria.cli", "status", "--json"]
    env = {**os.environ, "MEMORIA_BUILD_TIME": "2026-12-01T00:00Z"}
    result = subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["not_published"] == [
        {
            "file": "docs/events/2026/tapir-hidden-hearing.en.md",
            "title": "Tapir hidden hearing",
            "state": "draft",
            "at": None,
            "reason": "draft",
        },
        {
            "file": "docs/press/2026/zorzal-confidential-draft.en.md",
            "title": "Zorzal confidential draft",
            "state": "draft",
            "at": None,
            "reason": "draft",
        },
        {
            "file": "docs/press/2026/quetzal-embargoed-release.en.md",
            "title": "Quetzal embargoed release",
            "state": "scheduled",
            "at": "2026-12-10T09:00:00-06:00",
            "reason": "publish",
        },
        {
            "file": "docs/press/2099/colibri-future-release.en.md",
            "title": "Colibri future release",
            "state": "scheduled",
            "at": "2099-01-01T00:00:00-06:00",  # local midnight in the archive's zone (mkdocs.yml)
            "reason": "date",
        },
    ]
    table = subprocess.run(command[:-1], cwd=project, capture_output=True, text=True, timeout=120, env=env)
    assert re.search(
        r"Scheduled\s*│\s*2026-12-10T09:00-06:00 \(publish\)\s*│\s*docs/press/2026/quetzal", table.stdout
    )
    env["MEMORIA_BUILD_TIME"] = "2026-12-10T09:00-06:00"
    later = subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=120, env=env)
    assert [row["title"] for row in json.loads(later.stdout)["not_published"]] == [
        "Tapir hidden hearing",
        "Zorzal confidential draft",
        "Colibri future release",
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "publish: 2026-12-10T09:00",
            'publish: "2026-12-10T09:00" has no UTC offset: add it, e.g. 2026-12-10T09:00-06:00 for Mexico City or Tegucigalpa',
        ),
        (
            "publish: next week",
            'publish: expected a date and time such as 2026-12-10T09:00-06:00, got "next week"',
        ),
        ("draft: maybe", 'draft: expected true or false, got "maybe"'),
    ],
)
def test_bad_publication_fields_name_line_and_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: str, expected: str
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "docs/press/2026/x.en.md"
    path.parent.mkdir(parents=True)
    path.write_text(f"---\ntitle: X\ndate: 2026-01-01\nsummary: S.\n{line}\n---\n", encoding="utf-8")
    assert [str(p) for p in load_archive(tmp_path / "docs").problems] == [
        f"docs/press/2026/x.en.md:5: {expected}"
    ]
    # Each errors page quotes the message as the tools print it in the page's language.
    for lang, page in GUIDE_ERRORS.items():
        messages.install(lang)
        try:
            [problem] = load_archive(tmp_path / "docs").problems
        finally:
            messages.install("en")
        shown = str(problem).removeprefix("docs/press/2026/x.en.md:5: ")
        assert shown == expected or lang != "en"
        assert f"`{shown}`" in page, lang


def test_a_future_date_waits_for_its_local_midnight_in_the_archive_zone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    from memoria.publication import PublicationState, publication_of

    monkeypatch.chdir(tmp_path)
    path = tmp_path / "docs/press/2026/x.en.md"
    path.parent.mkdir(parents=True)
    path.write_text("---\ntitle: X\ndate: 2026-12-10\nsummary: S.\n---\n", encoding="utf-8")
    [entry] = load_archive(tmp_path / "docs").entries
    zone = "America/Mexico_City"  # UTC-6 in December
    before = publication_of(entry, dt.datetime(2026, 12, 10, 5, 59, tzinfo=dt.UTC), "hold", zone)
    assert before.state is PublicationState.SCHEDULED
    assert before.at is not None and before.at.isoformat() == "2026-12-10T00:00:00-06:00"
    at = publication_of(entry, dt.datetime(2026, 12, 10, 6, 0, tzinfo=dt.UTC), "hold", zone)
    assert at.state is PublicationState.PUBLISHED
    assert publication_of(entry, dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "publish", zone).published


@pytest.mark.slow
def test_the_scaffolds_placeholder_is_never_published(
    build_site: Callable[..., BuiltSite], tmp_path: Path
) -> None:
    """A release just made by `memoria new` (its body still the scaffold's line) is a draft everywhere."""
    from memoria.scaffold import NewEntry, new_entry_text

    scaffold = new_entry_text(
        NewEntry(
            kind="press", title="Garza placeholder release", date="2026-01-07", summary="Garza summary."
        ),
        "garza-placeholder-release",
    )["en"]
    assert "<!-- memoria:write" in scaffold
    docs = {
        "press/2026/open-release.en.md": "---\ntitle: An open release\ndate: 2026-01-05\nsummary: Public.\n---\n\nText.\n",
        "press/2026/garza-placeholder-release.en.md": scaffold,
    }
    built = build_site(docs)
    assert built.returncode == 0, built.output
    assert "open-release" in (built.site / "sitemap.xml").read_text(encoding="utf-8")
    assert traces(built.site, ("Garza", "garza")) == {}
    assert not list(built.site.rglob("*garza*"))

    project = write_project(tmp_path / "project", docs)
    env = {**os.environ, "MEMORIA_BUILD_TIME": "2026-12-01T00:00Z"}
    status = subprocess.run(
        [sys.executable, "-m", "memoria.cli", "status", "--json"],
        cwd=project, capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert json.loads(status.stdout)["not_published"] == [
        {
            "file": "docs/press/2026/garza-placeholder-release.en.md",
            "title": "Garza placeholder release",
            "state": "draft",
            "at": None,
            "reason": "body",
        }
    ]
    check = subprocess.run(
        [sys.executable, "-m", "memoria.cli", "check"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    line = scaffold.splitlines().index(next(x for x in scaffold.splitlines() if "memoria:write" in x)) + 1
    assert (
        f"  docs/press/2026/garza-placeholder-release.en.md:{line}: body: text not written yet (the 'memoria:write' "
        "line is still here): the entry is a draft and is not published — write the text, then delete that line"
    ) in check.stdout.splitlines()

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with (tmp_path / "serve.log").open("w") as log:
        process = _start_serve(
            project, port, log, ["--dirty", "--no-strict"], MEMORIA_BUILD_TIME="2026-12-01T00:00Z"
        )
        try:
            url = f"{base}/press/2026/garza-placeholder-release/"
            _wait_until(lambda: "Garza" in _get(url), START_DEADLINE_SECONDS)
            shown = {}
            for page in (url, f"{base}/es/press/2026/garza-placeholder-release/"):
                banner = lxml_html.fromstring(_get(page)).xpath(
                    "//div[contains(@class, 'memoria-publication')]"
                )
                shown[page.removeprefix(base)] = " ".join(banner[0].text_content().split())
            assert shown == {
                "/press/2026/garza-placeholder-release/": "Draft Not published: the text still holds the line "
                "the tools wrote ('memoria:write' or 'memoria:translate'). Write the text and delete that line "
                "to publish it.",
                "/es/press/2026/garza-placeholder-release/": "Borrador Sin publicar: el texto aún tiene la línea "
                "que escribieron las herramientas ('memoria:write' o 'memoria:translate'). Escriba el texto y "
                "borre esa línea para publicarlo.",
            }
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_the_steady_window_is_the_span_around_now_in_which_no_entry_goes_out_or_back(tmp_path: Path) -> None:
    import datetime as dt
    import textwrap

    from memoria.publication import split_by_publication, steady_window
    from memoria.when import when

    docs = tmp_path / "docs"
    for relative, text in HELD_BACK_DOCS.items():
        (docs / relative).parent.mkdir(parents=True, exist_ok=True)
        (docs / relative).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    entries = load_archive(docs).entries
    noon = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
    before, after = steady_window(entries, noon)
    assert before is not None and after is not None and before <= noon < after
    # any moment in the window publishes the same entries
    published = {e.id for e in split_by_publication(entries, noon)[0]}
    for moment in (before, after - dt.timedelta(microseconds=1)):
        assert {e.id for e in split_by_publication(entries, moment)[0]} == published
    # it may end early (at the embargoed release's date, still held until its hour) or start
    # late (at a draft's date), never the other way: a build would then reuse a wrong site
    lifted = dt.datetime.fromisoformat(EMBARGO)
    assert after <= lifted
    assert {e.id for e in split_by_publication(entries, lifted)[0]} != published
    open_release = next(e for e in entries if e.id == "open-release")
    went_out = when(open_release).start
    assert went_out <= before
    assert {
        e.id for e in split_by_publication(entries, went_out - dt.timedelta(microseconds=1))[0]
    } != published
