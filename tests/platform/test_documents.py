"""Documents attached to records, on SQLite and PostgreSQL: a document of an unpublished project cannot be
downloaded by another organisation or the public (it can once the project is published); the type is
judged from the bytes, not the name; a file over 20 MiB is refused with 413 while it is received, without
reading it all; the same bytes are stored once; an fsspec object store (the in-memory one) works as the
folder does."""

import asyncio
import datetime
import io
import json
import uuid
import zipfile
from concurrent.futures import ThreadPoolExecutor

import fsspec
import openpyxl
import pytest
from fastapi.testclient import TestClient
from pypdf import PdfWriter
from sqlalchemy import select

from permille.api.app import create_app
from permille.registry import documents
from permille.registry.orm import Attachment, AuditLog, utcnow

PROJECT = {
    "name": "Agroforestry in Kaffrine",
    "country_iso3": "SEN",
    "lon": -15.5,
    "lat": 14.1,
    "area_ha": 250.0,
    "stage": "proposed",
}
MiB = 2**20


def _run(coroutine):
    """``asyncio.run`` in a thread of its own: the browser tests' Playwright keeps an event loop running in the
    main thread of a test process they share (pytest-xdist)."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def _pdf(text: str = "") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": text or "report"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _png() -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = io.BytesIO()
    plt.imsave(out, [[0.0, 1.0], [1.0, 0.0]], format="png")
    return out.getvalue()


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["site", "soc_t_c_ha"])
    book.active.append(["Kaffrine 1", 31.5])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def store(tmp_path):
    return tmp_path / "files"


@pytest.fixture
def client(engine, store):
    with TestClient(create_app(engine, seed=False, filestore_url=str(store))) as client:
        yield client


def _upload(client, kind, record_id, name, data, headers):
    return client.post(
        f"/api/documents/{kind}/{record_id}", params={"name": name}, content=data, headers=headers
    )


def _stored_files(store):
    return sorted(p for p in store.rglob("*") if p.is_file()) if store.exists() else []


def test_a_document_of_an_unpublished_project_is_not_downloadable_by_others(client, auth):
    member, partner, stc, secretariat = auth("member"), auth("partner"), auth("stc"), auth("secretariat")
    project = client.post("/api/projects", json=PROJECT, headers=member).json()
    assert project["published"] is False
    pdf = _pdf("baseline survey")
    uploaded = _upload(client, "projects", project["id"], "Baseline survey.pdf", pdf, member)
    assert uploaded.status_code == 201, uploaded.text
    document = uploaded.json()
    assert document["media_type"] == "application/pdf" and document["size_bytes"] == len(pdf)
    url = document["url"]

    mine = client.get(url, headers=member)
    assert mine.status_code == 200 and mine.content == pdf
    assert mine.headers["content-type"] == "application/pdf"
    assert mine.headers["x-content-type-options"] == "nosniff"  # the browser keeps the type judged
    assert (
        "attachment" in mine.headers["content-disposition"]
        and "Baseline%20survey.pdf" in mine.headers["content-disposition"]
    )
    for reader in (stc, secretariat):  # the STC reads every record, the Secretariat everything
        assert client.get(url, headers=reader).content == pdf
    for other in (partner, {}):  # another organisation, the public: as if there were no document
        refused = client.get(url, headers=other)
        assert refused.status_code == 404 and refused.content != pdf, refused.text
        assert client.get(f"/api/documents/projects/{project['id']}", headers=other).status_code == 404
    assert client.get("/api/documents/999999/download", headers=partner).json()["error"]["message"] == (
        refused.json()["error"]["message"].replace(str(document["id"]), "999999")
    )  # a hidden document is refused with the words of a missing one

    # attaching needs the right to edit the record
    assert _upload(client, "projects", project["id"], "x.pdf", pdf, partner).status_code == 404
    assert _upload(client, "projects", project["id"], "x.pdf", pdf, {}).status_code == 401
    assert _upload(client, "projects", project["id"], "x.pdf", pdf, stc).status_code == 403

    published = client.patch(
        f"/api/projects/{project['id']}",
        json={"published": True, "version": project["version"]},
        headers=secretariat,
    )
    assert published.status_code == 200, published.text
    assert client.get(url).content == pdf  # the document follows its record's visibility
    listing = client.get(f"/api/documents/projects/{project['id']}").json()
    assert [d["name"] for d in listing] == ["Baseline survey.pdf"]
    assert _upload(client, "projects", project["id"], "x.pdf", pdf, partner).status_code == 403


def test_the_type_is_judged_from_the_bytes_not_the_name(client, auth, store):
    member = auth("member")
    practice = client.post(
        "/api/practices",
        json={"name": "Cover crops", "evidence_level": "meta_analysis", "effect_t_c_ha_yr": 0.32,
              "effect_uncertainty_t_c_ha_yr": 0.08},
        headers=member,
    )  # fmt: skip
    assert practice.status_code == 201, practice.text
    pid = practice.json()["id"]
    accepted = {
        "photo.bin": (_png(), "image/png"),
        "sheet": (_xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "stocks.txt": (b"site;soc_t_c_ha\nKaffrine 1;31,5\nKaffrine 2;29,0\n", "text/csv"),
        "report.PDF": (_pdf(), "application/pdf"),
    }
    for name, (data, media_type) in accepted.items():
        answer = _upload(client, "practices", pid, name, data, member)
        assert answer.status_code == 201, (name, answer.text)
        assert answer.json()["media_type"] == media_type
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("readme.txt", "not a spreadsheet")
    refused = {
        "report.pdf": b"<!doctype html><html><script>alert(1)</script></html>",
        "data.csv": b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200),  # a Windows executable
        "book.xlsx": archive.getvalue(),  # a ZIP, but no workbook in it
        "notes.csv": b"just one line of prose\n",
        "empty.pdf": b"",
    }
    for name, data in refused.items():
        answer = _upload(client, "practices", pid, name, data, member)
        assert answer.status_code == 415, (name, answer.text)
        assert "judged from its content" in answer.json()["error"]["message"]
    assert len(client.get(f"/api/documents/practices/{pid}", headers=member).json()) == len(accepted)
    assert len(_stored_files(store)) == len(accepted)  # nothing of the refused files is kept


def test_the_same_bytes_are_stored_once(client, auth, session, store):
    member = auth("member")
    first = client.post("/api/projects", json=PROJECT, headers=member).json()
    second = client.post("/api/projects", json=PROJECT | {"name": "Another"}, headers=member).json()
    pdf = _pdf("shared annex")
    a = _upload(client, "projects", first["id"], "annex.pdf", pdf, member).json()
    b = _upload(client, "projects", second["id"], "annex (copy).pdf", pdf, member).json()
    assert a["id"] != b["id"] and a["sha256"] == b["sha256"]
    assert [p.name for p in _stored_files(store)] == [a["sha256"]]
    assert client.get(b["url"], headers=member).content == pdf
    session.expire_all()
    new_bytes = [
        row.after["new_bytes"]
        for row in session.scalars(select(AuditLog).where(AuditLog.action == "attach").order_by(AuditLog.id))
    ]
    assert new_bytes == [True, False]


async def _call(app, path: str, headers: list[tuple[bytes, bytes]], total: int, chunk: int = MiB):
    """Send a body of ``total`` bytes in chunks straight to the ASGI app; the answer's status and how many
    bytes the app read before answering."""
    sent = 0
    answer = {}

    async def receive():
        nonlocal sent
        if sent >= total:
            return {"type": "http.request", "body": b"", "more_body": False}
        size = min(chunk, total - sent)
        sent += size
        return {"type": "http.request", "body": b"a,b\n" * (size // 4), "more_body": sent < total}

    async def send(message):
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        elif message["type"] == "http.response.body":
            answer["body"] = answer.get("body", b"") + message.get("body", b"")

    path, _, query = path.partition("?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
        "headers": [(b"host", b"testserver"), *headers], "client": ("127.0.0.1", 1), "server": ("testserver", 80),
        "app": app,
    }  # fmt: skip
    await app(scope, receive, send)
    return answer["status"], sent, json.loads(answer["body"])


def test_an_oversize_document_is_refused_while_it_is_received(client, auth, store, tmp_path, monkeypatch):
    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(spool))
    member = auth("member")
    project = client.post("/api/projects", json=PROJECT, headers=member).json()
    path = f"/api/documents/projects/{project['id']}?name=big.csv"
    token = [(b"authorization", member["Authorization"].encode())]

    # announced too large: refused before a byte of the body is read
    status, read, body = _run(
        _call(client.app, path, token + [(b"content-length", str(25 * MiB).encode())], 25 * MiB)
    )
    assert (status, read) == (413, 0) and str(documents.MAX_BYTES) in body["error"]["message"]
    # not announced (chunked): refused once past 20 MiB, the rest never read
    status, read, body = _run(_call(client.app, path, token, 200 * MiB))
    assert status == 413, body
    assert documents.MAX_BYTES < read <= documents.MAX_BYTES + 2 * MiB
    assert list(spool.iterdir()) == [] and _stored_files(store) == []  # the partial upload is gone
    # just within the limit: accepted (the global 10 MB request limit does not apply to this route)
    status, read, body = _run(_call(client.app, path, token, documents.MAX_BYTES))
    assert status == 201, body
    assert body["size_bytes"] == documents.MAX_BYTES and body["media_type"] == "text/csv"
    # other routes keep the global limit
    status, _, _ = _run(
        _call(client.app, "/api/projects", token + [(b"content-type", b"application/json")], 11 * MiB)
    )
    assert status == 413


def test_an_fsspec_object_store(engine, auth, session):
    url = f"memory://permille-{uuid.uuid4().hex}"
    with TestClient(create_app(engine, seed=False, filestore_url=url)) as client:
        member = auth("member")
        project = client.post("/api/projects", json=PROJECT, headers=member).json()
        pdf = _pdf("object store")
        document = _upload(client, "projects", project["id"], "a.pdf", pdf, member).json()
        fs, root = fsspec.core.url_to_fs(url)
        assert fs.cat_file(f"{root}/{document['sha256'][:2]}/{document['sha256']}") == pdf
        assert client.get(document["url"], headers=member).content == pdf
        session.expire_all()
        assert session.scalar(select(Attachment.sha256)) == document["sha256"]


def test_documents_of_a_call_application(client, auth):
    member, partner, stc, secretariat = auth("member"), auth("partner"), auth("stc"), auth("secretariat")
    now = utcnow()
    call = client.post(
        "/api/calls",
        json={"title": "Call 2027", "opens_at": (now - datetime.timedelta(days=1)).isoformat(),
              "closes_at": (now + datetime.timedelta(days=30)).isoformat(),
              "review_by": (now + datetime.timedelta(days=60)).isoformat(), "regions": ["Africa"]},
        headers=secretariat,
    ).json()  # fmt: skip
    project = client.post("/api/projects", json=PROJECT, headers=member).json()
    application = client.post(f"/api/calls/{call['id']}/applications",
                              json={"project_id": project["id"], "region": "Africa"}, headers=member).json()  # fmt: skip
    path = f"call-applications/{application['id']}"
    pdf = _pdf("budget")
    assert _upload(client, "call-applications", application["id"], "budget.pdf", pdf, stc).status_code == 403
    document = _upload(client, "call-applications", application["id"], "budget.pdf", pdf, member).json()
    assert client.get(document["url"], headers=stc).content == pdf  # the STC reviews the applications
    assert [d["name"] for d in client.get(f"/api/documents/{path}", headers=secretariat).json()] == [
        "budget.pdf"
    ]
    for outsider in (partner, {}):
        assert client.get(document["url"], headers=outsider).status_code == 404
        assert client.get(f"/api/documents/{path}", headers=outsider).status_code == 404
