"""The persistent build cache: what `memoria build` made last time, and what each piece depended on.

Most archives change by an entry or two between builds, yet a build renders every page again.
The cache (`.cache/memoria/` beside mkdocs.yml, safe to delete at any time) keeps, per language,
the previous build's page files, the entries' HTML its feeds embed, and each page's search
record, each with a fingerprint of everything the page shows. A warm build renders a page
again only when its fingerprint changed, and reuses the previous search bundle when no search
record changed.

Never stale, by construction rather than by care:

- Everything a page can show and that is not one of the archive's entries goes into one
  language key (`environment_key` + the navigation, feeds, and organisation and topic names as
  entries first wrote them): mkdocs.yml,
  the theme overrides, the shared lists, the media folder (manifests, captions), every
  hand-written file of docs/, the installed packages' versions, Memoria's own files, the
  day (citations carry it) and the strictness. Any change of it: every page is rendered again.
- An entry page's fingerprint holds the content of its entry's files and of every entry it
  shows (its event, press releases, recordings, its sibling parts); a listing's, the entries
  it lists, in order, with its title, place in the pagination and groups. Contents are
  hashed, never trusted by date: a checkout that touches every file reuses every page.
- Pages that show the whole archive (home, about, states, search, feeds) and hand-written
  pages are rendered every time.
- A build whose every input (the above, every entry file, the environment) has the digest the
  last build recorded, for a moment that shows the same entries (its steady window), into a
  published site no one touched since (every file's size, time and inode), has nothing to do.
- A state file carries the cache format, Memoria's digest and a checksum; an output carries
  its size and modification time. Anything that does not match is ignored, never trusted: a
  page whose cached file changed is rendered again, a state that does not load means a cold
  build.

Engine-independent: the adapter (`memoria.engine.cache`) asks which pages to reuse and hands
over what it built.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import importlib.metadata
import json
import os
import pickle
import re
import shutil
import time
import uuid
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from memoria.catalog import Catalog, Listing
from memoria.content import Entry

FORMAT = 2
"""Bumped whenever what the cache holds, or how it is read, changes: older caches are ignored."""

CACHE_FOLDER = Path(".cache") / "memoria"
"""Where a project keeps its cache, beside mkdocs.yml (git-ignored)."""

_MAGIC = "memoria build cache"
REPLACED_SITE = "replaced-site"
"""The site the last build replaced (`BuildCache.keep_replaced_site`)."""
_STATE = "state.pickle"  # a language's LanguageState (the name doubles as its versions stamp)
_HASHED_UP_TO = 1 << 20  # files up to 1 MiB are hashed; bigger ones (media) stand by size and time
#: Markdown or HTML that links to another file of the site: the page's output depends on where
#: the other pages are. A conservative net: any link that is not absolute or an anchor.
_RELATIVE_LINK = re.compile(
    r"""(?:\]\(\s*<?|\]:\s*<?|(?:href|src)\s*=\s*["']?)(?![a-zA-Z][a-zA-Z0-9+.-]*:|#|/)""", re.IGNORECASE
)
#: The same two kinds of link, each from the one character it cannot be without (`]`, `=`):
#: tried only where that character is, not at every character of the text (`links_elsewhere`).
_LINK_FROM_BRACKET = re.compile(r"""\](?:\(\s*<?|:\s*<?)(?![a-zA-Z][a-zA-Z0-9+.-]*:|#|/)""", re.IGNORECASE)
_LINK_TO_EQUALS = re.compile(r"""(?:href|src)\s*=\s*["']?(?![a-zA-Z][a-zA-Z0-9+.-]*:|#|/)""", re.IGNORECASE)
#: Markdown extensions that read other files into a page: their dependencies cannot be known.
UNTRACKABLE_EXTENSIONS = ("pymdownx.snippets", "markdown_include", "mdx_include")


def digest(parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


def links_elsewhere(text: str) -> bool:
    """Whether `text` holds a link `_RELATIVE_LINK` finds: the same answer, tried only at each `]` and `=`.

    Searching the whole text with `_RELATIVE_LINK` tries its three openings at every character
    (a second per 3,000 entries); a link of the first two kinds starts with `]`, one of the
    third has `href` or `src` (4 or 3 characters: IGNORECASE matches one character for one)
    right before the spaces before its `=`.
    """
    at = text.find("]")
    while at >= 0:
        if _LINK_FROM_BRACKET.match(text, at):
            return True
        at = text.find("]", at + 1)
    at = text.find("=")
    while at >= 0:
        start = at
        while start > 0 and text[start - 1].isspace():  # what re's \s matches in a str
            start -= 1
        if any(start >= n and _LINK_TO_EQUALS.match(text, start - n) for n in (4, 3)):
            return True
        at = text.find("=", at + 1)
    return False


def relative_prefix(folder: str, top: str | Path) -> str:
    """How os.walk's `folder` starts a path below `top`: "" for `top` itself, else "a/b/"."""
    relative = os.path.relpath(folder, top).replace(os.sep, "/")
    return "" if relative == "." else relative + "/"


_read_digests: dict[str, tuple[tuple[int, int, int], bytes]] = {}
"""The digests `_file_digest` computed in this process, by path, with the file's (size, time,
inode) before it was read. `memoria build` digests every file of docs/ before it forks the
language processes, which inherit these and need not read and hash every entry file again."""


def _file_digest(path: str) -> str:
    stat = os.stat(path)
    if stat.st_size > _HASHED_UP_TO:
        return f"{stat.st_size}:{stat.st_mtime_ns}"
    found = _hashed(path)
    _read_digests[path] = ((stat.st_size, stat.st_mtime_ns, stat.st_ino), found)
    return found.hex()


def _hashed(path: str) -> bytes:
    with open(path, "rb") as file:
        return hashlib.blake2b(file.read(), digest_size=16).digest()


def file_digest(path: Path) -> bytes:
    """blake2b (16 bytes) of a file's bytes: the one this process already computed if the file's
    size, modification time and inode are still those it had before it was read, else read now.
    (Any write changes the time; a file renamed over it, the inode.)"""
    name = os.fspath(path)
    known = _read_digests.get(name)
    if known is not None:
        stat = os.stat(name)
        if known[0] == (stat.st_size, stat.st_mtime_ns, stat.st_ino):
            return known[1]
    return _hashed(name)


def folder_digest(root: Path, skip: Iterable[Path] = ()) -> str:
    """Every file below `root` (not hidden ones, not those in `skip`): its path and content.
    (os paths, not pathlib: it reads every file of docs/ before each build.)"""
    top = os.path.normpath(root)
    skipped = {os.path.normpath(p) for p in skip}
    parts = []
    if os.path.isdir(top):
        for folder, dirs, names in os.walk(top):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
            prefix = relative_prefix(folder, top)
            for name in sorted(names):
                path = os.path.join(folder, name)
                if name.startswith(".") or path in skipped:
                    continue
                parts.append((prefix + name, _file_digest(path)))
    elif os.path.isfile(top):
        parts.append((os.path.basename(top), _file_digest(top)))
    return digest(parts)


@functools.cache
def memoria_digest() -> str:
    """Memoria's own files (code, templates, catalogs): an edited checkout is another version.
    Once per process: the code that runs is the code loaded when it started."""
    return folder_digest(Path(__file__).parent)


@functools.cache
def packages_digest() -> str:
    """Every installed distribution and its version: the engine, the theme, Markdown, Babel…
    Once per process, like `memoria_digest` (0.09 s; a language's process forked from the
    parent, which keyed the environment with it, finds it already made)."""
    found = sorted(
        {(dist.metadata["Name"] or "", dist.version) for dist in importlib.metadata.distributions()}
    )
    return digest(found)


def environment_key(
    *,
    config_file: Path,
    docs_dir: Path,
    entry_files: Iterable[Path],
    folders: Iterable[Path],
    settings: Mapping[str, object],
) -> str:
    """What every page may show besides the entries: any change renders every page again.

    `folders` are the theme overrides, the media folder and the shared lists; `settings` what
    the caller knows matters beyond files (strictness, the day, the interface language…).
    """
    return digest(
        (
            FORMAT,
            memoria_digest(),
            packages_digest(),
            folder_digest(config_file),
            str(config_file.resolve()),
            folder_digest(docs_dir, skip=entry_files),  # hand-written pages, assets
            [(str(folder), folder_digest(folder)) for folder in folders],
            sorted((key, repr(value)) for key, value in settings.items()),
        )
    )


class EntryDigests:
    """The content of each entry's files, hashed once per build."""

    def __init__(self, docs_dir: Path) -> None:
        self.docs_dir = docs_dir
        self._known: dict[tuple[str, str], str] = {}
        self._links: dict[tuple[str, str], bool] = {}

    def of(self, entry: Entry) -> str:
        key = (entry.section, entry.norm_uri)
        found = self._known.get(key)
        if found is None:
            # From what was read (the file's bytes): all a page can show of its files.
            parts = []
            links = False
            for lang, source in sorted(entry.sources.items()):
                body = source.front_matter.body
                links = links or links_elsewhere(body)
                relative = source.path.relative_to(self.docs_dir).as_posix()
                read = source.text_digest or digest((source.front_matter.values, body))
                parts.append((lang, relative, read))
            found = self._known[key] = digest(parts)
            self._links[key] = links
        return found

    def links_elsewhere(self, entry: Entry) -> bool:
        """Whether the entry's text links to other files of the site (relative links)."""
        self.of(entry)
        return self._links[(entry.section, entry.norm_uri)]


def entry_page_fingerprint(
    catalog: Catalog, digests: EntryDigests, entry: Entry, lang: str, site_map: str
) -> str:
    """What an entry page shows: the entry, every entry it names (event, press releases,
    recordings, the parts before and after it), and, when its text links to other files,
    where every page is (`site_map`)."""
    event = catalog.event_of(entry)
    related = [*([event] if event else []), *catalog.press_of(entry)]
    related += catalog.recordings_of(entry) if entry.section != "recordings" else []
    if entry.section == "recordings" and event is not None:
        related += catalog.recordings_of(event)  # its siblings: previous and next part
    topics = [(slug, catalog.topic_label(slug, lang)) for slug in catalog.topic_slugs(entry)]
    return digest(
        (
            "entry",
            lang,
            entry.section,
            entry.id,
            digests.of(entry),
            [(e.section, e.id, digests.of(e)) for e in related],
            topics,
            site_map if digests.links_elsewhere(entry) else None,
        )
    )


def listing_page_fingerprint(digests: EntryDigests, listing: Listing, lang: str, markdown: str) -> str:
    """What a listing shows: its Markdown (title), place in the pagination, groups, and entries in order."""
    return digest(
        (
            "listing",
            lang,
            listing.uri,
            listing.kind,
            markdown,
            listing.page,
            listing.pages,
            listing.groups,
            [(e.section, e.id, digests.of(e)) for e in listing.entries],
        )
    )


# --- what the cache holds --------------------------------------------------------------

Stamp = tuple[str, int, int]  # path below the language's tree, size, mtime_ns


def stamp(root: Path, relative: str) -> Stamp | None:
    """A cached file's size and time, or None if it is gone."""
    try:
        stat = os.stat(os.path.join(root, relative))  # not pathlib: called for every page of a build
    except OSError:
        return None
    return (relative, stat.st_size, stat.st_mtime_ns)


@dataclass
class PageRecord:
    fingerprint: str
    outputs: list[Stamp]  # the page's file first, then what is written beside it (transcripts)


@dataclass
class LanguageState:
    """One language's last successful build, as the state file keeps it."""

    key: str
    pages: dict[str, PageRecord] = field(default_factory=dict)  # src uri → record
    rendered: dict[str, str] = field(default_factory=dict)  # "section/id" → entry HTML (feeds)
    search: dict[str, Stamp] = field(default_factory=dict)  # page path → its search record's stamp
    search_digests: dict[str, str] = field(default_factory=dict)  # page path → its record's digest
    outputs: dict[str, PageRecord] = field(default_factory=dict)  # feeds and calendar: name → record


@dataclass
class BundleState:
    """A language's search bundle as the last published build had it."""

    key: str
    files: list[Stamp]


class BuildCache:
    """The cache folder, per language: a state file, the pages' files, search records, a search bundle.

    Files in it are only ever replaced (a new file renamed over the old) or removed, never
    written in place: they are hard links shared with published sites.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def language_dir(self, lang: str) -> Path:
        return self.root / lang

    # --- the site the last build replaced, the next one's starting tree --------------------

    def keep_replaced_site(self, folder: Path) -> None:
        """Keep the site a build has just replaced (`folder`) for the next build to start from.

        Its pages are hard links to this cache's files, so it costs little room; the next build
        keeps those still current where they are instead of making 7,000 folders and links
        again (`take_replaced_site`). Left where it is if one is kept already or it is on
        another file system (it is then removed with the build's staging folder).
        """
        with contextlib.suppress(OSError):
            os.rename(folder, self.root / REPLACED_SITE)

    def take_replaced_site(self, target: Path) -> bool:
        """Move the kept replaced site to `target` (this build's own); False if there is none.

        Taken by one build only (a rename): two builds at once cannot both start from it.
        """
        try:
            os.rename(self.root / REPLACED_SITE, target)
        except OSError:
            return False
        return True

    def pages_dir(self, lang: str) -> Path:
        return self.language_dir(lang) / "site"

    def search_dir(self, lang: str) -> Path:
        return self.language_dir(lang) / "search"

    def _read_payload(self, path: Path) -> bytes | None:
        """A file's payload, or None when it is missing, corrupt, or another format's or Memoria's."""
        try:
            header, _, payload = path.read_bytes().partition(b"\n")
            magic, version, memoria, checksum = header.decode("ascii").split(" | ")
        except (OSError, ValueError, UnicodeDecodeError):
            return None
        if (magic, version) != (_MAGIC, str(FORMAT)) or memoria != memoria_digest():
            return None
        if hashlib.blake2b(payload, digest_size=16).hexdigest() != checksum:
            return None
        return payload

    def _read(self, path: Path) -> dict[str, Any] | None:
        """A state file's content, or None when it is missing, corrupt or another format's."""
        payload = self._read_payload(path)
        try:
            data = None if payload is None else json.loads(payload)
        except (ValueError, UnicodeDecodeError):
            return None
        return data if isinstance(data, dict) else None

    def _write(self, path: Path, data: object) -> None:
        """Write a state file whole or not at all (a crash leaves the previous one)."""
        self._write_payload(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))

    def load_objects(self, name: str, versions: str) -> Any:
        """Python objects kept by `save_objects` under the same `versions` (of the classes pickled:
        `packages_digest()`), or None. The checksum is checked before anything is unpickled."""
        payload = self._read_payload(self.root / name)
        if payload is None:
            return None
        stamp, _, pickled = payload.partition(b"\n")
        if stamp != versions.encode("ascii"):
            return None
        try:
            return pickle.loads(pickled)
        except (
            pickle.UnpicklingError,
            EOFError,
            AttributeError,
            ImportError,
            ValueError,
            TypeError,
            IndexError,
        ):
            return None

    def save_objects(self, name: str, versions: str, objects: object) -> None:
        self._write_payload(
            self.root / name, versions.encode("ascii") + b"\n" + pickle.dumps(objects, protocol=5)
        )

    def _write_payload(self, path: Path, payload: bytes) -> None:
        checksum = hashlib.blake2b(payload, digest_size=16).hexdigest()
        header = f"{_MAGIC} | {FORMAT} | {memoria_digest()} | {checksum}\n".encode("ascii")
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
        temporary.write_bytes(header + payload)
        os.replace(temporary, path)

    def load(self, lang: str) -> LanguageState | None:
        # Pickled, not JSON: the state holds every entry's HTML (11 MB at 3,000 entries), which
        # JSON took 0.2 s per language to write and read back on every build, pickle 0.05 s.
        state = self.load_objects(f"{lang}/{_STATE}", _STATE)
        return state if isinstance(state, LanguageState) else None

    def forget(self, lang: str) -> None:
        """Drop the language's state (its files are then never trusted) before they change."""
        (self.language_dir(lang) / _STATE).unlink(missing_ok=True)

    def save(self, lang: str, state: LanguageState) -> None:
        self.save_objects(f"{lang}/{_STATE}", _STATE, state)

    def load_bundle(self, lang: str) -> BundleState | None:
        data = self._read(self.language_dir(lang) / "bundle.json")
        if data is None:
            return None
        try:
            return BundleState(str(data["key"]), [(str(p), int(s), int(m)) for p, s, m in data["files"]])
        except (KeyError, TypeError, ValueError):
            return None

    def bundle_intact(self, lang: str, key: str) -> bool:
        """Whether the kept search bundle was made from the records `key` sums up, and is unchanged."""
        bundle = self.load_bundle(lang)
        folder = self.language_dir(lang) / "bundle"
        return (
            bundle is not None and bundle.key == key and all(stamp(folder, f[0]) == f for f in bundle.files)
        )

    def save_bundle(self, lang: str, key: str, bundle: Path) -> None:
        """Keep a published search bundle (hard links: the published files are never written again)."""
        folder = self.language_dir(lang) / "bundle"
        (self.language_dir(lang) / "bundle.json").unlink(missing_ok=True)
        shutil.rmtree(folder, ignore_errors=True)
        files = link_tree(bundle, folder)
        self._write(
            self.language_dir(lang) / "bundle.json",
            {"key": key, "files": [stamp(folder, f) for f in files]},
        )

    def reuse_bundle(self, lang: str, key: str, target: Path) -> bool:
        """Put the kept bundle at `target` if it was made from the same search records and is intact."""
        if not self.bundle_intact(lang, key):
            return False
        link_tree(self.language_dir(lang) / "bundle", target)
        return True

    def load_published(self) -> PublishedSite | None:
        data = self._read(self.root / "published.json")
        if data is None:
            return None
        try:
            return PublishedSite(
                key=str(data["key"]),
                site_dir=str(data["site_dir"]),
                steady_from=None if data["steady_from"] is None else str(data["steady_from"]),
                steady_until=None if data["steady_until"] is None else str(data["steady_until"]),
                files=[(str(p), int(s), int(m), int(i)) for p, s, m, i in data["files"]],
            )
        except (KeyError, TypeError, ValueError):
            return None

    def save_published(self, record: PublishedSite) -> None:
        self._write(
            self.root / "published.json",
            {
                "key": record.key,
                "site_dir": record.site_dir,
                "steady_from": record.steady_from,
                "steady_until": record.steady_until,
                "files": record.files,
            },
        )

    def forget_published(self) -> None:
        """Before a site is replaced: a crash afterwards must not leave a record of the previous one."""
        (self.root / "published.json").unlink(missing_ok=True)


class EntryStore:
    """Entries as earlier builds read them, one file each, named by `content.entry_key` (the bytes
    of the entry's files): a warm build unpickles them instead of parsing and validating the
    Markdown again. Each file is checked (format, Memoria, checksum, the packages' versions)
    before it is unpickled; anything else is read again from the Markdown."""

    def __init__(self, cache: BuildCache, versions: str, share: tuple[int, int] = (0, 1)) -> None:
        self.cache = cache
        self.folder = cache.root / "entries"
        self.versions = versions
        self.used: set[str] = set()
        # (this process's number, how many): the language processes read the same entries, and
        # each writes its share of those missing (a cold build pays for the writing once, split)
        self.share = share

    def file_digest(self, path: Path) -> bytes:
        return file_digest(path)

    def get(self, key: str) -> tuple[Entry | None, list[Any]] | None:
        self.used.add(key)
        found = self.cache.load_objects(f"entries/{key}", self.versions)
        if isinstance(found, tuple) and len(found) == 2:
            return found[0], found[1]
        return None

    def put(self, key: str, entry: Entry | None, problems: list[Any]) -> None:
        self.used.add(key)
        number, count = self.share
        if int(key[:8], 16) % count != number:
            return
        self.cache.save_objects(f"entries/{key}", self.versions, (entry, problems))

    def prune(self) -> None:
        """Remove the files of entries this build did not read (edited, deleted)."""
        try:
            names = os.listdir(self.folder)
        except OSError:
            return
        for name in names:
            if len(name) == 32 and name not in self.used:  # never a file being written (".name.uuid")
                (self.folder / name).unlink(missing_ok=True)


# --- the published site, as the last build left it -------------------------------------

SiteStamp = tuple[str, int, int, int]  # path below site_dir, size, mtime_ns, inode


def site_stamps(site_dir: Path, skip: Collection[str] = (), below: str = "") -> list[SiteStamp]:
    """Every file below `site_dir` (hidden ones too), with what any write or replacement changes;
    every folder too (size -1), so that even an empty one added or removed counts. Sorted by path.

    `skip`: folders (paths below `site_dir`) left out, entry and content; `below`: only that
    folder, entry and content. A site stamped in parts (the search bundles while Pagefind writes
    them, the rest meanwhile) gives the same list, once the parts are put together and sorted.
    """
    found: list[SiteStamp] = []
    top = os.path.join(site_dir, below) if below else str(site_dir)
    if below:
        if not os.path.isdir(top):
            return found
        found.append((below, -1, 0, 0))
    for folder, dirs, names in os.walk(top):
        prefix = relative_prefix(folder, site_dir)
        dirs[:] = [name for name in dirs if prefix + name not in skip]
        found.extend((prefix + name, -1, 0, 0) for name in dirs)
        for name in names:
            stat = os.lstat(os.path.join(folder, name))
            found.append((prefix + name, stat.st_size, stat.st_mtime_ns, stat.st_ino))
    found.sort()
    return found


def file_stamps(root: Path) -> list[SiteStamp]:
    """Every file below `root` with its size, time and inode, sorted: `site_stamps` without folders."""
    return [found for found in site_stamps(root) if found[1] != -1]


@dataclass
class PublishedSite:
    """What the last build published: the digest of every input it read, where, for which span of
    time, and every file it wrote. A build whose inputs have the same digest, for a moment in the
    same span, into the same untouched folder, would write the same site: it has nothing to do."""

    key: str
    site_dir: str
    steady_from: str | None  # ISO moments: publish for any moment in [from, until) and the same entries show
    steady_until: str | None
    files: list[SiteStamp]

    def still_current(self, key: str, site_dir: Path, moment: dt.datetime) -> bool:
        if key != self.key or str(site_dir) != self.site_dir:
            return False
        if self.steady_from is not None and moment < dt.datetime.fromisoformat(self.steady_from):
            return False
        if self.steady_until is not None and moment >= dt.datetime.fromisoformat(self.steady_until):
            return False
        return site_stamps(site_dir) == self.files


def link_tree(source: Path, target: Path) -> list[str]:
    """Hard-link every file below `source` to the same place below `target`; the relative paths."""
    linked = []
    for folder, _dirs, names in os.walk(source):
        relative = Path(folder).relative_to(source)
        (target / relative).mkdir(parents=True, exist_ok=True)
        for name in names:
            link_or_copy(Path(folder) / name, target / relative / name)
            linked.append((relative / name).as_posix())
    return linked


def link_or_copy(source: str | Path, target: str | Path) -> None:
    """A hard link where the file system allows it, else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


TEMPORARY_AGE_NS = 3600 * 10**9
"""How old a file being written (`replace_with_link`, `replace_with_text`) must be before a
build takes it for one a killed build left: younger, another build may be about to rename it."""
_TEMPORARY_NAME = re.compile(r"\..+\.[0-9a-f]{8}")


def being_written(name: str, mtime_ns: int) -> bool:
    """Whether a file of this name and time may be another running build's new file, not yet renamed in place."""
    return bool(_TEMPORARY_NAME.fullmatch(name)) and time.time_ns() - mtime_ns < TEMPORARY_AGE_NS


def replace_with_link(source: Path, target: Path) -> None:
    """Make `target` a link to `source` by renaming a new link over it: the old file is never written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}")
    link_or_copy(source, temporary)
    os.replace(temporary, target)


def replace_with_text(text: str, target: Path) -> None:
    """Write `text` as a new file renamed over `target`: the old file is never written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, target)


def set_aside(folder: Path) -> None:
    """Rename a starting tree that holds nothing to keep out of the way, beside itself (inside the
    build's staging folder, which is removed in the background): removing its thousands of files
    here would hold the build up."""
    if folder.is_dir() and not folder.is_symlink():
        os.rename(folder, folder.with_name(f"{folder.name}.set-aside-{uuid.uuid4().hex[:8]}"))


def sweep(root: str, keep: Collection[str]) -> None:
    """Remove everything below `root` but the files in `keep` (paths relative to it), and every
    folder left empty: a tree a build starts from holds nothing the build did not put there."""

    def sweep_folder(folder: str, prefix: str) -> bool:  # True: something in it is kept
        kept = False
        with os.scandir(folder) as found:
            children = list(found)
        for child in children:
            relative = prefix + child.name
            if child.is_dir(follow_symlinks=False):
                if sweep_folder(child.path, relative + "/"):
                    kept = True
                else:
                    os.rmdir(child.path)
            elif relative in keep:
                kept = True
            else:
                os.unlink(child.path)
        return kept

    if os.path.isdir(root):
        sweep_folder(root, "")


class FolderMaker:
    """`os.makedirs` once per folder: placing thousands of pages asks for the same folders again."""

    def __init__(self) -> None:
        self.made: set[str] = set()

    def __call__(self, folder: str) -> None:
        if folder not in self.made:
            os.makedirs(folder, exist_ok=True)
            self.made.add(folder)


class ListingSources:
    """Generated listings' Markdown as files, rewritten only when it changes (their time says when)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def listing_source(self, key: str, markdown: str) -> Path:
        path = self.folder / key
        try:
            if path.read_text(encoding="utf-8") == markdown:
                return path
        except OSError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(markdown, encoding="utf-8")
        return path
