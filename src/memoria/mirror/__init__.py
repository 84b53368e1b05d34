"""Rescue recordings: mirror every recording's URLs into media/<id>/ with verified manifests.

Only `memoria.mirror.ytdlp` imports yt-dlp; the rest is plain Python around it.
"""

from __future__ import annotations

from memoria.mirror.pipeline import MirrorOutcome, MirrorResult, Settings, dry_run, mirror_recording, run
from memoria.mirror.plan import PlanError, Target, plan

__all__ = [
    "MirrorOutcome",
    "MirrorResult",
    "PlanError",
    "Settings",
    "Target",
    "dry_run",
    "mirror_recording",
    "plan",
    "run",
]
