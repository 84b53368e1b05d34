"""The tools speak Spanish too: the gettext catalog, `--ui-lang`, MEMORIA_LANG and the locale."""

from __future__ import annotations

import argparse
import functools
import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from conftest import ROOT, answer_prompts, write_project
from memoria import messages
from memoria.cli import COMMAND_MODULES, build_parser

CLI = [sys.executable, "-m", "memoria.cli"]
LOCALE = ROOT / "src" / "memoria" / "locale"
PO = LOCALE / "es" / "LC_MESSAGES" / "memoria.po"
MO = LOCALE / "es" / "LC_MESSAGES" / "memoria.mo"
#: a Spanish press release with three mistakes: no summary, a date written day/month/year, an unknown country
THREE_MISTAKES = {
    "press/2024/tres-errores.es.md": "---\ntitle: Tres errores\ndate: 02/05/2024\ncountries: [MX, XX]\n---\n\nTexto.\n"
}


def run(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    clean.pop("MEMORIA_LANG", None)
    return subprocess.run(
        [*CLI, *args], cwd=project, capture_output=True, text=True, timeout=120, env={**clean, **env}
    )


@pytest.fixture
def mistakes(tmp_path: Path) -> Path:
    return write_project(tmp_path / "project", THREE_MISTAKES)


@pytest.mark.slow
def test_check_speaks_spanish_from_the_locale(mistakes: Path) -> None:
    result = run(mistakes, "check", LANG="es_MX.UTF-8")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        "Errores (el sitio no se construirá hasta que se corrijan):",
        "  docs/press/2024/tres-errores.es.md:1: summary: falta un campo obligatorio: agregue 'summary:' al encabezado",
        '  docs/press/2024/tres-errores.es.md:3: date: se esperaba AAAA-MM-DD y se recibió "02/05/2024"',
        '  docs/press/2024/tres-errores.es.md:4: countries.1: código de país desconocido "XX": use un código '
        "ISO 3166 de dos letras como MX o GT",
    ]
    assert lines[4].startswith("3 errores, 0 advertencias en 0 entradas (")
    assert len(lines) == 5


@pytest.mark.slow
def test_english_by_default_and_which_setting_wins(mistakes: Path) -> None:
    english = run(mistakes, "check", LANG="C")
    assert english.stdout.splitlines()[:4] == [
        "Errors (the site will not build until they are fixed):",
        "  docs/press/2024/tres-errores.es.md:1: summary: required field is missing: add 'summary:' to the front matter",
        '  docs/press/2024/tres-errores.es.md:3: date: expected YYYY-MM-DD, got "02/05/2024"',
        '  docs/press/2024/tres-errores.es.md:4: countries.1: unknown country code "XX": use an ISO 3166 '
        "two-letter code such as MX or GT",
    ]
    assert english.stdout.splitlines()[4].startswith("3 errors, 0 warnings in 0 entries (")
    # --ui-lang wins over MEMORIA_LANG, which wins over the locale (LC_ALL before LC_MESSAGES before LANG).
    assert run(mistakes, "check", MEMORIA_LANG="en", LANG="es_MX.UTF-8").stdout.startswith("Errors")
    assert run(mistakes, "check", MEMORIA_LANG="es", LANG="C").stdout.startswith("Errores")
    assert run(mistakes, "--ui-lang", "en", "check", MEMORIA_LANG="es").stdout.startswith("Errors")
    assert run(mistakes, "--ui-lang=es", "check", LANG="en_US.UTF-8").stdout.startswith("Errores")
    assert run(mistakes, "check", LC_ALL="es_HN.UTF-8", LANG="en_GB.UTF-8").stdout.startswith("Errores")
    assert run(mistakes, "check", LANG="fr_FR.UTF-8").stdout.startswith("Errors")  # no French: English


@pytest.mark.slow
def test_front_matter_errors_in_spanish(tmp_path: Path) -> None:
    broken = "---\ntitle: Honduras: defensoras\ndate: 2024-05-02\nsummary: Un resumen.\n---\n\nTexto.\n"
    project = write_project(tmp_path / "project", {"press/2024/dos-puntos.es.md": broken})
    result = run(project, "check", MEMORIA_LANG="es")
    assert result.stdout.splitlines()[1] == (
        "  docs/press/2024/dos-puntos.es.md:2: title: ': ' sin comillas dentro del valor: ponga el valor entre "
        'comillas dobles, como en title: "Honduras: defensoras"'
    ), result.stdout


@pytest.mark.slow
def test_ui_lang_reaches_the_content_policy_messages(tmp_path: Path) -> None:
    """The policy's messages come from the site's table; `--ui-lang es` reaches them too."""
    page = "---\ntitle: Guion\ndate: 2024-05-02\nsummary: Un resumen.\n---\n\nTexto.\n\n<script>alert(1)</script>\n"
    project = write_project(tmp_path / "project", {"press/2024/guion.es.md": page})
    result = run(project, "--ui-lang", "es", "check", LANG="C.UTF-8")
    assert (
        "  docs/press/2024/guion.es.md:9: body: <script>: un script se ejecutaría en el navegador de cada lector "
        "— elimínelo (las páginas no llevan scripts propios)"
    ) in result.stdout.splitlines(), result.stdout
    assert result.stdout.startswith("Errores")


def _help_texts(parser: argparse.ArgumentParser) -> list[str]:
    texts = [parser.description or "", parser.epilog or ""]
    texts += [action.help for action in parser._actions if action.help and action.help != argparse.SUPPRESS]
    return [text for text in texts if text]


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    [action] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    found: dict[str, argparse.ArgumentParser] = {}
    for name, sub in action.choices.items():
        found[name] = sub
        nested = [a for a in sub._actions if isinstance(a, argparse._SubParsersAction)]
        if nested:
            found.update({f"{name} {n}": p for n, p in _subparsers(sub).items()})
    return found


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_every_command_has_its_help_in_spanish(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each description, epilog and option help of every command is translated and shown in Spanish."""
    monkeypatch.delenv("MEMORIA_LANG", raising=False)  # restored after the test, whatever install does
    english = _subparsers(build_parser())
    assert {name.split()[0] for name in english} == {
        importlib.import_module(module).__name__.rsplit(".", 1)[-1].rstrip("_") for module in COMMAND_MODULES
    }
    try:
        messages.install("es")
        spanish = _subparsers(build_parser())
        assert english.keys() == spanish.keys()
        for name, parser in english.items():
            shown = _flat(spanish[name].format_help())
            assert shown.startswith(f"uso: memoria {name}"), name
            assert "opciones:" in shown and "mostrar este mensaje de ayuda y salir" in shown, name
            texts = list(zip(_help_texts(parser), _help_texts(spanish[name]), strict=True))
            assert len(texts) >= 3, name  # a description, an epilog or help, and --help
            for english_text, spanish_text in texts:
                assert english_text != spanish_text, (name, english_text)  # every text has its Spanish one
                assert _flat(spanish_text) in shown or "%" in spanish_text, (name, spanish_text)
    finally:
        messages.install("en")
    assert _flat(english["check"].format_help()).startswith("usage: memoria check")


@pytest.mark.slow
def test_spanish_help_and_argument_errors_from_the_command_line(tmp_path: Path) -> None:
    result = run(tmp_path, "--help", LANG="es_MX.UTF-8")
    assert result.returncode == 0
    assert result.stdout.startswith("uso: memoria [-h] [--version] [--ui-lang {en,es}] COMANDO ...")
    assert "Memoria: un archivo bilingüe de comunicados de prensa" in _flat(result.stdout)
    wrong = run(tmp_path, "new", "podcast", LANG="es_MX.UTF-8")
    assert wrong.returncode == 2
    assert wrong.stderr.endswith(
        "memoria new: error: argumento kind: opción no válida: 'podcast' (elija entre 'event', 'press', "
        "'recording') (vea 'memoria new --help')\n"
    )


@pytest.mark.slow
def test_new_asks_in_spanish_and_writes_spanish_notes(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project", copy_demo=True)
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "MEMORIA_LANG")}
    returncode, text = answer_prompts(
        [*CLI, "new", "press"],
        project,
        ["es", "Honduras: una ley nueva", "2024-13-01", "2024-07-09", "Las defensoras celebran la ley."],
        env={**env, "LANG": "es_MX.UTF-8"},
    )
    text = text.replace("\r\n", "\n")
    assert returncode == 0, text
    for prompt in (
        "Idioma en que escribe (en o es) [en]:",
        "Título:",
        "Fecha (AAAA-MM-DD) [",
        "Resumen (una o dos oraciones):",
        "Id del evento (Intro para ninguno; conocidos: ",
        "Temas, separados por comas (Intro para ninguno",
        "Organizaciones, separados por comas (Intro para ninguno",
    ):
        assert prompt in text, (prompt, text)
    assert (
        '  no es válido: date: se esperaba AAAA-MM-DD y se recibió "2024-13-01"' not in text
    )  # a real date check:
    assert "  no es válido: date: fecha imposible" in text  # 2024-13-01 was refused, in Spanish
    assert "creado docs/press/2024/honduras-una-ley-nueva.es.md" in text
    assert "Siguiente: escriba el texto en lugar de la línea 'memoria:write'" in text
    written = (project / "docs/press/2024/honduras-una-ley-nueva.es.md").read_text(encoding="utf-8")
    assert (
        "# Un comunicado de prensa nuevo. Quite el '# ' delante de un campo opcional para usarlo." in written
    )
    assert written.rstrip().endswith(
        "<!-- memoria:write: escriba el texto del comunicado de prensa aquí abajo, en Markdown, "
        "luego borre esta línea -->"
    )
    # Whatever the language of its note, the scaffold's line keeps the entry a draft.
    status = run(project, "status", "--json", MEMORIA_LANG="es")
    assert '"file": "docs/press/2024/honduras-una-ley-nueva.es.md"' in status.stdout
    assert '"reason": "body"' in status.stdout


@pytest.mark.slow
def test_status_tables_in_spanish(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project", copy_demo=True)
    result = run(project, "status", LANG="es_MX.UTF-8")
    assert result.returncode == 0, result.stderr
    for heading in ("Traducciones", "sección", "faltan", "Grabaciones", "cantidad", "Sin publicar todavía"):
        assert heading in result.stdout, heading
    assert "Comunicados de prensa" in result.stdout and "Sin comprobar" in result.stdout, result.stdout


def _key(value: object) -> object:
    return tuple(value) if isinstance(value, list | tuple) else value


def test_the_catalog_is_complete_and_compiled() -> None:
    """Every message in the code is in the Spanish catalog with a translation, and the .mo matches the .po."""
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="es")
    in_catalog = {message.id for message in catalog if message.id}
    assert all(message.string and all(message.string) for message in catalog if message.id), [
        message.id for message in catalog if message.id and not (message.string and all(message.string))
    ]
    assert not [message.id for message in catalog if message.id and message.fuzzy]
    extracted = {
        (message if isinstance(message, str) else tuple(message))
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / "src" / "memoria",
            method_map=[("**.py", "python")],
            keywords={"_": None, "N_": None, "ngettext": (1, 2)},
        )
    }
    assert len(extracted) > 200
    assert extracted - in_catalog == set(), "run 'make messages' and translate the new messages"
    with MO.open("rb") as handle:
        compiled = {_key(message.id): _key(message.string) for message in read_mo(handle) if message.id}
    assert compiled == {_key(message.id): _key(message.string) for message in catalog if message.id}, (
        "the .mo is older than the .po: run 'make messages'"
    )


@pytest.mark.slow
def test_new_writes_the_optional_field_notes_in_the_tools_language(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project", {})
    spanish = run(
        project,
        "new",
        "press",
        "--title",
        "Una ley nueva",
        "--date",
        "2024-05-02",
        "--lang",
        "en",
        "--summary",
        "Resumen.",
        LANG="es_MX.UTF-8",
    )
    assert spanish.returncode == 0, spanish.stderr
    lines = (project / "docs/press/2024/una-ley-nueva.en.md").read_text(encoding="utf-8").splitlines()
    # The entry is English (--lang en); the notes follow the tools' language, the field names never change.
    assert "# dateline: Geneva                 # dónde se emitió el comunicado" in lines
    assert "# countries: [MX, GT]              # códigos ISO 3166 de dos letras" in lines
    assert "# event: roundtable-whrd-mexico-2014   # el id del evento del que trata" in lines
    assert "# updated: 2024-05-02              # cuándo lo corrigió por última vez" in lines
    assert not any("where the release" in line or "two-letter" in line for line in lines)
    recording = run(
        project,
        "--ui-lang",
        "es",
        "new",
        "recording",
        "--title",
        "Mesa redonda",
        "--date",
        "2014-09-10",
        "--id",
        "mesa-2014",
        "--source-url",
        "https://example.org/v/1",
        "--speech-language",
        "es",
        LANG="C.UTF-8",
    )
    assert recording.returncode == 0, recording.stderr
    text = (project / "docs/recordings/mesa-2014.en.md").read_text(encoding="utf-8")
    assert "# summary: Una o dos frases que se muestran en los listados y los canales.\n" in text
    assert "# duration: 1:02:03                # H:MM:SS o segundos\n" in text
    assert "# captions:                        # archivos WebVTT en media/<id>/\n" in text
    english = run(
        project, "new", "event", "--title", "A roundtable", "--date", "2014-09-10", "--lang", "es", LANG="C"
    )
    assert english.returncode == 0, english.stderr
    text = (project / "docs/events/2014/a-roundtable.es.md").read_text(encoding="utf-8")
    assert "# end_date: 2024-05-03             # for events of several days\n" in text
    assert "# country: CH                      # ISO 3166 two-letter code\n" in text
    assert "# summary: One or two sentences shown in listings and feeds.\n" in text


#: one of each kind of content problem that was English until now
CONTENT_PROBLEMS = {
    "press/2024/sin-evento.es.md": (
        "---\ntitle: Sin evento\ndate: 2024-05-02\nsummary: Resumen.\nevent: no-existe\n"
        "recordings: [tampoco-existe]\n---\n\nTexto.\n"
    ),
    "press/2024/fecha.en.md": "---\ntitle: A date\ndate: 2024-05-02\nsummary: Summary.\n---\n\nText.\n",
    "press/2024/fecha.es.md": "---\ntitle: Una fecha\ndate: 2024-05-03\n---\n\nTexto.\n",
    "press/2024/dos.en.md": "---\ntitle: Two\ndate: 2024-05-02\nsummary: Summary.\noriginal: true\n---\n\nText.\n",
    "press/2024/dos.es.md": "---\ntitle: Dos\noriginal: true\n---\n\nTexto.\n",
}


@pytest.mark.slow
def test_content_problems_in_spanish(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project", CONTENT_PROBLEMS)
    (project / "data").mkdir()
    (project / "data/organisations.yml").write_text("- id: ISHR\n  name: ISHR\n", encoding="utf-8")
    spanish = run(project, "check", LANG="es_MX.UTF-8")
    assert spanish.returncode == 1
    lines = spanish.stdout.splitlines()
    assert lines[:6] == [
        "Errores (el sitio no se construirá hasta que se corrijan):",
        '  data/organisations.yml:1: 0: id no válido "ISHR": use minúsculas, cifras y guiones, p. ej. "ishr"',
        "  docs/press/2024/dos.es.md:3: original: docs/press/2024/dos.en.md también está marcado "
        "'original: true': solo un archivo de una entrada es su original; quite la línea del otro",
        "  docs/press/2024/fecha.es.md:3: date: contradice al archivo inglés (docs/press/2024/fecha.en.md "
        "dice '2024-05-02'): 'date' no depende del idioma; póngalo solo en el archivo inglés y quítelo de aquí",
        '  docs/press/2024/sin-evento.es.md:5: event: id de evento desconocido "no-existe": los eventos '
        "conocidos son ninguno todavía",
        '  docs/press/2024/sin-evento.es.md:6: recordings.0: id de grabación desconocido "tampoco-existe": '
        "cree docs/recordings/tampoco-existe.en.md o corrija el id",
    ]
    assert lines[6].startswith("5 errores, 0 advertencias en 2 entradas (")
    english = run(project, "check", LANG="C.UTF-8")
    assert english.stdout.splitlines()[1:6] == [
        '  data/organisations.yml:1: 0: invalid id "ISHR": use lowercase letters, digits and hyphens, e.g. "ishr"',
        "  docs/press/2024/dos.es.md:3: original: docs/press/2024/dos.en.md is marked 'original: true' too: "
        "only one file of an entry is its original; remove the line from the other",
        "  docs/press/2024/fecha.es.md:3: date: conflicts with the English file (docs/press/2024/fecha.en.md "
        "says '2024-05-02'): 'date' is language-neutral; set it only in the English file and remove it here",
        '  docs/press/2024/sin-evento.es.md:5: event: unknown event id "no-existe": known events are none yet',
        '  docs/press/2024/sin-evento.es.md:6: recordings.0: unknown recording id "tampoco-existe": '
        "create docs/recordings/tampoco-existe.en.md or fix the id",
    ]
    # A Spanish original is named as such in a conflict of its English translation.
    (project / "docs/press/2024/tres.es.md").write_text(
        "---\ntitle: Tres\ndate: 2024-05-02\nsummary: Resumen.\noriginal: true\n---\n\nTexto.\n",
        encoding="utf-8",
    )
    (project / "docs/press/2024/tres.en.md").write_text(
        "---\ntitle: Three\ndate: 2024-05-09\n---\n\nText.\n", encoding="utf-8"
    )
    assert (
        "  docs/press/2024/tres.en.md:3: date: contradice al archivo español "
        "(docs/press/2024/tres.es.md dice '2024-05-02'): 'date' no depende del idioma; póngalo solo "
        "en el archivo español y quítelo de aquí"
    ) in run(project, "check", LANG="es_MX.UTF-8").stdout.splitlines()


@pytest.mark.slow
def test_project_and_translate_errors_in_spanish(tmp_path: Path) -> None:
    nowhere = tmp_path / "nowhere"
    nowhere.mkdir()
    missing = run(nowhere, "check", LANG="es_MX.UTF-8")
    assert missing.returncode != 0
    assert missing.stderr.splitlines()[-1] == (
        "memoria check: error: mkdocs.yml: no se encontró: ejecútelo en la carpeta del proyecto, o dé "
        "--config PATH (o --docs-dir y --media-dir)"
    )
    project = write_project(tmp_path / "project", {"press/2024/nota.md": "---\ntitle: Nota\n---\n"})
    wrong = run(project, "translate", "docs/press/2024/nota.md", LANG="es_MX.UTF-8")
    assert wrong.returncode != 0
    assert (
        "docs/press/2024/nota.md: el nombre debe terminar en .en.md o .es.md: cámbielo, p. ej. a nota.en.md"
        in (wrong.stderr)
    )
    outside = run(project, "translate", "mkdocs.yml", LANG="es_MX.UTF-8")
    assert outside.stderr.startswith(
        f"memoria translate: error: mkdocs.yml: no está dentro de {project / 'docs'}/: "
    )
    bad_id = run(
        project,
        "new",
        "event",
        "--title",
        "Mesa",
        "--date",
        "2014-09-10",
        "--id",
        "Mesa_2014",
        LANG="es_MX.UTF-8",
    )
    assert (
        'id: id no válido "Mesa_2014": use minúsculas, cifras y guiones, p. ej. "roundtable-2014-part-1"'
        in (bad_id.stderr)
    )


@pytest.mark.slow
def test_the_build_reports_content_problems_in_the_editors_language(tmp_path: Path) -> None:
    project = write_project(
        tmp_path / "project",
        {"press/2024/sin-evento.es.md": CONTENT_PROBLEMS["press/2024/sin-evento.es.md"]},
    )
    clean = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    clean.pop("MEMORIA_LANG", None)
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(tmp_path / "site")],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        env={**clean, "LANG": "es_MX.UTF-8"},
    )
    assert built.returncode != 0
    output = built.stdout + built.stderr
    assert "Memoria encontró 2 problemas en el contenido:\n" in output
    assert (
        'docs/press/2024/sin-evento.es.md:5: event: id de evento desconocido "no-existe": los eventos conocidos '
        "son ninguno todavía"
    ) in output


# --- the guide's errors pages quote each message in the page's language ------------------------

GUIDE_ERRORS = {lang: ROOT / "docs" / "guide" / f"errors.{lang}.md" for lang in ("en", "es")}
#: how much literal text a message needs to tell one language from the other
_LITERAL_ENOUGH = 15


def _templates(lang: str) -> list[str]:
    """Every message the tools print in `lang`, placeholders as '*': the catalog and the site's table."""
    from memoria.i18n import MESSAGES

    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="es")
    texts: list[str] = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        texts.extend(ids if lang == "en" else strings)
    texts.extend(entry[lang] for entry in MESSAGES.values() if lang in entry)
    globbed = [re.sub(r"\{[^{}]*\}", "*", text) for text in texts]
    return [g for g in globbed if len(g.replace("*", "")) >= _LITERAL_ENOUGH]


#: what may stand before a message in a quote: field names and paths ("speakers.0: ", "docs/x.pdf:1: ")
_PREFIX = re.compile(r"(?:[\w./<>-]+(?::\d+)?: )*")


def _could_be(quoted: str, template: str) -> bool:
    """Whether the quote can be a text the template gives: its part before the first '…' (field
    names and paths before the message aside) begins such a text, and each later part of a dozen
    characters or more is found in one, the template's own words making a good share of each."""
    first, *later = [part.strip() for part in quoted.split("…")]
    prefixes = _PREFIX.match(first)
    assert prefixes is not None
    starts = [first] + [
        first[piece.end() :] for piece in re.finditer(r"[\w./<>-]+(?::\d+)?: ", prefixes.group(0))
    ]
    starts = [text for text in starts if len(text) >= 12] or ([first] if not later else [])
    long_enough = [part for part in later if len(part) >= 12]
    if starts and not any(_begins(text, template) for text in starts) and not long_enough:
        return False  # (a part before a '…' that falls inside a value is left to the later parts)
    if not starts and not long_enough:
        return False
    return all(_begins(part, template, anywhere=True) for part in long_enough)


def _begins(text: str, template: str, anywhere: bool = False) -> bool:
    """Whether `text` begins a text the template gives (with `anywhere`: is found inside one)."""

    @functools.cache
    def most(i: int, j: int) -> int:
        """The most characters of text[i:] matched by the template's own words from template[j:], or -1."""
        if i == len(text):
            return 0
        if j == len(template):
            return -1
        if template[j] == "*":
            return max(most(i, j + 1), most(i + 1, j))
        if template[j] != text[i]:
            return -1
        rest = most(i + 1, j + 1)
        return -1 if rest < 0 else rest + 1

    best = max(most(0, j) for j in range(len(template))) if anywhere else most(0, 0)
    return best >= max(0.2 * len(text), min(10, len(text)))


def _words(text: str) -> set[str]:
    return set(re.findall(r"[^\W\d_]{4,}", text.lower()))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_each_errors_page_quotes_the_messages_in_its_language(lang: str) -> None:
    """Every message the errors page's tables quote is one the tools print in the page's language."""
    sys.setrecursionlimit(20_000)
    own, other = _templates(lang), _templates("es" if lang == "en" else "en")
    quoted = [
        line.split("`")[1]
        for line in GUIDE_ERRORS[lang].read_text(encoding="utf-8").splitlines()
        if line.startswith("| `")
    ]
    assert len(quoted) > 40
    for quote in quoted:
        words = _words(quote)
        candidates = sorted(own, key=lambda t: -len(words & _words(t)))[:25]
        assert any(_could_be(quote, t) for t in candidates), (
            f"errors.{lang}.md: not a message in {lang}: {quote}"
        )
        foreign = sorted(other, key=lambda t: -len(words & _words(t)))[:25]
        assert not any(_could_be(quote, t) for t in foreign if t not in own), (
            f"errors.{lang}.md quotes a message of the other language: {quote}"
        )
