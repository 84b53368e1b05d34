"""Search per language: what Pagefind indexes in a real build, and the transcript it reads."""

from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path

import pytest

from conftest import BuiltSite
from memoria import search
from memoria.search import (
    SearchablePage,
    SearchIndexError,
    bundle_dirs,
    distinct_words,
    index_folder,
    index_site,
    read_page,
    stage_site,
)
from memoria.stopwords import STOPWORDS
from searchsite import RECORDING_ID, build_search_demo

PRESS = "press/2014/protect-women-defenders-mesoamerica/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    return build_search_demo(tmp_path_factory.mktemp("search") / "project")


def page_counts(bundle: Path) -> dict[str, int]:
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    return {lang: info["page_count"] for lang, info in entry["languages"].items()}


@pytest.mark.slow
def test_one_bundle_per_language_counting_only_pages_in_that_language(site: BuiltSite) -> None:
    # The default language's bundle at the root, every other language's in its folder.
    # English: 2 press releases, 2 events, 6 recordings. Spanish: the same less the press
    # release that has no translation (its Spanish page is a fallback copy).
    assert page_counts(site.site / "pagefind") == {"en": 10}
    assert page_counts(site.site / "es" / "pagefind") == {"es": 9}
    assert bundle_dirs(site.site) == [site.site / "pagefind", site.site / "es" / "pagefind"]
    assert "Search: indexed 19 pages in 2 languages" in site.output


@pytest.mark.slow
def test_each_page_links_the_bundle_of_its_language(site: BuiltSite) -> None:
    [english] = site.page(PRESS).xpath("//*[@data-memoria-search]")
    [spanish] = site.page("es/" + PRESS).xpath("//*[@data-memoria-search]")
    assert (english.get("data-memoria-bundle"), english.get("data-memoria-site")) == (
        "../../../pagefind/",
        "../../../",
    )
    # From /es/press/2014/…/: /es/pagefind/, and the site root where result URLs (/es/…) start.
    assert (spanish.get("data-memoria-bundle"), spanish.get("data-memoria-site")) == (
        "../../../pagefind/",
        "../../../../",
    )


def indexed(site: BuiltSite) -> dict[str, dict]:
    """What Pagefind stored per result URL, both bundles: its fragments (gzip, then a signature, then JSON)."""
    records = {}
    for fragment in sorted(site.site.glob("**/pagefind/fragment/*.pf_fragment")):
        raw = gzip.decompress(fragment.read_bytes())
        record = json.loads(raw[raw.index(b"{") :])
        record["lang"] = fragment.name.split("_")[0]
        records[record["url"]] = record
    return records


@pytest.mark.slow
def test_indexed_text_keeps_each_word_once_and_no_function_words(site: BuiltSite) -> None:
    records = indexed(site)
    assert len(records) == 19
    for url, record in records.items():
        # The page's text, then the spoken lines under their times ("0:07."): each word once in the
        # text, and once across the spoken lines (a spoken word also leads to its moment).
        page_text, *spoken = re.split(r"(?:^|\s)\d+:\d\d\.(?=\s|$)", record["content"])
        for part in (page_text, " ".join(spoken)):
            words = [word.casefold() for word in part.split()]
            assert len(words) == len(set(words)), f"{url}: a word indexed twice"
        assert not set(words) & STOPWORDS[record["lang"]], f"{url}: {set(words) & STOPWORDS[record['lang']]}"


@pytest.mark.slow
def test_indexed_text_keeps_title_first_and_the_names_readers_search_for(site: BuiltSite) -> None:
    records = indexed(site)
    press = records["/es/press/2014/protect-women-defenders-mesoamerica/"]
    assert press["meta"]["title"] == (
        "México y Mesoamérica: fortalecer la protección de las defensoras de derechos humanos"
    )
    assert press["content"].startswith("México Mesoamérica fortalecer protección defensoras derechos humanos")
    words = set(press["content"].split())
    # Organisation, speaker, country and topic names from the metadata panel; body words.
    # "mecanismos" comes first in the summary now (weighted above the text), so in lower case
    assert {"JASS", "Pooja", "Patel", "Guatemala", "mecanismos", "68/181", "conversatorio"} <= words
    assert "Contactos" not in words, "metadata labels are not indexed"
    # Caption text of the recording, in both languages' indexes.
    for url in (f"/recordings/{RECORDING_ID}/", f"/es/recordings/{RECORDING_ID}/"):
        assert "radiodifusoras" in records[url]["content"].split()


@pytest.mark.slow
def test_a_result_carries_the_entrys_summary_in_its_language(site: BuiltSite) -> None:
    records = indexed(site)
    assert records["/es/press/2014/protect-women-defenders-mesoamerica/"]["meta"]["summary"] == (
        "ISHR y JASS Mesoamérica piden a los gobiernos de México y Mesoamérica que sus leyes y "
        "mecanismos de protección incorporen una perspectiva de género que reconozca a las defensoras."
    )
    assert records["/press/2014/protect-women-defenders-mesoamerica/"]["meta"]["summary"].startswith(
        "ISHR and JASS Mesoamerica call on governments"
    )


def _read(tmp_path: Path, page: str) -> SearchablePage:
    """What search keeps of a built page with this HTML."""
    path = tmp_path / "index.html"
    path.write_text(page, encoding="utf-8")
    searchable = read_page(path)
    assert searchable is not None
    return searchable


def test_an_entry_without_summary_shows_the_start_of_its_text(tmp_path: Path) -> None:
    body = " ".join(f"palabra{n}" for n in range(60))
    searchable = _read(
        tmp_path,
        '<html lang="es"><body><div data-pagefind-body><p data-pagefind-ignore>Grabación</p>'
        f"<h1>Informe sin resumen</h1><p>{body}</p></div></body></html>",
    )
    assert searchable.summary == " ".join(f"palabra{n}" for n in range(40)) + " …"
    assert searchable.title_words == ("Informe", "resumen")
    assert "Grabación" not in searchable.words


def test_distinct_words_fold_case_strip_edge_punctuation_and_skip_function_words() -> None:
    title, body = distinct_words(
        "es", ["Las Defensoras (47)", "las defensoras, de la Red: 68/181 defensoras."]
    )
    assert title == ["Defensoras", "47"]
    assert body == ["Red", "68/181"]


def test_distinct_words_keep_underscores_and_drop_tokens_of_only_punctuation() -> None:
    [words] = distinct_words("en", ["_id_ — (47) ... 47 «Río»"])
    assert words == ["_id_", "47", "Río"]


def test_an_entry_of_exactly_the_summary_length_shows_all_of_it_without_ellipsis(tmp_path: Path) -> None:
    body = " ".join(f"palabra{n}" for n in range(40))
    searchable = _read(
        tmp_path,
        f'<html lang="es"><body><div data-pagefind-body><h1>Informe</h1><p>{body}</p>\n\n</div></body></html>',
    )
    assert searchable.summary == body


def test_entities_and_no_break_spaces_are_read_as_the_reader_sees_them(tmp_path: Path) -> None:
    searchable = _read(
        tmp_path,
        '<html lang="es"><body><div data-pagefind-body>'
        "<h1>Defensoras &amp; periodistas</h1><p>Protecci&oacute;n&nbsp;integral en&#160;Guatemala</p>"
        "</div></body></html>",
    )
    assert searchable.title == "Defensoras & periodistas"
    assert searchable.words == ("Protección", "integral", "Guatemala")


def test_staging_skips_pages_without_indexed_elements_whatever_their_encoding(tmp_path: Path) -> None:
    site, staging = tmp_path / "site", tmp_path / "staging"
    (site / "press" / "a").mkdir(parents=True)
    (site / "press" / "a" / "index.html").write_text(
        '<html lang="es"><body><div data-pagefind-body><h1>Comunicado</h1><p>Texto</p></div></body></html>',
        encoding="utf-8",
    )
    # A static page copied as is from docs/, in Latin-1: not UTF-8, and nothing to index.
    (site / "legacy.html").write_bytes("<html><body><p>Página antigua</p></body></html>".encode("latin-1"))
    assert stage_site(site, staging) == 1
    assert [p.relative_to(staging).as_posix() for p in staging.rglob("*.html")] == ["press/a/index.html"]


def test_indexed_elements_nested_in_one_another_are_read_once(tmp_path: Path) -> None:
    searchable = _read(
        tmp_path,
        '<html lang="en"><body><div data-pagefind-body><p data-pagefind-ignore>Recording</p><h1>Title</h1>'
        "<section data-pagefind-body><dt data-pagefind-ignore>Label</dt><h1>Part</h1>Body text</section>"
        "</div></body></html>",
    )
    assert (searchable.title, searchable.words) == ("Title", ("Body", "text"))


@pytest.mark.slow
def test_lunr_is_gone(site: BuiltSite) -> None:
    assert not (
        site.site / "search" / "search_index.json"
    ).exists()  # site/search/ is Pagefind's results page
    assert "search_index" not in (site.site / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_entries_are_indexed_with_their_metadata_but_not_their_labels_or_neighbours(site: BuiltSite) -> None:
    page = site.page("es/press/2014/protect-women-defenders-mesoamerica/")
    [body] = page.xpath("//*[@data-pagefind-body]")
    assert body.xpath(".//h1"), "the title must be inside the indexed element"
    assert body.xpath(".//dl[contains(@class, 'memoria-meta')]//dd"), "metadata values must be indexed"
    for ignored in body.xpath(".//dt | .//aside | .//*[contains(@class, 'memoria-kind')]"):
        assert ignored.get("data-pagefind-ignore") is not None, ignored.text_content()


@pytest.mark.slow
def test_fallback_copies_are_not_indexed(site: BuiltSite) -> None:
    assert not site.page("es/press/2015/fictional-early-warning-networks/").xpath("//*[@data-pagefind-body]")
    assert site.page("press/2015/fictional-early-warning-networks/").xpath("//*[@data-pagefind-body]")


@pytest.mark.slow
@pytest.mark.parametrize(
    "url", ["", "es/", "press/", "es/topics/", "es/countries/mx/", "404.html", "es/404.html"]
)
def test_listings_home_and_not_found_pages_are_not_indexed(site: BuiltSite, url: str) -> None:
    assert not site.page(url).xpath("//*[@data-pagefind-body]")


@pytest.mark.slow
@pytest.mark.parametrize("url", ["", "es/", "404.html", "es/404.html", "es/press/"])
def test_every_page_has_the_search_box_and_loads_no_index_up_front(site: BuiltSite, url: str) -> None:
    page = site.page(url)
    [box] = page.xpath("//*[@data-memoria-search]")
    assert box.xpath(".//input[@aria-label]")
    assert page.xpath("//button[@data-memoria-search-open][@aria-controls='memoria-search']")
    # Material's own search would fetch search_index.json on load if a form were named "search".
    assert not page.xpath("//form[@name='search']")
    assert not page.xpath("//script[contains(@src, 'pagefind')] | //link[contains(@href, 'pagefind')]")


@pytest.mark.slow
def test_recording_page_shows_its_captions_as_a_collapsed_transcript(site: BuiltSite) -> None:
    for url, summary in (
        (f"recordings/{RECORDING_ID}/", "Transcript (Spanish)"),
        (f"es/recordings/{RECORDING_ID}/", "Transcripción (español)"),
    ):
        page = site.page(url)
        [details] = page.xpath("//*[@data-pagefind-body]//details[contains(@class, 'memoria-transcript')]")
        assert details.get("open") is None, "the transcript must start collapsed"
        assert details.get("lang") == "es"
        assert details.xpath("string(summary)").strip() == summary
        cues = [" ".join(li.text_content().split()) for li in details.xpath(".//li")]
        # The repeated line of a rolling caption appears once.
        assert cues == [
            "0:01 Moderadora: Bienvenidas a este conversatorio sobre la protección de las defensoras.",
            "0:07 Las radiodifusoras comunitarias denuncian amenazas contra sus periodistas.",
        ]


@pytest.mark.slow
def test_recordings_without_captions_have_no_transcript(site: BuiltSite) -> None:
    assert not site.page("recordings/ustream-51404484/").xpath(
        "//details[contains(@class, 'memoria-transcript')]"
    )


def test_index_site_reports_pagefinds_failure_with_its_output(tmp_path: Path) -> None:
    with pytest.raises(SearchIndexError, match="not able to build an index"):
        index_site(tmp_path)


def test_a_language_with_no_entry_page_gets_no_bundle_and_the_others_still_do(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "es").mkdir(parents=True)
    (site / "press.html").write_text(
        '<html lang="en"><body><div data-pagefind-body><h1>Report</h1><p>Defenders</p></div></body></html>',
        encoding="utf-8",
    )
    (site / "es" / "index.html").write_text('<html lang="es"><body>Inicio</body></html>', encoding="utf-8")
    report = index_site(site, ["es"])
    assert (report.languages, report.pages) == (1, 1)
    assert bundle_dirs(site) == [site / "pagefind"]


@pytest.mark.slow
def test_a_broken_caption_file_fails_the_build_naming_it(tmp_path: Path) -> None:
    from conftest import run_build

    built = build_search_demo(tmp_path / "ok")
    vtt = built.project / "media" / RECORDING_ID / "captions.es.vtt"
    vtt.write_text("not a caption file\n", encoding="utf-8")
    broken = run_build(built.project)
    assert broken.returncode != 0
    assert f"{RECORDING_ID}/captions.es.vtt: not a readable WebVTT file" in broken.output


def _records(root: Path, pages: dict[str, str]) -> Path:
    for name, words in pages.items():
        path = root / "press" / name / "index.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f'<html lang="en"><body><div data-pagefind-body><h1>{name}</h1><p>{words}</p></div></body></html>',
            encoding="utf-8",
        )
    return root


def _fragments(bundle: Path) -> dict[str, str]:
    found = {}
    for fragment in bundle.glob("fragment/*.pf_fragment"):
        raw = gzip.decompress(fragment.read_bytes())
        record = json.loads(raw[raw.index(b"{") :])
        found[record["url"]] = record["content"]
    return found


def test_a_bundle_made_again_links_the_files_equal_to_the_previous_bundles_and_copies_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Pagefind writes into memory, then each file equal to the previous bundle's becomes a link
    # to it; a changed page's fragment is a new file, and the previous bundle is never written.
    pages = {f"release-{n}": f"defenders testimony number{n}" for n in range(6)}
    records = _records(tmp_path / "records", pages)
    index_folder(records, tmp_path / "previous")
    before = {p: p.read_bytes() for p in (tmp_path / "previous").rglob("*") if p.is_file()}
    scratch = tmp_path / "memory"
    scratch.mkdir()
    monkeypatch.setenv(search.SCRATCH_VARIABLE, str(scratch))
    monkeypatch.setattr(search, "SCRATCH_ROOM", 0)
    _records(records, {"release-0": "defenders testimony edited zebraword"})

    index_folder(records, tmp_path / "bundle", tmp_path / "previous")

    bundle = tmp_path / "bundle"
    files = [p for p in bundle.rglob("*") if p.is_file()]
    previous = {(s.st_dev, s.st_ino) for s in map(os.stat, (tmp_path / "previous").rglob("*"))}
    linked = [p for p in files if (p.stat().st_dev, p.stat().st_ino) in previous]
    assert len(linked) >= len(files) - 6 and linked, (len(files), len(linked))
    assert "zebraword" in _fragments(bundle)["/press/release-0/"]
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))["languages"]["en"]
    assert (
        bundle / f"pagefind.{entry['hash']}.pf_meta"
    ).is_file()  # the entry names this index, not the last
    assert {url for url in _fragments(bundle)} == {f"/press/{name}/" for name in pages}
    assert {p: p.read_bytes() for p in (tmp_path / "previous").rglob("*") if p.is_file()} == before
    assert list(scratch.iterdir()) == []  # the folder in memory is removed once placed

    # a folder set that cannot be used is said, once; Pagefind writes into the site
    monkeypatch.setenv(search.SCRATCH_VARIABLE, str(tmp_path / "missing"))
    for number in range(2):
        index_folder(records, tmp_path / f"unusable{number}", tmp_path / "previous")
    said = capsys.readouterr().err
    assert said.count(f"{search.SCRATCH_VARIABLE}={tmp_path / 'missing'} is not a folder") == 1, said
    assert _fragments(tmp_path / "unusable1") == _fragments(bundle)

    # no room in memory, or MEMORIA_SEARCH_SCRATCH set empty: Pagefind writes into the site itself
    for setting, room in ((str(scratch), 1 << 62), ("", 0)):
        monkeypatch.setenv(search.SCRATCH_VARIABLE, setting)
        monkeypatch.setattr(search, "SCRATCH_ROOM", room)
        direct = tmp_path / f"direct{room}"
        index_folder(records, direct, tmp_path / "previous")
        assert _fragments(direct) == _fragments(bundle)
        assert not any(p.stat().st_nlink > 1 for p in direct.rglob("*") if p.is_file())
