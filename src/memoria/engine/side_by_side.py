"""The live preview rebuilds its languages side by side: one process per language after the first build.

static-i18n builds the other languages inside the default one's build, one after the other,
on one core: at 10,000 entries per language a rebuild after one edit spent as long on Spanish
as on English. Once the first build is over, the preview forks one copy of itself per other
language (`start`). Each copy keeps that language's memory of the last rebuild (fingerprints,
feeds, HTML kept for feed items: memoria.preview) and rebuilds that language alone into its
folder of the preview's site, when the server rebuilds the default language (`SideBySide.wrap`);
the server answers requests once every language is rebuilt. A copy's failed build fails the
rebuild as the default language's does (a PluginError; the preview's error page shows the copy's
content problems). If a copy is gone, or mkdocs.yml changed the languages, the server rebuilds
every language itself again, those it had let go from a clean slate (`Preview.lost`).

Forking needs a process that runs nothing else: `start` forks only from the first build's
thread, before the server's threads start, on POSIX.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import signal
import struct
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from mkdocs.exceptions import PluginError

log = logging.getLogger("mkdocs.plugins.memoria")

_HEADER = struct.Struct("!I")


@dataclass
class Failure:
    """A language's failed rebuild, as its copy reports it: the error's text and the content problems."""

    lang: str
    message: str
    problems: list[Any]


class Preview(Protocol):
    """What the preview's plugin does for its copies (memoria.engine.plugin)."""

    def rebuild_only(self, lang: str) -> None:
        """From now on this process rebuilds `lang` alone (in a copy: its language; in the server: the default)."""

    def problems(self) -> list[Any]:
        """The content problems of the last failed build, reported with it."""

    def wanted(self) -> list[str]:
        """The languages that need a copy, as the configuration loaded last says (mkdocs.yml may change them)."""

    def failed(self, failures: list[Failure]) -> None:
        """Copies' builds failed and the server's did not: say so, show their problems."""

    def lost(self, why: str) -> None:
        """The copies are gone ("stopped": one died; "languages": no longer wanted): the server builds every language."""


class LanguageCopy:
    """The parent's end of one forked copy: start a rebuild, wait for its outcome, stop it."""

    def __init__(self, lang: str, pid: int, commands: int, replies: int) -> None:
        self.lang, self.pid, self.commands, self.replies = lang, pid, commands, replies

    def start_rebuild(self) -> bool:
        try:
            os.write(self.commands, b"b")
        except OSError:
            return False
        return True

    def outcome(self) -> Failure | bool | None:
        """None: built; a Failure: its build failed; False: the copy is gone."""
        header = _read_exactly(self.replies, _HEADER.size)
        if header is None:
            return False
        body = _read_exactly(self.replies, _HEADER.unpack(header)[0])
        if body is None:
            return False
        return pickle.loads(body)  # our own fork's, over our own pipe

    def stop(self) -> None:
        for fd in (self.commands, self.replies):
            with contextlib.suppress(OSError):
                os.close(fd)
        with contextlib.suppress(OSError):  # gone already: ChildProcessError, ProcessLookupError
            os.kill(self.pid, signal.SIGTERM)
            os.waitpid(self.pid, 0)


def _read_exactly(fd: int, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        try:
            chunk = os.read(fd, left)
        except OSError:
            return None
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def refused() -> str | None:
    """Why this process cannot fork copies of itself now (None: it can)."""
    if not hasattr(os, "fork"):
        return "this system cannot fork"
    if threading.current_thread() is not threading.main_thread() or threading.active_count() > 1:
        return "other threads run in the preview already"
    return None


class SideBySide:
    """The copies of the preview, one per language other than the default, and the builder that waits for them."""

    def __init__(self, copies: list[LanguageCopy], preview: Preview) -> None:
        self.copies = copies
        self.preview = preview

    @classmethod
    def start(
        cls,
        languages: list[str],
        builder: Callable[[], Any],
        preview: Preview,
        inherited: list[int],
    ) -> SideBySide | None:
        """Fork one copy per language of `languages`; each rebuilds its language with `builder` when told.

        `inherited`: descriptors the copies close (the server's socket).

        Returns None (and forks nothing) when `refused` says why not. In a copy this never
        returns: the copy exits when the server closes its end.
        """
        why = refused()
        if why is not None:
            log.info(f"memoria: the preview rebuilds its languages one after the other: {why}")
            return None
        copies: list[LanguageCopy] = []
        for lang in languages:
            commands_read, commands_write = os.pipe()
            replies_read, replies_write = os.pipe()
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:  # the copy
                os.close(commands_write)
                os.close(replies_read)
                for fd in [*inherited, *(fd for copy in copies for fd in (copy.commands, copy.replies))]:
                    os.close(fd)  # the server's, and the earlier copies' ends
                _serve_rebuilds(lang, builder, preview, commands_read, replies_write)
            os.close(commands_read)
            os.close(replies_write)
            copies.append(LanguageCopy(lang, pid, commands_write, replies_read))
        return cls(copies, preview)

    def wrap(self, builder: Callable[..., Any]) -> Callable[..., Any]:
        """The server's builder: the copies start their rebuilds, the server builds its language, all are waited for."""

        def build(*args: Any, **kwargs: Any) -> Any:
            if not self.copies:
                return builder(*args, **kwargs)
            started = [copy.start_rebuild() for copy in self.copies]
            error: BaseException | None = None
            try:
                result = builder(*args, **kwargs)
            except Exception as raised:  # raised again once the copies are done (Ctrl-C at once)
                error, result = raised, None
            outcomes = [
                copy.outcome() if ok else False for copy, ok in zip(self.copies, started, strict=True)
            ]
            lost = "stopped" if any(outcome is False for outcome in outcomes) else None
            if lost is None and self.preview.wanted() != [copy.lang for copy in self.copies]:
                lost = "languages"
            if lost is not None:
                self.stop()
                self.preview.lost(lost)
                if error is None:
                    # what the copies built is unknown, or no longer wanted: every language now, here
                    return builder(*args, **kwargs)
            if error is not None:
                raise error
            failures = [outcome for outcome in outcomes if isinstance(outcome, Failure)]
            if failures:
                self.preview.failed(failures)
                raise PluginError("; ".join(f"'{f.lang}' build: {f.message}" for f in failures))
            return result

        return build

    def stop(self) -> None:
        for copy in self.copies:
            copy.stop()
        self.copies = []


def _serve_rebuilds(
    lang: str, builder: Callable[[], Any], preview: Preview, commands: int, replies: int
) -> None:
    """A copy's life: rebuild `lang` at each command, report the outcome, exit when the server is gone."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which closes our pipe
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        preview.rebuild_only(lang)
        while _read_exactly(commands, 1) is not None:
            outcome: Failure | None = None
            try:
                builder()
            except Exception as error:  # every failed build is reported, as the server's own would be
                outcome = Failure(lang, str(error), list(preview.problems()))
            body = pickle.dumps(outcome)
            report = memoryview(_HEADER.pack(len(body)) + body)
            while report:
                report = report[os.write(replies, report) :]
    except BaseException:  # whatever happens, a copy never goes back into the server's code
        traceback.print_exc()  # the server says the copy stopped; this says why
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
