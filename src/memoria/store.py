"""Where a recording's bytes live: the local media folder (the default) or an S3-compatible bucket.

Engine-independent. Manifests, version records and custody logs always stay in media/<id>/
(small, in git); with `media_store: s3://bucket/prefix` the bytes go to the bucket,
content-addressed: `<prefix>/sha256/<hex>`, so identical bytes are stored once and every
version stays. Endpoint and credentials come from what boto3 reads itself (AWS_ENDPOINT_URL,
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_PROFILE, AWS_DEFAULT_REGION, ~/.aws/…): nothing
secret passes through Memoria, and no message it prints contains a credential.

Every upload sends the SHA-256 (`x-amz-checksum-sha256`, per part for multipart uploads), so
the store itself rejects bytes corrupted in transfer. A multipart upload in progress is
recorded in media/.work/uploads/, so a run that was killed resumes where it stopped.
What the store reported for each object (size, type, checksum) is kept in
media/<id>/store.json: `verify` compares against it, the site build reads it (a build never
reaches the store nor downloads media).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from memoria.manifest import (
    Manifest,
    MediaFile,
    folder_for,
    is_mirrored,
    mime_of,
    to_json,
    utc_now,
    write_atomically,
)

STORE_RECORD_NAME = "store.json"
UPLOADS_DIR = Path(".work") / "uploads"
DEFAULT_PART_SIZE = 64 * 1024 * 1024  # S3 allows 5 MiB to 5 GiB per part, at most 10,000 parts
MIN_PART_SIZE = 5 * 1024 * 1024
MAX_PARTS = 10_000  # S3's limit per multipart upload
BUCKET_PATTERN = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
PREFIX_PATTERN = re.compile(r"^[A-Za-z0-9._/-]{0,200}$")

Progress = Callable[[int], None]  # bytes moved since the last call


class StoreError(Exception):
    """A store problem as one line naming what to fix (never a credential)."""


@dataclass(frozen=True)
class StoreLocation:
    """`s3://bucket/prefix`, parsed and checked."""

    bucket: str
    prefix: str

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"

    def key(self, sha256: str) -> str:
        return f"{self.prefix}/sha256/{sha256}" if self.prefix else f"sha256/{sha256}"


def parse_media_store(value: str | None) -> StoreLocation | None:
    """None for the local media folder (no value, or a folder path); a StoreLocation for s3://…."""
    if not value or not value.startswith("s3://"):
        if value and "://" in value:
            raise StoreError(f"media_store: {value!r} is not supported: use a folder or s3://bucket/prefix")
        return None
    bucket, _, prefix = value[len("s3://") :].partition("/")
    prefix = prefix.strip("/")
    if not BUCKET_PATTERN.match(bucket):
        raise StoreError(
            f"media_store: {bucket!r} is not a valid bucket name (3-63 lowercase letters, digits, '.', '-')"
        )
    if not PREFIX_PATTERN.match(prefix) or ".." in prefix.split("/"):
        raise StoreError(f"media_store: prefix {prefix!r}: use letters, digits, '.', '_', '-' and '/'")
    return StoreLocation(bucket, prefix)


def checksum_of(digest: bytes) -> str:
    """S3's form of a SHA-256: base64 of the 32 bytes."""
    return base64.b64encode(digest).decode("ascii")


def hex_to_checksum(sha256: str) -> str:
    return checksum_of(bytes.fromhex(sha256))


# --- what the store reported, kept in the archive --------------------------------------


class StoredObject(BaseModel):
    """One object as the store reported it after a verified upload (or the last verify)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    size: int = Field(ge=0)
    content_type: str
    checksum_sha256: str  # the store's value: base64 SHA-256, or "<base64>-<parts>" for multipart
    verified_at: str


class StoreRecord(BaseModel):
    """media/<id>/store.json: for each store, the objects that hold this recording's bytes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    stores: dict[str, dict[str, StoredObject]] = Field(default_factory=dict)  # store → sha256 → object

    def object(self, location: StoreLocation, sha256: str) -> StoredObject | None:
        return self.stores.get(str(location), {}).get(sha256)


def load_record(media_dir: Path, recording_id: str) -> StoreRecord:
    path = folder_for(media_dir, recording_id) / STORE_RECORD_NAME
    try:
        return StoreRecord.model_validate_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return StoreRecord()
    except ValueError as error:
        raise StoreError(
            f"{path}: not a valid store record ({str(error).splitlines()[0]}): restore it from git"
        ) from None


def record_object(
    media_dir: Path, recording_id: str, location: StoreLocation, sha256: str, stored: StoredObject
) -> None:
    record = load_record(media_dir, recording_id)
    stores = {name: dict(objects) for name, objects in record.stores.items()}
    stores.setdefault(str(location), {})[sha256] = stored
    write_atomically(
        folder_for(media_dir, recording_id) / STORE_RECORD_NAME, to_json(StoreRecord(stores=stores))
    )


def store_media_files(
    manifest: Manifest | None, location: StoreLocation, record: StoreRecord
) -> list[MediaFile]:
    """The published files of the current version that the store holds, addressed by object key.

    `path` is the object key (the adapter puts `media_url` in front); type and length are the
    store's. A file the store does not hold (never pushed) is left out, as a missing local file is.
    """
    from memoria.manifest import PUBLISHED_ROLES

    if manifest is None or not is_mirrored(manifest):
        return []
    version = manifest.current_version
    assert version is not None
    out = []
    for item in version.files:
        stored = record.object(location, item.sha256)
        if item.role not in PUBLISHED_ROLES or stored is None or stored.size != item.size:
            continue
        mime = stored.content_type.split(";")[0].strip() or mime_of(item.name)
        out.append(
            MediaFile(
                name=item.name,
                role=item.role,
                size=stored.size,
                sha256=item.sha256,
                mime=mime,
                url=stored.key,
                path=stored.key,
                language=item.language,
                label=item.label,
            )
        )
    return out


# --- the store itself -----------------------------------------------------------------


@dataclass(frozen=True)
class ObjectInfo:
    size: int
    checksum_sha256: str | None
    content_type: str
    sha256_metadata: str | None


def _crash_point(name: str) -> None:
    """Die here as `kill -9` would, when the environment asks (fault injection for the tests only)."""
    if os.environ.get("MEMORIA_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


class S3Store:
    """One bucket and prefix of an S3-compatible store, reached with boto3's own configuration."""

    def __init__(self, location: StoreLocation, part_size: int = DEFAULT_PART_SIZE) -> None:
        import boto3
        from botocore.config import Config

        self.location = location
        self.part_size = max(MIN_PART_SIZE, part_size)
        try:
            self.client: Any = boto3.session.Session().client(
                "s3",
                config=Config(
                    retries={"max_attempts": 3, "mode": "standard"},
                    connect_timeout=10,
                    read_timeout=60,
                    # checksums are sent explicitly (ChecksumSHA256), never computed behind our back
                    request_checksum_calculation="when_required",
                    response_checksum_validation="when_required",
                ),
            )
        except Exception as error:  # botocore raises many kinds for a bad profile or region
            raise StoreError(
                f"{location}: cannot set up the S3 client ({type(error).__name__}): check AWS_PROFILE, "
                "AWS_DEFAULT_REGION and AWS_ENDPOINT_URL"
            ) from None

    @property
    def endpoint(self) -> str:
        return str(self.client.meta.endpoint_url)

    def _fail(self, error: Exception, doing: str) -> StoreError:
        """Turn a boto3 error into one line naming what to fix; the error's own text is never shown
        (some services echo the access key id back)."""
        from botocore.exceptions import (
            ClientError,
            ConnectionClosedError,
            EndpointConnectionError,
            NoCredentialsError,
            PartialCredentialsError,
            ReadTimeoutError,
        )

        where = f"{self.location} at {self.endpoint}"
        if isinstance(error, NoCredentialsError | PartialCredentialsError):
            return StoreError(
                f"{where}: no credentials for {doing}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
                "(or AWS_PROFILE)"
            )
        if isinstance(error, EndpointConnectionError | ConnectionClosedError | ReadTimeoutError):
            return StoreError(
                f"{where}: the store cannot be reached while {doing} (network): check AWS_ENDPOINT_URL "
                "and the network, then run again; nothing held was removed and uploads resume"
            )
        if isinstance(error, ClientError):
            code = str(error.response.get("Error", {}).get("Code", "")) or "unknown"
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken"):
                return StoreError(
                    f"{where}: the store refused the credentials while {doing} ({code}): check "
                    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)"
                )
            if code in ("AccessDenied", "Forbidden") or status == 403:
                return StoreError(
                    f"{where}: access denied while {doing} ({code}): the credentials lack permission on "
                    f"bucket {self.location.bucket!r}"
                )
            if code == "NoSuchBucket":
                return StoreError(
                    f"{where}: bucket {self.location.bucket!r} does not exist: create it, or fix media_store"
                )
            if code in ("BadDigest", "InvalidDigest", "XAmzContentChecksumMismatch", "InvalidRequest"):
                return StoreError(
                    f"{where}: the store rejected the bytes while {doing} ({code}): they did not match "
                    "their SHA-256 (corrupted in transfer); the local copy is kept, run again"
                )
            return StoreError(f"{where}: the store answered {code} (HTTP {status}) while {doing}")
        return StoreError(f"{where}: {type(error).__name__} while {doing}")

    def _call(self, doing: str, function: Callable[..., Any], **kwargs: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return function(**kwargs)
        except (BotoCoreError, ClientError) as error:
            raise self._fail(error, doing) from None

    def check_bucket(self) -> None:
        """Fail early, in one line, for wrong credentials, a missing bucket or an unreachable store."""
        # a listing, not HEAD: a HEAD answer has no body, so a wrong secret and a missing permission
        # would both be a bare 403
        self._call(
            "checking the bucket",
            self.client.list_objects_v2,
            Bucket=self.location.bucket,
            Prefix=self.location.prefix,
            MaxKeys=1,
        )

    def head(self, sha256: str) -> ObjectInfo | None:
        """What the store says about one object (no bytes read), or None when it is not there."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            answer = self.client.head_object(
                Bucket=self.location.bucket, Key=self.location.key(sha256), ChecksumMode="ENABLED"
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise self._fail(error, "reading an object's size and checksum") from None
        except BotoCoreError as error:
            raise self._fail(error, "reading an object's size and checksum") from None
        return ObjectInfo(
            size=int(answer["ContentLength"]),
            checksum_sha256=answer.get("ChecksumSHA256"),
            content_type=str(answer.get("ContentType") or "application/octet-stream"),
            sha256_metadata=(answer.get("Metadata") or {}).get("sha256"),
        )

    def problem(self, sha256: str, size: int, stored: StoredObject | None) -> tuple[str, str] | None:
        """(kind, detail) when the object is absent or disagrees with the manifest and the record; else None."""
        info = self.head(sha256)
        key = self.location.key(sha256)
        if info is None:
            return "missing", f"{key} is not in {self.location}"
        if info.size != size:
            return "altered", f"{key}: the store holds {info.size} bytes, the manifest says {size}"
        if not info.checksum_sha256:
            return "store", f"{key}: the store keeps no SHA-256 checksum for it (upload it again)"
        expected = stored.checksum_sha256 if stored else hex_to_checksum(sha256)
        if "-" not in info.checksum_sha256 and info.checksum_sha256 != hex_to_checksum(sha256):
            return "altered", f"{key}: the store's SHA-256 {info.checksum_sha256} is not the manifest's"
        if info.checksum_sha256 != expected and (stored or "-" not in info.checksum_sha256):
            return "altered", f"{key}: the store's checksum {info.checksum_sha256} differs from {expected}"
        if info.sha256_metadata and info.sha256_metadata != sha256:
            return "altered", f"{key}: the object says it holds {info.sha256_metadata}"
        return None

    def read_sha256(self, sha256: str, progress: Progress | None = None, target: Path | None = None) -> str:
        """Re-read every byte of an object (and write them to `target` when given); return their SHA-256."""
        answer = self._call(
            "reading an object",
            self.client.get_object,
            Bucket=self.location.bucket,
            Key=self.location.key(sha256),
        )
        digest = hashlib.sha256()
        body = answer["Body"]
        handle = target.open("wb") if target else None
        try:
            from botocore.exceptions import BotoCoreError

            try:
                for chunk in body.iter_chunks(1 << 20):
                    digest.update(chunk)
                    if handle:
                        handle.write(chunk)
                    if progress:
                        progress(len(chunk))
            except BotoCoreError as error:
                raise self._fail(error, "reading an object") from None
            if handle:
                handle.flush()
                os.fsync(handle.fileno())
        finally:
            if handle:
                handle.close()
        return digest.hexdigest()

    def upload(
        self, path: Path, sha256: str, media_dir: Path, progress: Progress | None = None
    ) -> tuple[StoredObject, bool]:
        """Put one file (read once: hashed while sent) and verify what the store then reports.

        Returns the object as stored and whether an interrupted upload was resumed. Raises
        StoreError when the local bytes are not the manifest's (nothing sent is kept), when the
        store rejects a checksum, or when the store kept no checksum.
        """
        size = path.stat().st_size
        mime = mime_of(path.name)
        resumed = False
        if size <= self.part_size:
            body = path.read_bytes()
            digest = hashlib.sha256(body).digest()
            if digest.hex() != sha256:
                raise StoreError(
                    f"{path}: its SHA-256 is not the manifest's: not uploaded; see 'memoria verify'"
                )
            self._call(
                "uploading",
                self.client.put_object,
                Bucket=self.location.bucket,
                Key=self.location.key(sha256),
                Body=body,
                ContentType=mime,
                ChecksumSHA256=checksum_of(digest),
                Metadata={"sha256": sha256},
            )
            if progress:
                progress(size)
        else:
            resumed = self._multipart(path, sha256, size, mime, media_dir, progress)
        info = self.head(sha256)
        if info is None or info.size != size:
            raise StoreError(f"{self.location.key(sha256)}: not found whole in the store after the upload")
        if not info.checksum_sha256:
            raise StoreError(
                f"{self.location} at {self.endpoint}: the store keeps no SHA-256 checksums "
                "(x-amz-checksum-sha256): use a store that does; the local copy is kept"
            )
        if "-" not in info.checksum_sha256 and info.checksum_sha256 != hex_to_checksum(sha256):
            raise StoreError(f"{self.location.key(sha256)}: the store's checksum is not the file's")
        stored = StoredObject(
            key=self.location.key(sha256),
            size=info.size,
            content_type=info.content_type,
            checksum_sha256=info.checksum_sha256,
            verified_at=utc_now(),
        )
        return stored, resumed

    def _pending_path(self, media_dir: Path, sha256: str) -> Path:
        return Path(media_dir) / UPLOADS_DIR / f"{sha256}.json"

    def _multipart(
        self, path: Path, sha256: str, size: int, mime: str, media_dir: Path, progress: Progress | None
    ) -> bool:
        """A multipart upload with a SHA-256 per part; a pending one (same store, same part size) resumes."""
        from botocore.exceptions import ClientError

        key = self.location.key(sha256)
        # a file too large for 10,000 parts of the chosen size gets larger parts (whole MiB)
        part_size = max(self.part_size, -(-size // MAX_PARTS // 2**20) * 2**20)
        pending_path = self._pending_path(media_dir, sha256)
        done: dict[int, dict[str, Any]] = {}
        upload_id: str | None = None
        try:
            pending = json.loads(pending_path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            pending = None
        if pending and pending.get("store") == str(self.location) and pending.get("part_size") == part_size:
            upload_id = str(pending["upload_id"])
            try:
                pages = self.client.get_paginator("list_parts").paginate(
                    Bucket=self.location.bucket, Key=key, UploadId=upload_id
                )
                for page in pages:
                    for part in page.get("Parts", []):
                        done[int(part["PartNumber"])] = part
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "NoSuchUpload":
                    raise self._fail(error, "resuming an upload") from None
                upload_id, done = None, {}
        resumed = upload_id is not None
        if upload_id is None:
            created = self._call(
                "starting a multipart upload",
                self.client.create_multipart_upload,
                Bucket=self.location.bucket,
                Key=key,
                ContentType=mime,
                ChecksumAlgorithm="SHA256",
                Metadata={"sha256": sha256, "part-size": str(part_size)},
            )
            upload_id = str(created["UploadId"])
            write_atomically(
                pending_path,
                json.dumps(
                    {
                        "store": str(self.location),
                        "key": key,
                        "upload_id": upload_id,
                        "part_size": part_size,
                        "started_at": utc_now(),
                    }
                )
                + "\n",
            )
        whole = hashlib.sha256()
        parts = []
        with path.open("rb") as handle:
            number = 0
            while chunk := handle.read(part_size):
                number += 1
                whole.update(chunk)
                checksum = checksum_of(hashlib.sha256(chunk).digest())
                held = done.get(number)
                if held is not None and int(held["Size"]) == len(chunk):
                    parts.append({"PartNumber": number, "ETag": held["ETag"], "ChecksumSHA256": checksum})
                    if progress:
                        progress(len(chunk))
                    continue
                _crash_point(f"upload-part-{number}")
                answer = self._call(
                    f"uploading part {number}",
                    self.client.upload_part,
                    Bucket=self.location.bucket,
                    Key=key,
                    UploadId=upload_id,
                    PartNumber=number,
                    Body=chunk,
                    ChecksumAlgorithm="SHA256",
                    ChecksumSHA256=checksum,
                )
                parts.append({"PartNumber": number, "ETag": answer["ETag"], "ChecksumSHA256": checksum})
                if progress:
                    progress(len(chunk))
        if whole.hexdigest() != sha256:
            self._call(
                "abandoning an upload",
                self.client.abort_multipart_upload,
                Bucket=self.location.bucket,
                Key=key,
                UploadId=upload_id,
            )
            pending_path.unlink(missing_ok=True)
            raise StoreError(f"{path}: its SHA-256 is not the manifest's: not uploaded; see 'memoria verify'")
        self._call(
            "completing a multipart upload",
            self.client.complete_multipart_upload,
            Bucket=self.location.bucket,
            Key=key,
            UploadId=upload_id,
            MultipartUpload={"Parts": parts},
        )
        pending_path.unlink(missing_ok=True)
        return resumed


def open_store(value: str | None, part_size: int = DEFAULT_PART_SIZE) -> S3Store | None:
    """The configured store, checked (credentials, bucket) in one request; None for the local folder."""
    location = parse_media_store(value)
    if location is None:
        return None
    store = S3Store(location, part_size)
    store.check_bucket()
    return store
