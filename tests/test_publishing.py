"""What reaches readers: text normalised before pages, feeds and search see it (real builds)."""

from __future__ import annotations

import gzip
import unicodedata
from collections.abc import Callable
from pathlib import Path

from conftest import BuiltSite

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
