"""Measured 0–30 cm stocks, live from the registry's observations that a reader may read: SOC (or SOM ×
0.58) × bulk density × thickness × (1 − coarse fraction) per layer
(:func:`permille.measure.stocks.fixed_depth_stock`), harmonised to 0–30 cm
(:func:`permille.measure.stocks.harmonise`). Units: t C/ha; intervals 95 %."""

import math
from collections import defaultdict

import numpy as np
from sqlalchemy import select

from ..measure import stocks as measure_stocks
from ..measure.soildata import Property
from ..registry.kpis import countries
from ..registry.orm import Layer, Observation, Site
from ..registry.permissions import read_filter
from .sources import MEASURED_SOURCE, TOPSOIL, Z95

STOCK_PROPERTIES = ("soc", "som", "bulk_density", "coarse_fraction")
"""The observed properties a measured stock is made of."""


def canonical(obs: Observation) -> tuple[float, float]:
    """Value and uncertainty of an observation in its property's canonical unit (%, g/cm3, fraction)."""
    factor = Property(obs.property).unit_type.parse(obs.unit).factor
    return obs.value * factor, (obs.uncertainty or 0.0) * factor


def profile_stock(layers: dict[tuple[float, float], dict[str, tuple[float, float]]]) -> dict | None:
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


def observations(session, user, **where) -> list[Observation]:
    """The observations ``user`` may read, of the sites matching ``where`` (Site column → value)."""
    query = (
        select(Observation)
        .join(Layer, Observation.layer_id == Layer.id)
        .join(Site, Layer.site_id == Site.id)
        .where(read_filter(user, Observation), read_filter(user, Site))
    )
    for column, value in where.items():
        query = query.where(getattr(Site, column) == value)
    return list(session.scalars(query))


def site_stocks(rows: list[Observation]) -> dict[int, list[dict]]:
    """site id → measured 0–30 cm stocks by date (oldest first)."""
    grouped = defaultdict(lambda: defaultdict(dict))
    for obs in rows:
        if obs.property in STOCK_PROPERTIES:
            key = (obs.site_id, obs.date)
            grouped[key][(obs.upper_cm, obs.lower_cm)][obs.property] = canonical(obs)
    out = defaultdict(list)
    for (site_id, date), layers in sorted(grouped.items(), key=lambda item: (item[0][0], str(item[0][1]))):
        stock = profile_stock(layers)
        if stock is not None:
            out[site_id].append({"date": date.isoformat() if date else None, **stock})
    return out


def _half_width(values: np.ndarray, sd_single: float) -> float:
    """Half-width of the 95 % interval of a mean over sites (Student t; one site: its own measurement SD)."""
    from scipy import stats  # heavy: loaded on first use (start-up, issue 13)

    n = len(values)
    if n > 1:
        return float(stats.t.ppf(0.975, n - 1) * values.std(ddof=1) / math.sqrt(n))
    return Z95 * sd_single


def over_time(stocks: dict[int, list[dict]]) -> list[dict]:
    """Mean measured stock over the sites by year (each site's latest value of the year), with the 95 %
    interval of the mean (Student t over sites; one site: its own measurement SD)."""
    by_year = defaultdict(dict)
    for site_id, series in stocks.items():
        for item in series:
            if item["date"]:
                by_year[int(item["date"][:4])][site_id] = item
    rows = []
    for year, items in sorted(by_year.items()):
        values = np.array([i["stock_t_c_ha"] for i in items.values()])
        mean = float(values.mean())
        half = _half_width(values, next(iter(items.values()))["sd_t_c_ha"])
        rows.append({
            "year": year, "n_sites": len(values), "mean_t_c_ha": mean,
            "low_t_c_ha": mean - half, "high_t_c_ha": mean + half,
        })  # fmt: skip
    return rows


def by_country(session, user) -> dict:
    """Measured 0–30 cm stocks by country, live from the observations ``user`` may read: per country the
    sites with a stock, the mean of each site's latest stock and its 95 % interval (Student t over sites;
    one site: its own measurement SD), and the year of the latest measurement."""
    latest = {site_id: series[-1] for site_id, series in site_stocks(observations(session, user)).items()}
    country_of = dict(
        session.execute(select(Site.id, Site.country_iso3).where(Site.id.in_(list(latest)))).all()
    )
    grouped = defaultdict(list)
    for site_id, item in latest.items():
        grouped[country_of[site_id]].append(item)
    names = countries()
    items = []
    for iso3, stocks in sorted(grouped.items()):
        values = np.array([s["stock_t_c_ha"] for s in stocks])
        mean = float(values.mean())
        half = _half_width(values, stocks[0]["sd_t_c_ha"])
        years = [int(s["date"][:4]) for s in stocks if s["date"]]
        country = names.get(iso3)
        items.append({
            "zone": iso3, "name": country["name"]["en"] if country else iso3,
            "region": country["region"] if country else None, "n_sites": len(values), "mean_t_c_ha": mean,
            "low_t_c_ha": mean - half, "high_t_c_ha": mean + half, "latest_year": max(years, default=None),
        })  # fmt: skip
    return {"units": {"mean": "t C ha-1"}, "depth_cm": list(TOPSOIL), "items": items, "source": MEASURED_SOURCE}
