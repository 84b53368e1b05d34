#!/usr/bin/env python3
"""Write a deterministic bilingual benchmark archive: a Memoria project, its peer assembly and a Hugo site.

Usage: make_corpus.py N DIR [--hugo DIR2] [--seed S]

DIR receives a complete Memoria project (docs/, mkdocs.yml derived from the demo's, overrides/)
with N entries per language (press releases, events with 1–5 recordings, recordings), plus
mkdocs.peer.yml: the same Markdown built by bare Material + static-i18n + mkdocs-rss-plugin.
DIR2 (optional) receives a minimal bilingual Hugo site of the same content, with RSS.
The same N and seed always give byte-identical files, so timings compare like with like.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("en", "es")

# --- fixed vocabularies: topics, countries, organisations, people, places -----------------

TOPICS: tuple[tuple[str, str], ...] = (
    ("Women human rights defenders", "Defensoras de derechos humanos"),
    ("Protection mechanisms", "Mecanismos de protección"),
    ("Land and territory", "Tierra y territorio"),
    ("Indigenous peoples", "Pueblos indígenas"),
    ("Freedom of expression", "Libertad de expresión"),
    ("Criminalisation", "Criminalización"),
    ("Sexual and reproductive rights", "Derechos sexuales y reproductivos"),
    ("Journalists", "Periodistas"),
    ("Environmental defenders", "Defensoras del medio ambiente"),
    ("Enforced disappearance", "Desaparición forzada"),
    ("Access to justice", "Acceso a la justicia"),
    ("Migration", "Migración"),
)
COUNTRIES: tuple[tuple[str, str, str], ...] = (  # code, city, Spanish city
    ("MX", "Mexico City", "Ciudad de México"),
    ("GT", "Guatemala City", "Ciudad de Guatemala"),
    ("HN", "Tegucigalpa", "Tegucigalpa"),
    ("SV", "San Salvador", "San Salvador"),
    ("NI", "Managua", "Managua"),
    ("CR", "San José", "San José"),
    ("PA", "Panama City", "Ciudad de Panamá"),
    ("CO", "Bogotá", "Bogotá"),
    ("PE", "Lima", "Lima"),
    ("BR", "Brasília", "Brasilia"),
    ("AR", "Buenos Aires", "Buenos Aires"),
    ("CL", "Santiago", "Santiago"),
    ("EC", "Quito", "Quito"),
    ("BO", "La Paz", "La Paz"),
    ("CH", "Geneva", "Ginebra"),
    ("US", "Washington", "Washington"),
)
ORGANISATIONS = (
    "International Service for Human Rights",
    "JASS Mesoamerica",
    "Mesoamerican Initiative of Women Human Rights Defenders",
    "Red Nacional de Defensoras de Honduras",
    "Consorcio Oaxaca",
    "UDEFEGUA",
    "Front Line Defenders",
    "Peace Brigades International",
    "CEJIL",
    "Colectivo de Abogados José Alvear Restrepo",
)
SPONSORS = ("Embassy of Norway", "Embassy of the Netherlands", "Ford Foundation", "UN Women")
FIRST_NAMES = (
    "Ana",
    "María",
    "Lucía",
    "Berta",
    "Sofía",
    "Inés",
    "Julia",
    "Carmen",
    "Rosa",
    "Elena",
    "Jesús",
    "Andrés",
)
LAST_NAMES = (
    "Peña",
    "Hernández",
    "Güezmes",
    "Ramírez",
    "Muñoz",
    "López",
    "Castaño",
    "Núñez",
    "Ortiz",
    "Cáceres",
)
ROLES = (
    ("Coordinator", "Coordinadora"),
    ("Lawyer", "Abogada"),
    ("Programme officer", "Oficial de programas"),
    ("Researcher", "Investigadora"),
    ("Director", "Directora"),
)
PLATFORMS = ("Ustream", "Livestream", "YouTube", "Facebook")

# --- text: sentences from word pools, so bodies have realistic length and vocabulary -------

WORDS = {
    "en": {
        "subject": "defenders|women defenders|the network|civil society organisations|the commission|"
        "speakers|the authorities|participants|lawyers|community leaders|journalists|the rapporteur",
        "verb": "called for|described|documented|denounced|proposed|examined|welcomed|questioned|"
        "urged|reported|recalled|discussed",
        "object": "protection measures|threats against defenders|the criminalisation of protest|"
        "gender-specific programmes|access to justice|early warning networks|precautionary measures|"
        "attacks on land defenders|the national protection mechanism|smear campaigns|"
        "the implementation of resolution 68/181|impunity for violations",
        "tail": "in the region|across Mesoamerica|at the national level|during the session|"
        "in rural communities|before the commission|over the last year|with the support of UN agencies|"
        "in cooperation with local networks|without further delay",
    },
    "es": {
        "subject": "las defensoras|las mujeres defensoras|las redes de defensoras|las organizaciones de la sociedad civil|"
        "las comisionadas|las ponentes|las autoridades|las participantes|las abogadas|las lideresas comunitarias|"
        "las periodistas|las relatoras",
        "verb": "exigieron|describieron|documentaron|denunciaron|propusieron|examinaron|celebraron|"
        "cuestionaron|instaron a revisar|informaron sobre|recordaron|debatieron",
        "object": "las medidas de protección|las amenazas contra las defensoras|la criminalización de la protesta|"
        "los programas con perspectiva de género|el acceso a la justicia|las redes de alerta temprana|"
        "las medidas cautelares|los ataques contra defensoras de la tierra|el mecanismo nacional de protección|"
        "las campañas de difamación|la aplicación de la resolución 68/181|la impunidad de las violaciones",
        "tail": "en la región|en toda Mesoamérica|en el ámbito nacional|durante la sesión|"
        "en las comunidades rurales|ante la comisión|durante el último año|con el apoyo de agencias de la ONU|"
        "en cooperación con redes locales|sin más demora",
    },
}
POOLS = {lang: {k: v.split("|") for k, v in pools.items()} for lang, pools in WORDS.items()}
HEADINGS = {
    "en": ("Background", "What was said", "Concrete steps", "Next steps", "Context", "Recommendations"),
    "es": ("Antecedentes", "Qué se dijo", "Pasos concretos", "Próximos pasos", "Contexto", "Recomendaciones"),
}
WORDS_PER_KIND = {"press": 600, "events": 900, "recordings": 150}


def sentence(rng: random.Random, lang: str) -> str:
    pools = POOLS[lang]
    text = " ".join(rng.choice(pools[k]) for k in ("subject", "verb", "object", "tail"))
    if rng.random() < 0.5:
        connector = " y " if lang == "es" else " and "
        text += connector + rng.choice(pools["object"])
    return text[0].upper() + text[1:] + "."


def body(rng: random.Random, lang: str, words: int) -> str:
    """Paragraphs of about `words` words, with a heading every few paragraphs."""
    parts: list[str] = []
    count = 0
    paragraph_count = 0
    while count < words:
        if paragraph_count and paragraph_count % 3 == 0 and words > 300:
            parts.append("## " + rng.choice(HEADINGS[lang]))
        paragraph = " ".join(sentence(rng, lang) for _ in range(rng.randint(3, 6)))
        parts.append(paragraph)
        count += len(paragraph.split())
        paragraph_count += 1
    return "\n\n".join(parts) + "\n"


# --- the entries ------------------------------------------------------------------------


@dataclass
class Entry:
    """One bilingual entry: neutral fields once, translatable ones per language, one body per language."""

    section: str  # press, events, recordings
    slug: str
    date: dt.date
    neutral: dict[str, object]
    translated: dict[str, dict[str, object]]
    bodies: dict[str, str]
    topics: list[int] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)

    @property
    def folder(self) -> str:
        return "recordings" if self.section == "recordings" else f"{self.section}/{self.date.year}"


def _title(rng: random.Random, lang: str, kind: str, place: str, topic: str) -> str:
    if lang == "en":
        lead = {"press": "Statement", "events": "Roundtable", "recordings": "Recording"}[kind]
        return f"{lead}: {topic.lower()} in {place} ({rng.randint(1, 999)})"
    lead = {"press": "Comunicado", "events": "Conversatorio", "recordings": "Grabación"}[kind]
    return f"{lead}: {topic.lower()} en {place} ({rng.randint(1, 999)})"


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def generate(n: int, seed: int) -> list[Entry]:
    """N entries per language, in clusters: an event, its 1–5 recordings, a press release about it."""
    rng = random.Random(f"memoria-corpus-{seed}")
    entries: list[Entry] = []
    number = 0
    start = dt.date(2008, 1, 1)
    while len(entries) < n:
        number += 1
        day = start + dt.timedelta(days=rng.randrange(17 * 365))
        country, city_en, city_es = rng.choice(COUNTRIES)
        topic_ids = rng.sample(range(len(TOPICS)), rng.randint(1, 3))
        participants = sorted({country, *(c for c, _, _ in rng.sample(COUNTRIES, rng.randint(0, 3)))})
        event_slug = f"roundtable-{country.lower()}-{day.year}-{number:05d}"
        recording_count = min(rng.randint(1, 5), max(0, n - len(entries) - 1))
        recording_ids = [f"rec-{number:05d}-{part}" for part in range(1, recording_count + 1)]
        speakers = [
            (_person(rng), rng.choice(ROLES), rng.choice(ORGANISATIONS)) for _ in range(rng.randint(2, 5))
        ]
        organisers = rng.sample(ORGANISATIONS, rng.randint(1, 2))
        end = day + dt.timedelta(days=1) if rng.random() < 0.3 else None
        document_url = f"https://archive.example.org/documents/{event_slug}.pdf"
        event = Entry(
            section="events",
            slug=event_slug,
            date=day,
            neutral={
                "date": day,
                **({"end_date": end} if end else {}),
                "country": country,
                "organisers": organisers,
                "sponsors": rng.sample(SPONSORS, rng.randint(0, 1)),
                "participant_countries": participants,
                "recordings": recording_ids,
            },
            translated={},
            bodies={},
            topics=topic_ids,
            countries=participants,
        )
        for lang in LANGS:
            city = city_en if lang == "en" else city_es
            topic = TOPICS[topic_ids[0]][LANGS.index(lang)]
            event.translated[lang] = {
                "title": _title(rng, lang, "events", city, topic),
                "summary": sentence(rng, lang),
                "venue": "Casa de la Cultura" if lang == "es" else "House of Culture",
                "city": city,
                "speakers": [
                    {"name": name, "role": role[LANGS.index(lang)], "organisation": org}
                    for name, role, org in speakers
                ],
                "topics": [TOPICS[t][LANGS.index(lang)] for t in topic_ids],
                "documents": [{"title": "Agenda" if lang == "en" else "Programa", "url": document_url}],
            }
            event.bodies[lang] = body(rng, lang, WORDS_PER_KIND["events"])
        entries.append(event)
        speech = "es" if country not in ("US", "CH") else "en"
        for part, rec_id in enumerate(recording_ids, start=1):
            recording = Entry(
                section="recordings",
                slug=rec_id,
                date=day,
                neutral={
                    "id": rec_id,
                    "language": speech,
                    "event": event_slug,
                    "part": part,
                    "parts": recording_count,
                    "recorded": day,
                    "source_url": f"http://www.ustream.tv/recorded/{51400000 + number * 10 + part}",
                    "platform": rng.choice(PLATFORMS),
                    "duration": rng.randint(600, 7200),
                },
                translated={},
                bodies={},
                topics=topic_ids[:1],
            )
            for lang in LANGS:
                title = event.translated[lang]["title"]
                label = (
                    f"part {part} of {recording_count}"
                    if lang == "en"
                    else f"parte {part} de {recording_count}"
                )
                recording.translated[lang] = {
                    "title": f"{title} — {label}",
                    "summary": sentence(rng, lang),
                    "topics": [TOPICS[topic_ids[0]][LANGS.index(lang)]],
                }
                recording.bodies[lang] = body(rng, lang, WORDS_PER_KIND["recordings"])
            entries.append(recording)
        if len(entries) >= n:
            break
        press_day = day + dt.timedelta(days=rng.randint(0, 10))
        press_countries = sorted(set(participants[:3]))
        contact = _person(rng)
        role = rng.choice(ROLES)
        press = Entry(
            section="press",
            slug=f"statement-{country.lower()}-{press_day.year}-{number:05d}",
            date=press_day,
            neutral={
                "date": press_day,
                "organisations": organisers,
                "countries": press_countries,
                "event": event_slug,
                "recordings": recording_ids,
            },
            translated={},
            bodies={},
            topics=topic_ids,
            countries=press_countries,
        )
        for lang in LANGS:
            topic = TOPICS[topic_ids[0]][LANGS.index(lang)]
            dateline = city_en if lang == "en" else city_es
            press.translated[lang] = {
                "title": _title(rng, lang, "press", dateline, topic),
                "summary": sentence(rng, lang),
                "dateline": dateline,
                "topics": [TOPICS[t][LANGS.index(lang)] for t in topic_ids],
                "contacts": [
                    {
                        "name": contact,
                        "role": role[LANGS.index(lang)],
                        "email": f"press{number % 7}@example.org",
                    }
                ],
            }
            press.bodies[lang] = body(rng, lang, WORDS_PER_KIND["press"])
        entries.append(press)
    return entries[:n]


# --- writers ------------------------------------------------------------------------------


def _front_matter(values: dict[str, object]) -> str:
    return "---\n" + yaml.safe_dump(values, allow_unicode=True, sort_keys=False, width=100) + "---\n\n"


def memoria_files(entries: list[Entry]) -> Iterator[tuple[str, str]]:
    """(path below docs/, text): English files carry every field, Spanish ones only translations."""
    for entry in entries:
        for lang in LANGS:
            values = {**entry.translated[lang]}
            if lang == "en":
                values = {"title": values.pop("title"), **entry.neutral, **values}
            yield f"{entry.folder}/{entry.slug}.{lang}.md", _front_matter(values) + entry.bodies[lang]


def write_memoria_project(entries: list[Entry], project: Path) -> None:
    """docs/, the demo's mkdocs.yml and overrides/, and the peer assembly's own configuration."""
    docs = project / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    for rel, text in memoria_files(entries):
        path = docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    shutil.copytree(ROOT / "overrides", project / "overrides", dirs_exist_ok=True)
    # The demo's own pages besides entries (staff guide, assets) are part of its nav: keep them.
    for item in sorted((ROOT / "docs").iterdir()):
        if item.name in ("press", "events", "recordings"):
            continue
        if item.is_dir():
            shutil.copytree(item, docs / item.name, dirs_exist_ok=True)
        else:
            shutil.copy(item, docs / item.name)
    demo = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        f"# Generated by scripts/make_corpus.py from the demo's mkdocs.yml ({len(entries)} entries per language).\n"
        + demo,
        encoding="utf-8",
    )
    (project / "mkdocs.peer.yml").write_text(peer_config(demo), encoding="utf-8")
    # The peer has no generated pages: a user of the bare assembly writes a home page by hand.
    # Memoria replaces these two with its generated home page, so its output is unchanged.
    for lang, text in (("en", "Welcome to the archive."), ("es", "Bienvenida al archivo.")):
        title = "Archive" if lang == "en" else "Archivo"
        (docs / f"index.{lang}.md").write_text(f"---\ntitle: {title}\n---\n\n{text}\n", encoding="utf-8")


def peer_config(demo: str) -> str:
    """The demo's configuration as a user without Memoria would write it: Material + static-i18n + RSS."""
    config = yaml.safe_load(demo)
    i18n = next(p["i18n"] for p in config["plugins"] if isinstance(p, dict) and "i18n" in p)
    i18n.update({"reconfigure_search": True, "reconfigure_material": True})
    for language in i18n["languages"]:
        language.pop("nav_translations", None)
    config.update(
        {
            "site_dir": "site-peer",
            "strict": False,
            "nav": [{"Home": "index.md"}],
            "plugins": [
                "search",
                {
                    "rss": {
                        "match_path": "(press|events|recordings)/.*",
                        "date_from_meta": {"as_creation": "date", "as_update": "date"},
                        "use_git": False,
                        "length": 20,
                    }
                },
                {"i18n": i18n},
            ],
        }
    )
    config["theme"] = {k: v for k, v in config["theme"].items() if k != "custom_dir"}
    config.pop("extra_css", None)
    header = "# Generated by scripts/make_corpus.py: the peer assembly (no Memoria plugin, no overrides).\n"
    return header + yaml.safe_dump(config, allow_unicode=True, sort_keys=False)


HUGO_CONFIG = """\
# Generated by scripts/make_corpus.py: a minimal bilingual Hugo site of the benchmark corpus.
baseURL = "https://archive.example.org/"
defaultContentLanguage = "en"
disableKinds = ["sitemap", "robotsTXT"]
enableRobotsTXT = false

[pagination]
  pagerSize = 20

[taxonomies]
  topic = "topics"
  country = "countries"

[outputs]
  home = ["html", "rss"]
  section = ["html", "rss"]
  taxonomy = ["html"]
  term = ["html", "rss"]

[languages.en]
  weight = 1
  label = "English"
  title = "Memoria — Women Human Rights Defenders Archive"

[languages.es]
  weight = 2
  label = "Español"
  title = "Memoria — Archivo de defensoras de derechos humanos"
"""

HUGO_LAYOUTS = {
    "baseof.html": """\
<!doctype html>
<html lang="{{ .Site.Language.Lang }}">
<head>
<meta charset="utf-8">
<title>{{ .Title }} · {{ .Site.Title }}</title>
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">
{{ end }}{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .Permalink }}">{{ end }}
</head>
<body>
<nav>{{ range .Translations }}<a href="{{ .RelPermalink }}" hreflang="{{ .Language.Lang }}">{{ .Language.Label }}</a>{{ end }}</nav>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
""",
    "single.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006-01-02" }}</time></p>
{{ with .Params.summary }}<p>{{ . }}</p>{{ end }}
{{ with .GetTerms "topics" }}<ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ end }}
{{ .Content }}
{{ end }}
""",
    "list.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $pages := .RegularPagesRecursive }}{{ if .IsHome }}{{ $pages = .Site.RegularPages }}{{ end }}
{{ $pager := .Paginate $pages }}
<ul>{{ range $pager.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>{{ end }}</ul>
{{ with $pager.Prev }}<a href="{{ .URL }}">newer</a>{{ end }} {{ with $pager.Next }}<a href="{{ .URL }}">older</a>{{ end }}
{{ end }}
""",
    "taxonomy.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
""",
}


def write_hugo_site(entries: list[Entry], site: Path) -> None:
    """The same entries as Hugo content (translation by file name), minimal layouts and RSS."""
    content = site / "content"
    if content.exists():
        shutil.rmtree(content)
    site.mkdir(parents=True, exist_ok=True)
    (site / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    layouts = site / "layouts"
    layouts.mkdir(parents=True, exist_ok=True)
    for name, text in HUGO_LAYOUTS.items():
        (layouts / name).write_text(text, encoding="utf-8")
    for section in ("press", "events", "recordings"):
        for lang in LANGS:
            title = {
                "press": ("Press releases", "Comunicados"),
                "events": ("Events", "Eventos"),
                "recordings": ("Recordings", "Grabaciones"),
            }[section][LANGS.index(lang)]
            path = content / section / f"_index.{lang}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_front_matter({"title": title}), encoding="utf-8")
    for entry in entries:
        for lang in LANGS:
            fields = entry.translated[lang]
            values: dict[str, object] = {
                "title": fields["title"],
                "date": entry.date,
                "summary": fields["summary"],
                "topics": [TOPICS[t][LANGS.index(lang)] for t in entry.topics],
                "countries": entry.countries,
                "translationKey": f"{entry.section}/{entry.slug}",
            }
            path = content / entry.folder / f"{entry.slug}.{lang}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_front_matter(values) + entry.bodies[lang], encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, metavar="N", help="entries per language (each in English and Spanish)")
    parser.add_argument("dir", type=Path, metavar="DIR", help="where to write the Memoria project")
    parser.add_argument(
        "--hugo", type=Path, metavar="DIR2", help="also write a Hugo site of the same content"
    )
    parser.add_argument("--seed", type=int, default=7, help="corpus seed (default 7)")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    entries = generate(args.n, args.seed)
    write_memoria_project(entries, args.dir)
    if args.hugo:
        write_hugo_site(entries, args.hugo)
    words = sum(len(re.findall(r"\S+", e.bodies["en"])) for e in entries)
    kinds = {s: sum(e.section == s for e in entries) for s in ("press", "events", "recordings")}
    print(
        f"{args.dir}: {len(entries)} entries per language {kinds}, {words} English body words",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
