"""Real test media made with ffmpeg, served on 127.0.0.1 the ways real platforms fail.

Routes (all counted in `MediaServer.hits`, Range headers kept in `MediaServer.ranges`):
/plain/video.mp4            MP4 with Range support
/page/watch.html            an HTML page: <video> + Spanish <track> + poster, hostile <title>
/hls/index.m3u8             HLS: m3u8 + MPEG-TS segments
/hls-missing/index.m3u8     the same with one segment answering 404
/status/404.mp4 /status/410.mp4 /status/403.mp4
/flaky/video.mp4            503 twice, then the MP4
/drop/video.mp4             a request without Range gets half the bytes, then the connection drops
/norange/video.mp4          ignores Range: always 200 with the whole file
/slow/video.mp4             trickles the bytes (for the kill -9 test)
/cdx                        a fake Wayback CDX API with one capture of /status/410.mp4
/web/<ts>id_/<url>          the raw capture

Hostile servers (issue 11):
/stall/video.mp4            sends the headers and a third of the bytes, then nothing (for `stall_seconds`)
/drip/video.mp4             sends the headers, then one byte every half second
/endless/video.mp4          200, no Content-Length, bytes without end (until the client goes)
/changing/video.mp4         the MP4, or another real MP4 once `changed` is set (the origin changed)
/hls-changing/index.m3u8    the full playlist until a segment is fetched, then a third of it (changed mid-download)
/login/watch.html           a redirect to a login page with a password field (a login wall)
/loop/a /loop/b             redirects to each other without end
/to-link-local/video.mp4    a redirect to http://169.254.169.254/ (cloud metadata address)
/half/video.mp4             announces and sends only the first half of the MP4 (a server that lies about the size)
/hostile-subs/watch.html    a page whose caption language is "../../evil" (a path, not a language)
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import shutil
import subprocess
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CAPTURE_TIMESTAMP = "20140901120000"
HOSTILE_TITLE = '<script>alert("x")</script> Mesa & "debate"'
SPANISH_VTT = """WEBVTT

00:00:00.000 --> 00:00:02.000
Bienvenidas al conversatorio.

00:00:02.000 --> 00:00:04.000
Defensoras de derechos humanos.
"""


@dataclass(frozen=True)
class GeneratedMedia:
    folder: Path
    mp4: bytes
    duration: float
    hls_playlist: str
    hls_segments: dict[str, bytes]
    poster: bytes
    vtt: str
    mp4_changed: bytes = b""

    @property
    def mp4_sha256(self) -> str:
        return hashlib.sha256(self.mp4).hexdigest()


def make_media(folder: Path) -> GeneratedMedia:
    """Four seconds of real H.264/AAC video, its HLS cut (1 s segments), a poster and Spanish captions."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise RuntimeError("ffmpeg not found: run scripts/install_system_deps.sh")
    folder.mkdir(parents=True, exist_ok=True)
    base = [ffmpeg, "-hide_banner", "-v", "error", "-y"]
    subprocess.run(
        [
            *base,
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=160x120:rate=25:duration=4",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:duration=4",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-g",
            "25",
            "-c:a",
            "aac",
            "-b:a",
            "64k",
            "-movflags",
            "+faststart",
            "-shortest",
            str(folder / "video.mp4"),
        ],
        check=True,
    )
    hls = folder / "hls"
    hls.mkdir(exist_ok=True)
    subprocess.run(
        [
            *base,
            "-i",
            str(folder / "video.mp4"),
            "-c",
            "copy",
            "-f",
            "hls",
            "-hls_time",
            "1",
            "-hls_list_size",
            "0",
            "-hls_segment_filename",
            str(hls / "seg%d.ts"),
            str(hls / "index.m3u8"),
        ],
        check=True,
    )
    subprocess.run(
        [
            *base,
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=160x120:duration=1",
            "-frames:v",
            "1",
            str(folder / "poster.jpg"),
        ],
        check=True,
    )
    subprocess.run(
        [
            *base,
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=160x120:rate=25:duration=4",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=660:duration=4",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
            str(folder / "changed.mp4"),
        ],
        check=True,
    )
    return GeneratedMedia(
        folder=folder,
        mp4=(folder / "video.mp4").read_bytes(),
        duration=4.0,
        hls_playlist=(hls / "index.m3u8").read_text(),
        hls_segments={p.name: p.read_bytes() for p in sorted(hls.glob("*.ts"))},
        poster=(folder / "poster.jpg").read_bytes(),
        vtt=SPANISH_VTT,
        mp4_changed=(folder / "changed.mp4").read_bytes(),
    )


def cdx_digest(payload: bytes) -> str:
    return base64.b32encode(hashlib.sha1(payload).digest()).decode("ascii")


@dataclass
class MediaServer:
    media: GeneratedMedia
    server: ThreadingHTTPServer | None = None
    hits: Counter[str] = field(default_factory=Counter)
    ranges: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    slow_chunk_delay: float = 0.05
    stall_seconds: float = 120.0
    changed: bool = False

    @property
    def base(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def total_hits(self) -> int:
        with self.lock:
            return sum(self.hits.values())

    def start(self) -> MediaServer:
        state = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_HEAD(self) -> None:
                self.do_GET()

            def do_GET(self) -> None:
                path = urllib.parse.urlsplit(self.path).path
                with state.lock:
                    state.hits[path] += 1
                    count = state.hits[path]
                    if self.headers.get("Range"):
                        state.ranges.append((path, self.headers["Range"]))
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    state.route(self, path, count)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    # --- routes ------------------------------------------------------------------------

    def route(self, handler: BaseHTTPRequestHandler, path: str, count: int) -> None:
        media = self.media
        if path in ("/plain/video.mp4", "/alt/video.mp4", "/page/video.mp4"):
            return self._send_file(handler, media.mp4, "video/mp4")
        if path == "/page/watch.html":
            page = (
                "<!doctype html><html><head><meta charset='utf-8'>"
                f"<title>{_html_escape(HOSTILE_TITLE)}</title></head><body>"
                "<video controls poster='/page/poster.jpg'>"
                "<source src='/page/video.mp4' type='video/mp4'>"
                "<track kind='captions' src='/page/captions.es.vtt' srclang='es' label='Español'>"
                "</video></body></html>"
            )
            return self._send(handler, 200, page.encode(), "text/html; charset=utf-8")
        if path == "/page/poster.jpg":
            return self._send(handler, 200, media.poster, "image/jpeg")
        if path == "/page/captions.es.vtt":
            return self._send(handler, 200, media.vtt.encode(), "text/vtt")
        for folder in ("/hls/", "/hls-missing/"):
            if path.startswith(folder):
                name = path[len(folder) :]
                if name == "index.m3u8":
                    return self._send(
                        handler, 200, media.hls_playlist.encode(), "application/vnd.apple.mpegurl"
                    )
                if folder == "/hls-missing/" and name == "seg2.ts":
                    return self._send(handler, 404, b"gone", "text/plain")
                if name in media.hls_segments:
                    return self._send(handler, 200, media.hls_segments[name], "video/mp2t")
        if path.startswith("/status/"):
            code = int(path.split("/")[-1].split(".")[0])
            return self._send(handler, code, b"no", "text/plain")
        if path == "/flaky/video.mp4":
            if count <= 2:
                return self._send(handler, 503, b"busy", "text/plain")
            return self._send_file(handler, media.mp4, "video/mp4")
        if path == "/drop/video.mp4":
            if not handler.headers.get("Range"):
                handler.send_response(200)
                handler.send_header("Content-Type", "video/mp4")
                handler.send_header("Content-Length", str(len(media.mp4)))
                handler.send_header("Accept-Ranges", "bytes")
                handler.end_headers()
                handler.wfile.write(media.mp4[: len(media.mp4) // 2])
                handler.wfile.flush()
                handler.close_connection = True
                return None
            return self._send_file(handler, media.mp4, "video/mp4")
        if path == "/norange/video.mp4":
            return self._send(handler, 200, media.mp4, "video/mp4")
        if path == "/slow/video.mp4":
            return self._send_file(handler, media.mp4, "video/mp4", slow=True)
        if path == "/stall/video.mp4":
            handler.send_response(200)
            handler.send_header("Content-Type", "video/mp4")
            handler.send_header("Content-Length", str(len(media.mp4)))
            handler.end_headers()
            handler.wfile.write(media.mp4[: len(media.mp4) // 3])
            handler.wfile.flush()
            time.sleep(self.stall_seconds)
            return None
        if path == "/half/video.mp4":
            return self._send(handler, 200, media.mp4[: len(media.mp4) // 2], "video/mp4")
        if path == "/drip/video.mp4":
            handler.send_response(200)
            handler.send_header("Content-Type", "video/mp4")
            handler.send_header("Content-Length", str(len(media.mp4)))
            handler.end_headers()
            for index in range(min(len(media.mp4), 2400)):  # bounded: 20 minutes at most
                handler.wfile.write(media.mp4[index : index + 1])
                handler.wfile.flush()
                time.sleep(0.5)
            return None
        if path == "/endless/video.mp4":
            handler.send_response(200)
            handler.send_header("Content-Type", "video/mp4")
            handler.end_headers()
            block = media.mp4[:65536]
            for _ in range(200_000):  # bounded: about 13 GB at most, the client hangs up long before
                handler.wfile.write(block)
            return None
        if path == "/changing/video.mp4":
            return self._send_file(handler, media.mp4_changed if self.changed else media.mp4, "video/mp4")
        if path.startswith("/hls-changing/"):
            name = path[len("/hls-changing/") :]
            if name == "index.m3u8":
                playlist = media.hls_playlist
                segments_served = sum(n for p, n in self.hits.items() if p.startswith("/hls-changing/seg"))
                if segments_served:  # once the download has begun, the playlist is cut to a third
                    lines = playlist.splitlines()
                    head = [
                        line for line in lines if line.startswith("#EXT") and not line.startswith("#EXTINF")
                    ]
                    head = [line for line in head if line != "#EXT-X-ENDLIST"]
                    pairs = [
                        (lines[i], lines[i + 1]) for i, line in enumerate(lines) if line.startswith("#EXTINF")
                    ]
                    kept = pairs[: max(1, len(pairs) // 3)]
                    playlist = "\n".join([*head, *(x for pair in kept for x in pair), "#EXT-X-ENDLIST", ""])
                return self._send(handler, 200, playlist.encode(), "application/vnd.apple.mpegurl")
            if name in media.hls_segments:
                return self._send(handler, 200, media.hls_segments[name], "video/mp2t")
        if path == "/login/watch.html":
            handler.send_response(302)
            handler.send_header("Location", "/account/login?next=/login/watch.html")
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return None
        if path == "/account/login":
            page = (
                "<!doctype html><html><head><title>Sign in</title></head><body><form method='post'>"
                "<input name='user'><input type='password' name='pass'><button>Sign in</button></form></body></html>"
            )
            return self._send(handler, 200, page.encode(), "text/html; charset=utf-8")
        if path in ("/loop/a", "/loop/b"):
            handler.send_response(302)
            handler.send_header("Location", "/loop/b" if path == "/loop/a" else "/loop/a")
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return None
        if path == "/to-link-local/video.mp4":
            handler.send_response(302)
            handler.send_header("Location", "http://169.254.169.254/latest/meta-data/video.mp4")
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return None
        if path == "/hostile-subs/watch.html":
            page = (
                "<!doctype html><html><head><meta charset='utf-8'><title>Subs</title></head><body>"
                "<video controls><source src='/page/video.mp4' type='video/mp4'>"
                "<track kind='captions' src='/page/captions.es.vtt' srclang='../../evil' label='x'>"
                "<track kind='captions' src='/page/captions.es.vtt' srclang='es' label='Español'>"
                "</video></body></html>"
            )
            return self._send(handler, 200, page.encode(), "text/html; charset=utf-8")
        if path == "/cdx-empty":  # a Wayback Machine with no capture of anything
            return self._send(handler, 200, b"[]", "application/json")
        if path == "/cdx":
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(handler.path).query)
            wanted = query.get("url", [""])[0]
            rows: list[list[str]] = [["timestamp", "original", "mimetype", "statuscode", "digest"]]
            if wanted.endswith("/status/410.mp4"):
                rows.append([CAPTURE_TIMESTAMP, wanted, "video/mp4", "200", cdx_digest(media.mp4)])
                rows.append(["20140801000000", wanted, "text/html", "200", "XYZ"])
            return self._send(
                handler, 200, json.dumps(rows if len(rows) > 1 else []).encode(), "application/json"
            )
        if path.startswith(f"/web/{CAPTURE_TIMESTAMP}id_/"):
            return self._send_file(handler, media.mp4, "video/mp4")
        return self._send(handler, 404, b"not here", "text/plain")

    def _send(self, handler: BaseHTTPRequestHandler, code: int, body: bytes, content_type: str) -> None:
        handler.send_response(code)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(body)

    def _send_file(
        self, handler: BaseHTTPRequestHandler, body: bytes, content_type: str, slow: bool = False
    ) -> None:
        start, end = 0, len(body) - 1
        requested = handler.headers.get("Range")
        status = 200
        if requested and requested.startswith("bytes="):
            first, _, last = requested[len("bytes=") :].partition("-")
            start = int(first or 0)
            end = min(int(last), len(body) - 1) if last else len(body) - 1
            if start >= len(body):
                handler.send_response(416)
                handler.send_header("Content-Range", f"bytes */{len(body)}")
                handler.end_headers()
                return
            status = 206
        chunk = body[start : end + 1]
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(chunk)))
        handler.send_header("Accept-Ranges", "bytes")
        if status == 206:
            handler.send_header("Content-Range", f"bytes {start}-{end}/{len(body)}")
        handler.end_headers()
        if handler.command == "HEAD":
            return
        if not slow:
            handler.wfile.write(chunk)
            return
        for offset in range(0, len(chunk), 2048):
            handler.wfile.write(chunk[offset : offset + 2048])
            handler.wfile.flush()
            time.sleep(self.slow_chunk_delay)


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
