"""Every touch of static-i18n's internals goes through memoria.engine.i18n_bridge, which checks the version.

In-process, on the demo's real mkdocs.yml and static-i18n's real plugin object; another
version is simulated by passing its number, the only thing the guards look at.
"""

from __future__ import annotations

import gc
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import get_files
from mkdocs_static_i18n import suffix

from conftest import write_project
from memoria import cli
from memoria.engine import build as engine_build
from memoria.engine.build import BuildFailed, build_language
from memoria.engine.i18n_bridge import (
    KNOWN_VERSION,
    Language,
    StaticI18n,
    file_alternates,
    file_language,
    installed_version,
    replace_create_i18n_file,
)
from memoria.engine.localised_files import LocalisedFiles
from memoria.engine.plugin import MemoriaPlugin
from memoria.messages import UI_LANG_VARIABLE
from memoria.publication import BUILD_TIME_VARIABLE

OTHER_VERSION = "1.4.0"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # In-process builds: what they set in the environment and on MkDocs' logger is undone after.
    monkeypatch.setenv(BUILD_TIME_VARIABLE, "2026-11-29T12:00:00+00:00")
    monkeypatch.setenv(UI_LANG_VARIABLE, "en")
    logger = logging.getLogger("mkdocs")
    monkeypatch.setattr(logger, "handlers", list(logger.handlers))
    monkeypatch.setattr(logger, "level", logger.level)
    return write_project(tmp_path / "project", copy_demo=True)


def _config(project: Path, site_dir: str | None = None) -> MkDocsConfig:
    return load_config(str(project / "mkdocs.yml"), site_dir=site_dir)


def test_the_pinned_version_is_installed() -> None:
    """The guards compare with the version pyproject.toml pins; the tests below are about that one."""
    assert installed_version() == KNOWN_VERSION
    pinned = (Path(__file__).parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"mkdocs-static-i18n=={KNOWN_VERSION}"' in pinned


def test_reads_languages_and_state_of_the_configured_plugin(project: Path) -> None:
    i18n = StaticI18n.of(_config(project))
    assert i18n.enabled and i18n.refused is None
    assert i18n.languages() == [
        Language("en", default=True, build=True),
        Language("es", default=False, build=True),
    ]
    assert i18n.default_language() == "en"
    # Before static-i18n's on_config has chosen a language, the caller's default stands.
    assert i18n.current_language("en") == "en" and not i18n.nested_build()


def test_build_only_makes_static_i18n_build_one_language(project: Path) -> None:
    config = _config(project)
    i18n = StaticI18n.of(config)
    i18n.build_only("es")
    assert i18n.current_language("en") == "es" and i18n.nested_build()
    # static-i18n itself now starts at Spanish and builds no other language.
    plugin: Any = config.plugins["i18n"]
    plugin.on_config(config)
    assert plugin.current_language == "es" and plugin.building


def test_under_another_version_nothing_is_written_into_static_i18n(project: Path) -> None:
    config = _config(project)
    plugin: Any = config.plugins["i18n"]
    other = StaticI18n(plugin, OTHER_VERSION)
    assert other.refused is not None and OTHER_VERSION in other.refused and KNOWN_VERSION in other.refused
    with pytest.raises(ValueError, match=f"{OTHER_VERSION} is installed.*{KNOWN_VERSION}"):
        other.build_only("es")
    assert plugin.current_language is None and not plugin.building
    # Reading still works where the attributes are there.
    assert [lang.locale for lang in other.languages()] == ["en", "es"]

    original = suffix.create_i18n_file
    assert replace_create_i18n_file(lambda *args: args[0], OTHER_VERSION) is None
    assert not LocalisedFiles().install(OTHER_VERSION)
    assert suffix.create_i18n_file is original


def test_a_missing_attribute_is_a_clear_error(project: Path) -> None:
    """A static-i18n whose plugin lost an attribute Memoria reads: the message says what to install."""
    plugin: Any = _config(project).plugins["i18n"]
    del plugin.building
    with pytest.raises(PluginError) as caught:
        StaticI18n(plugin, OTHER_VERSION).nested_build()
    message = str(caught.value)
    assert "plugins: i18n:" in message and "'building'" in message and OTHER_VERSION in message
    assert f"mkdocs-static-i18n=={KNOWN_VERSION}" in message


def test_a_site_without_static_i18n(project: Path) -> None:
    config_file = project / "mkdocs.yml"
    text = config_file.read_text(encoding="utf-8")
    start = text.index("  - i18n:")
    after = re.compile(r"^(  - |\S)", re.MULTILINE).search(text, start + 1)  # the next plugin or option
    config_file.write_text(text[:start] + (text[after.start() :] if after else ""), encoding="utf-8")
    config = _config(project)
    assert "i18n" not in config.plugins
    i18n = StaticI18n.of(config)
    assert not i18n.enabled and i18n.refused is None
    assert i18n.languages() == [] and i18n.default_language() is None
    assert i18n.current_language("en") == "en" and not i18n.nested_build()


def test_file_language_and_alternates(project: Path) -> None:
    config = _config(project)
    file = next(f for f in get_files(config) if f.src_uri.endswith(".es.md"))
    assert file_language(file, "en") == "en" and file_alternates(file) == {}  # not localised yet
    localised = suffix.create_i18n_file(file, "es", "en", ["en", "es"], config)
    assert file_language(localised, "en") == "es"
    localised.alternates = {"es": localised}  # as static-i18n links them during on_files
    assert file_alternates(localised) == {"es": localised}


def test_memorias_own_channel_stops_search_indexing(project: Path, tmp_path: Path) -> None:
    """`single_language` on Memoria's plugin, not static-i18n's flag, tells it that the parent indexes search."""
    site = tmp_path / "site"
    config = _config(project, site_dir=str(site))
    memoria = next(p for p in config.plugins.values() if isinstance(p, MemoriaPlugin))
    memoria.single_language = "en"  # static-i18n left as is: it builds both languages, nested
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    assert (site / "index.html").is_file() and (site / "es" / "index.html").is_file()
    assert not (site / "pagefind").exists() and not (site / "es" / "pagefind").exists()


def test_one_language_process_builds_that_language_and_no_search(project: Path, tmp_path: Path) -> None:
    site, search = tmp_path / "es-site", tmp_path / "search"
    staged = build_language(str(project / "mkdocs.yml"), "es", str(site), False, str(search))
    assert staged.search_pages > 0 and (search / "es").is_dir()
    assert (site / "es" / "index.html").is_file() and not (site / "index.html").exists()
    assert not list(site.rglob("pagefind"))


def test_a_language_process_hands_the_cycle_collector_back_as_it_found_it(
    project: Path, tmp_path: Path
) -> None:
    """A cached build loads with the collector off (warm) and freezes what it loaded (cold and warm):
    an in-process build, as here, must leave the collector on and nothing frozen."""
    cache = tmp_path / "cache"
    for run in ("cold", "warm"):
        built = build_language(
            str(project / "mkdocs.yml"),
            "es",
            str(tmp_path / run),
            False,
            str(tmp_path / f"search-{run}"),
            cache_dir=str(cache),
        )
        assert built.warm == (run == "warm")
        assert gc.isenabled() and gc.get_freeze_count() == 0, run


def test_one_language_process_refuses_another_static_i18n(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("memoria.engine.i18n_bridge.installed_version", lambda: OTHER_VERSION)
    with pytest.raises(BuildFailed, match=f"'es' build: mkdocs-static-i18n {OTHER_VERSION}"):
        build_language(str(project / "mkdocs.yml"), "es", str(tmp_path / "s"), False, str(tmp_path / "q"))


def test_memoria_build_falls_back_to_one_process_under_another_static_i18n(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Graceful: the site is built as `mkdocs build` does, search included, and the log says why."""
    monkeypatch.setattr(engine_build, "installed_version", lambda: OTHER_VERSION)
    site = tmp_path / "site"
    assert cli.main(["build", "-f", str(project / "mkdocs.yml"), "-d", str(site)]) == 0
    err = capsys.readouterr().err
    assert f"mkdocs-static-i18n {OTHER_VERSION} is installed" in err and "building in one process" in err
    assert (site / "index.html").is_file() and (site / "es" / "index.html").is_file()
    assert (site / "pagefind").is_dir() and (site / "es" / "pagefind").is_dir()
