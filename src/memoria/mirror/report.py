"""What a mirror run shows people: rich progress bars while it runs, a summary table at the end."""

from __future__ import annotations

import threading
from collections import Counter

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TaskID, TextColumn, TransferSpeedColumn
from rich.table import Table
from rich.text import Text

from memoria.mirror.pipeline import MirrorOutcome, MirrorResult

OUTCOME_LABELS = {
    MirrorOutcome.RESCUED: "rescued",
    MirrorOutcome.PRESENT: "already there",
    MirrorOutcome.UNCHANGED: "unchanged",
    MirrorOutcome.CHANGED: "CHANGED AT ORIGIN",
    MirrorOutcome.IMPORTED: "imported",
    MirrorOutcome.UNREACHABLE: "unreachable",
    MirrorOutcome.RESTRICTED: "restricted",
    MirrorOutcome.INCOMPLETE: "incomplete",
    MirrorOutcome.DISK_FULL: "disk full",
    MirrorOutcome.BUSY: "busy",
    MirrorOutcome.LOST: "lost",
    MirrorOutcome.FAILED: "failed",
    MirrorOutcome.PLANNED: "planned",
}
#: always counted in the summary line, even at zero
ALWAYS_COUNTED = (MirrorOutcome.RESCUED, MirrorOutcome.PRESENT, MirrorOutcome.FAILED, MirrorOutcome.LOST)


class RichProgress:
    """One bar per download and one overall bar (recordings done of total)."""

    def __init__(self, console: Console, total: int) -> None:
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            console=console,
            transient=False,
        )
        self.overall = self.progress.add_task("all recordings", total=total)
        self.tasks: dict[str, TaskID] = {}
        self.lock = threading.Lock()

    def __enter__(self) -> RichProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def started(self, recording_id: str, url: str) -> None:
        with self.lock:
            if recording_id not in self.tasks:
                self.tasks[recording_id] = self.progress.add_task(recording_id, total=None)

    def advanced(self, recording_id: str, done: int, total: int | None) -> None:
        task = self.tasks.get(recording_id)
        if task is not None:
            self.progress.update(task, completed=done, total=total)

    def finished(self, result: MirrorResult) -> None:
        with self.lock:
            task = self.tasks.get(result.id)
            if task is not None:
                self.progress.update(task, description=f"{result.id}: {OUTCOME_LABELS[result.outcome]}")
            self.progress.advance(self.overall)


def summary_counts(results: list[MirrorResult]) -> str:
    counts = Counter(r.outcome for r in results)
    return ", ".join(
        f"{counts[o]} {OUTCOME_LABELS[o]}" for o in OUTCOME_LABELS if counts[o] or o in ALWAYS_COUNTED
    )


def summary_table(results: list[MirrorResult]) -> Table:
    """One row per recording: outcome, where it came from, files and size, what went wrong."""
    table = Table(
        title="memoria mirror", title_justify="left", caption=summary_counts(results), caption_justify="left"
    )
    for column in ("recording", "outcome", "version", "via", "files", "size", "detail"):
        table.add_column(column, overflow="fold")
    for result in results:
        size = f"{result.size / 1_000_000:.1f} MB" if result.size else ""
        # Text, not markup: error messages carry "[generic]"-style brackets rich would swallow.
        table.add_row(
            Text(result.id),
            OUTCOME_LABELS[result.outcome],
            f"v{result.version}" if result.version else "",
            result.via or "",
            str(result.files or ""),
            size,
            Text(result.detail),
        )
    return table
