"""Is the original still there? Ask yt-dlp to extract (no download) and record `origin` in the manifest.

Extraction rather than a bare HTTP request: a dead platform often answers 200 with its
home page, which is no recording at all.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from memoria import custody
from memoria.manifest import (
    Manifest,
    OriginCheck,
    OriginStatus,
    load_manifest,
    recording_status,
    utc_now,
    write_manifest,
)
from memoria.mirror import ytdlp
from memoria.mirror.failures import FailureClass, FetchError
from memoria.mirror.lock import recording_lock
from memoria.mirror.plan import Target, is_web_url

_ORIGIN_BY_CLASS = {
    FailureClass.GONE: OriginStatus.GONE,
    FailureClass.RESTRICTED: OriginStatus.RESTRICTED,
    FailureClass.UNREACHABLE: OriginStatus.UNREACHABLE,
    FailureClass.REJECTED: OriginStatus.ALIVE,
    FailureClass.DISK_FULL: OriginStatus.ALIVE,
}


@dataclass(frozen=True)
class LinkResult:
    id: str
    url: str
    origin: OriginCheck | None
    status: str  # the recording's status on the site after this check
    detail: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "origin": self.origin.model_dump(mode="json") if self.origin else None,
            "status": self.status,
            "detail": self.detail,
        }


def check_origin(
    url: str, attempts: int = 2, backoff: float = 2.0, timeout: float = 20.0
) -> tuple[OriginCheck | None, str]:
    """The origin's answer for one URL (unreachable retried), and the error text if any."""
    error: FetchError | None = None
    for number in range(1, max(1, attempts) + 1):
        try:
            if not is_web_url(url):
                raise FetchError(FailureClass.REFUSED, f"{url}: only http and https URLs are checked")
            ytdlp.extract(url, retries=1, timeout=timeout)
        except FetchError as failed:
            error = failed
            if failed.failure is FailureClass.UNREACHABLE and number < attempts:
                time.sleep(backoff * 2 ** (number - 1))
                continue
            break
        error = None
        break
    if error is not None and error.failure is FailureClass.REFUSED:
        return None, error.message
    status = OriginStatus.ALIVE if error is None else _ORIGIN_BY_CLASS[error.failure]
    return (
        OriginCheck(
            url=url,
            checked_at=utc_now(),
            status=status,
            http_status=200 if error is None else error.http_status,
            checked_by="linkcheck",
            detail=None if error is None else error.message[:500],
        ),
        "" if error is None else error.message,
    )


def linkcheck(target: Target, media_dir: Path, attempts: int, backoff: float, timeout: float) -> LinkResult:
    """Check the source URL; record the answer in the manifest (created if none) and the custody log."""
    origin, detail = check_origin(target.source_url, attempts, backoff, timeout)
    with recording_lock(media_dir, target.id, wait=600):
        manifest = load_manifest(media_dir, target.id) or Manifest(
            id=target.id, source_url=target.source_url, alternate_urls=list(target.alternate_urls)
        )
        if origin is not None:
            manifest = manifest.model_copy(update={"origin": origin, "updated_at": utc_now()})
            write_manifest(media_dir / target.id, manifest)
        custody.append(
            media_dir,
            [
                custody.new_event(
                    target.id,
                    "metadata extraction",
                    "success" if origin is not None and origin.status is OriginStatus.ALIVE else "warning",
                    f"origin check: {origin.status.value if origin else 'not asked'}"
                    + (f": {detail}" if detail else ""),
                    url=target.source_url,
                    agents=[custody.Agent(name="yt-dlp", role="executing program", version=ytdlp.version())],
                )
            ],
        )
    return LinkResult(target.id, target.source_url, origin, recording_status(manifest).value, detail)
