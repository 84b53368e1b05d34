"""Why a fetch failed, in classes that decide what to do next and what the archive may claim.

gone: the origin answered that the recording is not there (404/410, a platform's "removed"
page, no media on the page) — try the next URL, never retry. restricted: it may exist but
refuses us (401/403/451, a login wall). unreachable: we could not tell (DNS, refused
connections, timeouts, stalls, 5xx, 429, redirect loops, TLS) — retry with backoff; never
evidence that a recording is lost. rejected: bytes arrived but are not a complete recording
(duration short, playlist changed, too large). disk_full: our disk, not their server.
refused: Memoria itself would not connect (a private address, a scheme other than http(s)).
"""

from __future__ import annotations

import re
from enum import StrEnum


class FailureClass(StrEnum):
    GONE = "gone"
    RESTRICTED = "restricted"
    UNREACHABLE = "unreachable"
    REJECTED = "rejected"
    DISK_FULL = "disk_full"
    REFUSED = "refused"


class FetchError(Exception):
    """A failed fetch, already classified, with the HTTP status when one was seen."""

    def __init__(self, failure: FailureClass, message: str, http_status: int | None = None) -> None:
        super().__init__(message)
        self.failure = failure
        self.message = message
        self.http_status = http_status


_RESTRICTED_STATUSES = {401, 403, 407, 451}
_GONE_STATUSES = {404, 410}
_UNREACHABLE_WORDS = re.compile(
    r"timed? ?out|connection (?:reset|refused|aborted)|remote end closed|broken pipe|"
    r"temporar|incomplete ?read|bytes read|content too short|did not match|network is unreachable|"
    r"name or service not known|nodename nor servname|no address associated|getaddrinfo failed|"
    r"failed to resolve|name resolution|resolve host|redirect|ssl|tls|certificate|handshake|"
    r"no route to host|host is down|stalled|deadline",
    re.IGNORECASE,
)
_RESTRICTED_WORDS = re.compile(
    r"sign in|log ?in|login|private video|members[- ]only|requires authentication|account", re.IGNORECASE
)
_GONE_WORDS = re.compile(
    r"unsupported url|no video formats|no media|not found, unable to continue|has been removed|"
    r"video unavailable|no longer available|does not exist|been deleted|terminated",
    re.IGNORECASE,
)


def classify_status(status: int) -> FailureClass:
    """The class of an HTTP error status: only 404 and 410 say a recording is gone."""
    if status in _RESTRICTED_STATUSES:
        return FailureClass.RESTRICTED
    if status in _GONE_STATUSES:
        return FailureClass.GONE
    if 300 <= status <= 399:
        return FailureClass.UNREACHABLE  # a redirect we could not follow (a loop, a missing Location)
    if status in (400, 405, 406, 415, 422):
        return FailureClass.GONE  # the origin rejects the request for this resource outright
    return FailureClass.UNREACHABLE  # 408, 425, 429, 5xx and anything unexpected: we could not tell


def classify_message(message: str) -> tuple[FailureClass, int | None]:
    """Classify by the words of an error when no exception object says more."""
    found = re.search(r"HTTP Error (\d{3})", message)
    if found:
        status = int(found.group(1))
        return classify_status(status), status
    if _UNREACHABLE_WORDS.search(message):
        return FailureClass.UNREACHABLE, None
    if _RESTRICTED_WORDS.search(message):
        return FailureClass.RESTRICTED, None
    if _GONE_WORDS.search(message):
        return FailureClass.GONE, None
    # an error nobody recognises proves nothing about the recording: never call it gone
    return FailureClass.UNREACHABLE, None
