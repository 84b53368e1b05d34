"""Front matter parsing that keeps line numbers, because MkDocs drops YAML errors silently."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

# libyaml's parser when PyYAML has it: the pure-Python one took most of a 3,000-entry build's
# content loading (scripts/bench.py); both keep marks, so line numbers are the same.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """SafeLoader that leaves dates as strings so impossible dates become our own errors."""


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class FrontMatterError(ValueError):
    """The front matter block is missing, unterminated or not valid YAML."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class FrontMatter:
    """Front matter values with the source line of every key and list item."""

    values: dict[str, Any]
    body: str
    body_line: int
    lines: dict[tuple[str | int, ...], int] = field(default_factory=dict)

    def line_of(self, location: tuple[str | int, ...]) -> int:
        """Line of the most specific known node on the way to `location` (1 if none)."""
        for end in range(len(location), 0, -1):
            line = self.lines.get(tuple(location[:end]))
            if line is not None:
                return line
        return 1


def _collect_lines(
    node: yaml.Node, path: tuple[str | int, ...], offset: int, out: dict[tuple[str | int, ...], int]
) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            out[(*path, key)] = key_node.start_mark.line + offset
            _collect_lines(value_node, (*path, key), offset, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            out[(*path, index)] = item.start_mark.line + offset
            _collect_lines(item, (*path, index), offset, out)


def parse_front_matter(text: str) -> FrontMatter:
    """Split `---` front matter from the Markdown body, keeping 1-based file line numbers."""
    text = text.lstrip("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise FrontMatterError(1, "no front matter: the file must start with a line '---'")
    for end, line in enumerate(lines[1:], start=1):  # noqa: B007 - `end` is read after the loop
        if line.rstrip() in ("---", "..."):
            break
    else:
        raise FrontMatterError(1, "front matter is not closed: add a line '---' after the fields")
    source = "\n".join(lines[1:end])
    offset = 2  # file line of the first YAML line is 2; marks are 0-based
    try:
        loader = _StrictLoader(source)
        try:  # parse once: the node tree gives the lines, constructing it gives the values
            node = loader.get_single_node()
            values = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        error_line: int = mark.line + offset if mark else 1
        problem = error.problem or str(error)
        raise FrontMatterError(error_line, f"YAML syntax error: {problem}") from error
    except yaml.reader.ReaderError as error:  # a character YAML forbids, e.g. a control character
        error_line = source.count("\n", 0, error.position) + offset
        code = error.character if isinstance(error.character, int) else ord(error.character)
        raise FrontMatterError(
            error_line, f"control character U+{code:04X} is not allowed in front matter: delete it"
        ) from error
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise FrontMatterError(2, "front matter must be a mapping of 'field: value' lines")
    positions: dict[tuple[str | int, ...], int] = {}
    if node is not None:
        _collect_lines(node, (), offset, positions)
    body = "\n".join(lines[end + 1 :])
    return FrontMatter(values=values, body=body, body_line=end + 2, lines=positions)
