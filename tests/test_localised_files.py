"""The preview's remembered static-i18n files, and its choice of each language's files, equal what static-i18n makes, and are never shared."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import load_config
from mkdocs.structure.files import File, Files, get_files
from mkdocs_static_i18n import reconfigure, suffix

from conftest import write_project
from memoria.engine.localised_files import ChosenFiles, LocalisedFiles


def _attributes(file: object) -> dict[str, object]:
    return {k: v for k, v in vars(file).items() if k != "alternates"}


def test_remembered_files_equal_static_i18n_and_are_fresh_copies(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project", copy_demo=True)
    config = load_config(str(project / "mkdocs.yml"))
    original = suffix.create_i18n_file
    remembered = LocalisedFiles()
    assert remembered.install() and suffix.create_i18n_file == remembered.create
    try:
        for lang in ("en", "es"):
            for file in get_files(config):
                made = original(file, lang, "en", ["en", "es"], config)
                first = suffix.create_i18n_file(file, lang, "en", ["en", "es"], config)
                first.alternates["xx"] = first  # a build adds alternates and pages to its Files
                first.page = object()
                again = suffix.create_i18n_file(file, lang, "en", ["en", "es"], config)
                assert _attributes(first) == {**_attributes(made), "page": first.page}
                assert again is not first and _attributes(again) == _attributes(made)
                assert again.alternates == {lang: again}
        assert len(remembered.made) == 2 * len(get_files(config))
    finally:
        remembered.uninstall()
    assert suffix.create_i18n_file is original


def test_files_kept_by_the_build_cache_equal_static_i18n_for_another_site_dir(tmp_path: Path) -> None:
    """`memoria build` keeps them between builds (pickled), and each build stages a site_dir of its own."""
    import pickle

    project = write_project(tmp_path / "project", copy_demo=True)
    first_build = load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "staging-1"))
    next_build = load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "staging-2"))
    original = suffix.create_i18n_file
    earlier = LocalisedFiles()
    assert earlier.install()
    try:
        for file in get_files(first_build):
            suffix.create_i18n_file(file, "es", "en", ["en", "es"], first_build)
        kept = pickle.loads(pickle.dumps(earlier.made))
    finally:
        earlier.uninstall()
    keys = set(kept)
    remembered = LocalisedFiles(kept)
    assert remembered.install()
    try:
        for file in get_files(next_build):
            made = original(file, "es", "en", ["en", "es"], next_build)
            again = suffix.create_i18n_file(file, "es", "en", ["en", "es"], next_build)
            assert _attributes(again) == _attributes(made)
            assert again.abs_dest_path.startswith(str(tmp_path / "staging-2"))
    finally:
        remembered.uninstall()
    assert remembered.added == 0 and remembered.used == keys


#: What a build reads of a File (some computed when first read: compared as read)
_READ = (
    "src_uri",
    "src_dir",
    "dest_dir",
    "use_directory_urls",
    "inclusion",
    "abs_src_path",
    "dest_uri",
    "url",
)
_READ += (
    "abs_dest_path",
    "name",
    "generated_by",
    "locale",
    "localization",
    "norm_src_uri",
    "locale_alternate_of",
)


def _read(file: File) -> tuple[object, ...]:
    return (type(file), *(getattr(file, name, None) for name in _READ))


def _chosen(files: Files) -> list[tuple[tuple[object, ...], dict[str, tuple[tuple[object, ...], bool]]]]:
    """What a build reads of a language's Files: each File, in order, and its alternates (True: itself)."""
    return [
        (
            _read(file),
            {lang: (_read(other), other is file) for lang, other in getattr(file, "alternates", {}).items()},
        )
        for file in files
    ]


def _inputs(config: object) -> Files:
    """What MkDocs hands static-i18n: docs_dir's files and the theme's."""
    files = get_files(config)  # type: ignore[arg-type]
    files.add_files_from_theme(config.theme.get_env(), config)  # type: ignore[attr-defined]
    return files


def test_files_chosen_again_equal_static_i18n_and_are_fresh_copies(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project", copy_demo=True)
    config = load_config(str(project / "mkdocs.yml"))
    i18n = config.plugins["i18n"]
    original = reconfigure.ExtendedPlugin.reconfigure_files
    chosen = ChosenFiles()
    assert chosen.install() and reconfigure.ExtendedPlugin.reconfigure_files is not original
    try:
        for number, lang in enumerate(("en", "es"), start=1):
            i18n.current_language = lang
            made = _chosen(original(i18n, _inputs(config), config))
            first = i18n.reconfigure_files(_inputs(config), config)
            assert _chosen(first) == made
            earlier: list[Files] = [first]
            for again_number in range(2):
                for file in earlier[-1]:  # a build gives its Files pages and content, static-i18n alternates
                    file.page = object()
                    file.alternates = {**getattr(file, "alternates", {}), "xx": file}
                    file.abs_src_path = str(tmp_path / "elsewhere")
                    for other in file.alternates.values():
                        other.abs_src_path = str(tmp_path / "elsewhere")
                inputs = _inputs(config)
                again = i18n.reconfigure_files(inputs, config)
                assert chosen.reused == 2 * (number - 1) + again_number + 1
                assert type(again) is type(first) and _chosen(again) == made
                held = {id(f) for files in earlier for f in files}
                held |= {
                    id(a) for files in earlier for f in files for a in getattr(f, "alternates", {}).values()
                }
                assert not any(id(f) in held for f in again if hasattr(f, "locale"))
                assert not any(id(a) in held for f in again for a in getattr(f, "alternates", {}).values())
                passed_through = [f for f in again if not hasattr(f, "locale")]  # the theme's files
                assert passed_through and all(any(f is i for i in inputs) for f in passed_through)
                earlier.append(again)
        # A file added, a translation removed: static-i18n chooses again.
        (project / "docs/press/2015/added.en.md").write_text("---\ntitle: Added\n---\n", encoding="utf-8")
        next(project.glob("docs/press/*/*.es.md")).unlink()
        for lang in ("en", "es"):
            i18n.current_language = lang
            made = _chosen(original(i18n, _inputs(config), config))
            now = i18n.reconfigure_files(_inputs(config), config)
            assert _chosen(now) == made and any(f.src_uri == "press/2015/added.en.md" for f in now)
        assert chosen.reused == 4  # none of these
    finally:
        chosen.uninstall()
    assert reconfigure.ExtendedPlugin.reconfigure_files is original


def test_files_are_chosen_again_when_a_language_setting_changes(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project", copy_demo=True)
    config = load_config(str(project / "mkdocs.yml"))
    i18n = config.plugins["i18n"]
    chosen = ChosenFiles()
    assert chosen.install()
    try:
        i18n.current_language = "es"
        with_fallback = i18n.reconfigure_files(_inputs(config), config)
        i18n.config.fallback_to_default = False
        without = i18n.reconfigure_files(_inputs(config), config)
        assert chosen.reused == 0
        assert len([f for f in without if isinstance(f, File) and f.is_documentation_page()]) < len(
            [f for f in with_fallback if f.is_documentation_page()]
        )
    finally:
        chosen.uninstall()
