"""The file store of documents, content-addressed: a file is kept once under the SHA-256 of its bytes
(``<root>/<first two hex digits>/<sha256>``), whoever uploads it and to whichever record. The store is an
`fsspec <https://filesystem-spec.readthedocs.io>`_ file system: ``PERMILLE_FILESTORE_URL`` (an object
store such as ``s3://bucket/permille``, with its fsspec package installed and its credentials in the
environment), else the folder ``$PERMILLE_HOME/files``."""

import hashlib
import os
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import fsspec

from ..home import permille_home

CHUNK_BYTES = 1 << 20
"""Bytes read or written at a time."""


@dataclass(frozen=True)
class Spooled:
    """An upload written to a local temporary file while it was received: its path, size and SHA-256."""

    path: Path
    size: int
    sha256: str


class Spool:
    """Receives an upload chunk by chunk into a temporary file, hashing and counting it, and refuses it as
    soon as it passes ``limit`` bytes (:class:`OverflowError`): nothing beyond the limit is kept."""

    def __init__(self, limit: int, directory: Path | None = None):
        self.limit, self.size, self._hash = limit, 0, hashlib.sha256()
        handle, name = tempfile.mkstemp(prefix="upload-", dir=directory)
        self.path = Path(name)
        self._file = os.fdopen(handle, "wb")

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.limit:
            raise OverflowError(f"larger than {self.limit} bytes")
        self._hash.update(chunk)
        self._file.write(chunk)

    def finish(self) -> Spooled:
        self._file.close()
        return Spooled(self.path, self.size, self._hash.hexdigest())

    def discard(self) -> None:
        self._file.close()
        self.path.unlink(missing_ok=True)


class FileStore:
    """Files by their SHA-256 in an fsspec file system under ``url``."""

    def __init__(self, url: str):
        self.url = url
        self.fs, self.root = fsspec.core.url_to_fs(url)

    def _path(self, sha256: str) -> str:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 in hexadecimal")
        return f"{self.root.rstrip('/')}/{sha256[:2]}/{sha256}"

    def has(self, sha256: str) -> bool:
        return self.fs.exists(self._path(sha256))

    def put(self, spooled: Spooled) -> bool:
        """Keep the spooled file under its SHA-256 unless the same bytes are already kept; True when it
        was written. Written under a temporary name first, then renamed, so that a stored name always
        holds complete bytes."""
        target = self._path(spooled.sha256)
        if self.fs.exists(target):
            return False
        self.fs.makedirs(target.rsplit("/", 1)[0], exist_ok=True)
        partial = f"{target}.partial-{uuid.uuid4().hex}"
        self.fs.put_file(str(spooled.path), partial)
        self.fs.mv(partial, target)
        return True

    def read(self, sha256: str) -> Iterator[bytes]:
        """The stored bytes, chunk by chunk."""
        with self.fs.open(self._path(sha256), "rb") as f:
            while chunk := f.read(CHUNK_BYTES):
                yield chunk


def default_url() -> str:
    """``PERMILLE_FILESTORE_URL``, else the folder ``$PERMILLE_HOME/files``."""
    return os.environ.get("PERMILLE_FILESTORE_URL") or str((permille_home() / "files").resolve())
