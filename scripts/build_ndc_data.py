"""Build the NDC tracker's package data (objective A1) from ``../shared/data``:

- ``src/permille/data/ndc/parties.json`` — the 198 UNFCCC Parties (openclimatedata/countrygroups: UNFCCC
  list, UN regional groups, Annex I, LDC, SIDS, EU) with their NDC content facts, each with its source and
  vintage: Climate Watch/CAIT NDC content (June 2018: agriculture and LULUCF mitigation/adaptation, LULUCF
  coverage), World Bank NDC sectoral content (2018 export: every answered question of the Agriculture
  sub-sectors "Soils" and "Land and Soil Management"), DIE/ACTS/SEI NDC Explorer 2022 (agriculture, land
  use and forestry, land-use change, agriculture vulnerability and adaptation priority);
- ``src/permille/data/ndc/land_use.json`` — FAOSTAT Land Use (RL) cropland and permanent meadows and
  pastures per country and year, 1000 ha.

Run: ``uv run python scripts/build_ndc_data.py [--shared ../shared/data]``. The output is deterministic.
"""

import argparse
import csv
import gzip
import hashlib
import html
import json
import re
from collections import defaultdict
from pathlib import Path

import openpyxl

OUT = Path(__file__).resolve().parents[1] / "src" / "permille" / "data" / "ndc"
SOURCES = {
    "unfccc": {
        "title": "UNFCCC Parties and country groups (openclimatedata/countrygroups 0.17.0, commit 4a913b2)",
        "vintage": "2024-10-28", "licence": "CC0",
        "url": "https://github.com/openclimatedata/countrygroups",
    },
    "cait2018": {
        "title": "Climate Watch / CAIT NDC content (first NDCs and INDCs), WRI",
        "vintage": "2018-06", "licence": "CC BY 4.0",
        "citation": "WRI (2018) Climate Watch NDC Content; CAIT Climate Data Explorer (2016), Washington DC: "
                    "World Resources Institute; via openclimatedata/ndc-assessments commit 3ad0c67",
        "url": "https://github.com/openclimatedata/ndc-assessments",
    },
    "wb2018": {
        "title": "World Bank NDC sectoral content (Climate Watch export, sheet WB), Agriculture sub-sectors "
                 "\"Soils\" and \"Land and Soil Management\"",
        "vintage": "2018-06", "licence": "CC BY 4.0",
        "citation": "World Bank (2017) NDC/INDC database, Climate Watch export CW_NDC_Content_26062018.xlsx; "
                    "via openclimatedata/ndc-assessments commit 3ad0c67",
        "url": "https://github.com/openclimatedata/ndc-assessments",
    },
    "explorer2022": {
        "title": "NDC Explorer 2022 coding (DIE/ACTS/SEI/FS-UNEP)",
        "vintage": "2022-02-04", "licence": "CC BY 4.0 (changes shared under the same licence)",
        "citation": "Pauw, P., Beck, T., Valverde, M. J. et al. (2022) NDC Explorer, doi:10.23661/ndc_explorer_2022_4.0; "
                    "via openclimatedata/ndc-assessments commit 3ad0c67",
        "url": "https://klimalog.die-gdi.de/ndc/",
    },
    "faostat": {
        "title": "FAOSTAT Land Use (RL): Cropland; Permanent meadows and pastures (Area, 1000 ha)",
        "vintage": "1961–2023 (agData 1.1.1, commit 18849e6)", "licence": "FAO data CC BY 4.0; repackaging CC BY-SA 4.0",
        "citation": "FAO (2025) FAOSTAT: Land Use (RL), Rome: FAO, https://www.fao.org/faostat/en/#data/RL; "
                    "repackaged by D. M. Wright, agData",
        "url": "https://www.fao.org/faostat/en/#data/RL",
    },
}  # fmt: skip
CAIT_FIELDS = {
    "m_agriculture": "Agriculture mitigation",
    "m_lulucf": "LULUCF mitigation",
    "a_agriculture": "Agriculture adaptation",
    "a_lulucf": "LULUCF adaptation",
    "method_land_coverage": "LULUCF coverage",
}
"""CAIT columns kept, with the topic they answer."""
WB_SUBSECTORS = ("Soils", "Land and Soil Management")
EXPLORER_FIELDS = {
    "agriculture": "Mitigation focus area: agriculture",
    "land_use_and_forestry": "Mitigation focus area: land use and forestry",
    "land_use_change": "Land-use change",
    "vulnerability_agriculture": "Vulnerability: agriculture",
    "priority_sectors_agriculture": "Adaptation priority sector: agriculture",
}
NOT_ANSWERED = {"", "n/a", "na", "not specified", "no specified action", "none", "no data"}
SOIL = re.compile(r"\bsoils?\b", re.I)
SOC = re.compile(
    r"soil (organic )?carbon|carbon (stock|sequestration|storage)s? in (agricultural |the )?soils?|"
    r"soil organic matter|carbone? (organique )?(du|des) sols?",
    re.I,
)
PEAT = re.compile(r"\bpeat|wetland|histosol", re.I)
FAO_ALIASES = {
    "UK": "GBR", "Democratic Republic of the Congo": "COD", "Eswatini": "SWZ",
    "Lao People's Democratic Republic": "LAO", "North Macedonia": "MKD", "Palestine": "PSE",
    "Syrian Arab Republic": "SYR", "Türkiye": "TUR", "United Arab Emirates": "ARE",
    "United Republic of Tanzania": "TZA", "Viet Nam": "VNM", "European Union (27)": "EUU",
}  # fmt: skip
"""FAOSTAT area names of Parties that the agData country table does not name (the EU: its 27 members)."""
FAO_FORMER = {
    "Belgium-Luxembourg",
    "Czechoslovakia",
    "Ethiopia PDR",
    "USSR",
    "Yugoslav SFR",
    "Sudan (former)",
    "Serbia and Montenegro",
    "Netherlands Antilles (former)",
}
"""Former areas, whose series must not be mixed into their successor's."""
LAND_ITEMS = {"Cropland": "cropland_kha", "Permanent meadows and pastures": "meadows_pastures_kha"}


def _text(value) -> str:
    """Cell text without HTML tags and repeated blanks."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", str(value or "")))
    return re.sub(r"\s+", " ", text).strip().strip('"').strip()


def _answered(text: str) -> bool:
    return text.lower().rstrip(".") not in NOT_ANSWERED


def _csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def _codes(path: Path) -> set[str]:
    return {row["Code"] for row in _csv(path)}


def parties(shared: Path) -> list[dict]:
    groups = shared / "unfccc-parties-and-groups"
    regional = {r["Code"]: r["Region"] for r in _csv(groups / "un-regional-groups.csv")}
    annex, ldc, sids, eu = (
        _codes(groups / f) for f in ("annex-one.csv", "ldc.csv", "sids.csv", "european-union.csv")
    )
    return [
        {
            "iso3": r["Code"], "name": r["Name"], "un_regional_group": regional.get(r["Code"]),
            "annex_one": r["Code"] in annex, "ldc": r["Code"] in ldc, "sids": r["Code"] in sids,
            "eu_member": r["Code"] in eu, "signature": r["Signature"] or None,
            "ratification": r["Ratification-Acceptance-Accession-Approval-Succession"] or None,
            "ratification_kind": r["Kind"] or None,
        }
        for r in _csv(groups / "unfccc.csv")
    ]  # fmt: skip


def cait_facts(shared: Path) -> dict[str, list[dict]]:
    out = defaultdict(list)
    for row in _csv(shared / "ndc-content" / "ndc-content-cait.csv"):
        for column, topic in CAIT_FIELDS.items():
            label = _text(row.get(f"{column}_label", ""))
            value = _text(row[column]) or label
            if not value:  # an empty cell: no fact
                continue
            out[row["ISO"]].append({"source": "cait2018", "topic": topic, "field": column, "value": value,
                                    "label": label or None, "answered": _answered(value)})  # fmt: skip
    return out


def wb_facts(shared: Path, iso3_of: dict[str, str]) -> tuple[dict[str, list[dict]], set[str]]:
    """Facts of the World Bank soils sub-sectors by ISO3, and the ISO3 codes the World Bank sheet covers."""
    book = openpyxl.load_workbook(shared / "ndc-content" / "CW_NDC_Content_26062018.xlsx", read_only=True)
    rows = book["WB"].iter_rows(values_only=True)
    head = next(rows)
    out, covered = defaultdict(list), set()
    for values in rows:
        row = dict(zip(head, values, strict=True))
        iso3 = iso3_of.get(str(row["CountryCode"]).strip())
        if iso3 is None:
            continue
        covered.add(iso3)
        value = _text(row["ResponseText"])
        if str(row["SubSector"]).strip() in WB_SUBSECTORS and _answered(value):
            out[iso3].append({
                "source": "wb2018", "topic": f"{str(row['SubSector']).strip()} ({_text(row['SectorSubSectorType']).lower()})",
                "field": _text(row["QuestionText"]), "value": value, "label": None, "answered": True,
            })  # fmt: skip
    for facts in out.values():
        facts.sort(key=lambda f: (f["topic"], f["field"], f["value"]))
    return out, covered


def explorer_facts(shared: Path) -> dict[str, list[dict]]:
    folder = shared / "ndc-content"
    labels = {r["sub_category"]: r for r in _csv(folder / "categories-klimalog-die-gdi.csv")}
    out = defaultdict(list)
    for row in _csv(folder / "ndc-content-klimalog-die-gdi.csv"):
        for column, topic in EXPLORER_FIELDS.items():
            code = int(row[f"{column}_class"])
            if code < 1:  # -1 no data, 0 (I)NDC not submitted or not yet included
                continue
            label = _text(labels[column][f"classification-{code}"])
            details = _text(row[f"{column}_details"])
            out[row["country_code"]].append({
                "source": "explorer2022", "topic": topic, "field": column, "value": details or label,
                "label": label, "answered": True,
            })  # fmt: skip
    return out


def mentions(facts: list[dict], wb_soils: bool | None) -> dict:
    """Whether the facts' texts mention soils, soil carbon, peatlands/wetlands (None: no source covers the
    Party); ``wb_soils_subsector``: the World Bank coded a "Soils"/"Land and Soil Management" entry."""
    if not facts and wb_soils is None:
        return {"soils": None, "soil_carbon": None, "peatlands_wetlands": None, "wb_soils_subsector": None}
    texts = " ".join(f"{f['field']} {f['value']}" for f in facts if f["answered"] and f["source"] != "wb2018")
    texts += " " + " ".join(f["value"] for f in facts if f["source"] == "wb2018")
    return {
        "soils": bool(wb_soils) or bool(SOIL.search(texts)),
        "soil_carbon": bool(SOC.search(texts)),
        "peatlands_wetlands": bool(PEAT.search(texts)),
        "wb_soils_subsector": wb_soils,
    }


def land_use(shared: Path, iso3_of_name: dict[str, str]) -> dict[str, dict]:
    """FAOSTAT cropland and permanent meadows and pastures (1000 ha) by ISO3 and year (area names with
    unquoted commas: the last five fields are the values, the rest is the name)."""
    series = defaultdict(lambda: defaultdict(dict))
    with gzip.open(shared / "faostat-land-use" / "agData_FAO_LandUse.csv.gz", "rt", encoding="utf-8") as f:
        next(f)
        for line in f:
            fields = line.rstrip("\n").split(",")
            area, (year, item, measurement, unit, value) = ",".join(fields[:-5]), fields[-5:]
            key = LAND_ITEMS.get(item)
            iso3 = iso3_of_name.get(area)
            if key and measurement == "Area" and unit == "1000 ha" and iso3 and value not in ("", "NA"):
                series[iso3][int(year)][key] = float(value)
    out = {}
    for iso3, years in sorted(series.items()):
        ordered = sorted(years)
        out[iso3] = {
            "years": ordered,
            **{key: [years[y].get(key) for y in ordered] for key in LAND_ITEMS.values()},
        }
    return out


def country_codes(shared: Path) -> tuple[dict[str, str], dict[str, str]]:
    """ISO2 → ISO3 and FAOSTAT area name → ISO3 from the agData country table (rows whose names hold
    unquoted commas are left out: none is a Party), with :data:`FAO_ALIASES`, without :data:`FAO_FORMER`."""
    with gzip.open(
        shared / "faostat-land-use" / "agData_FAO_Country_Table.csv.gz", "rt", encoding="utf-8"
    ) as f:
        head, *rows = (line.rstrip("\n").split(",") for line in f)
    table = [dict(zip(head, row, strict=True)) for row in rows if len(row) == len(head)]
    table = [r for r in table if r["ISO3"] not in ("", "NA")]
    iso3_of = {
        r["ISO2"]: r["ISO3"] for r in table if r["ISO2"] not in ("", "NA") and r["Country"] not in FAO_FORMER
    }
    iso3_of["NA"] = "NAM"  # Namibia: the World Bank sheet writes its ISO2 code "NA"
    names = {r["Country"]: r["ISO3"] for r in table} | {r["FAO_TABLE_NAME"]: r["ISO3"] for r in table}
    return iso3_of, {k: v for k, v in names.items() if k not in FAO_FORMER} | FAO_ALIASES


def build(shared: Path, out: Path) -> list[dict]:
    """Write ``parties.json`` and ``land_use.json`` under ``out`` from the folders of ``shared``; the Parties."""
    iso3_of, iso3_of_name = country_codes(shared)
    cait, (wb, wb_covered), explorer = cait_facts(shared), wb_facts(shared, iso3_of), explorer_facts(shared)
    rows = []
    for party in parties(shared):
        iso3 = party["iso3"]
        facts = cait.get(iso3, []) + wb.get(iso3, []) + explorer.get(iso3, [])
        wb_soils = bool(wb.get(iso3)) if iso3 in wb_covered else None
        covered = sorted({f["source"] for f in facts} | ({"wb2018"} if iso3 in wb_covered else set()))
        rows.append(party | {"covered_by": covered, "mentions": mentions(facts, wb_soils), "facts": facts})
    out.mkdir(parents=True, exist_ok=True)
    doc = {"sources": SOURCES, "n_parties": len(rows), "parties": rows}
    (out / "parties.json").write_text(json.dumps(doc, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    areas = {"source": "faostat", "units": "1000 ha", "countries": land_use(shared, iso3_of_name)}
    (out / "land_use.json").write_text(json.dumps(areas, separators=(",", ":")) + "\n", encoding="utf-8")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data"
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    rows = build(args.shared, args.out)
    for name in ("parties.json", "land_use.json"):
        digest = hashlib.sha256((args.out / name).read_bytes()).hexdigest()
        print(f"{name}: {(args.out / name).stat().st_size / 1e3:.0f} kB, sha256 {digest}")
    print(
        f"{len(rows)} Parties; covered: "
        + ", ".join(
            f"{s} {sum(s in p['covered_by'] for p in rows)}" for s in ("cait2018", "wb2018", "explorer2022")
        )
    )


if __name__ == "__main__":
    main()
