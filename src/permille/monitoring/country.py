"""A country's monitoring answer: stock and potential under each scenario (fans) from the zone dataset if
one is shown, measured stocks over time (live from the observations), its sites, its approximate IPCC
climate zones and their IPCC Tier 1 reference stocks (real bundled layers), the ``missing`` real layers,
caveats, sources and sentences in en/fr/es. Its sentences are catalogue messages
(:class:`permille.i18n.Text`): :func:`permille.i18n.localized` writes the answer in a reader's language."""

from collections import defaultdict

from sqlalchemy import select

from ..i18n import Number, Text
from ..registry import reference_layers, zones
from ..registry.kpis import countries
from ..registry.orm import Site
from ..registry.permissions import read_filter
from ..registry.service import NotFound
from . import measured as measured_stocks
from . import sites_map, zone_summaries
from .sentences import sentences
from .sources import BOUNDARIES_SOURCE, MEASURED_SOURCE, TIER1_SOURCE, TOPSOIL

TABLES = ("statistics", "observations", "sites", "tier1")
"""The tables of a country answer that export as CSV."""


def tier1(iso3: str) -> dict:
    """The country's approximate IPCC climate zones and their Tier 1 reference stocks, with sources."""
    layer = reference_layers.CLIMATE_ZONE_LAYER
    return {
        "climate_zones": reference_layers.climate_zones(iso3),
        "climate_zone_layer": layer,
        "climate_zone_source": Text("Climate zones: {source}", source=reference_layers.source_line(layer)),
        "items": reference_layers.tier1_reference_stocks(iso3),
        "source": TIER1_SOURCE,
        "units": "t C ha-1",
        "depth_cm": list(TOPSOIL),
        "caveat": Text(
            "The IPCC climate zones are classified by the IPCC rules from the ERA5 2000–2025 climatology, with "
            "tropical montane approximated without elevation (see the layer's PROVENANCE.md); SOCref is the "
            "stock under native vegetation, before land-use and management factors, and depends on the soil "
            "class: the atlas section gives the country's Tier 1 estimate from the bundled soil classes (Zobler "
            "FAO-74, 1°) and the land-use factors."
        ),
    }


def _sites(session, user, iso3: str, rows: list, measured: dict[int, list[dict]]) -> list[dict]:
    """The country's sites ``user`` may read, with their number of observations and latest stock."""
    records = session.scalars(
        select(Site).where(Site.country_iso3 == iso3, read_filter(user, Site)).order_by(Site.name)
    )
    counts = defaultdict(int)
    for obs in rows:
        counts[obs.site_id] += 1
    return [
        {
            "id": s.id, "name": s.name, "lat": s.lat, "lon": s.lon, "land_use": s.land_use,
            "n_observations": counts[s.id],
            "latest_stock_t_c_ha": measured[s.id][-1]["stock_t_c_ha"] if measured.get(s.id) else None,
        }
        for s in records
    ]  # fmt: skip


def _caveats(summary: dict, reference: dict, converted: bool) -> list[Text]:
    stock = summary["stock_t0"]
    caveats = [
        Text(
            "Measured stocks need SOC (or SOM) and bulk density, or a reported SOC stock, from the surface to "
            "30 cm (20 cm with a conversion); other observations are not counted."
        ),
        reference["caveat"],
    ]
    if converted:
        caveats.insert(1, sites_map.conversion_note())
    if stock is not None:
        share = f"{100 * (stock['covered_fraction'] or 0):.0f}"
        if summary["synthetic"]:
            resolution = zones.bundled_metadata()["parameters"]["resolution_deg"]
            cover = Text(
                "The modelled layers cover {share} % of the country's land cells ({resolution}° grid; "
                "cropland, grassland and tree cover only).",
                share=share, resolution=Number(resolution, len(f"{resolution:g}".partition(".")[2])),
            )  # fmt: skip
        else:
            cover = Text(
                "The modelled layers cover {share} % of the country's land cells (cropland, grassland and "
                "tree cover only).",
                share=share,
            )
        caveats[:0] = [summary["caveat"], cover]
        caveats.append(summary["uncertainty"])
    return caveats


def country(session, user, iso3: str, *, demo: bool) -> dict:
    """The country answer for ``user`` (see the module docstring); ``iso3`` in capitals. Not found for a
    country neither in the zone dataset nor in the bundled country list."""
    name = zone_summaries.dataset(session, demo)
    if name is not None:
        summary = zone_summaries.zone_summary(session, "country", iso3, name)
    elif iso3 in countries():
        summary = zone_summaries.country_without_dataset(iso3)
    else:
        raise NotFound(f"no country {iso3!r} in the monitoring tables")
    rows = measured_stocks.observations(session, user, country_iso3=iso3)
    measured = measured_stocks.site_stocks(rows)
    observed = measured_stocks.over_time(measured)
    reference = tier1(iso3)
    absent = [] if summary["stock_t0"] is not None else [zone_summaries.missing("soc_stock")]
    sources = [summary["dataset"]["source"]] if summary["dataset"] else []
    sources += [MEASURED_SOURCE, reference["climate_zone_source"], TIER1_SOURCE, BOUNDARIES_SOURCE]
    return summary | {
        "observed": observed,
        "observed_source": MEASURED_SOURCE,
        "sites": _sites(session, user, iso3, rows, measured),
        "tier1": reference,
        "missing": absent,
        "caveats": _caveats(summary, reference, any(s["converted"] for v in measured.values() for s in v)),
        "sources": sources,
        "sentences": sentences(summary, observed),
    }


def country_table(session, user, iso3: str, table: str, *, demo: bool) -> list[dict]:
    """One table of the country answer as rows (the CSV export): ``table`` one of :data:`TABLES`."""
    answer = country(session, user, iso3, demo=demo)
    if table == "statistics":
        return zone_summaries.zone_rows(session, demo, "country", iso3) if answer["dataset"] else []
    return {"observations": answer["observed"], "sites": answer["sites"], "tier1": answer["tier1"]["items"]}[
        table
    ]
