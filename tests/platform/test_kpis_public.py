"""What a public reader of the indicators sees, on SQLite and PostgreSQL: a fresh install without demo data
reads no "achieved" or "behind" without data; anonymous calculator calls and demo, unpublished or restricted
records move no public value; the records behind a value; the open data and the annual report (PDF read
back as text)."""

import csv
import io
from importlib.resources import files

import pypdf
import yaml
from fastapi.testclient import TestClient

from permille.api.app import create_app

from .conftest import demo_app

RESTRICTED_KINDS = {"contacts", "budget-lines"}


def _indicators(report: dict) -> dict:
    return {i["name"]: i for o in report["objectives"] for i in o["indicators"]}


def test_a_fresh_install_reads_nothing_achieved_or_behind_without_data(engine):
    with TestClient(create_app(engine, seed=True)) as client:
        indicators = _indicators(client.get("/api/kpis").json())
    for name, i in indicators.items():
        for year in ("2030", "2050"):
            if i["status"][year] in ("achieved", "behind", "on track"):
                assert i["current"] is not None, name
                assert (i["current_source"].get("latest_record_year") or 0) >= 2020, name
    d1 = indicators["organisations_active_on_platform_pct"]
    assert d1["current"] is None and d1["status"]["2030"] == "no data since the baseline"  # nobody signed in


def test_demo_records_and_anonymous_calls_move_no_public_value(engine):
    with TestClient(demo_app(engine)) as client:
        before = _indicators(client.get("/api/kpis").json())
        sample = {"country_iso3": "SEN", "sd_t_c_ha": 5.0, "mdd_t_c_ha": 2.0}
        for _ in range(3):
            assert client.post("/api/toolkit/sampling", json=sample).status_code == 200  # anonymous
        r = client.post("/api/toolkit-usage", json={"tool": "rothc", "country_iso3": "FRA"})
        assert r.status_code in (401, 403), r.text  # no client writes usage rows
        after = _indicators(client.get("/api/kpis").json())
        for name, i in after.items():
            if name == "kpis_with_current_value_pct":
                continue
            assert i["current"] == before[name]["current"], name
            if i["rule"]["kind"] is None:
                continue
            behind = client.get(f"/api/kpis/{name}/records").json()
            if behind["restricted"]:
                assert behind["count"] == 0 and "records" not in behind, name  # only demo records there
            else:  # the demo seed names every demo record "Demo …": none is behind a public value
                assert not [r for r in behind["records"] if r["label"].startswith("Demo")], name
        assert after["annual_budget_eur"]["current_source"]["demo"]["value"] > 0  # labelled demo, apart
        assert after["countries_using_20pct_of_tools"]["current"] in (None, 0.0)
        assert after["countries_using_20pct_of_tools"]["current_source"]["anonymous_runs"] >= 1
        # restricted kinds: a count, never names, for the public
        contacts = client.get("/api/kpis/global_food_businesses_contacted/records").json()
        assert contacts["restricted"] is True and "records" not in contacts
        tools = client.get("/api/kpis/monitoring_tools_in_catalogue/records").json()
        assert tools["count"] == len(tools["records"]) > 0
        assert all(r["verified_by"] == "system" and r["label"] for r in tools["records"])
        catalogue = yaml.safe_load((files("permille") / "data" / "registry" / "tools.yaml").read_text())
        assert tools["count"] == len(catalogue["tools"]) and tools["demo_records"] == 0  # none taken for demo


def test_open_data_and_the_annual_report(engine):
    with TestClient(demo_app(engine)) as client:
        document = client.get("/api/kpis/open-data.json").json()
        assert document["schema"] == "permille-kpis-open-data/1"
        assert len(document["indicators"]) == 30
        assert all(i["rule"]["text"]["es"] for i in document["indicators"])
        rows = list(csv.DictReader(io.StringIO(client.get("/api/kpis/open-data.csv").text)))
        assert {r["indicator"] for r in rows} == {i["indicator"] for i in document["indicators"]}
        html = client.get("/api/kpis/report?lang=fr").text
        assert "Règle de calcul" in html and "<svg" in html
        r = client.get("/api/kpis/report?lang=es&format=pdf")
        assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
        text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(r.content)).pages)
    for words in ("Iniciativa «4 por 1000»", "Regla de cálculo", "Meta 2030", "Fuentes", "annual_budget_eur",
                  "EUR", "A1 —", "F3 —", "sin datos desde la línea de base"):  # fmt: skip
        assert words in text, words
