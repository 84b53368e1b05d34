"""Front matter parsing that keeps line numbers, because MkDocs drops YAML errors silently."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

# libyaml's parser when PyYAML has it: the pure-Python one took most of a 3,000-entry build's
# content loading (scripts/bench.py); both keep marks, so line numbers are the same.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# SafeLoader's implicit types without timestamps, so impossible dates become our own errors.
_IMPLICIT_RESOLVERS = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _StrictLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """SafeLoader that leaves dates as strings so impossible dates become our own errors."""

    yaml_implicit_resolvers = _IMPLICIT_RESOLVERS


class FrontMatterError(ValueError):
    """The front matter block is missing, unterminated or not valid YAML."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


Location = tuple[str | int, ...]


@dataclass(frozen=True)
class FrontMatter:
    """Front matter values with the source line of every key and list item."""

    values: dict[str, Any]
    body: str
    body_line: int
    lines: dict[Location, int] = field(default_factory=dict)

    def line_of(self, location: Location) -> int:
        """Line of the most specific known node on the way to `location` (1 if none)."""
        for end in range(len(location), 0, -1):
            line = self.lines.get(tuple(location[:end]))
            if line is not None:
                return line
        return 1


def parse_front_matter(text: str) -> FrontMatter:
    """Split `---` front matter from the Markdown body, keeping 1-based file line numbers."""
    text = text.lstrip("\ufeff")
    # Only the front matter is cut into lines; the body, most of the file, is sliced off whole.
    stop = text.find("\n")
    if (text if stop < 0 else text[:stop]).rstrip() != "---":
        raise FrontMatterError(1, "no front matter: the file must start with a line '---'")
    source: list[str] = []
    while True:
        if stop < 0:
            raise FrontMatterError(1, "front matter is not closed: add a line '---' after the fields")
        start, stop = stop + 1, text.find("\n", stop + 1)
        line = text[start:] if stop < 0 else text[start:stop]
        if line.rstrip() in ("---", "..."):
            break
        source.append(line)
    body = "" if stop < 0 else text[stop + 1 :]
    offset = 2  # file line of the first YAML line is 2; marks are 0-based
    read = _read_simple(source, offset)
    values, positions = read if read is not None else _read_yaml("\n".join(source), offset)
    return FrontMatter(values=values, body=body, body_line=len(source) + 3, lines=positions)


def _read_yaml(source: str, offset: int) -> tuple[dict[str, Any], dict[Location, int]]:
    """Any YAML, with libyaml: values, and the line of every key and list item from its nodes."""
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
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise FrontMatterError(2, "front matter must be a mapping of 'field: value' lines")
    positions: dict[Location, int] = {}
    if node is not None:
        _collect_lines(node, (), offset, positions)
    return values, positions


def _collect_lines(node: yaml.Node, path: Location, offset: int, out: dict[Location, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            out[(*path, key)] = key_node.start_mark.line + offset
            _collect_lines(value_node, (*path, key), offset, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            out[(*path, index)] = item.start_mark.line + offset
            _collect_lines(item, (*path, index), offset, out)


# --- the common case without libyaml --------------------------------------------------------
#
# Front matter is nearly always `key: value` rows, `- item` lists (of scalars or of small
# mappings), `[a, b]` and `>-` text; reading it through libyaml's node tree was half the CPU
# time of loading a 3,000-entry archive. `_read_simple` reads that subset row by row and gives
# up (None) at anything else: comments, blank rows, tabs, anchors, tags, escapes, deeper
# nesting, other block styles, repeated keys. libyaml then reads the block, so anything outside
# the subset, errors included, reads as before. Types come from the loader's own resolver.

_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]{0,99}):(?: +(.+))?")  # `key:` or `key: value`
_ITEM = re.compile(r"( *)- +(.+)")  # `- value`, any indentation
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")  # characters that cannot start a plain scalar
# Tabs, carriage returns, YAML's other line breaks, a byte-order mark, and what libyaml refuses.
_UNUSUAL = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_STR = "tag:yaml.org,2002:str"
_SCALAR_TAGS = frozenset(f"tag:yaml.org,2002:{kind}" for kind in ("null", "bool", "int", "float", "str"))
# The first characters an implicit type may claim (SafeLoader has no catch-all resolver).
_MAYBE_TYPED = frozenset(_IMPLICIT_RESOLVERS)


class _StrictResolver(yaml.resolver.Resolver):
    """The loader's resolver on its own, for plain scalars read without libyaml."""

    yaml_implicit_resolvers = _IMPLICIT_RESOLVERS


_RESOLVER = _StrictResolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


class _NotSimple(Exception):
    """The block leaves the simple subset: libyaml reads it instead."""


def _read_simple(lines: list[str], offset: int) -> tuple[dict[str, Any], dict[Location, int]] | None:
    """Values and lines of a block in the simple subset, or None when it leaves the subset."""
    if _UNUSUAL.search("\n".join(lines)):
        return None
    reader = _LineReader(lines, offset)
    try:
        values, index = reader.mapping(0, 0, ())
    except _NotSimple:
        return None
    return (values, reader.positions) if index == len(lines) else None


class _LineReader:
    """The simple subset, row by row; each method reads from a row index and returns the index after."""

    def __init__(self, lines: list[str], offset: int) -> None:
        self.lines = lines
        self.rows = [line.rstrip(" ") for line in lines]
        self.offset = offset
        self.positions: dict[Location, int] = {}

    def mapping(
        self, index: int, column: int, path: Location, after_dash: bool = False
    ) -> tuple[dict[str, Any], int]:
        """`key: value` rows at `column`; `after_dash`: a list item's, its first key after the dash."""
        rows = self.rows
        margin = " " * column
        mapping: dict[str, Any] = {}
        while index < len(rows):
            row = rows[index]
            match = _KEY.fullmatch(row, column)
            if match is None or not (row.startswith(margin) or (after_dash and not mapping)):
                indent = _indent(row)
                if indent < column or (indent == column and row.startswith("- ", indent)):
                    break  # a row of the enclosing list or mapping
                raise _NotSimple
            key, text = match.groups()
            if key in mapping or not _is_string_key(key):
                raise _NotSimple  # a repeated key, or a key YAML reads as true, null, ...
            self.positions[(*path, key)] = index + self.offset
            index += 1
            if text is not None:
                mapping[key], index = self.value(text, index, column, (*path, key))
            elif column == 0 and index < len(rows) and (item := _ITEM.fullmatch(rows[index])):
                # a list under a top-level key; lists deeper down are libyaml's
                mapping[key], index = self.list(index, len(item[1]), (*path, key))
            else:
                mapping[key] = _plain("")
        return mapping, index

    def list(self, index: int, column: int, path: Location) -> tuple[list[Any], int]:
        """`- item` rows with the dash at `column`."""
        rows = self.rows
        items: list[Any] = []
        while index < len(rows) and (item := _ITEM.fullmatch(rows[index])) and len(item[1]) == column:
            location = (*path, len(items))
            self.positions[location] = index + self.offset
            text = item[2]
            if _KEY.fullmatch(text):  # `- key: value`: a mapping, its keys aligned after the dash
                mapping, index = self.mapping(index, item.start(2), location, after_dash=True)
                items.append(mapping)
            elif text[0] == "[":
                raise _NotSimple
            else:
                value, index = self.value(text, index + 1, None, location)
                items.append(value)
        return items, index

    def value(self, text: str, index: int, column: int | None, path: Location) -> tuple[Any, int]:
        """The value `text` from the row before `index`, with the rows it continues on (those
        more indented than `column`, its key's; none if None)."""
        if text[0] in "'\"":
            return _quoted(text), index
        if text[0] == "[":
            items = _flow_list(text)
            for number in range(len(items)):
                self.positions[(*path, number)] = index - 1 + self.offset
            return items, index
        if text in (">-", "|-") and column is not None:
            return self.block(text, index, column)
        if text[0] in _INDICATORS or not _plain_text(text):
            raise _NotSimple
        parts = [text]
        if column is not None:  # a key's value goes on in the rows indented past the key
            deeper = " " * (column + 1)
            while index < len(self.rows) and self.rows[index].startswith(deeper):
                part = self.rows[index].lstrip(" ")
                if part[0] in _INDICATORS or not _plain_text(part):
                    raise _NotSimple
                parts.append(part)
                index += 1
        return _plain(" ".join(parts)), index  # YAML folds a plain scalar's rows with spaces

    def block(self, style: str, index: int, column: int) -> tuple[str, int]:
        """`>-` (folded) or `|-` (literal) text, its rows all at one indentation and without
        trailing spaces: rows joined with spaces or line breaks, no final line break."""
        end = index
        while end < len(self.rows) and _indent(self.rows[end]) > column:
            end += 1
        rows = self.rows[index:end]
        margin = _indent(rows[0]) if rows else 0
        if not rows or any(_indent(row) != margin for row in rows) or rows != self.lines[index:end]:
            raise _NotSimple  # empty, more or less indented rows, trailing spaces: YAML keeps them
        return (" " if style == ">-" else "\n").join(row[margin:] for row in rows), end


@lru_cache(maxsize=1024)
def _is_string_key(key: str) -> bool:
    """Whether YAML reads the key as the string it spells (not true, null, ...); few keys recur."""
    return _plain(key) is key


def _indent(row: str) -> int:
    return len(row) - len(row.lstrip(" "))


def _plain_text(text: str) -> bool:
    """Whether a plain scalar's row holds no comment and no `key: value` of its own."""
    return "#" not in text and ": " not in text and not text.endswith(":")


def _quoted(text: str) -> str:
    """A one-line quoted scalar: 'single' with '' for a quote, or "double" without escapes."""
    quote, inner = text[0], text[1:-1]
    if len(text) < 2 or text[-1] != quote:
        raise _NotSimple
    if quote == "'" and "'" not in inner.replace("''", ""):
        return inner.replace("''", "'")
    if quote == '"' and '"' not in inner and "\\" not in inner:
        return inner
    raise _NotSimple


def _flow_list(text: str) -> list[Any]:
    """`[a, b]` of plain scalars on one row."""
    inner = text[1:-1]
    if text[-1] != "]" or any(character in inner for character in "[]{}#'\":"):
        raise _NotSimple
    if not inner.strip(" "):
        return []
    items = []
    for part in inner.split(","):
        part = part.strip(" ")
        if not part or part[0] in _INDICATORS:
            raise _NotSimple
        items.append(_plain(part))
    return items


def _plain(text: str) -> Any:
    """The value the loader gives the plain scalar `text`: its resolver picks the type."""
    if text[:1] not in _MAYBE_TYPED:
        return text
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
    if tag == _STR:
        return text
    if tag not in _SCALAR_TAGS:
        raise _NotSimple
    return _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, yaml.ScalarNode(tag, text))
