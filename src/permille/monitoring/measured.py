"""Measured 0–30 cm stocks, live from the registry's observations that a reader may read: SOC (or SOM ×
0.58) × bulk density × thickness × (1 − coarse fraction) per layer
(:func:`permille.measure.stocks.fixed_depth_stock`), harmonised to 0–30 cm
(:func:`permille.measure.stocks.harmonise`); a layer may also carry its stock as reported (``soc_stock``), and
a profile measured to 20–30 cm only is converted to 0–30 cm (:mod:`permille.measure.depth_conversion`).
Units: t C/ha; intervals 95 %."""

import math
from collections import defaultdict

import numpy as np
from sqlalchemy import select

from ..measure import depth_conversion
from ..measure import stocks as measure_stocks
from ..measure.soildata import Property
from ..registry.kpis import countries
from ..registry.orm import Layer, Observation, Site
from ..registry.permissions import read_filter
from .sources import MEASURED_SOURCE, TOPSOIL, Z95

STOCK_PROPERTIES = ("soc", "som", "bulk_density", "coarse_fraction", "soc_stock")
"""The observed properties a measured stock is made of."""


def canonical(obs: Observation) -> tuple[float, float]:
    """Value and uncertainty of an observation in its property's canonical unit (%, g/cm3, fraction)."""
    factor = Property(obs.property).unit_type.parse(obs.unit).factor
    return obs.value * factor, (obs.uncertainty or 0.0) * factor


def _layer_stock(upper: float, lower: float, props: dict[str, tuple[float, float]]) -> tuple | None:
    """(stock, SD) of one layer, t C/ha: from SOC (or SOM × 0.58), bulk density and coarse fraction, else
    the stock as reported (``soc_stock``); None when neither is there."""
    soc = props.get("soc") or (
        (
            measure_stocks.soc_from_som(props["som"][0]).item(),
            measure_stocks.soc_from_som(props["som"][1]).item(),
        )
        if "som" in props
        else None
    )
    if soc is not None and "bulk_density" in props:
        bd = props["bulk_density"]
        coarse = props.get("coarse_fraction", (0.0, 0.0))[0]
        stock = measure_stocks.fixed_depth_stock(soc[0], bd[0], lower - upper, coarse).item()
        relative = math.hypot(soc[1] / soc[0] if soc[0] else 0.0, bd[1] / bd[0])
        return stock, stock * relative
    return props.get("soc_stock")


def profile_stock(layers: dict[tuple[float, float], dict[str, tuple[float, float]]]) -> dict | None:
    """0–30 cm stock (t C/ha) and its SD of one site on one date, from its layers' canonical values; a
    profile measured from the surface to 20–30 cm only (Rothamsted: 0–23 cm) converted to 0–30 cm
    (:mod:`permille.measure.depth_conversion`, ``converted`` true, the measured stock and depth kept); None
    when no layer has a stock or the layers do not cover 0–30 cm (or 0–20 cm for a conversion)."""
    usable = []
    for (upper, lower), props in sorted(layers.items()):
        stock = _layer_stock(upper, lower, props)
        if stock is not None:
            usable.append((upper, lower, *stock))
    if not usable:
        return None
    upper, lower, stock, sd = (np.array(column) for column in zip(*usable, strict=True))
    depth = min(float(lower.max()), TOPSOIL[1])
    try:
        measured = measure_stocks.harmonise(upper, lower, stock, [(TOPSOIL[0], depth)]).item()
        measured_sd = measure_stocks.harmonise(upper, lower, sd, [(TOPSOIL[0], depth)]).item()  # correlated
        total, sd_total = depth_conversion.to_topsoil(measured, measured_sd, depth)
    except ValueError:
        return None
    conversion_sd = measured * depth_conversion.factor(depth).sd
    return {
        "stock_t_c_ha": total, "sd_t_c_ha": sd_total, "converted": depth < TOPSOIL[1],
        "conversion_sd_t_c_ha": conversion_sd,
        "measured_depth_cm": [TOPSOIL[0], depth], "measured_stock_t_c_ha": measured, "measured_sd_t_c_ha": measured_sd,
    }  # fmt: skip


def observations(session, user, **where) -> list[Observation]:
    """The observations ``user`` may read, of the sites matching ``where`` (Site column → value)."""
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


def _half_width(stocks: list[dict]) -> float:
    """Half-width of the 95 % interval of a mean over sites' stocks: Student t over sites (one site: its
    own measurement SD), combined with the depth conversion's SD, common to the converted stocks (the same
    factor), averaged over the sites (0 when none is converted)."""
    from scipy import stats  # heavy: loaded on first use, so that the server starts fast

    values = np.array([s["stock_t_c_ha"] for s in stocks])
    n = len(values)
    if n > 1:
        spread = float(stats.t.ppf(0.975, n - 1) * values.std(ddof=1) / math.sqrt(n))
    else:
        spread = Z95 * stocks[0]["sd_t_c_ha"]
    conversion = Z95 * sum(s["conversion_sd_t_c_ha"] for s in stocks) / n
    return math.hypot(spread, conversion) if n > 1 else max(spread, conversion)


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
        half = _half_width(list(items.values()))
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
        half = _half_width(stocks)
        years = [int(s["date"][:4]) for s in stocks if s["date"]]
        country = names.get(iso3)
        items.append({
            "zone": iso3, "name": country["name"]["en"] if country else iso3,
            "region": country["region"] if country else None, "n_sites": len(values), "mean_t_c_ha": mean,
            "low_t_c_ha": mean - half, "high_t_c_ha": mean + half, "latest_year": max(years, default=None),
        })  # fmt: skip
    return {
        "units": {"mean": "t C ha-1"},
        "depth_cm": list(TOPSOIL),
        "items": items,
        "source": MEASURED_SOURCE,
    }
