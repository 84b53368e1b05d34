"""Recordings kept in an S3-compatible store, verified end to end, against a real SeaweedFS on 127.0.0.1.

Every test runs the real `memoria` command (real ffmpeg for imports) with the store's endpoint
and credentials in the AWS_* environment, as an archivist would, and reads what the store holds
with boto3 directly.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import pytest

from conftest import run_build, write_project
from mediaserver import GeneratedMedia, MediaServer, make_media
from memoria.manifest import Manifest, load_manifest
from s3server import ACCESS_KEY, BUCKET, SECRET_KEY, SeaweedS3
from test_mirror import MEMORIA, SITE_CONFIG

STORE = f"s3://{BUCKET}/memoria"
RECORDING = """\
---
id: {rid}
title: "Hearing {rid}"
language: es
recorded: 2014-08-15
source_url: https://video.example.org/{rid}
---

A recording.
"""


@pytest.fixture(scope="session")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedS3]:
    server = SeaweedS3(tmp_path_factory.mktemp("seaweedfs")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> GeneratedMedia:
    return make_media(tmp_path_factory.mktemp("store-media"))


@pytest.fixture(scope="module")
def big_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 18 MB of real H.264 (lossless noise, 2 s): four 5 MiB parts."""
    path = tmp_path_factory.mktemp("big") / "big.mp4"
    subprocess.run(
        [
            "ffmpeg", "-hide_banner", "-v", "error", "-y", "-f", "lavfi", "-i",
            "nullsrc=s=640x360:r=25:d=2,geq=random(1)*255:128:128", "-c:v", "libx264",
            "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p", str(path),
        ],
        check=True,
    )  # fmt: skip
    assert path.stat().st_size > 11 * 2**20
    return path


def project_with(root: Path, *ids: str, options: str = "") -> Path:
    project = write_project(root, {f"recordings/{rid}.en.md": RECORDING.format(rid=rid) for rid in ids})
    (project / "mkdocs.yml").write_text(SITE_CONFIG.format(memoria_options=options))
    return project


def memoria(
    project: Path, s3: SeaweedS3, *args: str, env: dict[str, str] | None = None, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MEMORIA, *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env or s3.env(),
    )


def manifest_of(project: Path, rid: str) -> Manifest:
    manifest = load_manifest(project / "media", rid)
    assert manifest is not None
    return manifest


def custody_of(project: Path, rid: str) -> list[dict[str, Any]]:
    lines = (project / "media" / rid / "custody.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def import_clip(project: Path, s3: SeaweedS3, rid: str, clip: GeneratedMedia, *extra: str) -> None:
    video = project.parent / f"{rid}.mp4"
    video.write_bytes(clip.mp4)
    vtt = project.parent / f"{rid}.es.vtt"
    vtt.write_text(clip.vtt, encoding="utf-8")
    result = memoria(project, s3, "import", rid, str(video), "--captions", f"es={vtt}", *extra)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_import_push_verify_remove_pull_round_trip(
    tmp_path: Path, s3: SeaweedS3, clip: GeneratedMedia
) -> None:
    project = project_with(tmp_path / "project", "hearing")
    store = f"{STORE}/round-trip"
    import_clip(project, s3, "hearing", clip, "--media-store", store)
    manifest = manifest_of(project, "hearing")
    version = manifest.current_version
    assert version is not None
    client = s3.client()
    for item in version.files:  # content-addressed, with the store's own SHA-256 of the bytes
        head = client.head_object(
            Bucket=BUCKET, Key=f"memoria/round-trip/sha256/{item.sha256}", ChecksumMode="ENABLED"
        )
        assert head["ContentLength"] == item.size
        assert head["ChecksumSHA256"] == base64.b64encode(bytes.fromhex(item.sha256)).decode()
    record = json.loads((project / "media" / "hearing" / "store.json").read_text())
    assert set(record["stores"][store]) == {f.sha256 for f in version.files}
    replications = [e for e in custody_of(project, "hearing") if e["event_type"] == "replication"]
    assert len(replications) == len(version.files) and all(e["outcome"] == "success" for e in replications)

    # idempotent: a second push moves nothing
    again = memoria(project, s3, "media", "push", "--media-store", store, "--json")
    assert again.returncode == 0, again.stderr
    assert {f["action"] for f in json.loads(again.stdout)["files"]} == {"in store"}

    # free the disk: the recording's bytes leave, captions stay (the transcript reads them)
    freed = memoria(project, s3, "media", "push", "--media-store", store, "--remove-local")
    assert freed.returncode == 0, freed.stderr
    folder = project / "media" / "hearing" / version.folder
    assert not (folder / version.original).exists()
    assert (folder / "hearing.es.vtt").is_file()
    assert "removed local" in freed.stdout

    # verify: held in the store only is not missing; every check is in the custody log
    checked = memoria(project, s3, "verify", "--media-store", store)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"(and in {store})" in checked.stdout and "0 problems" in checked.stdout
    deep = memoria(project, s3, "verify", "--media-store", store, "--deep")
    assert deep.returncode == 0 and "bytes read back" in deep.stdout
    fixity = [e for e in custody_of(project, "hearing") if e["event_type"] == "fixity check"][-2:]
    assert [e["outcome"] for e in fixity] == ["success", "success"]
    assert "every byte read back" in fixity[-1]["detail"]
    without = memoria(project, s3, "verify")  # the local folder alone: the bytes are elsewhere
    assert (
        without.returncode == 1 and f"store.json says {store} holds it: give --media-store" in without.stdout
    )

    # a mirror run of a held recording checks the store, fetches nothing
    mirrored = memoria(project, s3, "mirror", "--media-store", store, "--json", "--no-wayback")
    assert json.loads(mirrored.stdout)["recordings"][0]["outcome"] == "present", mirrored.stdout

    # pull: a dry run lists, a real run restores the bytes, SHA-256 checked; a second run moves nothing
    planned = memoria(project, s3, "media", "pull", "--media-store", store, "--dry-run")
    assert planned.returncode == 0 and "would download" in planned.stdout
    assert not (folder / version.original).exists()
    pulled = memoria(project, s3, "media", "pull", "--media-store", store)
    assert pulled.returncode == 0, pulled.stderr
    assert (folder / version.original).read_bytes() == clip.mp4
    assert "0 bytes moved" in memoria(project, s3, "media", "pull", "--media-store", store).stdout
    assert memoria(project, s3, "verify").returncode == 0


@pytest.mark.slow
def test_identical_bytes_are_stored_once(tmp_path: Path, s3: SeaweedS3, clip: GeneratedMedia) -> None:
    store = f"{STORE}/dedupe"
    project = project_with(tmp_path / "project", "part-1", "part-2")
    import_clip(project, s3, "part-1", clip, "--media-store", store)
    import_clip(project, s3, "part-2", clip, "--media-store", store)
    second = [e for e in custody_of(project, "part-2") if e["event_type"] == "replication"]
    assert second == []  # nothing sent: the store held those bytes already
    listed = s3.client().list_objects_v2(Bucket=BUCKET, Prefix="memoria/dedupe/")
    version = manifest_of(project, "part-1").current_version
    assert version is not None and listed["KeyCount"] == len({f.sha256 for f in version.files})
    assert memoria(project, s3, "verify", "--media-store", store).returncode == 0


@pytest.mark.slow
def test_verify_catches_an_object_changed_in_the_store(
    tmp_path: Path, s3: SeaweedS3, clip: GeneratedMedia
) -> None:
    store = f"{STORE}/altered"
    project = project_with(tmp_path / "project", "talk")
    import_clip(project, s3, "talk", clip, "--media-store", store, "--remove-local")
    version = manifest_of(project, "talk").current_version
    assert version is not None
    original = version.file(version.original)
    assert original is not None
    key = f"memoria/altered/sha256/{original.sha256}"
    tampered = bytearray(clip.mp4)
    tampered[len(tampered) // 2] ^= 0xFF  # same size, other bytes, a valid checksum of its own
    s3.client().put_object(
        Bucket=BUCKET,
        Key=key,
        Body=bytes(tampered),
        ChecksumSHA256=base64.b64encode(hashlib.sha256(tampered).digest()).decode(),
        Metadata={"sha256": original.sha256},
    )
    fast = memoria(project, s3, "verify", "--media-store", store)
    assert fast.returncode == 1 and "altered" in fast.stdout and key in fast.stdout
    deep = memoria(project, s3, "verify", "--media-store", store, "--deep")
    assert deep.returncode == 1 and "its bytes hash to" in deep.stdout
    last = [e for e in custody_of(project, "talk") if e["event_type"] == "fixity check"][-1]
    assert last["outcome"] == "failure" and key in last["detail"]
    # a pull never places bytes that are not the manifest's
    pulled = memoria(project, s3, "media", "pull", "--media-store", store)
    assert pulled.returncode == 1 and "not placed" in pulled.stdout
    assert not (project / "media" / "talk" / version.folder / version.original).exists()


@pytest.mark.slow
def test_an_interrupted_multipart_upload_resumes(tmp_path: Path, s3: SeaweedS3, big_clip: Path) -> None:
    store = f"{STORE}/resume"
    project = project_with(tmp_path / "project", "long")
    imported = memoria(project, s3, "import", "long", str(big_clip), "--no-web-copy")  # local only
    assert imported.returncode == 0, imported.stderr
    push = ["media", "push", "--media-store", store, "--part-size", "5242880", "--json"]
    killed = memoria(project, s3, *push, env=s3.env(MEMORIA_CRASH_AT="upload-part-2"))
    assert killed.returncode == -signal.SIGKILL
    pending = list((project / "media" / ".work" / "uploads").glob("*.json"))
    assert len(pending) == 1
    upload = json.loads(pending[0].read_text())
    parts = s3.client().list_parts(Bucket=BUCKET, Key=upload["key"], UploadId=upload["upload_id"])["Parts"]
    assert [p["PartNumber"] for p in parts] == [1]  # part 1 arrived before the kill
    assert SECRET_KEY not in pending[0].read_text() and ACCESS_KEY not in pending[0].read_text()

    resumed = memoria(project, s3, *push)
    assert resumed.returncode == 0, resumed.stderr
    actions = {f["file"]: f["action"] for f in json.loads(resumed.stdout)["files"]}
    version = manifest_of(project, "long").current_version
    assert version is not None and actions[f"{version.folder}/{version.original}"] == "resumed"
    assert not pending[0].exists()
    original = version.file(version.original)
    assert original is not None
    head = s3.client().head_object(Bucket=BUCKET, Key=upload["key"], ChecksumMode="ENABLED")
    data = big_clip.read_bytes()
    digests = b"".join(hashlib.sha256(data[i : i + 5242880]).digest() for i in range(0, len(data), 5242880))
    composite = f"{base64.b64encode(hashlib.sha256(digests).digest()).decode()}-{len(digests) // 32}"
    assert head["ContentLength"] == original.size and head["ChecksumSHA256"] == composite
    deep = memoria(project, s3, "verify", "--media-store", store, "--deep")
    assert deep.returncode == 0, deep.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("wrong-secret", "the store refused the credentials"),
        ("missing-bucket", "bucket 'no-such-bucket' does not exist"),
        ("unreachable", "the store cannot be reached"),
    ],
)
def test_store_failures_are_one_line_and_lose_nothing(
    case: str, expected: str, tmp_path: Path, s3: SeaweedS3, clip: GeneratedMedia
) -> None:
    project = project_with(tmp_path / "project", "talk")
    import_clip(project, s3, "talk", clip)  # held locally
    before = {p: p.read_bytes() for p in (project / "media").rglob("*") if p.is_file()}
    store, env = f"{STORE}/failures", s3.env()
    if case == "wrong-secret":
        env = s3.env(AWS_SECRET_ACCESS_KEY="wrong-" + SECRET_KEY)
    elif case == "missing-bucket":
        store = "s3://no-such-bucket/memoria"
    else:
        env = s3.env(AWS_ENDPOINT_URL="http://127.0.0.1:9", AWS_MAX_ATTEMPTS="1")
    result = memoria(project, s3, "media", "push", "--media-store", store, "--remove-local", env=env)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for secret in (SECRET_KEY, ACCESS_KEY):
        assert secret not in result.stderr + result.stdout
    after = {p: p.read_bytes() for p in (project / "media").rglob("*") if p.is_file()}
    assert after == before  # nothing held was removed or changed


@pytest.mark.slow  # against a real S3 server in a subprocess
def test_the_store_rejects_bytes_that_do_not_match_their_checksum(tmp_path: Path, s3: SeaweedS3) -> None:
    from memoria.store import S3Store, StoreError, StoreLocation

    with pytest.MonkeyPatch.context() as patch:
        for name, value in s3.env().items():
            if name.startswith("AWS_"):
                patch.setenv(name, value)
        store = S3Store(StoreLocation(BUCKET, "memoria/corrupt"))
        with pytest.raises(StoreError, match="rejected the bytes") as caught:
            store._call(
                "uploading",
                store.client.put_object,
                Bucket=BUCKET,
                Key=store.location.key("0" * 64),
                Body=b"bytes changed on the way",
                ChecksumSHA256=base64.b64encode(
                    hashlib.sha256(b"the bytes that were sent").digest()
                ).decode(),
            )
    assert SECRET_KEY not in str(caught.value)
    assert store.head("0" * 64) is None


@pytest.mark.slow
def test_the_site_serves_recordings_from_the_store(
    tmp_path: Path, s3: SeaweedS3, clip: GeneratedMedia
) -> None:
    store = f"{STORE}/site"
    media_url = f"{s3.endpoint}/{BUCKET}/"
    options = f":\n      media_store: {store}\n      media_url: {media_url}"
    project = project_with(tmp_path / "project", "hearing", options=options)
    import_clip(project, s3, "hearing", clip, "--remove-local")  # the store comes from mkdocs.yml
    version = manifest_of(project, "hearing").current_version
    assert version is not None
    web = version.file(version.web_copy)
    assert web is not None
    built = run_build(project)  # no AWS_* variables: a build never reaches the store
    assert built.returncode == 0, built.output
    assert not (built.site / "media").exists()  # nothing copied into the site
    key = f"memoria/site/sha256/{web.sha256}"
    for path in ("recordings/hearing/", "es/recordings/hearing/"):
        page = built.page(path)
        assert page.xpath("//video/source/@src") == [media_url + key]
        assert page.xpath("//video/@crossorigin") == ["anonymous"]
        assert page.xpath("//track/@src")[0].startswith(media_url + "memoria/site/sha256/")
    feed = feedparser.parse((built.site / "feeds" / "recordings.rss.xml").read_bytes())
    enclosure = feed.entries[0].enclosures[0]
    assert enclosure.href == media_url + key and int(enclosure.length) == web.size
    assert enclosure.type == "video/mp4"
    # the address the site prints really serves the bytes, to anyone
    import urllib.request

    with urllib.request.urlopen(media_url + key) as answer:
        assert hashlib.sha256(answer.read()).hexdigest() == web.sha256
    # no credential anywhere in the archive or the site
    for path in project.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert SECRET_KEY.encode() not in data and ACCESS_KEY.encode() not in data, path


@pytest.mark.slow
def test_a_store_without_media_url_is_a_clear_build_error(tmp_path: Path) -> None:
    project = project_with(tmp_path / "project", "hearing", options=":\n      media_store: s3://archive/x")
    built = run_build(project)
    assert built.returncode != 0
    assert "media_url: required with media_store s3://archive/x" in built.output
    shutil.rmtree(project)


@pytest.mark.slow
@pytest.mark.browser
def test_a_reader_plays_the_recording_from_the_store_with_captions(
    tmp_path: Path, s3: SeaweedS3, clip: GeneratedMedia
) -> None:
    """The site on one origin, the bytes on the store's: the video plays and the captions load (CORS)."""
    pytest.importorskip("playwright.sync_api")
    import sys

    from conftest import ROOT

    sys.path.insert(0, str(ROOT / "scripts"))
    from playwright.sync_api import sync_playwright

    from browsing import launch, serve
    from test_player_browser import play

    store = f"{STORE}/browser"
    media_url = f"{s3.endpoint}/{BUCKET}/"
    options = f":\n      media_store: {store}\n      media_url: {media_url}"
    project = project_with(tmp_path / "project", "hearing", options=options)
    import_clip(project, s3, "hearing", clip, "--remove-local")
    built = run_build(project)
    assert built.returncode == 0, built.output
    with serve(built.site) as base_url, sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(base_url + "es/recordings/hearing/", wait_until="networkidle")
            player = play(page)
            (ROOT / "test-artifacts").mkdir(exist_ok=True)
            page.screenshot(path=str(ROOT / "test-artifacts" / "recording-from-store-es-1280.png"))
        finally:
            browser.close()
    assert player["error"] is None and player["currentTime"] > 1
    assert player["source"].startswith(media_url + "memoria/browser/sha256/")
    assert [(t["kind"], t["language"]) for t in player["tracks"]] == [("captions", "es")]
    assert player["tracks"][0]["cues"]  # fetched cross-origin from the store


@pytest.mark.slow
def test_mirror_writes_straight_to_the_store(tmp_path: Path, s3: SeaweedS3, clip: GeneratedMedia) -> None:
    """A real mirror run (yt-dlp from a server on 127.0.0.1) keeps the version, then sends it to the store."""
    store = f"{STORE}/mirror"
    server = MediaServer(clip).start()
    try:
        project = write_project(
            tmp_path / "project",
            {
                "recordings/talk.en.md": RECORDING.format(rid="talk").replace(
                    "https://video.example.org/talk", server.url("/plain/video.mp4")
                )
            },
        )
        (project / "mkdocs.yml").write_text(SITE_CONFIG.format(memoria_options=""))
        mirror = ["mirror", "--media-store", store, "--json", "--no-wayback", "--allow-private-addresses"]
        first = memoria(project, s3, *mirror, "--remove-local")
        assert first.returncode == 0, first.stdout + first.stderr
        report = json.loads(first.stdout)
        assert report["recordings"][0]["outcome"] == "rescued"
        assert {m["action"] for m in report["pushed"]} >= {"uploaded", "removed local"}
        version = manifest_of(project, "talk").current_version
        assert version is not None
        assert not (project / "media" / "talk" / version.folder / version.original).exists()
        original = version.file(version.original)
        assert original is not None and original.sha256 == hashlib.sha256(clip.mp4).hexdigest()
        # a refresh that finds the same bytes stores nothing, here or there
        again = memoria(project, s3, *mirror, "--refresh")
        assert again.returncode == 0, again.stdout + again.stderr
        report = json.loads(again.stdout)
        assert report["recordings"][0]["outcome"] == "unchanged"
        assert "uploaded" not in {m["action"] for m in report["pushed"]}
        listed = s3.client().list_objects_v2(Bucket=BUCKET, Prefix="memoria/mirror/")
        assert listed["KeyCount"] == len({f.sha256 for f in version.files})
    finally:
        server.stop()


class CuttingProxy:
    """A TCP relay to the store that cuts every connection once `limit` bytes went up (a network that
    fails mid-upload), and refuses everything after that."""

    def __init__(self, target_port: int, limit: int) -> None:
        import socket
        import threading

        self.target_port, self.limit, self.sent = target_port, limit, 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import socket
        import threading

        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.sent >= self.limit:
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            threading.Thread(target=self._pipe, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, False), daemon=True).start()

    def _pipe(self, source: Any, target: Any, counted: bool) -> None:
        try:
            while data := source.recv(65536):
                if counted:
                    with self.lock:
                        self.sent += len(data)
                        over = self.sent >= self.limit
                    if over:
                        break
                target.sendall(data)
        except OSError:
            pass
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(2)
            sock.close()

    def close(self) -> None:
        self.listener.close()


@pytest.mark.slow
def test_a_network_failure_mid_upload_is_one_line_and_the_next_run_resumes(
    tmp_path: Path, s3: SeaweedS3, big_clip: Path
) -> None:
    store = f"{STORE}/network"
    project = project_with(tmp_path / "project", "long")
    assert memoria(project, s3, "import", "long", str(big_clip), "--no-web-copy").returncode == 0
    version = manifest_of(project, "long").current_version
    assert version is not None
    local = project / "media" / "long" / version.folder / version.original
    held = local.read_bytes()
    proxy = CuttingProxy(s3.port, limit=8 * 2**20)  # part 1 (5 MiB) arrives, part 2 is cut
    push = ["media", "push", "--media-store", store, "--part-size", "5242880", "--remove-local"]
    try:
        cut = memoria(project, s3, *push, env=s3.env(AWS_ENDPOINT_URL=f"http://127.0.0.1:{proxy.port}"))
    finally:
        proxy.close()
    assert cut.returncode == 1
    lines = cut.stderr.strip().splitlines()
    assert len(lines) == 1 and "the store cannot be reached while uploading part 2" in lines[0], cut.stderr
    assert local.read_bytes() == held  # nothing held is lost: the local copy stays
    failures = [e for e in custody_of(project, "long") if e["event_type"] == "replication"]
    assert [e["outcome"] for e in failures] == ["failure"]
    resumed = memoria(project, s3, *push, "--json")
    assert resumed.returncode == 0, resumed.stderr
    actions = [f["action"] for f in json.loads(resumed.stdout)["files"]]
    assert "resumed" in actions and "removed local" in actions
    assert memoria(project, s3, "verify", "--media-store", store, "--deep").returncode == 0


@pytest.mark.slow
def test_the_offline_copy_takes_the_media_pulled_from_the_store(
    tmp_path: Path, s3: SeaweedS3, clip: GeneratedMedia
) -> None:
    import zipfile

    from memoria.offline import OfflineError, make_offline_copy

    store = f"{STORE}/offline"
    options = f":\n      media_store: {store}\n      media_url: {s3.endpoint}/{BUCKET}/"
    project = project_with(tmp_path / "project", "hearing", options=options)
    import_clip(project, s3, "hearing", clip, "--remove-local")
    with pytest.raises(OfflineError, match="run 'memoria media pull' first"):
        make_offline_copy(project / "mkdocs.yml", tmp_path / "offline.zip")
    pulled = memoria(project, s3, "media", "pull")
    assert pulled.returncode == 0, pulled.stderr
    make_offline_copy(project / "mkdocs.yml", tmp_path / "offline.zip")
    with zipfile.ZipFile(tmp_path / "offline.zip") as archive:
        names = archive.namelist()
        video = next(n for n in names if n.endswith("/media/hearing/v1/hearing.mp4"))
        assert archive.read(video) == clip.mp4
        page = archive.read(next(n for n in names if n.endswith("es/recordings/hearing.html"))).decode()
    assert 'src="../../media/hearing/v1/hearing.mp4"' in page and s3.endpoint not in page


class ChecksumDroppingGateway:
    """An HTTP gateway in front of the store that drops every x-amz-checksum-* response header: what
    a store (or a proxy before it) without SHA-256 object checksums looks like to a client."""

    def __init__(self, target_port: int) -> None:
        import http.client
        import http.server
        import threading

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _relay(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                upstream = http.client.HTTPConnection("127.0.0.1", target_port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "expect"}
                upstream.request(self.command, self.path, body=body, headers=headers)
                answer = upstream.getresponse()
                data = answer.read()
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower().startswith("x-amz-checksum") or name.lower() in (
                        "transfer-encoding",
                        "connection",
                    ):
                        continue
                    self.send_header(name, value)
                if answer.getheader("Content-Length") is None:
                    self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                upstream.close()

            do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _relay

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.slow
def test_a_store_that_keeps_no_checksum_is_refused_in_one_line(
    tmp_path: Path, s3: SeaweedS3, clip: GeneratedMedia
) -> None:
    project = project_with(tmp_path / "project", "talk")
    import_clip(project, s3, "talk", clip)  # held locally
    before = {
        p: p.read_bytes() for p in (project / "media").rglob("*") if p.is_file() and p.suffix != ".jsonl"
    }
    gateway = ChecksumDroppingGateway(s3.port)
    env = s3.env(AWS_ENDPOINT_URL=f"http://127.0.0.1:{gateway.port}")
    try:
        store = f"{STORE}/no-checksums"
        pushed = memoria(project, s3, "media", "push", "--media-store", store, "--remove-local", env=env)
        checked = memoria(project, s3, "verify", "--media-store", store, env=env)
    finally:
        gateway.close()
    assert pushed.returncode == 1
    lines = pushed.stderr.strip().splitlines()
    assert len(lines) == 1 and "the store keeps no SHA-256 checksums" in lines[0], pushed.stderr
    after = {
        p: p.read_bytes() for p in (project / "media").rglob("*") if p.is_file() and p.suffix != ".jsonl"
    }
    assert after == before  # the local copy stays; no store.json claims anything
    assert checked.returncode == 1 and "keeps no SHA-256 checksum" in checked.stdout


def test_media_store_values_are_checked() -> None:
    from memoria.store import StoreError, StoreLocation, parse_media_store

    assert parse_media_store(None) is None and parse_media_store("media") is None  # a folder: local
    assert parse_media_store("s3://our-archive/memoria/") == StoreLocation("our-archive", "memoria")
    assert StoreLocation("our-archive", "memoria").key("ab" * 32) == f"memoria/sha256/{'ab' * 32}"
    for bad, message in (
        ("s3://Our_Archive/x", "not a valid bucket name"),
        ("s3://archive/../x", "prefix"),
        ("gs://archive/x", "not supported"),
    ):
        with pytest.raises(StoreError, match=message):
            parse_media_store(bad)


@pytest.mark.slow
def test_a_folder_as_media_store_is_the_media_folder(
    tmp_path: Path, s3: SeaweedS3, clip: GeneratedMedia
) -> None:
    from memoria.project import load_project

    project = project_with(tmp_path / "project", "talk", options=":\n      media_store: archive-media")
    loaded = load_project(project / "mkdocs.yml")
    assert loaded.media_dir == project / "archive-media" and loaded.media_store is None
    assert load_project(project / "mkdocs.yml", media_store="s3://archive/x").media_store == "s3://archive/x"
    video = tmp_path / "talk.mp4"
    video.write_bytes(clip.mp4)
    assert memoria(project, s3, "import", "talk", str(video)).returncode == 0
    assert (project / "archive-media" / "talk" / "v1" / "talk.mp4").read_bytes() == clip.mp4
    built = run_build(project)
    assert built.returncode == 0, built.output
    assert (built.site / "media" / "talk" / "v1" / "talk.mp4").read_bytes() == clip.mp4
    assert built.page("recordings/talk/").xpath("//video/source/@src") == ["../../media/talk/v1/talk.mp4"]
