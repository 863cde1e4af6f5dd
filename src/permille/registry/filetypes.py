"""What a document is, from its bytes: the types a document may be (PDF, images, spreadsheets, CSV) are
the table ``data/attachment_types.yaml`` (magic numbers with their sources); the name a user gives a file
plays no part, so a renamed executable or HTML page is refused whatever it is called."""

import csv
import functools
import io
import zipfile
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import yaml

TEXT_SAMPLE_BYTES = 64 * 1024
"""How much of a text file is read to recognise CSV (its first lines)."""


@dataclass(frozen=True)
class FileType:
    name: str
    media_type: str


@functools.cache
def _table() -> list[dict]:
    return yaml.safe_load((files("permille") / "data" / "attachment_types.yaml").read_text("utf-8"))["types"]


def accepted() -> list[str]:
    """The names of the accepted types, in the table's order."""
    return [t["name"] for t in _table()]


def media_types() -> list[str]:
    """The media types of the accepted types (what a download is answered as)."""
    return [t["media_type"] for t in _table()]


def sniff(path: Path) -> FileType | None:
    """The type of the file at ``path`` by its content, None when it is none of the accepted types."""
    with open(path, "rb") as f:
        head = f.read(TEXT_SAMPLE_BYTES)
    for entry in _table():
        if "magic" in entry and any(_matches(head, alternative) for alternative in entry["magic"]):
            return FileType(entry["name"], entry["media_type"])
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(path)
    csv_entry = next(t for t in _table() if "text" in t)
    if _is_csv(head, csv_entry["text"]["delimiters"], whole=path.stat().st_size <= TEXT_SAMPLE_BYTES):
        return FileType(csv_entry["name"], csv_entry["media_type"])
    return None


def _matches(head: bytes, alternative: list) -> bool:
    return all(head[o : o + len(b)] == b for o, b in ((o, bytes.fromhex(h)) for o, h in alternative))


def _zip_type(path: Path) -> FileType | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            for entry in (t for t in _table() if "zip" in t):
                rule = entry["zip"]
                if "member" in rule and rule["member"] in names:
                    return FileType(entry["name"], entry["media_type"])
                if "mimetype" in rule and names[:1] == ["mimetype"]:
                    if archive.read("mimetype")[:200].decode("ascii", "replace").strip() == rule["mimetype"]:
                        return FileType(entry["name"], entry["media_type"])
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    return None


def _is_csv(head: bytes, delimiters: list[str], *, whole: bool) -> bool:
    """UTF-8 text (no NUL, no control bytes but tab and line ends) whose complete lines (at least two)
    each split into the same number (≥ 2) of fields by one delimiter."""
    if b"\x00" in head:
        return False
    if not whole:  # the sample may end inside a character or a line: keep its complete lines
        head = head[: head.rfind(b"\n") + 1]
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    if any(ord(c) < 32 and c not in "\t\r\n" for c in text):
        return False
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        return False
    for delimiter in delimiters:
        widths = {len(row) for row in csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)}
        if len(widths) == 1 and widths.pop() >= 2:
            return True
    return False
