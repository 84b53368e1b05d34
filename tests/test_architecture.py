"""The import rules of Memoria's layers, read statically (ast) from src/memoria.

Layers: the engine-independent core (every module of `memoria` outside the folders below),
the mirror (`memoria/mirror/`), the engine wing (`memoria/engine/`: MkDocs, static-i18n,
Material, watchdog) and the front (`memoria/commands/`, `memoria/cli.py`). Rules:

1. The core imports neither the engine wing, the front, the mirror, nor any site engine
   (mkdocs, mkdocs_static_i18n, material, properdocs) or watchdog; the mirror neither the
   engine wing, the front nor a site engine: the content, feeds and media outlive MkDocs.
2. The site side (core and engine wing) never imports the mirror's network code
   (ytdlp, worker, pipeline, netguard, wayback, linkcheck) nor yt-dlp.
3. Only memoria.mirror.ytdlp imports yt_dlp.
4. No import cycle between the layers, nor between modules at import time.

Every import counts for rules 1-3, wherever it is written (inside a function, or under
TYPE_CHECKING): each is a dependency. Rule 4's module cycles count imports that run when a
module loads (top level, not under TYPE_CHECKING). The same checker runs on a small
synthetic tree with one violation of each rule, so a rule that stopped detecting anything
would fail here too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"

SITE_ENGINES = ("mkdocs", "mkdocs_static_i18n", "material", "properdocs", "watchdog")
NETWORK = tuple(
    f"memoria.mirror.{name}" for name in ("ytdlp", "worker", "pipeline", "netguard", "wayback", "linkcheck")
)
YT_DLP_OWNER = "memoria.mirror.ytdlp"


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # what it imports (a module, or a name in one: memoria.x.y)
    path: Path
    line: int
    at_load: bool  # runs when the module is imported (top level, not under TYPE_CHECKING)


def layer(module: str) -> str:
    if module == "memoria.cli" or module.startswith("memoria.commands"):
        return "front"
    if module.startswith("memoria.engine"):
        return "engine"
    if module.startswith("memoria.mirror"):
        return "mirror"
    return "core"


def _is(target: str, *names: str) -> bool:
    return any(target == name or target.startswith(f"{name}.") for name in names)


def module_name(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(path: Path, src: Path) -> Iterator[Import]:
    module = module_name(path, src)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))

    def visit(node: ast.AST, at_load: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield Import(module, alias.name, path, child.lineno, at_load)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in child.names:
                    yield Import(module, f"{base}.{alias.name}", path, child.lineno, at_load)
            elif isinstance(child, ast.If) and _type_checking(child):
                yield from visit(ast.Module(body=child.body, type_ignores=[]), False)
                yield from visit(ast.Module(body=child.orelse, type_ignores=[]), at_load)
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                yield from visit(child, False)
            else:
                yield from visit(child, at_load)

    yield from visit(tree, True)


def all_imports(src: Path) -> list[Import]:
    return [found for path in sorted((src / "memoria").rglob("*.py")) for found in imports_of(path, src)]


def _resolve(target: str, modules: set[str]) -> str | None:
    """The module of ours `target` names (`memoria.x.name` → memoria.x), None for other packages."""
    while target and target not in modules:
        target = target.rpartition(".")[0]
    return target or None


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of `graph` (its nodes, the first repeated at the end), None if it has none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := walk(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := walk(start)):
            return found
    return None


def violations(src: Path) -> list[str]:
    """Every broken rule, one line each: file:line: what imports what, and which rule it breaks."""
    found = all_imports(src)
    modules = {module_name(path, src) for path in (src / "memoria").rglob("*.py")}
    problems = []
    for imp in found:
        where = f"{imp.path.relative_to(src)}:{imp.line}: {imp.module} imports {imp.target}"
        own = layer(imp.module)
        if own == "core" and _is(
            imp.target, "memoria.engine", "memoria.commands", "memoria.cli", "memoria.mirror"
        ):
            problems.append(f"{where}: the core imports no {layer(imp.target)} module (rule 1)")
        if own in ("core", "mirror") and _is(imp.target, *SITE_ENGINES):
            problems.append(f"{where}: only the engine wing imports a site engine or watchdog (rule 1)")
        if own == "mirror" and _is(imp.target, "memoria.engine", "memoria.commands", "memoria.cli"):
            problems.append(f"{where}: the mirror imports no {layer(imp.target)} module (rule 1)")
        if own in ("core", "engine") and _is(imp.target, *NETWORK, "yt_dlp"):
            problems.append(f"{where}: the site side never imports the mirror's network code (rule 2)")
        if _is(imp.target, "yt_dlp") and imp.module != YT_DLP_OWNER:
            problems.append(f"{where}: only {YT_DLP_OWNER} imports yt_dlp (rule 3)")
    layers: dict[str, set[str]] = {}
    at_load: dict[str, set[str]] = {}
    for imp in found:
        target = _resolve(imp.target, modules)
        if target is None or target == imp.module:
            continue
        if layer(target) != layer(imp.module):
            layers.setdefault(layer(imp.module), set()).add(layer(target))
        # A package's __init__ runs before its modules: importing memoria.x.y loads memoria.x too,
        # which is no cycle of ours unless memoria/x/__init__.py imports back.
        if imp.at_load and not imp.module.startswith(f"{target}."):
            at_load.setdefault(imp.module, set()).add(target)
    if cycle := _cycle(layers):
        problems.append(f"import cycle between layers: {' → '.join(cycle)} (rule 4)")
    if cycle := _cycle(at_load):
        problems.append(f"import cycle between modules at import time: {' → '.join(cycle)} (rule 4)")
    return problems


def test_memoria_follows_its_import_rules() -> None:
    problems = violations(SRC)
    assert problems == [], "\n".join(problems)


def test_the_layers_are_all_there() -> None:
    """The rules are about real modules: each layer exists, and the engine wing imports MkDocs and static-i18n."""
    found = all_imports(SRC)
    assert {layer(imp.module) for imp in found} == {"core", "mirror", "engine", "front"}
    engine = {imp.target.split(".")[0] for imp in found if layer(imp.module) == "engine"}
    assert {"mkdocs", "mkdocs_static_i18n", "watchdog"} <= engine
    assert any(imp.module == YT_DLP_OWNER and imp.target == "yt_dlp" for imp in found)


SYNTHETIC = {
    "memoria/__init__.py": "",
    "memoria/content.py": "import mkdocs.config\n",
    "memoria/catalog.py": "from memoria.content import x\n\ndef f():\n    from memoria.mirror import ytdlp\n",
    "memoria/feeds.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from memoria.engine.plugin import P\n",
    "memoria/views.py": "from . import search\n",
    "memoria/search.py": "from .views import v\n",
    "memoria/engine/__init__.py": "",
    "memoria/engine/plugin.py": "import mkdocs\nfrom memoria.mirror.netguard import AddressPolicy\n",
    "memoria/mirror/__init__.py": "",
    "memoria/mirror/ytdlp.py": "import yt_dlp\n",
    "memoria/mirror/plan.py": "import yt_dlp.utils\nfrom memoria.commands import build\n",
    "memoria/commands/__init__.py": "",
    "memoria/commands/build.py": "from memoria.engine import plugin\n",
    "memoria/cli.py": "import memoria.commands.build\n",
}


def test_the_checker_finds_each_kind_of_violation(tmp_path: Path) -> None:
    for rel, text in SYNTHETIC.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    problems = violations(tmp_path)
    expected = [
        "memoria/catalog.py:4: memoria.catalog imports memoria.mirror.ytdlp: the core imports no mirror module (rule 1)",
        "memoria/catalog.py:4: memoria.catalog imports memoria.mirror.ytdlp: the site side never imports the mirror's network code (rule 2)",
        "memoria/content.py:1: memoria.content imports mkdocs.config: only the engine wing imports a site engine or watchdog (rule 1)",
        "memoria/engine/plugin.py:2: memoria.engine.plugin imports memoria.mirror.netguard.AddressPolicy: the site side never imports the mirror's network code (rule 2)",
        "memoria/feeds.py:3: memoria.feeds imports memoria.engine.plugin.P: the core imports no engine module (rule 1)",
        "memoria/mirror/plan.py:1: memoria.mirror.plan imports yt_dlp.utils: only memoria.mirror.ytdlp imports yt_dlp (rule 3)",
        "memoria/mirror/plan.py:2: memoria.mirror.plan imports memoria.commands.build: the mirror imports no front module (rule 1)",
        "import cycle between layers: engine → mirror → front → engine (rule 4)",
        "import cycle between modules at import time: memoria.search → memoria.views → memoria.search (rule 4)",
    ]
    assert sorted(problems) == sorted(expected)
