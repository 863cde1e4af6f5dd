"""Monitoring: global → region → country → site.

Zone layers (SOC stock at T0, stocks after the forward run under business as usual and the SSM scenarios,
differences, rates, yearly fans) come precomputed from ``zone_statistic`` (:mod:`permille.registry.zones`):
a real dataset (``synthetic=False``, built by ``permille atlas build --from-catalogue``) when one is loaded;
else, only when the app was made with ``demo_layers`` (``permille serve --demo-layers``), the SYNTHETIC
demonstration dataset "atlas-synthetic", labelled "demonstration data" in every answer; else none, and the
answers say which real layer is missing. The country page adds the real bundled reference layers
(:mod:`permille.registry.reference_layers`: approximate IPCC climate zones, IPCC Tier 1 reference stocks). Measured stocks come live from the registry's
observations — every request recomputes them, so a new observation shows at once: SOC (or SOM × 0.58)
× bulk density × thickness × (1 − coarse fraction) per layer (:func:`permille.measure.stocks.fixed_depth_stock`),
harmonised to 0–30 cm (:func:`permille.measure.stocks.harmonise`). Units: t C/ha (0–30 cm), t C/ha/yr,
Mt C; intervals are 95 %.
"""

import datetime
import json
import math
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Annotated, Literal

import numpy as np
import shapely
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from shapely.geometry import mapping, shape
from sqlalchemy import select

from ...io.csv_safe import write_csv
from ...measure import stocks as measure_stocks
from ...measure.soildata import Property
from ...registry import reference_layers, zones
from ...registry.kpis import countries
from ...registry.orm import Layer, Observation, Project, Site
from ...registry.permissions import read_filter
from ...registry.schemas import MAX_INTEGER
from ..deps import SessionDep, UserDep
from ..errors import ERROR_RESPONSES, ApiError
from ..readmodels import cached

router = APIRouter(prefix="/monitoring", tags=["monitoring"], responses=ERROR_RESPONSES)
CSV_OR_JSON = {200: {"content": {"application/json": {}, "text/csv": {}}}}
GEOJSON = {200: {"content": {"application/geo+json": {}}}}
LayerName = Annotated[str, Query(pattern=r"^[a-z0-9_]{1,60}$", description="a layer of the zone statistics")]

TOPSOIL = (0.0, 30.0)
"""Depth of the monitored stock, cm (GSOCseq and the dashboard: topsoil 0–30 cm)."""
SITE_RADIUS_KM = 25.0
"""Projects within this distance of a site make its practices timeline, km."""
NOWCAST_MEMBERS = 200
"""Monte Carlo members of a site nowcast."""
LAND_USE_CLASS = {"cropland": 2, "grassland": 3, "forest": 4}
"""Site land use → FAO land-cover class of the grid pipeline (DPM/RPM ratio; others as cropland)."""
DEMO_LABEL = "demonstration data"
"""The label of every number from the synthetic dataset."""
SYNTHETIC_SOURCE = (
    "SOC stock and potential: permille.grid.atlas on a SYNTHETIC global grid (GSOCseq method, FAO 2020 "
    "technical manual; RothC-26.3, Coleman & Jenkinson 1996) — demonstration data, not an estimate"
)
BOUNDARIES_SOURCE = "Boundaries: Natural Earth 1:50m admin-0 countries (public domain)"
MEASURED_SOURCE = (
    "Measured stocks: observations in this registry (SOC, bulk density, coarse fraction by layer)"
)
TIER1_SOURCE = "IPCC Tier 1 reference stocks: IPCC 2019 Refinement, Vol 4 Ch 2 Table 2.3 (SOCref, 0–30 cm)"
Format = Literal["json", "csv"]


# --- helpers ----------------------------------------------------------------------------------------------


def _csv(rows: list[dict], filename: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(write_csv(rows), media_type="text/csv; charset=utf-8", headers=headers)


def _stat(row: zones.ZoneStatistic) -> dict:
    return {
        "zone": row.zone, "name": row.name, "region": row.region, "layer": row.layer,
        "scenario": row.scenario, "year": row.year, "mean": row.mean, "sd_mean": row.sd_mean,
        "mean_low": row.mean_low, "mean_high": row.mean_high, "mean_units": row.mean_units,
        "total": row.total, "sd_total": row.sd_total, "total_low": row.total_low,
        "total_high": row.total_high, "total_units": row.total_units, "area_ha": row.area_ha,
        "zone_area_ha": row.zone_area_ha, "covered_fraction": row.covered_fraction,
    }  # fmt: skip


def demo_layers(request: Request) -> bool:
    """Whether the app shows the synthetic demonstration dataset (``create_app(..., demo_layers=True)``)."""
    return bool(getattr(request.app.state, "demo_layers", False))


DemoLayersDep = Annotated[bool, Depends(demo_layers)]


def _dataset(session, demo: bool) -> str | None:
    """The zone dataset the answers show: the real one if loaded, else the synthetic one with ``demo``,
    else None (never both in one answer)."""
    real = zones.real_dataset(session)
    if real is not None or not demo:
        return real
    return zones.BUNDLED_DATASET if zones.start_year(session) is not None else None


def _dataset_source(dataset: str, synthetic: bool) -> str:
    if synthetic:
        return SYNTHETIC_SOURCE
    return (
        f"SOC stock and potential: zone statistics {dataset!r}, built by `permille atlas build "
        "--from-catalogue` from the catalogue layers named in its provenance (`permille data list`)"
    )


def _metadata(session, dataset: str) -> dict:
    """What every zone answer says about its dataset: name, ``synthetic``, the "Source: …" line, caveat and
    uncertainty, and the ``label`` of its numbers ("demonstration data" for the synthetic one)."""
    synthetic = dataset == zones.BUNDLED_DATASET
    if synthetic:
        meta = zones.bundled_metadata()
        caveat, uncertainty = meta["caveat"], meta["uncertainty"]
    else:
        caveat = (
            "Modelled with the GSOCseq method (RothC-26.3) on the real layers of the dataset's provenance."
        )
        uncertainty = "95 % intervals from the Monte Carlo members of the atlas build."
    return {
        "dataset": {"name": dataset, "synthetic": synthetic, "label": DEMO_LABEL if synthetic else None,
                    "source": _dataset_source(dataset, synthetic)},
        "synthetic": synthetic, "caveat": caveat, "uncertainty": uncertainty,
    }  # fmt: skip


def _missing(variable: str) -> dict:
    title, message = reference_layers.NEEDED[variable]
    return {"variable": variable, "title": title, "message": message}


def _no_dataset(demo: bool) -> ApiError:
    """404 naming the missing real layer (and the demo option when the demo dataset is not shown)."""
    details = (
        [] if demo else ["the synthetic demonstration layers show only with `permille serve --demo-layers`"]
    )
    return ApiError(404, _missing("soc_stock")["message"], details=details)


def _zone_summary(session, level: str, zone: str, dataset: str) -> dict:
    """Stock at T0, and per scenario the final stock, difference, rate and yearly fan, of one zone."""
    rows = zones.statistics(session, level=level, zone=zone, dataset=dataset)
    if not rows:
        raise ApiError(404, f"no {level} {zone!r} in the monitoring tables")
    first, last = zones.start_year(session, dataset), zones.final_year(session, dataset)
    by_layer = defaultdict(dict)
    for row in rows:
        by_layer[row.layer][row.year] = row
    t0 = by_layer["soc_t0"][first]
    scenarios = {}
    stocks = [layer for layer in by_layer if layer.startswith("soc_") and layer != "soc_t0"]
    for layer in sorted(stocks, key=_increase):
        years, key = by_layer[layer], layer.removeprefix("soc_")
        fan = [{"year": first, "mean": t0.mean, "low": t0.mean_low, "high": t0.mean_high}]
        fan += [
            {"year": y, "mean": r.mean, "low": r.mean_low, "high": r.mean_high}
            for y, r in sorted(years.items())
        ]
        scenarios[key] = {
            "label": _scenario_label(key),
            "final": _stat(years[last]),
            "difference": _stat(by_layer[f"diff_{key}"][last]) if key != "bau" else None,
            "rate": _stat(by_layer[f"rate_{key}"][last]),
            "fan": fan,
        }
    return {
        "level": level, "zone": zone, "name": t0.name, "region": t0.region, "start_year": first,
        "final_year": last, "depth_cm": list(TOPSOIL), "stock_t0": _stat(t0), "scenarios": scenarios,
        **_metadata(session, dataset),
    }  # fmt: skip


def _increase(layer: str) -> float:
    """The input increase of a scenario layer in %: soc_bau → 0, soc_ssm_12p5 → 12.5."""
    label = layer.rsplit("_", 1)[-1]
    return 0.0 if label == "bau" else float(label.replace("p", ".").replace("m", "-"))


def _scenario_label(key: str) -> str:
    return "business as usual" if key == "bau" else f"{_increase(key):+g} % carbon input"


# --- measured stocks from observations --------------------------------------------------------------------


def _canonical(obs: Observation) -> tuple[float, float]:
    """Value and uncertainty of an observation in its property's canonical unit (%, g/cm3, fraction)."""
    factor = Property(obs.property).unit_type.parse(obs.unit).factor
    return obs.value * factor, (obs.uncertainty or 0.0) * factor


def _profile_stock(layers: dict[tuple[float, float], dict[str, tuple[float, float]]]) -> dict | None:
    """0–30 cm stock (t C/ha) and its SD of one site on one date, from its layers' canonical values; None
    when SOC or bulk density is missing or the layers do not cover 0–30 cm."""
    usable = []
    for (upper, lower), props in sorted(layers.items()):
        soc = props.get("soc") or (
            (
                measure_stocks.soc_from_som(props["som"][0]).item(),
                measure_stocks.soc_from_som(props["som"][1]).item(),
            )
            if "som" in props
            else None
        )
        if soc is None or "bulk_density" not in props:
            continue
        bd = props["bulk_density"]
        coarse = props.get("coarse_fraction", (0.0, 0.0))[0]
        stock = measure_stocks.fixed_depth_stock(soc[0], bd[0], lower - upper, coarse).item()
        relative = math.hypot(soc[1] / soc[0] if soc[0] else 0.0, bd[1] / bd[0])
        usable.append((upper, lower, stock, stock * relative))
    if not usable:
        return None
    upper, lower, stock, sd = (np.array(column) for column in zip(*usable, strict=True))
    try:
        total = measure_stocks.harmonise(upper, lower, stock, [TOPSOIL]).item()
        sd_total = measure_stocks.harmonise(upper, lower, sd, [TOPSOIL]).item()  # layers fully correlated
    except ValueError:
        return None
    return {"stock_t_c_ha": total, "sd_t_c_ha": sd_total}


def _observations(session, user, **where) -> list[Observation]:
    query = (
        select(Observation)
        .join(Layer, Observation.layer_id == Layer.id)
        .join(Site, Layer.site_id == Site.id)
        .where(read_filter(user, Observation), read_filter(user, Site))
        .where(Observation.proposed.is_(False))  # proposals are not the site's data until accepted
    )
    for column, value in where.items():
        query = query.where(getattr(Site, column) == value)
    return list(session.scalars(query))


def _site_stocks(observations: list[Observation]) -> dict[int, list[dict]]:
    """site id → measured 0–30 cm stocks by date (oldest first)."""
    grouped = defaultdict(lambda: defaultdict(dict))
    for obs in observations:
        if obs.property in ("soc", "som", "bulk_density", "coarse_fraction"):
            key = (obs.site_id, obs.date)
            grouped[key][(obs.upper_cm, obs.lower_cm)][obs.property] = _canonical(obs)
    out = defaultdict(list)
    for (site_id, date), layers in sorted(grouped.items(), key=lambda item: (item[0][0], str(item[0][1]))):
        stock = _profile_stock(layers)
        if stock is not None:
            out[site_id].append({"date": date.isoformat() if date else None, **stock})
    return out


def _over_time(site_stocks: dict[int, list[dict]]) -> list[dict]:
    """Mean measured stock over the sites by year (each site's latest value of the year), with the 95 %
    interval of the mean (Student t over sites; one site: its own measurement SD)."""
    by_year = defaultdict(dict)
    for site_id, series in site_stocks.items():
        for item in series:
            if item["date"]:
                by_year[int(item["date"][:4])][site_id] = item
    from scipy import stats  # heavy: loaded on first use (start-up, issue 13)

    rows = []
    for year, items in sorted(by_year.items()):
        values = np.array([i["stock_t_c_ha"] for i in items.values()])
        n, mean = len(values), float(values.mean())
        if n > 1:
            half = float(stats.t.ppf(0.975, n - 1) * values.std(ddof=1) / math.sqrt(n))
        else:
            half = 1.959963984540054 * next(iter(items.values()))["sd_t_c_ha"]
        rows.append(
            {
                "year": year,
                "n_sites": n,
                "mean_t_c_ha": mean,
                "low_t_c_ha": mean - half,
                "high_t_c_ha": mean + half,
            }
        )
    return rows


# --- sentences --------------------------------------------------------------------------------------------


def _number(value: float, lang: str, digits: int = 1) -> str:
    """``value`` with ``digits`` decimals, grouped as the language writes numbers (1,234.5 / 1 234,5 /
    1.234,5)."""
    text = f"{value:,.{digits}f}"
    if lang == "en":
        return text
    group = "\u202f" if lang == "fr" else "."
    return text.replace(",", "\0").replace(".", ",").replace("\0", group)


NO_CELL = {
    "en": "In {name}, no cell of the model grid lies in the country: no modelled stock.",
    "fr": "En {name}, aucune cellule de la grille du modèle ne tombe dans le pays : pas de stock modélisé.",
    "es": "En {name}, ninguna celda de la cuadrícula del modelo cae en el país: no hay stock modelado.",
}


def _modelled_sentences(summary: dict, lang: str) -> list[str]:
    """The stock and the highest-input gain of a zone, in ``lang``."""
    t0, last = summary["stock_t0"], summary["final_year"]
    country = countries().get(summary["zone"]) if summary["level"] == "country" else None
    name = country["name"][lang] if country else summary["name"]
    if t0["mean"] is None:
        return [NO_CELL[lang].format(name=name)]
    best_key = max(
        (k for k in summary["scenarios"] if k != "bau"),
        key=_increase,
    )
    best = summary["scenarios"][best_key]["difference"]
    pct = f"{_increase(best_key):g}"

    def n(v, d=1):
        return _number(v, lang, d)

    mean, stock_total = n(t0["mean"]), n(t0["total"], 0)
    interval = f"{n(t0['mean_low'])}–{n(t0['mean_high'])}"
    gain = f"{n(best['mean'], 2)} t C/ha ({n(best['mean_low'], 2)}–{n(best['mean_high'], 2)})"
    total = f"{n(best['total'], 1)} Mt C"
    return {
        "en": [
            f"In {name}, the topsoil (0–30 cm) holds {mean} t C/ha on average (95 % interval {interval}), "
            f"{stock_total} Mt C in all.",
            f"Under +{pct} % carbon inputs it could gain {gain} more than business as usual by {last}, {total} in all.",
        ],
        "fr": [
            f"En {name}, l’horizon de surface (0–30 cm) contient en moyenne {mean} t C/ha "
            f"(intervalle à 95 % {interval}), soit {stock_total} Mt C au total.",
            f"Avec +{pct} % d’apports de carbone, il pourrait gagner {gain} de plus que le scénario tendanciel "
            f"d’ici {last}, soit {total} au total.",
        ],
        "es": [
            f"En {name}, el suelo superficial (0–30 cm) contiene en promedio {mean} t C/ha "
            f"(intervalo del 95 % {interval}), {stock_total} Mt C en total.",
            f"Con +{pct} % de aportes de carbono podría ganar {gain} más que en el escenario tendencial "
            f"para {last}, {total} en total.",
        ],
    }[lang]


NO_REAL_LAYER = {
    "en": "No real SOC stock layer is loaded for {name}: no modelled stock is shown.",
    "fr": "Aucune couche réelle de stock de COS n’est chargée pour {name} : aucun stock modélisé n’est affiché.",
    "es": "No hay ninguna capa real de stock de COS cargada para {name}: no se muestra ningún stock modelado.",
}


def _sentences(summary: dict, observed: list[dict]) -> dict[str, list[str]]:
    """Auto-written sentences in en, fr and es from a zone summary and its measured stocks over time."""
    out = {}
    for lang in ("en", "fr", "es"):

        def n(v, d=1, lang=lang):
            return _number(v, lang, d)

        if summary["stock_t0"] is None:
            country = countries().get(summary["zone"])
            text = [NO_REAL_LAYER[lang].format(name=country["name"][lang] if country else summary["name"])]
        else:
            text = _modelled_sentences(summary, lang)
        if observed:
            latest = observed[-1]
            text.append(
                {
                    "en": f"Measured: {latest['n_sites']} site(s) in {latest['year']}, mean {n(latest['mean_t_c_ha'])} t C/ha (0–30 cm).",
                    "fr": f"Mesuré : {latest['n_sites']} site(s) en {latest['year']}, moyenne {n(latest['mean_t_c_ha'])} t C/ha (0–30 cm).",
                    "es": f"Medido: {latest['n_sites']} sitio(s) en {latest['year']}, media {n(latest['mean_t_c_ha'])} t C/ha (0–30 cm).",
                }[lang]
            )
        if summary["synthetic"]:
            text.append(
                {
                    "en": "These modelled figures come from SYNTHETIC demonstration data.",
                    "fr": "Ces chiffres modélisés proviennent de données de démonstration SYNTHÉTIQUES.",
                    "es": "Estas cifras modeladas provienen de datos de demostración SINTÉTICOS.",
                }[lang]
            )
        out[lang] = text
    return out


# --- site nowcast -----------------------------------------------------------------------------------------


NOWCAST_MISSING = {
    "stock": "no dated 0–30 cm stock (SOC and bulk density) has been measured at the site yet",
    "clay": "no clay content has been measured at the site, and no real clay layer is loaded (add "
    "SoilGrids clay with `permille data add … --variable clay`) — RothC needs clay",
    "climate": "the site lies outside the land cells of the bundled ERA5 climatology",
}
"""Why a site has no nowcast, by the input that is missing (no synthetic stand-in is used for any)."""


def _site_inputs(site: Site, measured: list[dict], clay_obs: list[float]) -> tuple[dict | None, str | None]:
    """The real inputs of a site's nowcast — its climate (bundled ERA5 climatology,
    :func:`permille.registry.reference_layers.monthly_climate`) and its measured clay — or the key of
    :data:`NOWCAST_MISSING` naming the first one missing."""
    if not any(m["date"] for m in measured):
        return None, "stock"
    if not clay_obs:
        return None, "clay"
    climate = reference_layers.monthly_climate(site.lat, site.lon)
    if climate is None:
        return None, "climate"
    return climate, None


@dataclass(frozen=True)
class _SiteRef:
    """What the nowcast needs of a site (picklable, for the worker process)."""

    id: int
    land_use: str | None


def _nowcast(site: _SiteRef, measured: list[dict], clay: float, climate: dict, today: datetime.date) -> dict:
    """RothC (BAU, repeated climatology) from the first measured 0–30 cm stock, anchored at equilibrium
    (:func:`permille.models.rothc.inputs_for_stock`), to today's month; Monte Carlo band over the input
    ranges of the grid pipeline (:data:`permille.grid.pipeline.UNCERTAINTY`, FAO GSOCseq Table 12.1)."""
    from ...grid import pipeline  # heavy (xarray, numba kernels): loaded on first use
    from ...models import rothc
    from ...models.rothc.constants import PAN_COEFFICIENT

    dated = [m for m in measured if m["date"]]
    start = datetime.date.fromisoformat(dated[0]["date"])
    months = max(12, (today.year - start.year) * 12 + today.month - start.month + 1)
    rng = np.random.default_rng(site.id)
    m = NOWCAST_MEMBERS
    factor = {
        k: np.concatenate([[1.0], 1.0 + r * rng.uniform(-1.0, 1.0, m)])
        for k, r in pipeline.UNCERTAINTY.items()
    }
    land_class = LAND_USE_CLASS.get(site.land_use, 2)
    cover = pipeline.CROPLAND_COVER if land_class == 2 else np.ones(12)
    pattern = cover / cover.sum()
    soil = rothc.Soil(clay=np.minimum(clay * factor["clay"], 100.0), depth=TOPSOIL[1])
    forcing = rothc.Forcing(
        temperature=np.asarray(climate["temperature_c"])[:, None] * factor["temperature"],
        rain=np.asarray(climate["precipitation_mm"])[:, None] * factor["precipitation"],
        evaporation=np.broadcast_to(np.asarray(climate["pet_mm"])[:, None] / PAN_COEFFICIENT, (12, m + 1)),
        plant_cover=np.broadcast_to(cover[:, None], (12, m + 1)),
        plant_input=np.broadcast_to(pattern[:, None], (12, m + 1)),
        dpm_rpm=np.full((12, m + 1), pipeline.DPM_RPM[land_class]),
    )
    annual, state = rothc.inputs_for_stock(soil, forcing, dated[0]["stock_t_c_ha"] * factor["soc_t0"])
    repeat = -(-months // 12)
    series = rothc.Forcing(
        temperature=np.tile(forcing.temperature, (repeat, 1)),
        rain=np.tile(forcing.rain, (repeat, 1)),
        evaporation=np.tile(forcing.evaporation, (repeat, 1)),
        plant_cover=np.tile(forcing.plant_cover, (repeat, 1)),
        plant_input=np.tile(pattern[:, None] * annual, (repeat, 1)),
        dpm_rpm=np.tile(forcing.dpm_rpm, (repeat, 1)),
    )
    soc = rothc.run(soil, series, state, output="monthly").soc[:months]  # (months, members + 1)
    low, high = np.percentile(soc[:, 1:], [2.5, 97.5], axis=1)
    points = []
    for k in range(0, months, 3):
        year, month = divmod(start.month - 1 + k, 12)
        points.append({
            "date": datetime.date(start.year + year, month + 1, 1).isoformat(),
            "soc_t_c_ha": float(soc[k, 0]), "low_t_c_ha": float(low[k]), "high_t_c_ha": float(high[k]),
        })  # fmt: skip
    return {
        "model": "RothC-26.3, business as usual on the repeated climatology, anchored at equilibrium to the "
        "first measured 0–30 cm stock",
        "climate": f"the site's 0.5° cell of {climate['source']}",
        "climate_cell": [climate["cell"]["lat"], climate["cell"]["lon"]],
        "clay_pct": clay, "clay_source": "observations",
        "members": m, "interval": "2.5–97.5 percentiles of the Monte Carlo members (FAO GSOCseq Table 12.1 ranges)",
        "points": points,
    }  # fmt: skip


def _distance_km(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance on the authalic sphere, km."""
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return 6371.007 * math.acos(max(-1.0, min(1.0, c)))


# --- endpoints --------------------------------------------------------------------------------------------


@router.get("/zones", responses=CSV_OR_JSON)
@cached("zones")
def zone_layer(
    session: SessionDep,
    demo: DemoLayersDep,
    level: Literal["global", "region", "country"] = "country",
    layer: LayerName = "soc_t0",
    year: int | None = Query(
        None, ge=1900, le=2100, description="default: the start year for soc_t0, else the last year"
    ),
    format: Format = "json",
):
    """One layer for every zone of a level (the map): mean with SD and 95 % interval, total, with units,
    from the real dataset (or, with demo layers, the synthetic one); 404 naming the missing layer when none."""
    dataset = _dataset(session, demo)
    if dataset is None:
        raise _no_dataset(demo)
    if year is None:
        year = zones.start_year(session, dataset) if layer == "soc_t0" else zones.final_year(session, dataset)
    rows = zones.statistics(session, level=level, layer=layer, year=year, dataset=dataset)
    if not rows:
        known = sorted({r.layer for r in zones.statistics(session, level="global", dataset=dataset)})
        raise ApiError(404, f"no layer {layer!r} in {year}", details=[f"layers: {', '.join(known)}"])
    items = [_stat(r) for r in rows]
    if format == "csv":
        return _csv(items, f"monitoring_{level}_{layer}_{year}.csv")
    units = {"mean": rows[0].mean_units, "total": rows[0].total_units}
    meta = _metadata(session, dataset)
    return {"level": level, "layer": layer, "year": year, "units": units, "items": items, **meta}


@router.get("/global", responses=CSV_OR_JSON)
@cached("zones")
def global_summary(session: SessionDep, demo: DemoLayersDep, format: Format = "json"):
    """The world and its five regions; without a zone dataset, ``dataset`` null and the ``missing`` layers
    (the measured stocks are at ``/monitoring/measured``)."""
    dataset = _dataset(session, demo)
    if dataset is None:
        if format == "csv":
            raise _no_dataset(demo)
        missing = [_missing("soc_stock")]
        if not demo:
            missing[0]["demo"] = "synthetic demonstration layers: `permille serve --demo-layers`"
        return {"level": "global", "zone": "WLD", "name": "World", "dataset": None, "synthetic": False,
                "stock_t0": None, "scenarios": {}, "regions": [], "missing": missing,
                "sources": [MEASURED_SOURCE, BOUNDARIES_SOURCE]}  # fmt: skip
    summary = _zone_summary(session, "global", "WLD", dataset)
    regions = [_stat(r) for r in zones.statistics(session, level="region", layer="soc_t0", dataset=dataset)]
    if format == "csv":
        rows = zones.statistics(session, level="global", dataset=dataset)
        return _csv([_stat(r) for r in rows], "monitoring_world.csv")
    sources = [summary["dataset"]["source"], MEASURED_SOURCE, BOUNDARIES_SOURCE]
    return summary | {"regions": regions, "missing": [], "sources": sources}


@router.get("/measured", responses=CSV_OR_JSON)
@cached("measured")
def measured_by_country(session: SessionDep, user: UserDep, format: Format = "json"):
    """Measured 0–30 cm stocks by country, live from the observations the caller may read: per country the
    sites with a stock, the mean of each site's latest stock and its 95 % interval (Student t over sites;
    one site: its own measurement SD), and the year of the latest measurement."""
    from scipy import stats  # heavy: loaded on first use (start-up, issue 13)

    observations = _observations(session, user)
    latest = {site_id: series[-1] for site_id, series in _site_stocks(observations).items()}
    country_of = dict(
        session.execute(select(Site.id, Site.country_iso3).where(Site.id.in_(list(latest)))).all()
    )
    by_country = defaultdict(list)
    for site_id, item in latest.items():
        by_country[country_of[site_id]].append(item)
    names = countries()
    items = []
    for iso3, stocks in sorted(by_country.items()):
        values = np.array([s["stock_t_c_ha"] for s in stocks])
        n, mean = len(values), float(values.mean())
        if n > 1:
            half = float(stats.t.ppf(0.975, n - 1) * values.std(ddof=1) / math.sqrt(n))
        else:
            half = 1.959963984540054 * stocks[0]["sd_t_c_ha"]
        years = [int(s["date"][:4]) for s in stocks if s["date"]]
        country = names.get(iso3)
        items.append({
            "zone": iso3, "name": country["name"]["en"] if country else iso3,
            "region": country["region"] if country else None, "n_sites": n, "mean_t_c_ha": mean,
            "low_t_c_ha": mean - half, "high_t_c_ha": mean + half, "latest_year": max(years, default=None),
        })  # fmt: skip
    if format == "csv":
        return _csv(items, "monitoring_measured.csv")
    return {
        "units": {"mean": "t C ha-1"},
        "depth_cm": list(TOPSOIL),
        "items": items,
        "source": MEASURED_SOURCE,
    }


@router.get("/regions/{name}", responses=CSV_OR_JSON)
@cached("zones")
def region(name: str, session: SessionDep, demo: DemoLayersDep, format: Format = "json"):
    """One of the Initiative's five regions: its fans, and its countries' T0 stock and potential."""
    dataset = _dataset(session, demo)
    if dataset is None:
        raise _no_dataset(demo)
    summary = _zone_summary(session, "region", name, dataset)
    if format == "csv":
        rows = zones.statistics(session, level="region", zone=name, dataset=dataset)
        return _csv([_stat(r) for r in rows], f"monitoring_{name}.csv")
    countries = [
        _stat(r)
        for r in zones.statistics(session, level="country", layer="soc_t0", dataset=dataset)
        if r.region == name
    ]
    return summary | {"countries": countries}


@router.get("/countries/{iso3}", responses=CSV_OR_JSON)
@cached("country")
def country(
    iso3: str,
    session: SessionDep,
    user: UserDep,
    demo: DemoLayersDep,
    format: Format = "json",
    table: Literal["statistics", "observations", "sites", "tier1"] = "statistics",
):
    """A country: stock and potential under each scenario (fans) from the zone dataset if one is shown,
    measured stocks over time (live from the observations), its sites, its approximate IPCC climate zones
    and their IPCC Tier 1 reference stocks (real bundled layers), the ``missing`` real layers, caveats,
    sources and sentences in en/fr/es. ``format=csv`` exports ``table``."""
    iso3 = iso3.upper()
    dataset = _dataset(session, demo)
    if dataset is not None:
        summary = _zone_summary(session, "country", iso3, dataset)
    elif iso3 in countries():
        summary = _country_without_dataset(iso3)
    else:
        raise ApiError(404, f"no country {iso3!r} in the monitoring tables")
    observations = _observations(session, user, country_iso3=iso3)
    measured = _site_stocks(observations)
    observed = _over_time(measured)
    site_rows = session.scalars(
        select(Site).where(Site.country_iso3 == iso3, read_filter(user, Site)).order_by(Site.name)
    )
    counts = defaultdict(int)
    for obs in observations:
        counts[obs.site_id] += 1
    sites = [
        {
            "id": s.id, "name": s.name, "lat": s.lat, "lon": s.lon, "land_use": s.land_use,
            "n_observations": counts[s.id],
            "latest_stock_t_c_ha": measured[s.id][-1]["stock_t_c_ha"] if measured.get(s.id) else None,
        }
        for s in site_rows
    ]  # fmt: skip
    tier1 = _tier1(iso3)
    if format == "csv":
        statistics = zones.statistics(session, level="country", zone=iso3, dataset=dataset) if dataset else []
        rows = {
            "statistics": [_stat(r) for r in statistics],
            "observations": observed,
            "sites": sites,
            "tier1": tier1["items"],
        }[table]
        return _csv(rows, f"monitoring_{iso3}_{table}.csv")
    stock = summary["stock_t0"]
    caveats = [
        "Measured stocks need SOC (or SOM) and bulk density over 0–30 cm; other observations are not counted.",
        tier1["caveat"],
    ]
    if stock is not None:
        grid = (
            f"{zones.bundled_metadata()['parameters']['resolution_deg']:g}° grid; "
            if summary["synthetic"]
            else ""
        )
        caveats[:0] = [
            summary["caveat"],
            f"The modelled layers cover {100 * (stock['covered_fraction'] or 0):.0f} % of the country's land "
            f"cells ({grid}cropland, grassland and tree cover only).",
        ]
        caveats.append(summary["uncertainty"])
    sources = [summary["dataset"]["source"]] if summary["dataset"] else []
    sources += [MEASURED_SOURCE, tier1["climate_zone_source"], TIER1_SOURCE, BOUNDARIES_SOURCE]
    return summary | {
        "observed": observed,
        "observed_source": MEASURED_SOURCE,
        "sites": sites,
        "tier1": tier1,
        "missing": ([] if stock is not None else [_missing("soc_stock")]) + [_missing("soil_class")],
        "caveats": caveats,
        "sources": sources,
        "sentences": _sentences(summary, observed),
    }


def _country_without_dataset(iso3: str) -> dict:
    """The zone part of a country's answer while no zone dataset is shown: no modelled number."""
    country = countries()[iso3]
    return {
        "level": "country", "zone": iso3, "name": country["name"]["en"], "region": country["region"],
        "start_year": None, "final_year": None, "depth_cm": list(TOPSOIL), "stock_t0": None, "scenarios": {},
        "dataset": None, "synthetic": False, "caveat": None, "uncertainty": None,
    }  # fmt: skip


def _tier1(iso3: str) -> dict:
    """The country's approximate IPCC climate zones and their Tier 1 reference stocks, with sources."""
    layer = reference_layers.CLIMATE_ZONE_LAYER
    return {
        "climate_zones": reference_layers.climate_zones(iso3),
        "climate_zone_layer": layer,
        "climate_zone_source": f"Climate zones: {reference_layers.source_line(layer)}",
        "items": reference_layers.tier1_reference_stocks(iso3),
        "source": TIER1_SOURCE,
        "units": "t C ha-1",
        "depth_cm": list(TOPSOIL),
        "caveat": (
            "The IPCC climate zones are classified by the IPCC rules from the ERA5 2000–2025 climatology, with "
            "tropical montane approximated without elevation (see the layer's PROVENANCE.md); SOCref is the "
            "stock under native vegetation, before land-use and management factors, and depends on the soil "
            "class, for which no layer is loaded."
        ),
    }


@router.get("/sites/{site_id}", responses=CSV_OR_JSON)
@cached("site")
def site(
    site_id: Annotated[int, Path(ge=1, le=MAX_INTEGER)],
    session: SessionDep,
    user: UserDep,
    request: Request,
    format: Format = "json",
):
    """A site: observations by depth and date, measured 0–30 cm stocks, a RothC nowcast with its
    uncertainty band, and the practices timeline of projects within :data:`SITE_RADIUS_KM`."""
    record = session.scalar(select(Site).where(Site.id == site_id, read_filter(user, Site)))
    if record is None:
        raise ApiError(404, f"no site {site_id}")
    observations = sorted(
        _observations(session, user, id=site_id), key=lambda o: (str(o.date), o.upper_cm, o.property)
    )
    by_depth = [
        {
            "id": o.id, "date": o.date.isoformat() if o.date else None, "upper_cm": o.upper_cm,
            "lower_cm": o.lower_cm, "property": o.property, "value": o.value, "unit": o.unit,
            "uncertainty": o.uncertainty, "method": o.method,
        }
        for o in observations
    ]  # fmt: skip
    if format == "csv":
        return _csv(by_depth, f"site_{site_id}_observations.csv")
    measured = _site_stocks(observations).get(site_id, [])
    clay = [_canonical(o)[0] for o in observations if o.property == "clay"]
    climate, missing = _site_inputs(record, measured, clay)
    projects = session.scalars(
        select(Project).where(Project.country_iso3 == record.country_iso3, read_filter(user, Project))
    )
    timeline = sorted(
        (
            {
                "project_id": p.id, "name": p.name, "start_year": p.start_year, "stage": p.stage,
                "practices": p.practices, "distance_km": round(_distance_km(record.lat, record.lon, p.lat, p.lon), 1),
            }
            for p in projects
            if _distance_km(record.lat, record.lon, p.lat, p.lon) <= SITE_RADIUS_KM
        ),
        key=lambda item: (item["start_year"] or 0, item["name"]),
    )  # fmt: skip
    return {
        "id": record.id, "name": record.name, "country_iso3": record.country_iso3, "lat": record.lat,
        "lon": record.lon, "land_use": record.land_use, "description": record.description,
        "observations": by_depth, "measured": measured,
        "nowcast": (
            request.app.state.toolkit.call(  # heavy: in a toolkit worker process (issue 19, point 8)
                _nowcast, _SiteRef(record.id, record.land_use), measured, float(np.mean(clay)), climate,
                datetime.date.today(),
            ) if climate else None
        ),
        "nowcast_missing": missing and {"input": missing, "message": NOWCAST_MISSING[missing]},
        "practices": timeline, "depth_cm": list(TOPSOIL),
    }  # fmt: skip


def _unwrapped(geometry):
    """Polygons whose rings jump across the antimeridian (Russia, Fiji, …) with their western longitudes
    moved east by 360°, so that a web map draws them without a band across the world."""

    def shift(xy):
        return np.where(xy[:, :1] < 0, xy + [360.0, 0.0], xy)

    parts = []
    for polygon in shapely.get_parts(geometry):
        lon = np.asarray(polygon.exterior.coords)[:, 0]
        parts.append(
            shapely.transform(polygon, shift) if np.abs(np.diff(lon)).max(initial=0) > 180 else polygon
        )
    return shapely.MultiPolygon(parts)


@cache
def _boundaries() -> str:
    """The bundled countries simplified to 0.02° (about 2 km), coordinates to 0.01°, as GeoJSON text."""
    source = json.loads((files("permille") / "data" / "boundaries" / "countries_50m.geojson").read_text())
    features = []
    for feature in source["features"]:
        geometry = shapely.transform(
            _unwrapped(shape(feature["geometry"]).simplify(0.02)), lambda xy: np.round(xy, 2)
        )
        if not geometry.is_empty:
            properties = {k: feature["properties"][k] for k in ("name", "iso3", "region")}
            features.append({"type": "Feature", "properties": properties, "geometry": mapping(geometry)})
    return json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))


@router.get("/boundaries.geojson", responses=GEOJSON)
@cached("boundaries")
def boundaries():
    """Country boundaries (Natural Earth 1:50m, simplified) with ``name``, ``iso3`` and ``region``."""
    return Response(_boundaries(), media_type="application/geo+json")


@router.get("/zones.geojson", responses=GEOJSON)
@cached("zones")
def zone_layer_geojson(
    session: SessionDep,
    demo: DemoLayersDep,
    layer: LayerName = "soc_t0",
    year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
):
    """The country map of one layer as GeoJSON: the boundaries with the layer's statistics as properties."""
    answer = zone_layer(session, demo, "country", layer, year)
    values = {item["zone"]: item | {"dataset": answer["dataset"]["name"]} for item in answer["items"]}
    collection = json.loads(_boundaries())
    for feature in collection["features"]:
        feature["properties"] |= values.get(feature["properties"]["iso3"], {})
    headers = {"Content-Disposition": f'attachment; filename="monitoring_{layer}.geojson"'}
    return Response(json.dumps(collection), media_type="application/geo+json", headers=headers)
