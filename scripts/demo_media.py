"""Give the demo's fictional 2015 hearing a playing recording: generate a short clip and `memoria import` it.

A newcomer's `make site` then shows the player, captions and transcript without any network.
The clip is a test pattern with a tone, labelled FICTIONAL DEMO where the font is available;
the captions are invented Spanish lines. Nothing here is committed: media/hearing-2015-part-1/
is made on each machine. A recording the archive already holds is left as it is.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from memoria.manifest import is_mirrored, load_manifest
from memoria.mirror.media import find_ffmpeg

ROOT = Path(__file__).resolve().parent.parent
RECORDING_ID = "hearing-2015-part-1"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
CAPTIONS = """WEBVTT

00:00:00.000 --> 00:00:05.000
[Clip de demostración ficticio: nadie habló en esta audiencia.]

00:00:05.000 --> 00:00:10.000
Bienvenidas a la audiencia pública sobre los ataques contra las defensoras de la tierra.

00:00:10.000 --> 00:00:15.000
Las redes de alerta temprana pueden reducir el riesgo para quienes defienden el territorio.

00:00:15.000 --> 00:00:20.000
Este archivo conserva la copia, su SHA-256 y su registro de custodia.
"""


def make_clip(ffmpeg: str, target: Path) -> None:
    label = (
        f",drawtext=fontfile={FONT}:text='FICTIONAL DEMO · DEMOSTRACIÓN FICTICIA':fontsize=16:"
        "fontcolor=white:box=1:boxcolor=black@0.6:x=(w-text_w)/2:y=h-40"
        if FONT.is_file()
        else ""
    )
    subprocess.run(
        [
            ffmpeg, "-hide_banner", "-v", "error", "-y",
            "-f", "lavfi", "-i", "testsrc2=size=480x270:rate=25:duration=20",
            "-f", "lavfi", "-i", "sine=frequency=330:duration=20",
            "-vf", f"format=yuv420p{label}",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "30", "-g", "50", "-threads", "1",
            "-c:a", "aac", "-b:a", "48k",
            "-movflags", "+faststart", "-shortest", str(target),
        ],
        check=True,
    )  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--project", type=Path, default=ROOT, help="the project folder (default: this checkout)"
    )
    project = parser.parse_args().project.resolve()
    held = load_manifest(project / "media", RECORDING_ID)
    if is_mirrored(held):
        print(f"{RECORDING_ID}: the demo clip is already held ({project / 'media' / RECORDING_ID})")
        return 0
    ffmpeg = find_ffmpeg()
    if ffmpeg is None:
        print("demo_media: ffmpeg not found: the demo's hearing will show no player", file=sys.stderr)
        return 0
    work = project / ".cache" / "demo-media"
    work.mkdir(parents=True, exist_ok=True)
    clip, captions = work / "hearing-2015-part-1.mp4", work / "hearing-2015-part-1.es.vtt"
    make_clip(ffmpeg, clip)
    captions.write_text(CAPTIONS, encoding="utf-8")
    return subprocess.run(
        [
            sys.executable, "-m", "memoria.cli", "import", RECORDING_ID, str(clip),
            "--captions", f"es={captions}",
            "--source", "scripts/demo_media.py: a clip generated for the demo archive (fictional)",
        ],
        cwd=project,
        check=False,
    ).returncode  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
