"""Where a project's content and media live, read from its mkdocs.yml without importing MkDocs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from memoria.addressing import Addressing, LanguagesError, languages_from_yaml
from memoria.messages import _


class ProjectError(Exception):
    """mkdocs.yml missing or unreadable; the message says how to point at the project."""


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml files that use `!!python/name:` or `!ENV` tags, keeping them as text."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_TolerantLoader.add_multi_constructor("", _any_tag)


@dataclass(frozen=True)
class Project:
    """The paths the mirror commands need."""

    config_file: Path
    docs_dir: Path
    media_dir: Path
    media_url: str | None
    future_dates: str = "hold"  # the plugin's setting: whether an entry dated after today waits
    timezone: str = "UTC"  # the plugin's setting: the archive's time zone (memoria.when.DEFAULT_TIME_ZONE)
    allow_embeds: object = None  # the memoria plugin's allow_embeds: as written (memoria.content_policy)
    media_store: str | None = None  # s3://bucket/prefix, or None for the bytes in media_dir
    # the site's languages (the i18n plugin's) and URL style
    addressing: Addressing = field(default_factory=Addressing)


def _memoria_options(config: dict[str, Any]) -> dict[str, Any]:
    for plugin in config.get("plugins") or []:
        if isinstance(plugin, dict) and "memoria" in plugin:
            return plugin["memoria"] or {}
    return {}


def load_project(
    config_file: Path | None = None,
    docs_dir: Path | None = None,
    media_dir: Path | None = None,
    media_store: str | None = None,
) -> Project:
    """Read mkdocs.yml (default: ./mkdocs.yml); explicit paths override what it says."""
    config_path = Path(config_file or "mkdocs.yml")
    config: dict[str, Any] = {}
    if config_path.is_file():
        try:
            loaded = yaml.load(config_path.read_text(encoding="utf-8"), Loader=_TolerantLoader)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 1 if mark else 1
            raise ProjectError(
                _("{path}:{line}: not valid YAML: fix the file").format(path=config_path, line=line)
            ) from None
        config = loaded if isinstance(loaded, dict) else {}
    elif docs_dir is None or media_dir is None:
        raise ProjectError(
            _(
                "{path}: not found: run in the project folder, or give --config PATH (or --docs-dir and --media-dir)"
            ).format(path=config_path)
        )
    base = config_path.resolve().parent
    options = _memoria_options(config)
    try:
        languages = languages_from_yaml(config, str(config_path))
    except LanguagesError as error:
        raise ProjectError(str(error)) from None
    store = media_store or options.get("media_store") or None
    if store and not str(store).startswith("s3://") and not media_dir:
        media_dir = base / str(store)  # a folder as the store: the bytes stay beside the manifests there
    return Project(
        config_file=config_path,
        docs_dir=Path(docs_dir) if docs_dir else base / str(config.get("docs_dir") or "docs"),
        media_dir=Path(media_dir) if media_dir else base / str(options.get("media_dir") or "media"),
        media_url=options.get("media_url"),
        future_dates=str(options.get("future_dates") or "hold"),
        timezone=str(options.get("timezone") or "UTC"),
        allow_embeds=options.get("allow_embeds"),
        media_store=str(store) if store and str(store).startswith("s3://") else None,
        addressing=Addressing(languages, config.get("use_directory_urls") is not False),
    )


def plugin_options(config_file: Path) -> dict[str, Any]:
    """The memoria plugin's settings written in `config_file`, over those of the files it INHERITs (MkDocs' rule).

    Read without importing MkDocs: a command must know the engine before it imports one.
    """
    chain: list[dict[str, Any]] = []
    path = Path(config_file)
    while path.is_file() and len(chain) < 10:
        try:
            loaded = yaml.load(path.read_text(encoding="utf-8"), Loader=_TolerantLoader)
        except yaml.YAMLError:
            break  # the engine itself reports the broken file, with its line
        config = loaded if isinstance(loaded, dict) else {}
        written = _memoria_options(config)
        chain.append(written if isinstance(written, dict) else {})
        if not config.get("INHERIT"):
            break
        path = path.parent / str(config["INHERIT"])
    options: dict[str, Any] = {}
    for written in reversed(chain):
        options.update(written)
    return options
