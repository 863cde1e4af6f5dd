"""The 198 UNFCCC Parties and what their NDCs say on agriculture, land and soils (objective A1), and
their cropland and grassland areas over time: bundled package data built by ``scripts/build_ndc_data.py``
from ``../shared/data`` (``data/ndc/PROVENANCE.md``).

Every fact of ``parties.json`` names its ``source`` (a key of the document's ``sources``, each with its
``vintage``): CAIT 2018 (Climate Watch NDC content, first NDCs), the World Bank NDC sectoral content (2018
export, Agriculture sub-sectors "Soils" and "Land and Soil Management"), the NDC Explorer 2022 coding.
:func:`ndc_payload` turns a Party into the NDC tracker record that :func:`permille.registry.seed.seed`
stores on every install; its ``refers_*`` fields are read from the facts' texts (:data:`MENTIONS`)."""

import json
from functools import cache
from importlib.resources import files

DATA = files("permille") / "data" / "ndc"
NDC_VERSION = "NDC content: CAIT/WB 2018, Explorer 2022"
"""The ``ndc_version`` of the seeded tracker records (one per Party; the curated entries of ndcs.yaml keep
their own versions)."""
SOURCE_URL = "https://github.com/openclimatedata/ndc-assessments"
"""The ``source`` of the seeded records (the repository of the three assessments, commit 3ad0c67)."""
MENTIONS = {
    "refers_soc": "soil_carbon",
    "refers_soil_health": "soils",
    "refers_peatlands_wetlands": "peatlands_wetlands",
}
"""Tracker field → the Party's ``mentions`` flag it is read from (``soils``: a World Bank "Soils"/"Land and
Soil Management" entry or a fact mentioning soil(s); ``soil_carbon``: a fact mentioning soil (organic)
carbon, carbon sequestration in soils or soil organic matter; ``peatlands_wetlands``: peat, wetland or
histosol)."""
MAX_HOW = 4000
"""Characters of the tracker record's ``how`` text (the facts in full are in :func:`party`)."""


@cache
def document() -> dict:
    """``parties.json``: ``sources`` (key → title, vintage, licence, citation, url), ``parties``."""
    return json.loads((DATA / "parties.json").read_text(encoding="utf-8"))


@cache
def _land_use() -> dict:
    return json.loads((DATA / "land_use.json").read_text(encoding="utf-8"))


def parties() -> list[dict]:
    """The 198 Parties: ``iso3``, ``name``, UN regional group, Annex I, LDC, SIDS, EU membership, dates of
    signature and ratification, ``covered_by`` (source keys), ``mentions`` and ``facts``."""
    return document()["parties"]


def party(iso3: str) -> dict | None:
    """One Party with its facts, each with its source's title and vintage; None for a non-Party."""
    found = next((p for p in parties() if p["iso3"] == iso3), None)
    if found is None:
        return None
    sources = document()["sources"]
    facts = [f | {"source_title": sources[f["source"]]["title"], "vintage": sources[f["source"]]["vintage"]}
             for f in found["facts"]]  # fmt: skip
    return found | {"facts": facts, "sources": {k: sources[k] for k in found["covered_by"]}}


def land_use(iso3: str) -> dict | None:
    """FAOSTAT cropland and permanent meadows and pastures of a country by year (1000 ha), with the source;
    None when FAOSTAT has no series for it."""
    doc = _land_use()
    series = doc["countries"].get(iso3)
    if series is None:
        return None
    source = document()["sources"][doc["source"]]
    return {"units": doc["units"], "source": source, **series}


def _how(found: dict) -> str:
    """The facts answered, one line each: topic, value and source with its vintage."""
    sources = document()["sources"]
    lines = [
        f"{f['topic']}{' — ' + f['field'] if f['source'] == 'wb2018' else ''}: {f['value']} "
        f"[{sources[f['source']]['title'].split(' (')[0]}, {sources[f['source']]['vintage']}]"
        for f in found["facts"]
        if f["answered"]
    ]
    if not found["covered_by"]:
        return "No NDC content in the bundled assessments (CAIT 2018, World Bank 2018, NDC Explorer 2022)."
    text = "\n".join(lines) or "No agriculture, land or soil content coded in the bundled assessments."
    return text if len(text) <= MAX_HOW else text[: MAX_HOW - 1] + "…"


def ndc_payload(found: dict) -> dict:
    """The NDC tracker record of a Party (schema of ``ndcs``): ``year`` the latest vintage of its sources,
    ``refers_*`` read from its ``mentions`` (False where no source covers it: ``how`` says so)."""
    year = 2022 if "explorer2022" in found["covered_by"] else 2018
    flags = {field: bool(found["mentions"][flag]) for field, flag in MENTIONS.items()}
    return {
        "country_iso3": found["iso3"], "ndc_version": NDC_VERSION, "year": year, **flags,
        "how": _how(found), "source": SOURCE_URL, "published": True,
    }  # fmt: skip


def tracker_entries(session, user, iso3: str) -> list[dict]:
    """The NDC tracker records of a country that ``user`` may read, newest first."""
    from sqlalchemy import select

    from .orm import NdcEntry
    from .permissions import read_filter

    rows = session.scalars(
        select(NdcEntry)
        .where(NdcEntry.country_iso3 == iso3, read_filter(user, NdcEntry))
        .order_by(NdcEntry.year.desc(), NdcEntry.id)
    )
    fields = ("id", "ndc_version", "year", *MENTIONS, "how", "source")
    return [{k: getattr(r, k) for k in fields} for r in rows]


def country(session, user, iso3: str) -> dict | None:
    """What the country page shows on NDCs and land: the Party with its facts (None for a non-Party), the
    tracker records, and the FAOSTAT cropland and grassland areas; None for an unknown code."""
    from .kpis import countries

    found = party(iso3)
    if found is None and iso3 not in countries():
        return None
    return {
        "iso3": iso3, "party": found, "tracker": tracker_entries(session, user, iso3),
        "land_use": land_use(iso3), "mentions_fields": MENTIONS,
    }  # fmt: skip
