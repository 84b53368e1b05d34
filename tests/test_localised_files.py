"""The preview's remembered static-i18n files equal what static-i18n makes, and are never shared."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import load_config
from mkdocs.structure.files import get_files
from mkdocs_static_i18n import suffix

from conftest import write_project
from memoria.engine.localised_files import LocalisedFiles


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
