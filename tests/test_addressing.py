"""The addressing rule (memoria.addressing): source paths and URLs of pages in every language, and
the languages read from mkdocs.yml and checked against Memoria's texts. In-process and fast; one
test runs MkDocs and static-i18n's own file handling (no build) to hold the rule against them."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest
import yaml

from memoria.addressing import (
    MEMORIA_LANGUAGES,
    WITHOUT_I18N,
    Addressing,
    Languages,
    LanguagesError,
    LanguageSetting,
    check_languages,
    languages_from_yaml,
    page_source,
    split_language,
    with_language,
)
from memoria.catalog import load_catalog
from memoria.content import load_archive
from memoria.feeds import Feed
from memoria.i18n import LANGUAGES, MESSAGES
from memoria.messages import LOCALE_DIR
from memoria.project import ProjectError, load_project
from memoria.scaffold import ScaffoldError, counterpart_path
from memoria.status import translation_coverage

ROOT = Path(__file__).resolve().parent.parent
SITE = Addressing()  # en at /, es under /es/, directory URLs: the demo's

PRESS = """\
---
title: "Release {n}"
date: 2014-08-{day:02d}
summary: "Summary {n}."
---

Text {n}.
"""
PRESS_ES = """\
---
title: "Comunicado {n}"
summary: "Resumen {n}."
---

Texto {n}.
"""


def _i18n(*languages: str, default: str = "en") -> str:
    """The demo's mkdocs.yml with the i18n plugin's languages replaced."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "i18n" in plugin:
            plugin["i18n"]["languages"] = [
                {"locale": code, "name": code, "default": code == default, "build": True}
                for code in languages
            ]
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False)


# --- languages from configuration ---------------------------------------------------------


def test_the_demo_configures_memorias_languages() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    languages = languages_from_yaml(config)
    assert languages.codes == ("en", "es")
    assert languages.default == "en"
    assert languages.others == ("es",)
    assert languages.built_others == ("es",)


def test_the_languages_memoria_has_texts_for_are_its_tables_and_catalogs() -> None:
    """i18n.LANGUAGES (what configurations are checked against) is what the texts really cover:
    every page message in each, and a gettext catalog for each but the catalog's source (English)."""
    assert all(set(table) == set(LANGUAGES) for table in MESSAGES.values())
    catalogs = {
        folder.name for folder in LOCALE_DIR.iterdir() if (folder / "LC_MESSAGES" / "memoria.mo").is_file()
    }
    assert {MEMORIA_LANGUAGES.default, *catalogs} == set(LANGUAGES)
    assert MEMORIA_LANGUAGES.codes == LANGUAGES


def test_a_language_without_texts_is_refused_naming_the_file_and_field() -> None:
    settings = [LanguageSetting("en", default=True), LanguageSetting("es"), LanguageSetting("fr")]
    with pytest.raises(LanguagesError) as error:
        check_languages(settings, "site/mkdocs.yml")
    assert str(error.value) == (
        "site/mkdocs.yml: plugins: i18n: languages: locale: 'fr': Memoria has no texts in this language "
        "(it has en, es): remove it, or add its texts to Memoria (memoria/i18n.py and the catalog)"
    )


def test_another_default_language_is_refused() -> None:
    with pytest.raises(LanguagesError) as error:
        check_languages([LanguageSetting("en"), LanguageSetting("es", default=True)])
    assert str(error.value) == (
        "mkdocs.yml: plugins: i18n: languages: default: 'es' is the default language, but Memoria's "
        "default is 'en': mark 'en' as 'default: true'"
    )


@pytest.mark.parametrize("defaults", [(), ("en", "es")])
def test_exactly_one_default_language(defaults: tuple[str, ...]) -> None:
    settings = [LanguageSetting(code, default=code in defaults) for code in ("en", "es")]
    with pytest.raises(LanguagesError, match=rf"default: exactly one language .* \(found {len(defaults)}\)"):
        check_languages(settings)


def test_a_language_listed_twice_is_refused() -> None:
    with pytest.raises(LanguagesError, match="locale: 'es' is listed twice"):
        check_languages([LanguageSetting("en", default=True), LanguageSetting("es"), LanguageSetting("es")])


def test_the_switcher_only_pseudo_language_is_not_a_language() -> None:
    languages = check_languages(
        [LanguageSetting("en", default=True), LanguageSetting("null", build=False), LanguageSetting("es")]
    )
    assert languages.codes == ("en", "es")


def test_a_language_not_built_is_a_language_without_a_folder_to_index() -> None:
    languages = check_languages([LanguageSetting("en", default=True), LanguageSetting("es", build=False)])
    assert languages.others == ("es",)
    assert languages.built_others == ()


def test_a_site_of_one_language() -> None:
    languages = languages_from_yaml(yaml.safe_load(_i18n("en")))
    assert languages.codes == ("en",)
    assert languages.others == ()


def test_a_site_without_the_i18n_plugin_builds_the_default_only() -> None:
    assert languages_from_yaml({"plugins": ["memoria"]}) is WITHOUT_I18N
    assert WITHOUT_I18N.codes == LANGUAGES
    assert WITHOUT_I18N.built_others == ()


@pytest.mark.parametrize("languages", [None, "en", [{"locale": "en"}, "es"]])
def test_languages_that_are_not_a_list_of_mappings(languages: object) -> None:
    config = {"plugins": [{"i18n": {"languages": languages}}]}
    with pytest.raises(LanguagesError, match=r"mkdocs\.yml: plugins: i18n: languages: expected a list"):
        languages_from_yaml(config)


def test_the_commands_read_the_same_languages_from_mkdocs_yml(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(_i18n("en"), encoding="utf-8")
    project = load_project(tmp_path / "mkdocs.yml")
    assert project.addressing == Addressing(Languages(("en",), "en", ("en",)), use_directory_urls=True)
    (tmp_path / "mkdocs.yml").write_text(_i18n("en", "es", "fr"), encoding="utf-8")
    with pytest.raises(ProjectError, match=r"mkdocs.yml: plugins: i18n: languages: locale: 'fr'"):
        load_project(tmp_path / "mkdocs.yml")


def test_use_directory_urls_is_read_from_mkdocs_yml(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(_i18n("en", "es") + "use_directory_urls: false\n", encoding="utf-8")
    assert load_project(tmp_path / "mkdocs.yml").addressing.use_directory_urls is False


# --- source paths -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("norm", "lang", "source"),
    [
        ("press/2014/roundtable.md", "en", "press/2014/roundtable.en.md"),
        ("press/2014/roundtable.md", "es", "press/2014/roundtable.es.md"),
        ("recordings/ustream-51400296.md", "es", "recordings/ustream-51400296.es.md"),
        ("index.md", "es", "index.es.md"),
        ("press/index.md", "en", "press/index.en.md"),
        ("press/page/2/index.md", "es", "press/page/2/index.es.md"),
        (
            "topics/women-human-rights-defenders/index.md",
            "es",
            "topics/women-human-rights-defenders/index.es.md",
        ),
        ("feeds/index.md", "en", "feeds/index.en.md"),
        ("press/2014/v1.2.md", "es", "press/2014/v1.2.es.md"),
    ],
)
def test_source_path_and_back(norm: str, lang: str, source: str) -> None:
    assert SITE.source_uri(norm, lang) == source == with_language(norm, lang)
    assert SITE.language_of(source) == lang
    assert SITE.norm_uri(source) == norm


@pytest.mark.parametrize(
    "src_uri",
    [
        "press/2014/x.md",
        "press/2014/x.fr.md",
        "guide/index.md",
        "assets/logo.svg",
        "press/v1.2/x.md",
        "en.md",
    ],
)
def test_a_path_without_a_site_language_suffix_is_its_own_norm_uri(src_uri: str) -> None:
    assert SITE.language_of(src_uri) is None
    assert SITE.norm_uri(src_uri) == src_uri


def test_a_suffix_counts_only_for_the_sites_languages() -> None:
    english_only = Addressing(Languages(("en",), "en"))
    assert english_only.norm_uri("press/x.es.md") == "press/x.es.md"
    assert english_only.norm_uri("press/x.en.md") == "press/x.md"


def test_split_language_keeps_any_suffix_for_the_caller_to_judge() -> None:
    assert split_language("x.es.md") == ("x", "es")
    assert split_language("x.fr.md") == ("x", "fr")
    assert split_language("x.md") == ("x", None)
    assert split_language("v1.2.en.md") == ("v1.2", "en")


def test_an_untranslated_entry_is_read_from_the_default_languages_stand_in() -> None:
    assert page_source("press/2014/x.md", "es", translated=True) == "press/2014/x.es.md"
    assert page_source("press/2014/x.md", "es", translated=False) == "press/2014/x.en.md"
    assert page_source("press/2014/x.md", "en", translated=False) == "press/2014/x.en.md"


def test_entries_and_listings_answer_through_addressing(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "press" / "2014").mkdir(parents=True)
    (docs / "press" / "2014" / "one.en.md").write_text(PRESS.format(n=1, day=1), encoding="utf-8")
    (docs / "press" / "2014" / "two.en.md").write_text(PRESS.format(n=2, day=2), encoding="utf-8")
    (docs / "press" / "2014" / "two.es.md").write_text(PRESS_ES.format(n=2), encoding="utf-8")
    catalog = load_catalog(docs)
    one, two = sorted(catalog.section("press"), key=lambda entry: entry.id)
    assert (one.source_uri("es"), two.source_uri("es")) == ("press/2014/one.en.md", "press/2014/two.es.md")
    uris = {listing.uri: listing for listing in catalog.listings()}
    assert uris["press/2014/index.md"].source_uri("es") == "press/2014/index.es.md"
    assert uris["index.md"].source_uri("en") == "index.en.md"


# --- URLs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("norm", "lang", "directory", "flat"),
    [
        ("index.md", "en", "", "index.html"),
        ("index.md", "es", "es/", "es/index.html"),
        ("press/2014/x.md", "en", "press/2014/x/", "press/2014/x.html"),
        ("press/2014/x.md", "es", "es/press/2014/x/", "es/press/2014/x.html"),
        ("press/index.md", "es", "es/press/", "es/press/index.html"),
        ("press/page/2/index.md", "en", "press/page/2/", "press/page/2/index.html"),
        ("press/page/2/index.md", "es", "es/press/page/2/", "es/press/page/2/index.html"),
        ("countries/mx/index.md", "es", "es/countries/mx/", "es/countries/mx/index.html"),
    ],
)
def test_page_urls(norm: str, lang: str, directory: str, flat: str) -> None:
    assert Addressing(use_directory_urls=True).page_url(norm, lang) == directory
    assert Addressing(use_directory_urls=False).page_url(norm, lang) == flat


@pytest.mark.parametrize(
    ("site_url", "lang", "base", "home"),
    [
        ("https://archive.example.org/", "en", "https://archive.example.org/", "/"),
        ("https://archive.example.org/", "es", "https://archive.example.org/es/", "/es/"),
        ("https://archive.example.org", "es", "https://archive.example.org/es/", "/es/"),
        ("https://example.org/archive/", "en", "https://example.org/archive/", "/archive/"),
        ("https://example.org/archive/", "es", "https://example.org/archive/es/", "/archive/es/"),
    ],
)
def test_language_roots(site_url: str, lang: str, base: str, home: str) -> None:
    assert SITE.base_url(site_url, lang) == base
    assert SITE.home_path(site_url, lang) == home


def test_feed_urls_and_folders() -> None:
    feed = Feed(
        name="topic/tierra",
        lang="es",
        label="Tema: Tierra",
        short_label="Tierra",
        title="Tema: Tierra · Memoria",
        description="",
        listing_uri="topics/tierra/index.md",
        entries=(),
    )
    assert SITE.base_url("https://archive.example.org/", "es") + feed.path("atom") == (
        "https://archive.example.org/es/feeds/topic/tierra.atom.xml"
    )
    assert SITE.site_folder(Path("site"), "en") == Path("site")
    assert SITE.site_folder(Path("site"), "es") == Path("site/es")
    assert (SITE.folder("en"), SITE.folder("es")) == ("", "es")


# --- the rule against MkDocs and static-i18n themselves ------------------------------------


@pytest.mark.parametrize("use_directory_urls", [True, False])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_page_is_where_the_engine_puts_it(tmp_path: Path, use_directory_urls: bool, lang: str) -> None:
    """MkDocs' and static-i18n's own file handling (on_config, on_files; nothing is rendered) puts
    every entry, stand-in and generated listing, paginated ones included, at the URL addressing
    gives, and reads each entry page from the file addressing names (its own, or the default's)."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    from memoria.catalog import PAGE_SIZE

    project = tmp_path / "project"
    docs = project / "docs" / "press" / "2014"
    docs.mkdir(parents=True)
    for n in range(1, PAGE_SIZE + 2):  # two pages of press releases
        (docs / f"release-{n}.en.md").write_text(PRESS.format(n=n, day=1 + n % 28), encoding="utf-8")
    (docs / "release-1.es.md").write_text(PRESS_ES.format(n=1), encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        textwrap.dedent(f"""\
            site_name: Addresses
            site_url: https://archive.example.org/
            use_directory_urls: {str(use_directory_urls).lower()}
            plugins:
              - memoria
              - i18n:
                  docs_structure: suffix
                  reconfigure_material: false
                  reconfigure_search: false
                  languages:
                    - {{locale: en, name: English, default: true, build: true}}
                    - {{locale: es, name: Español, build: true}}
            """),
        encoding="utf-8",
    )
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    config = load_config(str(project / "mkdocs.yml"))
    # static-i18n starts with the language it is set to (as memoria build's per-language workers do)
    config.plugins["i18n"].current_language = lang
    config = config.plugins.on_config(config)
    files = config.plugins.on_files(get_files(config), config=config)
    memoria = config.plugins["memoria"]
    addressing = memoria.addressing
    assert addressing == Addressing(Languages(("en", "es"), "en", ("en", "es")), use_directory_urls)
    pages = {addressing.norm_uri(file.src_uri): file for file in files.documentation_pages()}
    assert {"press/page/2/index.md", "press/2014/release-2.md", "index.md"} <= pages.keys()
    for norm, file in pages.items():
        assert addressing.page_url(norm, lang) == file.url.removeprefix("./"), norm
        entry = memoria.entries.get(norm)
        if entry is not None:
            assert file.src_uri == entry.source_uri(lang), norm
        else:  # a generated page: in each language, from its own (announced) file
            assert file.src_uri == addressing.source_uri(norm, lang), norm
    assert pages["press/2014/release-2.md"].src_uri == "press/2014/release-2.en.md"  # a stand-in in Spanish
    assert len(pages) > PAGE_SIZE


def test_the_engine_refuses_a_language_without_texts(tmp_path: Path) -> None:
    from mkdocs.config import load_config
    from mkdocs.exceptions import PluginError

    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        textwrap.dedent("""\
            site_name: Addresses
            site_url: https://archive.example.org/
            plugins:
              - memoria
              - i18n:
                  languages:
                    - {locale: en, name: English, default: true}
                    - {locale: fr, name: Français}
            """),
        encoding="utf-8",
    )
    config = load_config(str(tmp_path / "mkdocs.yml"))
    with pytest.raises(PluginError) as error:
        config.plugins.on_config(config)
    assert str(error.value).startswith(
        "mkdocs.yml: plugins: i18n: languages: locale: 'fr': Memoria has no texts in this language"
    )


# --- the core's readers of the file tree follow the site's languages ----------------------


def test_a_one_language_site_reads_only_its_language(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "press" / "2014").mkdir(parents=True)
    (docs / "press" / "2014" / "one.en.md").write_text(PRESS.format(n=1, day=1), encoding="utf-8")
    (docs / "press" / "2014" / "one.es.md").write_text(PRESS_ES.format(n=1), encoding="utf-8")
    english = Languages(("en",), "en")
    loaded = load_archive(docs, languages=english)
    assert [p.message for p in loaded.problems] == [
        "file name must end in .en.md (got 'one.es.md'): rename it to 'one.en.md'"
    ]
    both = load_archive(docs)
    assert not both.problems and set(both.entries[0].sources) == {"en", "es"}
    coverage = {row.section: row for row in translation_coverage(docs, english)}["press"]
    assert coverage.as_dict() == {
        "section": "press",
        "total": 1,
        "translated": {"en": 1},
        "missing": {"en": []},
    }
    with pytest.raises(
        ScaffoldError, match="the site has one language \\(en\\): there is none to translate into"
    ):
        counterpart_path(docs / "press" / "2014" / "one.en.md", english)
    target, source, other = counterpart_path(docs / "press" / "2014" / "one.en.md")
    assert (target.name, source, other) == ("one.es.md", "en", "es")


def test_the_mirror_plans_from_the_sites_languages(tmp_path: Path) -> None:
    from memoria.mirror.plan import plan_recordings

    recordings = tmp_path / "docs" / "recordings"
    recordings.mkdir(parents=True)
    (recordings / "talk.en.md").write_text(
        "---\nid: talk\ntitle: Talk\nlanguage: es\nrecorded: 2014-08-25\n"
        "source_url: https://video.example.org/talk\n---\n",
        encoding="utf-8",
    )
    (recordings / "talk.es.md").write_text("---\ntitle: Charla\n---\n", encoding="utf-8")
    assert plan_recordings(tmp_path / "docs").broken == {}
    english = plan_recordings(tmp_path / "docs", languages=Languages(("en",), "en"))
    assert [target.id for target in english.targets] == ["talk"]
    assert list(english.broken) == ["talk"]
    assert "file name must end in .en.md (got 'talk.es.md')" in english.broken["talk"][0]


def test_memoria_status_and_check_read_the_languages_of_mkdocs_yml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from memoria.cli import main

    monkeypatch.setenv("MEMORIA_LANG", "en")
    docs = tmp_path / "docs" / "press" / "2014"
    docs.mkdir(parents=True)
    (docs / "one.en.md").write_text(PRESS.format(n=1, day=1), encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(_i18n("en"), encoding="utf-8")
    config = str(tmp_path / "mkdocs.yml")
    assert main(["status", "--json", "--config", config]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["translations"][0]["translated"] == {"en": 1}
    new = ["new", "press", "--config", config, "--title", "Two", "--date", "2014-01-02", "--summary", "S."]
    assert main([*new, "--lang", "es"]) == 1
    assert "lang: unknown language 'es' — use one of en" in capsys.readouterr().err
    assert main(new) == 0
    assert (docs / "two.en.md").is_file()
    (tmp_path / "mkdocs.yml").write_text(_i18n("en", "es", default="es"), encoding="utf-8")
    for argv in (
        ["status", "--config", config],
        ["check", "--config", config],
        ["new", "press", "--config", config, "--title", "T", "--date", "2014-01-01"],
    ):
        assert main(argv) == 2, argv
        assert "mkdocs.yml: plugins: i18n: languages: default: 'es' is the default language" in (
            capsys.readouterr().err
        )


def test_a_file_without_a_language_is_named_as_before_in_both_languages(tmp_path: Path) -> None:
    """The message now lists the site's languages; for Memoria's two it reads exactly as it did."""
    from memoria import messages

    docs = tmp_path / "docs"
    (docs / "press" / "2014").mkdir(parents=True)
    (docs / "press" / "2014" / "plain.md").write_text(PRESS.format(n=1, day=1), encoding="utf-8")
    assert [p.message for p in load_archive(docs).problems] == [
        "file name must end in .en.md or .es.md (got 'plain.md'): rename it to 'plain.en.md'"
    ]
    try:
        messages.install("es")
        assert [p.message for p in load_archive(docs).problems] == [
            "el nombre del archivo debe terminar en .en.md o .es.md (es 'plain.md'): cámbielo a 'plain.en.md'"
        ]
    finally:
        messages.install("en")
