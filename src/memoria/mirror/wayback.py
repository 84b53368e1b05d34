"""Wayback Machine fallback: find a raw video capture of a dead URL through the CDX API.

The endpoint is configurable (tests run a fake CDX server on 127.0.0.1). Captures are
fetched in the `id_` form, which returns the archived bytes without Wayback's rewriting.
"""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from memoria.mirror.failures import FailureClass, FetchError, classify_status
from memoria.mirror.netguard import AddressPolicy

DEFAULT_CDX_ENDPOINT = "https://web.archive.org/cdx/search/cdx"
DEFAULT_WAYBACK_PREFIX = "https://web.archive.org/web/"


@dataclass(frozen=True)
class Memento:
    """One capture: when it was taken, of what, and the archive's own digest of its bytes."""

    timestamp: str
    original: str
    mimetype: str
    digest: str
    capture_url: str
    cdx_endpoint: str

    def as_manifest(self) -> dict[str, Any]:
        return asdict(self)


def _http_only(url: str) -> str:
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise FetchError(FailureClass.REFUSED, f"{url}: only http and https URLs are used")
    return url


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Every redirect target is checked against the address policy before it is followed."""

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        parts = urllib.parse.urlsplit(_http_only(newurl))
        self.policy.check_host(parts.hostname or "", parts.port)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def find_captures(
    source_url: str,
    cdx_endpoint: str = DEFAULT_CDX_ENDPOINT,
    wayback_prefix: str = DEFAULT_WAYBACK_PREFIX,
    timeout: float = 20.0,
    policy: AddressPolicy | None = None,
) -> list[Memento]:
    """Video captures with status 200 of `source_url`, newest first; raises FetchError."""
    query = urllib.parse.urlencode(
        [
            ("url", source_url),
            ("output", "json"),
            ("filter", "statuscode:200"),
            ("filter", "mimetype:video/.*"),
            ("fl", "timestamp,original,mimetype,statuscode,digest"),
        ]
    )
    request_url = _http_only(cdx_endpoint) + ("&" if "?" in cdx_endpoint else "?") + query
    policy = policy or AddressPolicy()
    opener = urllib.request.build_opener(_CheckedRedirects(policy))
    try:
        parts = urllib.parse.urlsplit(request_url)
        policy.check_host(parts.hostname or "", parts.port)
        with opener.open(request_url, timeout=timeout) as response:
            rows = json.loads(response.read(10_000_000).decode("utf-8") or "[]")
    except urllib.error.HTTPError as error:
        raise FetchError(
            classify_status(error.code), f"CDX {cdx_endpoint}: HTTP Error {error.code}", error.code
        ) from None
    except (urllib.error.URLError, OSError) as error:
        failure = FailureClass.REFUSED if "address refused" in str(error) else FailureClass.UNREACHABLE
        raise FetchError(failure, f"CDX {cdx_endpoint}: {error}") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise FetchError(FailureClass.UNREACHABLE, f"CDX {cdx_endpoint}: answer is not JSON") from None
    if not rows:
        return []
    header, *records = rows
    mementos = []
    for record in records:
        row = dict(zip(header, record, strict=False))
        if row.get("statuscode") != "200" or not str(row.get("mimetype", "")).startswith("video/"):
            continue
        timestamp = str(row["timestamp"])
        if not timestamp.isdigit():
            continue
        try:
            original = _http_only(str(row["original"]))
        except FetchError:
            continue
        mementos.append(
            Memento(
                timestamp=timestamp,
                original=original,
                mimetype=str(row["mimetype"]),
                digest=str(row.get("digest", "")),
                capture_url=f"{wayback_prefix.rstrip('/')}/{timestamp}id_/{original}",
                cdx_endpoint=cdx_endpoint,
            )
        )
    return sorted(mementos, key=lambda m: m.timestamp, reverse=True)


def cdx_digest(path: Path) -> str:
    """The CDX form of a payload digest: base32 of its SHA-1."""
    digest = hashlib.sha1()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return base64.b32encode(digest.digest()).decode("ascii")
