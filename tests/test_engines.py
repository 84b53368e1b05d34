"""ProperDocs, the second engine: `memoria build`, `memoria serve` and the offline copy make the same
site under it as under MkDocs, apart from the generator tag (src/memoria/engine/engines.py)."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from conftest import write_project
from memoria.engine.engines import ENGINE_VARIABLE, EngineError, choose
from memoria.offline import make_offline_copy
from sitediff import differences
from test_serve import START_DEADLINE_SECONDS, _free_port, _get, _wait_until

MEMORIA = [sys.executable, "-m", "memoria.cli"]
BUILD_TIME = {"MEMORIA_BUILD_TIME": "2026-11-29T12:00:00+00:00"}
GENERATORS = {"mkdocs": "mkdocs-1.6.1", "properdocs": "ProperDocs 1.6.7"}


def _memoria(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MEMORIA, *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **BUILD_TIME, **env},
    )


def _generator(site: Path) -> str:
    page = (site / "index.html").read_text(encoding="utf-8")
    return page.split('<meta name="generator" content="', 1)[1].split('"', 1)[0]


def _generators(site: Path) -> set[str]:
    """The generator tag of every page: one engine, even for pages the build cache kept."""
    found = set()
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if '<meta name="generator" content="' in text:
            found.add(text.split('<meta name="generator" content="', 1)[1].split('"', 1)[0])
    return found


def _with_plugin_options(project: Path, options: str) -> None:
    """Add settings to the memoria plugin in `project`'s mkdocs.yml."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  - memoria:\n" in text
    config.write_text(text.replace("  - memoria:\n", f"  - memoria:\n{options}", 1), encoding="utf-8")


def test_the_plugin_is_registered_for_both_engines() -> None:
    for group in ("mkdocs.plugins", "properdocs.plugins"):
        found = {ep.name: ep.value for ep in importlib.metadata.entry_points(group=group)}
        assert found.get("memoria") == "memoria.engine.plugin:MemoriaPlugin", group


def test_the_engine_is_the_option_else_the_variable_else_the_setting_else_mkdocs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENGINE_VARIABLE, raising=False)
    plain = tmp_path / "plain.yml"
    plain.write_text("site_name: x\nplugins:\n  - memoria\n", encoding="utf-8")
    chosen = tmp_path / "chosen.yml"
    chosen.write_text("site_name: x\nplugins:\n  - memoria:\n      engine: properdocs\n", encoding="utf-8")
    # An override that INHERITs the site's file (as the offline copy's does) keeps its choice.
    inheriting = tmp_path / "inheriting.yml"
    inheriting.write_text("INHERIT: chosen.yml\nuse_directory_urls: false\n", encoding="utf-8")

    assert choose(None, plain) == "mkdocs"
    assert choose(None, tmp_path / "missing.yml") == "mkdocs"
    assert choose(None, chosen) == "properdocs"
    assert choose(None, inheriting) == "properdocs"
    assert choose("mkdocs", chosen) == "mkdocs"
    monkeypatch.setenv(ENGINE_VARIABLE, "mkdocs")
    assert choose(None, chosen) == "mkdocs"
    assert choose("properdocs", plain) == "properdocs"


def test_an_unknown_engine_names_where_it_was_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENGINE_VARIABLE, raising=False)
    config = tmp_path / "mkdocs.yml"
    config.write_text("plugins:\n  - memoria:\n      engine: hugo\n", encoding="utf-8")
    with pytest.raises(EngineError, match=r"mkdocs\.yml: plugins: memoria: engine: 'hugo' is not an engine"):
        choose(None, config)
    monkeypatch.setenv(ENGINE_VARIABLE, "zensical")
    with pytest.raises(
        EngineError, match=r"^MEMORIA_ENGINE: 'zensical' is not an engine .* mkdocs or properdocs"
    ):
        choose(None, config)


@pytest.mark.slow
def test_memoria_build_names_an_unknown_engine_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENGINE_VARIABLE, raising=False)
    (tmp_path / "mkdocs.yml").write_text("plugins:\n  - memoria:\n      engine: hugo\n", encoding="utf-8")
    result = _memoria(tmp_path, "build")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"memoria build: error: {Path('mkdocs.yml')}: plugins: memoria: engine: 'hugo' is not an engine "
        "Memoria runs on: write mkdocs or properdocs"
    ]


@pytest.mark.slow
def test_properdocs_takes_every_mkdocs_import_of_its_process_and_never_shares_it() -> None:
    script = textwrap.dedent("""
        import logging, sys
        from memoria.engine.engines import EngineError, activate, active
        assert active() is None
        activate("properdocs")
        import material.plugins.search.plugin, mkdocs.plugins, mkdocs_static_i18n.plugin, properdocs.plugins
        from memoria.engine.plugin import MemoriaPlugin
        assert sys.modules["mkdocs"] is sys.modules["properdocs"]
        import properdocs.commands.build, properdocs.utils
        # static-i18n runs the other languages' builds itself: with ProperDocs' build.
        assert mkdocs_static_i18n.plugin.build is properdocs.commands.build.build
        for plugin in (MemoriaPlugin, mkdocs_static_i18n.plugin.I18n, material.plugins.search.plugin.SearchPlugin):
            assert issubclass(plugin, properdocs.plugins.BasePlugin), plugin
        # Material's loggers are named mkdocs.*: ProperDocs' --strict counts on its own logger.
        counter = properdocs.utils.CountHandler()
        counter.setLevel(logging.WARNING)
        logging.getLogger("properdocs").addHandler(counter)
        logging.getLogger("mkdocs.material.search").warning("a warning from Material")
        assert counter.get_counts() == [("WARNING", 1)], counter.get_counts()
        try:
            activate("mkdocs")
        except EngineError as error:
            print(error)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "this process has already loaded properdocs; mkdocs must be chosen before it\n"

    script = "import mkdocs.config\nfrom memoria.engine.engines import activate\nactivate('properdocs')\n"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "EngineError: this process has already loaded mkdocs; properdocs must be chosen before it" in (
        result.stderr
    )


@pytest.mark.slow
def test_the_demo_is_the_same_site_under_both_engines(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project", copy_demo=True)
    sites = {
        "mkdocs": tmp_path / "mkdocs-site",
        "properdocs": tmp_path / "properdocs-site",
        "mkdocs --serial": tmp_path / "mkdocs-serial-site",
        "properdocs --serial": tmp_path / "properdocs-serial-site",
    }
    for name, site in sites.items():
        engine, *options = name.split()
        result = _memoria(project, "build", "--strict", "--engine", engine, *options, "-d", str(site))
        assert result.returncode == 0, result.stderr
        assert "WARNING" not in result.stderr, result.stderr
        assert GENERATORS[engine] in _generator(site)
        # the builds share the project's build cache: no page rendered by the other engine is kept
        assert len(_generators(site)) == 1, _generators(site)
    # Both languages, every kind of entry, listings and feeds, and the search pages.
    for page in ("es/index.html", "press/index.html", "es/events/index.html", "recordings/index.html"):
        assert (sites["properdocs"] / page).is_file(), page
    assert (sites["properdocs"] / "es/feeds/all.rss.xml").is_file()
    assert (sites["properdocs"] / "pagefind").is_dir() and (sites["properdocs"] / "es/pagefind").is_dir()
    assert differences(sites["mkdocs"], sites["properdocs"]) == []
    # One process, as the engines' own `build` (its 404 pages differ from the parallel build's:
    # static-i18n gives them the alternates of the last page it rendered).
    assert differences(sites["mkdocs --serial"], sites["properdocs --serial"]) == []


@pytest.mark.slow
def test_language_processes_started_afresh_load_the_engine_they_are_given(tmp_path: Path) -> None:
    """Where language processes are spawned, not forked (macOS, Windows), each loads the engine itself."""
    project = write_project(tmp_path / "project", copy_demo=True)
    script = textwrap.dedent(f"""
        import sys
        import memoria.commands.build
        from memoria.cli import main
        memoria.commands.build.START_METHOD = "spawn"
        sys.exit(main(["build", "--strict", "--engine", "properdocs", "-d", {str(tmp_path / "site")!r}]))
    """)
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **BUILD_TIME},
    )
    assert result.returncode == 0, result.stderr
    assert "en, es built" in result.stderr, result.stderr
    for lang in ("", "es"):  # each language's pages were rendered by its own spawned process
        assert GENERATORS["properdocs"] in _generator(tmp_path / "site" / lang)


@pytest.mark.slow
def test_strict_stops_a_properdocs_build_on_a_plugin_warning(tmp_path: Path) -> None:
    engine = "properdocs"
    project = write_project(tmp_path / "project", copy_demo=True)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("\nstrict: true\n", "\n"), encoding="utf-8")
    _with_plugin_options(project, "      content_policy: false\n")
    result = _memoria(project, "build", "--strict", "--engine", engine)
    assert result.returncode == 1
    assert "WARNING -  memoria: content_policy: false" in result.stderr, result.stderr
    assert "Aborted with 1 warnings in strict mode" in result.stderr, result.stderr
    assert not (project / "site").exists()
    result = _memoria(project, "build", "--engine", engine)
    assert result.returncode == 0, result.stderr
    assert "WARNING -  memoria: content_policy: false" in result.stderr, result.stderr
    assert GENERATORS[engine] in _generator(project / "site")


@pytest.mark.slow
def test_the_offline_copy_is_the_same_under_the_engine_the_site_chose(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project", copy_demo=True)
    make_offline_copy(project / "mkdocs.yml", tmp_path / "mkdocs.zip")
    _with_plugin_options(project, "      engine: properdocs\n")
    make_offline_copy(project / "mkdocs.yml", tmp_path / "properdocs.zip")
    for name in ("mkdocs", "properdocs"):
        with zipfile.ZipFile(tmp_path / f"{name}.zip") as archive:
            archive.extractall(tmp_path / name)
        assert GENERATORS[name] in _generator(tmp_path / name / "memoria-offline")
    assert differences(tmp_path / "mkdocs/memoria-offline", tmp_path / "properdocs/memoria-offline") == []


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["mkdocs", "properdocs"])
def test_memoria_serve_previews_an_edit_under_each_engine(tmp_path: Path, engine: str) -> None:
    project = write_project(tmp_path / "project", copy_demo=True)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    temporary = tmp_path / "tmp"  # where the engine keeps its copy of the site while serving
    temporary.mkdir()
    with (tmp_path / "serve.log").open("w") as log:
        process = subprocess.Popen(
            [*MEMORIA, "serve", "--engine", engine, "-a", f"127.0.0.1:{port}"],
            cwd=project,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "TMPDIR": str(temporary)},
        )
        try:
            _wait_until(lambda: "Early warning networks" in _get(f"{base}/"), START_DEADLINE_SECONDS)
            assert GENERATORS[engine] in _get(f"{base}/")
            entry = project / "docs/press/2014/protect-women-defenders-mesoamerica.es.md"
            entry.write_text(
                entry.read_text(encoding="utf-8").replace(
                    "fortalecer la protección", "reforzar la protección"
                ),
                encoding="utf-8",
            )
            pages = [
                f"{base}/es/press/2014/protect-women-defenders-mesoamerica/",
                f"{base}/es/feeds/press.rss.xml",
            ]
            _wait_until(lambda: all("reforzar la protección" in _get(url) for url in pages), 20.0)
        finally:
            process.terminate()
            process.wait(timeout=20)
    output = (tmp_path / "serve.log").read_text(encoding="utf-8")
    # The preview's own options: only the pages an edit changes are built again.
    assert "dirty" in output.lower(), output
    # Stopped (SIGTERM reaches the engine itself), it leaves no temporary site behind.
    assert process.returncode == 0, output
    assert list(temporary.iterdir()) == [], output
