"""Hostile input answered 4xx, never 500, and every input that drives the toolkit's work bounded (issue 19,
points 3 and 9): mathtext in a report's text, a CSV cell over the csv module's field limit, a form field
of JSON nested a thousand levels, free text of 200,000 characters, a baseline from year 526; security
headers on an unexpected 500; ``schemas.unstorable_text`` walks any depth."""

import pytest
from fastapi.testclient import TestClient

from permille.api.app import create_app
from permille.registry.schemas import unstorable_text
from permille.toolkit import limits
from permille.toolkit.examples import EXAMPLES

SITE = {"name": "Hostile", "country_iso3": "FRA", "lon": 1.5, "lat": 43.5, "land_use": "cropland"}


@pytest.fixture
def threads(engine):
    """An app calculating in threads (the answers do not depend on the worker processes)."""
    with TestClient(create_app(engine, seed=False, toolkit_workers=0), raise_server_exceptions=False) as c:
        yield c


def test_mathtext_in_a_stratum_name_is_drawn_as_written(threads):
    body = EXAMPLES["credits"]()
    body["changes"][0]["stratum"] = "$\\foo{$"
    answer = threads.post("/api/toolkit/credits?format=pdf", json=body)
    assert answer.status_code == 200, answer.text
    assert answer.content.startswith(b"%PDF")


def test_a_csv_cell_over_the_field_limit_is_a_422(threads, auth):
    site = threads.post("/api/sites", json=SITE, headers=auth("secretariat"))
    assert site.status_code == 201, site.text
    header = "site_id,upper_cm,lower_cm,property,value,unit"
    csv = f"{header}\n{site.json()['id']},0,30,{'x' * 131_073},1,%\n"
    answer = threads.post(
        "/api/observations/ingest",
        files={"file": ("o.csv", csv.encode(), "text/csv")},
        headers=auth("secretariat"),
    )
    assert answer.status_code == 422, answer.text
    assert "line 2" in answer.json()["error"]["message"]


def test_a_deeply_nested_mapping_form_field_is_a_422(threads):
    mapping = "[" * 1000 + "]" * 1000
    answer = threads.post(
        "/api/toolkit/stocks", files={"file": ("c.csv", b"a,b\n1,2\n", "text/csv")}, data={"mapping": mapping}
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["details"][0]["loc"] == ["mapping"]


def test_an_unexpected_error_carries_the_security_headers(threads, monkeypatch):
    from permille.api.routes import kpis

    def broken(_session):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(kpis.kpis, "compute", broken)
    answer = threads.get("/api/kpis")
    assert answer.status_code == 500
    assert answer.json()["error"]["code"] == "internal_error"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]


def test_unstorable_text_walks_any_depth_without_recursion():
    deep: list = ["bad\x00"]
    for _ in range(10_000):  # ten times the interpreter's recursion limit
        deep = [deep]
    assert unstorable_text({"a": deep}) == ["a" + ".0" * 10_001]
    assert unstorable_text({"k\x00": "fine", "b": ["ok", "\ud800"]}) == ["value", "b.1"]


# --- every input that drives the toolkit's work is bounded (point 3) -------------------------------------


def _refusal(answer) -> str:
    assert answer.status_code == 422, answer.text
    return " ".join(d["message"] for d in answer.json()["error"]["details"])


@pytest.mark.parametrize(
    ("calculator", "path"),
    [
        ("credits", ("changes", 0, "stratum")),
        ("credits", ("changes", 0, "period")),
        ("balance", ("name",)),
        ("balance", ("areas", 0, "name")),
        ("sampling", ("strata", 0, "name")),
    ],
)
def test_free_text_is_bounded(threads, calculator, path):
    body = EXAMPLES[calculator]()
    if calculator == "sampling" and not body.get("strata"):
        body["strata"] = [{"name": "a", "area_ha": 1, "sd_t_c_ha": 1}]
    node = body
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = "x" * 200_000
    assert "MAX_TEXT_CHARS" in _refusal(threads.post(f"/api/toolkit/{calculator}?format=pdf", json=body))


def test_the_earliest_period_year_is_bounded_and_counted_in_the_work(threads):
    body = EXAMPLES["balance"]()
    body["areas"][0]["baseline"][0]["year"] = 526
    assert "MIN_YEAR" in _refusal(threads.post("/api/toolkit/balance", json=body))
    # within the years, a long history counts: 5,000 draws × 2 areas × (2045 − 1850 + 1) years
    body = EXAMPLES["balance"]()
    body["monte_carlo"]["draws"] = limits.MAX_BALANCE_DRAWS
    for area in body["areas"]:
        area["baseline"][0]["year"] = area["project"][0]["year"] = 1850
    assert "MAX_BALANCE_WORK" in _refusal(threads.post("/api/toolkit/balance", json=body))
