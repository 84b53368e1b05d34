"""Is the original still there? Ask yt-dlp to extract (no download) and record `origin` in the manifest.

Extraction rather than a bare HTTP request: a dead platform often answers 200 with its
home page, which is no recording at all.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from memoria.manifest import (
    MANIFEST_VERSION,
    OriginStatus,
    load_manifest,
    recording_status,
    utc_now,
    write_manifest,
)
from memoria.mirror import ytdlp
from memoria.mirror.failures import FailureClass, FetchError
from memoria.mirror.plan import Target, is_web_url

_ORIGIN_BY_CLASS = {
    FailureClass.PERMANENT: OriginStatus.DEAD,
    FailureClass.BLOCKED: OriginStatus.BLOCKED,
    FailureClass.TRANSIENT: OriginStatus.UNREACHABLE,
}


@dataclass(frozen=True)
class LinkResult:
    id: str
    url: str
    origin: dict[str, Any]
    status: str  # the recording's status on the site after this check

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "url": self.url, "origin": self.origin, "status": self.status}


def check_origin(url: str, attempts: int = 2, backoff: float = 2.0, timeout: float = 20.0) -> dict[str, Any]:
    """origin: {url, checked_at, status, http_status, error} for one URL; transient failures retried."""
    error: FetchError | None = None
    for number in range(1, max(1, attempts) + 1):
        try:
            if not is_web_url(url):
                raise FetchError(FailureClass.PERMANENT, f"{url}: only http and https URLs are checked")
            ytdlp.extract(url, retries=1, timeout=timeout)
        except FetchError as failed:
            error = failed
            if failed.failure is FailureClass.TRANSIENT and number < attempts:
                time.sleep(backoff * 2 ** (number - 1))
                continue
            break
        error = None
        break
    status = OriginStatus.ALIVE if error is None else _ORIGIN_BY_CLASS[error.failure]
    return {
        "url": url,
        "checked_at": utc_now(),
        "status": status.value,
        "http_status": 200 if error is None else error.http_status,
        "error": None if error is None else error.message,
        "checked_by": "linkcheck",
    }


def linkcheck(target: Target, media_dir: Path, attempts: int, backoff: float, timeout: float) -> LinkResult:
    """Check the source URL and store the answer in media/<id>/manifest.json (created if none)."""
    origin = check_origin(target.source_url, attempts, backoff, timeout)
    manifest = load_manifest(media_dir, target.id) or {
        "memoria_manifest": MANIFEST_VERSION,
        "id": target.id,
        "outcome": "unmirrored",
        "source_url": target.source_url,
        "alternate_urls": list(target.alternate_urls),
        "files": [],
        "attempts": [],
    }
    manifest["origin"] = origin
    write_manifest(media_dir / target.id, manifest)
    return LinkResult(target.id, target.source_url, origin, recording_status(manifest).value)
