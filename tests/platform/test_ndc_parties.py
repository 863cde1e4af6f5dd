"""The NDC tracker on a fresh install (issue 18, point 5; objective A1): the 198 UNFCCC Parties, each
seeded as a tracker record with its source, and their NDC content facts each naming its source and
vintage, as bundled package data that the build script reproduces from ``../shared/data``; the country
answer carries FAOSTAT cropland and grassland areas equal to the source table's."""

import csv
import gzip
import importlib.util
from importlib.resources import files

import pytest

from permille.registry import parties
from tests.conftest import REPO, shared_path

BUNDLED = files("permille") / "data" / "ndc"


def _party_codes() -> list[str]:
    with shared_path("data/unfccc-parties-and-groups/unfccc.csv").open(encoding="utf-8") as f:
        return [row["Code"] for row in csv.DictReader(f)]


def _build_script():
    spec = importlib.util.spec_from_file_location("build_ndc_data", REPO / "scripts" / "build_ndc_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_build_script_reproduces_the_bundled_data(tmp_path):
    shared = shared_path("data/ndc-content").parent
    _build_script().build(shared, tmp_path)
    for name in ("parties.json", "land_use.json"):
        assert (tmp_path / name).read_bytes() == (BUNDLED / name).read_bytes(), name


def test_every_party_and_every_fact_with_its_source_and_vintage():
    codes = _party_codes()
    assert len(codes) == 198 and {"EUU", "VAT", "FRA", "KEN", "BRA"} <= set(codes)
    doc = parties.document()
    assert [p["iso3"] for p in doc["parties"]] == codes
    for key, source in doc["sources"].items():
        assert source["title"] and source["vintage"] and source["licence"] and source["url"], key
    for party in doc["parties"]:
        assert set(party["covered_by"]) <= set(doc["sources"])
        for fact in party["facts"]:
            assert fact["source"] in party["covered_by"] and fact["value"], (party["iso3"], fact)
    assert sum(bool(p["facts"]) for p in doc["parties"]) >= 190


def test_cait_and_explorer_facts_equal_the_source_tables():
    with shared_path("data/ndc-content/ndc-content-cait.csv").open(encoding="utf-8") as f:
        cait = {row["ISO"]: row for row in csv.DictReader(f)}
    for iso3 in ("KEN", "BRA", "IND", "URY"):
        facts = {f["field"]: f for f in parties.party(iso3)["facts"] if f["source"] == "cait2018"}
        assert facts["m_agriculture"]["value"] == cait[iso3]["m_agriculture"].strip()
        assert facts["a_lulucf"]["label"] == cait[iso3]["a_lulucf_label"].strip()
        assert facts["m_agriculture"]["vintage"] == "2018-06"
    with shared_path("data/ndc-content/ndc-content-klimalog-die-gdi.csv").open(encoding="utf-8") as f:
        explorer = {
            r["country_code"]: r for r in csv.DictReader(line for line in f if not line.startswith("#"))
        }
    coded = [iso3 for iso3, r in explorer.items() if int(r["agriculture_class"]) > 0]
    for iso3 in coded[:5]:
        fact = next(
            f
            for f in parties.party(iso3)["facts"]
            if f["source"] == "explorer2022" and f["field"] == "agriculture"
        )
        assert fact["value"] == (explorer[iso3]["agriculture_details"].strip() or fact["label"])


def _faostat(area: str) -> dict[int, dict[str, float]]:
    """Independent read of the FAOSTAT long table: year → item → 1000 ha for ``area``."""
    out: dict[int, dict[str, float]] = {}
    with gzip.open(
        shared_path("data/faostat-land-use/agData_FAO_LandUse.csv.gz"), "rt", encoding="utf-8"
    ) as f:
        for line in f:
            *name, year, item, measurement, unit, value = line.rstrip("\n").split(",")
            if (
                ",".join(name) == area
                and measurement == "Area"
                and unit == "1000 ha"
                and value not in ("", "NA")
            ):
                out.setdefault(int(year), {})[item] = float(value)
    return out


def test_seeded_tracker_lists_the_198_parties_with_sources(seeded_client):
    answer = seeded_client.get("/api/ndc/parties").json()
    assert answer["n_parties"] == 198 and [p["iso3"] for p in answer["items"]] == _party_codes()
    assert all(answer["sources"][s]["vintage"] for p in answer["items"] for s in p["covered_by"])
    records = seeded_client.get("/api/ndcs", params={"page_size": 500}).json()
    seeded = [r for r in records["items"] if r["ndc_version"] == parties.NDC_VERSION]
    assert sorted(r["country_iso3"] for r in seeded) == sorted(_party_codes())
    assert all(r["source"] == parties.SOURCE_URL and r["how"] for r in seeded)
    by_code = {p["iso3"]: p for p in answer["items"]}
    for r in seeded:  # the tracker's flags are the Party's mentions (False where not assessed)
        mentions = by_code[r["country_iso3"]]["mentions"]
        assert r["refers_soil_health"] == bool(mentions["soils"]), r["country_iso3"]
        assert r["refers_soc"] == bool(mentions["soil_carbon"]), r["country_iso3"]


@pytest.mark.parametrize(("iso3", "area"), [("KEN", "Kenya"), ("GBR", "UK"), ("BRA", "Brazil")])
def test_country_answer_with_faostat_cropland_and_grassland(client, iso3, area):
    answer = client.get(f"/api/ndc/countries/{iso3.lower()}").json()
    assert answer["party"]["iso3"] == iso3 and answer["tracker"] == []  # an app without the seed
    assert all(f["source_title"] and f["vintage"] for f in answer["party"]["facts"])
    land = answer["land_use"]
    assert land["units"] == "1000 ha" and "FAOSTAT" in land["source"]["title"]
    expected = _faostat(area)
    assert land["years"] == sorted(
        y for y in expected if {"Cropland", "Permanent meadows and pastures"} & set(expected[y])
    )
    for year, crop, grass in zip(
        land["years"], land["cropland_kha"], land["meadows_pastures_kha"], strict=True
    ):
        assert crop == expected[year].get("Cropland") and grass == expected[year].get(
            "Permanent meadows and pastures"
        )


def test_country_answer_errors_and_non_parties(seeded_client):
    assert seeded_client.get("/api/ndc/countries/XXX").status_code == 404
    assert seeded_client.get("/api/ndc/countries/12A").status_code == 422
    greenland = seeded_client.get("/api/ndc/countries/GRL").json()  # a territory of the map, not a Party
    assert greenland["party"] is None and greenland["tracker"] == [] and greenland["land_use"]["years"]
    eu = seeded_client.get("/api/ndc/countries/EUU").json()
    assert eu["party"]["name"] == "European Union" and eu["land_use"]["cropland_kha"][-1] > 0


def test_every_fact_topic_reads_in_french_and_spanish():
    """The country page names a fact's topic through the catalogue (``ndc.topic:<topic>``): every topic of
    the bundled facts has its French and Spanish there."""
    import json

    from permille import i18n

    data = json.loads((BUNDLED / "parties.json").read_text(encoding="utf-8"))
    topics = {fact["topic"] for party in data["parties"] for fact in party["facts"]}
    assert len(topics) >= 5
    for lang in ("fr", "es"):
        for topic in topics:
            translated = i18n.pgettext(lang, f"ndc.topic:{topic}", topic)
            assert translated != topic, f"{lang}: {topic}"
