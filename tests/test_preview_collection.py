"""The live preview's cycle collection: a rebuild runs without the collector, its garbage is collected after it (memoria.preview)."""

from __future__ import annotations

import gc
import time
import weakref
from collections.abc import Iterator

import pytest

from memoria.preview import RebuildCollection


class Cycle:
    """Garbage only the cycle collector frees."""

    def __init__(self) -> None:
        self.itself = self


@pytest.fixture(autouse=True)
def collector_back() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    if enabled:
        gc.enable()


def garbage_of_a_rebuild() -> weakref.ref[Cycle]:
    return weakref.ref(Cycle())


def test_a_rebuilds_garbage_waits_until_after_it_then_the_next_rebuild_collects_it_first() -> None:
    collection = RebuildCollection(delay=3600)
    collection.pause()
    assert not gc.isenabled()
    left = garbage_of_a_rebuild()
    collection.resume()
    assert not gc.isenabled() and left() is not None  # not collected while the page is served
    collection.pause()  # the next rebuild, before the timer
    assert left() is None and collection.collections == 1
    assert not gc.isenabled()
    collection.shutdown()
    assert gc.isenabled()


def test_a_rebuilds_garbage_is_collected_when_idle_and_the_collector_comes_back() -> None:
    collection = RebuildCollection(delay=0)
    collection.pause()
    left = garbage_of_a_rebuild()
    collection.resume()
    deadline = time.monotonic() + 60
    while not gc.isenabled() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert gc.isenabled() and left() is None and collection.collections == 1
    collection.pause()  # nothing owed: the next rebuild does not collect again
    assert collection.collections == 1 and not gc.isenabled()
    collection.shutdown()


def test_a_timer_that_fires_once_the_next_rebuild_started_leaves_the_collector_off() -> None:
    collection = RebuildCollection(delay=3600)
    collection.pause()
    collection.resume()
    collection.pause()  # cancels the timer; one that had already fired still runs:
    collection._collect_when_idle()
    assert not gc.isenabled() and collection.collections == 1
    collection.shutdown()
    assert gc.isenabled()
