"""Front matter parsing that keeps line numbers, because MkDocs drops YAML errors silently.

Front matter is a small, documented subset of YAML: `field: value` lines, lists and nested
mappings, quoted or plain text. Anything outside it (anchors, aliases, tags, merge keys,
duplicated keys) is refused with the line it is on, before any value is constructed, so no
header can make the loader expand aliases without limit. Each YAML parser complaint people
meet in practice is reworded as what to do, on the line where the mistake is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import yaml

from memoria.messages import N_, _

# libyaml's parser when PyYAML has it: the pure-Python one took most of a 3,000-entry build's
# content loading (scripts/bench.py); both keep marks, so line numbers are the same.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """SafeLoader that leaves dates as strings so impossible dates become our own errors."""


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

#: the messages of this module, one per mistake; docs/guide/errors.*.md shows each of them
MESSAGES = {
    "no_front_matter": N_("no front matter: the file must start with a line '---'"),
    "not_closed": N_("front matter is not closed: add a line '---' after the fields"),
    "not_mapping": N_("front matter must be a mapping of 'field: value' lines"),
    "tab": N_("tab character in the indentation: YAML indents with spaces only; replace the tab with spaces"),
    "colon": N_("unquoted ': ' inside the value: put the value in double quotes, as in {suggestion}"),
    "unclosed_quote": N_(
        "the {quote} opened on this line is never closed: add the closing {quote} at the end of the value"
    ),
    "after_quote": N_("text after the closing quote: put the whole value inside the quotes"),
    "list_indent": N_(
        "list item at the wrong indentation: start every '- ' item of a list in the same column "
        "as the first one (if the dash is part of the text, put the value in quotes)"
    ),
    "duplicate": N_("'{key}' is given twice (first on line {first}): keep only one"),
    "anchor": N_(
        "YAML anchors (&name) and aliases (*name) are not part of the front matter format: "
        "write the value out in full (put it in quotes if the & or * belongs to the text)"
    ),
    "tag": N_("YAML tags ('{tag}') are not part of the front matter format: remove the tag"),
    "merge": N_(
        "YAML merge keys ('<<') are not part of the front matter format: write the fields out in full"
    ),
    "control": N_("control character U+{code:04X} is not allowed in front matter: delete it"),
    "syntax": N_("YAML syntax error: {problem}"),
}


def _message(key: str) -> str:
    """A message of MESSAGES in the language the tools speak."""
    return _(MESSAGES[key])


_KEY_LINE = re.compile(r"^\s*(?:-\s+)?([^\s:#'\"][^:#]*?)\s*:(?:\s|$)")


class FrontMatterError(ValueError):
    """The front matter block is missing, unterminated, not valid YAML or outside its subset."""

    def __init__(self, line: int, message: str, field: str = "") -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.field = field


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


_OFFSET = 2  # file line of the first front matter line is 2; marks are 0-based


def _key_on(source_lines: list[str], index: int) -> str:
    """The field written on 0-based YAML line `index`, or the one whose list or mapping holds it."""
    if not 0 <= index < len(source_lines):
        return ""
    line = source_lines[index]
    match = _KEY_LINE.match(line)
    if match and not line.lstrip().startswith("-"):
        return match.group(1)
    indent = len(line) - len(line.lstrip(" \t"))
    for above in range(index - 1, -1, -1):
        text = source_lines[above]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        if len(text) - len(text.lstrip(" \t")) < indent or (indent == 0 and not text.startswith((" ", "-"))):
            match = _KEY_LINE.match(text)
            return match.group(1) if match else ""
    return match.group(1) if match else ""


def _check_tabs(source_lines: list[str], offset: int) -> None:
    for index, line in enumerate(source_lines):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent and line.strip():
            raise FrontMatterError(index + offset, _message("tab"), _key_on(source_lines, index))


def _refuse_outside_subset(source: str, source_lines: list[str], offset: int) -> None:
    """Refuse anchors, aliases and tags from the parser's events, before any node is composed."""
    if not any(mark in source for mark in "&*!"):
        return  # none can occur: skip the second pass over the text
    for event in yaml.parse(source, Loader=_BaseLoader):
        mark = event.start_mark
        line = mark.line if mark is not None else 0
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise FrontMatterError(line + offset, _message("anchor"), _key_on(source_lines, line))
        tag = getattr(event, "tag", None)
        implicit = getattr(event, "implicit", True)
        explicit = not any(implicit) if isinstance(implicit, tuple) else not implicit
        if tag is not None and explicit:
            written = (
                source_lines[line][mark.column :].split()
                if mark is not None and line < len(source_lines)
                else []
            )
            shown = written[0] if written else tag
            raise FrontMatterError(
                line + offset, _message("tag").format(tag=shown), _key_on(source_lines, line)
            )


def _walk(
    node: yaml.Node,
    path: tuple[str | int, ...],
    source_lines: list[str],
    out: dict[tuple[str | int, ...], int],
    offset: int,
) -> None:
    """Record the line of every key and item; refuse duplicates, merge keys and merged list items."""
    if isinstance(node, yaml.MappingNode):
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + offset
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise FrontMatterError(line, _message("merge"))
            if key in first_line:
                name = ".".join(str(part) for part in (*path, key))
                raise FrontMatterError(
                    line, _message("duplicate").format(key=key, first=first_line[key]), name
                )
            first_line[key] = line
            out[(*path, key)] = line
            _walk(value_node, (*path, key), source_lines, out, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            out[(*path, index)] = item.start_mark.line + offset
            _walk(item, (*path, index), source_lines, out, offset)
    elif isinstance(node, yaml.ScalarNode) and not node.style:  # plain: None (Python) or "" (libyaml)
        # A plain value that runs over several lines and has a line starting with '- ' is a
        # list item indented too far: YAML silently joins it to the item above.
        for index in range(node.start_mark.line + 1, node.end_mark.line + 1):
            text = source_lines[index].strip() if index < len(source_lines) else ""
            if text == "-" or text.startswith("- "):
                names = path[:-1] if path and isinstance(path[-1], int) else path
                name = ".".join(str(part) for part in names)
                raise FrontMatterError(index + offset, _message("list_indent"), name)


def _normalised(value: Any) -> Any:
    """Every text in NFC: the same title typed on two keyboards is one string for pages, feeds and search."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_normalised(item) for item in value]
    if isinstance(value, dict):
        return {_normalised(key): _normalised(item) for key, item in value.items()}
    return value


_STR_TAG, _MAP_TAG, _SEQ_TAG = (f"tag:yaml.org,2002:{name}" for name in ("str", "map", "seq"))


def _construct(node: yaml.Node, loader: yaml.SafeLoader) -> Any:
    """`_normalised(loader.construct_document(node))`, built in one pass: texts, lists and mappings
    here, other scalars (numbers, booleans, null) by the loader. PyYAML's constructor does more per
    node (recursion guards, generators for mappings), and the values were walked again for NFC."""
    if isinstance(node, yaml.ScalarNode) and node.tag == _STR_TAG:
        return unicodedata.normalize("NFC", node.value)
    if isinstance(node, yaml.MappingNode) and node.tag == _MAP_TAG:
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _construct(key_node, loader)
            if not isinstance(key, Hashable):
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    "found unhashable key",
                    key_node.start_mark,
                )
            mapping[key] = _construct(value_node, loader)
        return mapping
    if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ_TAG:
        return [_construct(item, loader) for item in node.value]
    return _normalised(loader.construct_object(node, deep=True))


def _suggest_quotes(line: str) -> str:
    key, _sep, value = line.strip().partition(": ")
    escaped = value.strip().replace("\\", "\\\\").replace('"', '\\"')
    return f'{key}: "{escaped}"'


def _yaml_error(error: yaml.MarkedYAMLError, source_lines: list[str], offset: int) -> FrontMatterError:
    """A parser complaint reworded as what to do, on the line where the mistake is."""
    problem = error.problem or str(error)
    context = error.context or ""
    mark = error.problem_mark or error.context_mark
    index = mark.line if mark else 0
    text = source_lines[index] if 0 <= index < len(source_lines) else ""
    if "quoted scalar" in context and error.context_mark is not None:
        opened = error.context_mark.line
        opening = source_lines[opened][error.context_mark.column :][:1] if opened < len(source_lines) else '"'
        quote = opening if opening in "\"'" else '"'
        return FrontMatterError(
            opened + offset, _message("unclosed_quote").format(quote=quote), _key_on(source_lines, opened)
        )
    if "tab" in problem or "'\\t'" in problem:
        return FrontMatterError(index + offset, _message("tab"), _key_on(source_lines, index))
    if problem.startswith("mapping values are not allowed"):
        return FrontMatterError(
            index + offset,
            _message("colon").format(suggestion=_suggest_quotes(text)),
            _key_on(source_lines, index),
        )
    if "alias" in context or "anchor" in context:
        return FrontMatterError(index + offset, _message("anchor"), _key_on(source_lines, index))
    stripped = text.strip()
    if stripped == "-" or stripped.startswith("- "):
        return FrontMatterError(index + offset, _message("list_indent"), _key_on(source_lines, index))
    if mark is not None and mark.column > 0:
        before = text[: mark.column].rstrip()
        value = text.partition(":")[2].strip()
        if before.endswith(("'", '"')) and value[:1] in ("'", '"'):
            return FrontMatterError(index + offset, _message("after_quote"), _key_on(source_lines, index))
    return FrontMatterError(
        index + offset, _message("syntax").format(problem=problem), _key_on(source_lines, index)
    )


def parse_front_matter(text: str) -> FrontMatter:
    """Split `---` front matter from the Markdown body, keeping 1-based file line numbers."""
    text = text.lstrip("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise FrontMatterError(1, _message("no_front_matter"))
    for end, line in enumerate(lines[1:], start=1):  # noqa: B007 - `end` is read after the loop
        if line.rstrip() in ("---", "..."):
            break
    else:
        raise FrontMatterError(1, _message("not_closed"))
    values, positions = _parse_subset(lines[1:end], _OFFSET)
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise FrontMatterError(2, _message("not_mapping"))
    body = "\n".join(lines[end + 1 :])
    return FrontMatter(values=values, body=body, body_line=end + 2, lines=positions)


def parse_yaml(text: str) -> tuple[Any, dict[tuple[str | int, ...], int]]:
    """A whole YAML file in the same subset as front matter (the shared lists): values and 1-based lines."""
    return _parse_subset(text.lstrip("\ufeff").replace("\r\n", "\n").split("\n"), 1)


def _parse_subset(source_lines: list[str], offset: int) -> tuple[Any, dict[tuple[str | int, ...], int]]:
    """Values (every text NFC) and the line of every key and item; `offset` is the file line of the first."""
    source = "\n".join(source_lines)
    positions: dict[tuple[str | int, ...], int] = {}
    try:
        _check_tabs(source_lines, offset)
        _refuse_outside_subset(source, source_lines, offset)
        loader = _StrictLoader(source)
        try:  # parse once: the node tree gives the lines, constructing it gives the values
            node = loader.get_single_node()
            if node is not None:
                _walk(node, (), source_lines, positions, offset)
            values = _construct(node, loader) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        raise _yaml_error(error, source_lines, offset) from error
    except yaml.reader.ReaderError as error:  # a character YAML forbids, e.g. a control character
        error_line = source.count("\n", 0, error.position) + offset
        code = error.character if isinstance(error.character, int) else ord(error.character)
        raise FrontMatterError(error_line, _message("control").format(code=code)) from error
    return values, positions
