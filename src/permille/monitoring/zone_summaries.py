"""Zone answers from the precomputed ``zone_statistic`` tables (:mod:`permille.registry.zones`): which
dataset is shown (the real one, else the synthetic one only with ``demo``), its metadata, and the stock at
T0 with the per-scenario fans of the world, a region or a country. Units: t C/ha, Mt C; intervals 95 %."""

from collections import defaultdict

from ..i18n import Text
from ..registry import reference_layers, zones
from ..registry.kpis import countries
from ..registry.real_atlas import DATASET_PREFIX
from ..registry.service import NotFound
from .sources import BOUNDARIES_SOURCE, DEMO_LABEL, MEASURED_SOURCE, SYNTHETIC_SOURCE, TOPSOIL


def stat(row: zones.ZoneStatistic) -> dict:
    """One zone statistic as an answer row (mean with SD and 95 % interval, total, units, areas)."""
    return {
        "zone": row.zone, "name": row.name, "region": row.region, "layer": row.layer,
        "scenario": row.scenario, "year": row.year, "mean": row.mean, "sd_mean": row.sd_mean,
        "mean_low": row.mean_low, "mean_high": row.mean_high, "mean_units": row.mean_units,
        "total": row.total, "sd_total": row.sd_total, "total_low": row.total_low,
        "total_high": row.total_high, "total_units": row.total_units, "area_ha": row.area_ha,
        "zone_area_ha": row.zone_area_ha, "covered_fraction": row.covered_fraction,
    }  # fmt: skip


def dataset(session, demo: bool) -> str | None:
    """The zone dataset the answers show: the real one if loaded, else the synthetic one with ``demo``,
    else None (never both in one answer)."""
    real = zones.real_dataset(session)
    if real is not None or not demo:
        return real
    return zones.BUNDLED_DATASET if zones.start_year(session) is not None else None


def dataset_source(name: str, synthetic: bool) -> str:
    if synthetic:
        return SYNTHETIC_SOURCE
    return Text(
        "SOC stock and potential: zone statistics '{name}', built by `permille atlas build "
        "--from-catalogue` from the catalogue layers named in its provenance (`permille data list`)",
        name=name,
    )


def metadata(session, name: str) -> dict:
    """What every zone answer says about its dataset: name, ``synthetic``, the "Source: …" line, caveat and
    uncertainty, and the ``label`` of its numbers ("demonstration data" for the synthetic one); catalogue
    messages (the synthetic dataset's caveat and uncertainty are messages of its metadata file)."""
    synthetic = name == zones.BUNDLED_DATASET
    if synthetic:
        meta = zones.bundled_metadata()
        caveat, uncertainty = Text(meta["caveat"]), Text(meta["uncertainty"])
    else:
        uncertainty = Text("95 % intervals from the Monte Carlo members of the atlas build.")
        caveat = (
            Text(
                "Modelled with the GSOCseq method (RothC-26.3) on the real layers of the dataset's provenance; "
                "the stock of {year}, where the scenarios start, is the 2010 map of Sanderman et al. (2017).",
                year=str(zones.start_year(session, name)),
            )
            if name.startswith(DATASET_PREFIX)  # the bundled layers' atlas: its T0 is the 2010 map
            else Text(
                "Modelled with the GSOCseq method (RothC-26.3) on the real layers of the dataset's provenance."
            )
        )
    return {
        "dataset": {"name": name, "synthetic": synthetic, "label": DEMO_LABEL if synthetic else None,
                    "source": dataset_source(name, synthetic)},
        "synthetic": synthetic, "caveat": caveat, "uncertainty": uncertainty,
    }  # fmt: skip


def missing(variable: str) -> dict:
    """The real layer ``variable`` that is missing: title and the message saying how to load it (catalogue
    messages)."""
    title, message = reference_layers.NEEDED[variable]
    return {"variable": variable, "title": title, "message": message}


def no_dataset(demo: bool) -> NotFound:
    """Not found, naming the missing real layer (and the demo option when the demo dataset is not shown)."""
    details = (
        [] if demo else ["the synthetic demonstration layers show only with `permille serve --demo-layers`"]
    )
    return NotFound(missing("soc_stock")["message"], details=details)


def increase(layer: str) -> float:
    """The input increase of a scenario layer in %: soc_bau → 0, soc_ssm_12p5 → 12.5."""
    label = layer.rsplit("_", 1)[-1]
    return 0.0 if label == "bau" else float(label.replace("p", ".").replace("m", "-"))


def scenario_label(key: str) -> Text:
    if key == "bau":
        return Text("business as usual")
    return Text("{increase} % carbon input", increase=f"{increase(key):+g}")


def zone_summary(session, level: str, zone: str, name: str) -> dict:
    """Stock at T0, and per scenario the final stock, difference, rate and yearly fan, of one zone of the
    dataset ``name``."""
    rows = zones.statistics(session, level=level, zone=zone, dataset=name)
    if not rows:
        raise NotFound(f"no {level} {zone!r} in the monitoring tables")
    first, last = zones.start_year(session, name), zones.final_year(session, name)
    by_layer = defaultdict(dict)
    for row in rows:
        by_layer[row.layer][row.year] = row
    t0 = by_layer["soc_t0"][first]
    scenarios = {}
    stocks = [layer for layer in by_layer if layer.startswith("soc_") and layer != "soc_t0"]
    for layer in sorted(stocks, key=increase):
        years, key = by_layer[layer], layer.removeprefix("soc_")
        fan = [{"year": first, "mean": t0.mean, "low": t0.mean_low, "high": t0.mean_high}]
        fan += [
            {"year": y, "mean": r.mean, "low": r.mean_low, "high": r.mean_high}
            for y, r in sorted(years.items())
        ]
        scenarios[key] = {
            "label": scenario_label(key),
            "final": stat(years[last]),
            "difference": stat(by_layer[f"diff_{key}"][last]) if key != "bau" else None,
            "rate": stat(by_layer[f"rate_{key}"][last]),
            "fan": fan,
        }
    return {
        "level": level, "zone": zone, "name": t0.name, "region": t0.region, "start_year": first,
        "final_year": last, "depth_cm": list(TOPSOIL), "stock_t0": stat(t0), "scenarios": scenarios,
        **metadata(session, name),
    }  # fmt: skip


def country_without_dataset(iso3: str) -> dict:
    """The zone part of a country's answer while no zone dataset is shown: no modelled number."""
    country = countries()[iso3]
    return {
        "level": "country", "zone": iso3, "name": country["name"]["en"], "region": country["region"],
        "start_year": None, "final_year": None, "depth_cm": list(TOPSOIL), "stock_t0": None, "scenarios": {},
        "dataset": None, "synthetic": False, "caveat": None, "uncertainty": None,
    }  # fmt: skip


def zone_layer(session, demo: bool, level: str, layer: str, year: int | None) -> dict:
    """One layer for every zone of a level (the map): ``items`` (see :func:`stat`), units and metadata;
    ``year`` defaults to the start year for soc_t0, else the last year. Not found names the missing layer."""
    name = dataset(session, demo)
    if name is None:
        raise no_dataset(demo)
    if year is None:
        year = zones.start_year(session, name) if layer == "soc_t0" else zones.final_year(session, name)
    rows = zones.statistics(session, level=level, layer=layer, year=year, dataset=name)
    if not rows:
        known = sorted({r.layer for r in zones.statistics(session, level="global", dataset=name)})
        raise NotFound(f"no layer {layer!r} in {year}", details=[f"layers: {', '.join(known)}"])
    units = {"mean": rows[0].mean_units, "total": rows[0].total_units}
    items = [stat(r) for r in rows]
    return {"level": level, "layer": layer, "year": year, "units": units, "items": items,
            **metadata(session, name)}  # fmt: skip


def global_summary(session, demo: bool) -> dict:
    """The world and its five regions; without a zone dataset, ``dataset`` null and the ``missing`` layers
    (the measured stocks are in :func:`permille.monitoring.measured.by_country`)."""
    name = dataset(session, demo)
    if name is None:
        absent = [missing("soc_stock")]
        if not demo:
            absent[0]["demo"] = Text("synthetic demonstration layers: `permille serve --demo-layers`")
        return {"level": "global", "zone": "WLD", "name": Text("World"), "dataset": None, "synthetic": False,
                "stock_t0": None, "scenarios": {}, "regions": [], "missing": absent,
                "sources": [MEASURED_SOURCE, BOUNDARIES_SOURCE]}  # fmt: skip
    summary = zone_summary(session, "global", "WLD", name)
    regions = [stat(r) for r in zones.statistics(session, level="region", layer="soc_t0", dataset=name)]
    sources = [summary["dataset"]["source"], MEASURED_SOURCE, BOUNDARIES_SOURCE]
    return summary | {"regions": regions, "missing": [], "sources": sources}


def region_summary(session, demo: bool, region: str) -> dict:
    """One of the Initiative's five regions: its fans, and its countries' T0 stock and potential."""
    name = dataset(session, demo)
    if name is None:
        raise no_dataset(demo)
    summary = zone_summary(session, "region", region, name)
    members = [
        stat(r)
        for r in zones.statistics(session, level="country", layer="soc_t0", dataset=name)
        if r.region == region
    ]
    return summary | {"countries": members}


def zone_rows(session, demo: bool, level: str, zone: str) -> list[dict]:
    """Every statistic of one zone (the CSV export); not found without a dataset."""
    name = dataset(session, demo)
    if name is None:
        raise no_dataset(demo)
    return [stat(r) for r in zones.statistics(session, level=level, zone=zone, dataset=name)]
