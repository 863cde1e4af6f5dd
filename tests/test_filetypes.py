"""The types of documents recognised from their bytes (data/attachment_types.yaml): images written by
Pillow, spreadsheets by openpyxl and as OpenDocument, CSV with each delimiter; look-alikes refused."""

import io
import zipfile

import openpyxl
import pytest
from PIL import Image

from permille.registry import filetypes


def _image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (120, 80, 40)).save(out, format=fmt)
    return out.getvalue()


def _ods(mimetype: str = "application/vnd.oasis.opendocument.spreadsheet", first: bool = True) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        if first:
            z.writestr(zipfile.ZipInfo("mimetype"), mimetype)  # stored, first (ODF 1.2 Part 3 §3.3)
        z.writestr("content.xml", "<office:document-content/>")
        if not first:
            z.writestr("mimetype", mimetype)
    return out.getvalue()


def _xlsx() -> bytes:
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "data, name",
    [
        (_image("PNG"), "png"),
        (_image("JPEG"), "jpeg"),
        (_image("GIF"), "gif"),
        (_image("WEBP"), "webp"),
        (_image("TIFF"), "tiff"),
        (_xlsx(), "xlsx"),
        (_ods(), "ods"),
        (bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504), "xls"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "pdf"),
        (b"a,b\n1,2\n", "csv"),
        ("site;soc\nThiès;31,5\n".encode(), "csv"),
        (b"\xef\xbb\xbfsite\tsoc\nA\t1\n", "csv"),  # UTF-8 with a byte-order mark, tabs
    ],
)
def test_recognised(tmp_path, data, name):
    path = tmp_path / "file.bin"
    path.write_bytes(data)
    assert filetypes.sniff(path).name == name


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<html><body>a,b</body></html>\n",  # one line
        b"a,b\n1,2,3\n",  # ragged
        "caf\xe9,b\n1,2\n".encode("latin-1"),  # not UTF-8
        b"a,b\x01\n1,2\n",  # a control byte
        _ods("application/vnd.oasis.opendocument.text"),  # a text document
        _ods(first=False),  # the mimetype member not first
        b"PK\x03\x04 not really a zip",
        b"\x7fELF\x02\x01\x01" + bytes(100),
    ],
)
def test_refused(tmp_path, data):
    path = tmp_path / "file.pdf"
    path.write_bytes(data)
    assert filetypes.sniff(path) is None
