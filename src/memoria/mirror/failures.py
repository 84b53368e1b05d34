"""Why a fetch failed, in three classes that decide what to do next.

permanent: the thing is gone or was never media (404/410, unsupported URL, no media, missing
fragment) — try the next URL, never retry. blocked: it exists but refuses us (401/403/451) —
try the next URL, report it. transient: timeouts, 5xx, 429, resets — retry with backoff.
"""

from __future__ import annotations

import re
from enum import StrEnum


class FailureClass(StrEnum):
    PERMANENT = "permanent"
    BLOCKED = "blocked"
    TRANSIENT = "transient"


class FetchError(Exception):
    """A failed fetch, already classified, with the HTTP status when one was seen."""

    def __init__(self, failure: FailureClass, message: str, http_status: int | None = None) -> None:
        super().__init__(message)
        self.failure = failure
        self.message = message
        self.http_status = http_status


_BLOCKED_STATUSES = {401, 403, 451}
_TRANSIENT_STATUSES = {408, 425, 429}
_TRANSIENT_WORDS = re.compile(
    r"timed? ?out|connection (?:reset|refused|aborted)|remote end closed|broken pipe|"
    r"temporarily|incomplete ?read|bytes read|content too short|did not match|network is unreachable",
    re.IGNORECASE,
)
_PERMANENT_WORDS = re.compile(
    r"unsupported url|no video formats|no media|not found, unable to continue|"
    r"name or service not known|nodename nor servname|no address associated|getaddrinfo failed",
    re.IGNORECASE,
)


def classify_status(status: int) -> FailureClass:
    """The class of an HTTP error status."""
    if status in _BLOCKED_STATUSES:
        return FailureClass.BLOCKED
    if status in _TRANSIENT_STATUSES or 500 <= status <= 599:
        return FailureClass.TRANSIENT
    return FailureClass.PERMANENT


def classify_message(message: str) -> tuple[FailureClass, int | None]:
    """Classify by the words of an error when no exception object says more."""
    found = re.search(r"HTTP Error (\d{3})", message)
    if found:
        status = int(found.group(1))
        return classify_status(status), status
    if _PERMANENT_WORDS.search(message):
        return FailureClass.PERMANENT, None
    if _TRANSIENT_WORDS.search(message):
        return FailureClass.TRANSIENT, None
    return FailureClass.PERMANENT, None
