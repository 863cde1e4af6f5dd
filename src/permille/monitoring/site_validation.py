"""The mapped SOC stock (Sanderman et al. 2017, 0–30 cm, 2010, 5′) against the measured registry sites:
per site the measured 0–30 cm stock nearest the map's year (converted from a shallower measurement by
:mod:`permille.measure.depth_conversion`, as the site page does) beside its pixel (:mod:`.mapped`), and over
the sites the bias (mean of mapped − measured), the RMSE and their range over the depth conversion's bounds.
Units: t C/ha. Written into docs/atlas-validation.md by ``scripts/atlas_validation_table.py`` and printed
by ``permille monitoring sites-validation``."""

import math

from sqlalchemy import select

from ..measure import depth_conversion
from ..registry.orm import Site
from ..registry.permissions import read_filter
from . import measured as measured_stocks
from .mapped import mapped_stock

MAP_YEAR = 2010
"""The year the mapped stock stands for; each site's measurement nearest it is compared (ties: the later)."""


def _nearest(series: list[dict]) -> dict:
    """The stock of ``series`` dated nearest :data:`MAP_YEAR` (ties: the later; undated last)."""
    dated = [s for s in series if s["date"]]
    if not dated:
        return series[-1]
    return min(dated, key=lambda s: (abs(int(s["date"][:4]) - MAP_YEAR), -int(s["date"][:4])))


def site_rows(session, user) -> list[dict]:
    """Every readable site with a measured stock and a mapped pixel: name, country, lat/lon, measurement
    date, measured depth and stock, the 0–30 cm stock (converted or not) with the conversion bounds, the
    pixel centre and mapped stock with its SD, and mapped − measured; oldest site id first."""
    stocks = measured_stocks.site_stocks(measured_stocks.observations(session, user))
    records = session.scalars(
        select(Site).where(Site.id.in_(list(stocks)), read_filter(user, Site)).order_by(Site.id)
    )
    rows = []
    for site in records:
        if site.lat is None or site.lon is None:
            continue
        item = _nearest(stocks[site.id])
        mapped = mapped_stock(site.lat, site.lon)
        if not mapped.get("available"):
            continue
        depth = item["measured_depth_cm"][1]
        f = depth_conversion.factor(depth)
        measured = item["measured_stock_t_c_ha"]
        rows.append({
            "site_id": site.id, "name": site.name, "country_iso3": site.country_iso3, "lat": site.lat,
            "lon": site.lon, "date": item["date"], "measured_depth_cm": item["measured_depth_cm"],
            "measured_stock_t_c_ha": measured, "converted": item["converted"], "factor": f.mean,
            "stock_0_30_t_c_ha": item["stock_t_c_ha"], "stock_0_30_low_t_c_ha": measured * f.low,
            "stock_0_30_high_t_c_ha": measured * f.high, "pixel_centre": mapped["pixel_centre"],
            "mapped_t_c_ha": mapped["stock_t_c_ha"], "mapped_sd_t_c_ha": mapped["sd_t_c_ha"],
            "difference_t_c_ha": mapped["stock_t_c_ha"] - item["stock_t_c_ha"],
        })  # fmt: skip
    return rows


def _bias_rmse(differences: list[float]) -> tuple[float, float]:
    n = len(differences)
    return sum(differences) / n, math.sqrt(sum(d * d for d in differences) / n)


def summary(rows: list[dict]) -> dict | None:
    """Over the sites: ``n`` sites, ``n_pixels`` distinct pixels, mean measured and mapped stocks, ``bias``
    (mean of mapped − measured) and ``rmse`` with the conversion factor's mean, and both again with the
    measured stocks at the factor's low and high bounds (``bias_range``, ``rmse_range``); None without rows."""
    if not rows:
        return None
    mapped = [r["mapped_t_c_ha"] for r in rows]
    bias, rmse = _bias_rmse([r["difference_t_c_ha"] for r in rows])
    bounds = [
        _bias_rmse([m - r[key] for m, r in zip(mapped, rows, strict=True)])
        for key in ("stock_0_30_high_t_c_ha", "stock_0_30_low_t_c_ha")
    ]
    pixels = {(r["pixel_centre"]["lat"], r["pixel_centre"]["lon"]) for r in rows}
    return {
        "n": len(rows), "n_pixels": len(pixels), "n_converted": sum(r["converted"] for r in rows),
        "measured_mean_t_c_ha": sum(r["stock_0_30_t_c_ha"] for r in rows) / len(rows),
        "mapped_mean_t_c_ha": sum(mapped) / len(rows), "bias_t_c_ha": bias, "rmse_t_c_ha": rmse,
        "bias_range_t_c_ha": sorted(b for b, _ in bounds), "rmse_range_t_c_ha": sorted(r for _, r in bounds),
        "units": "t C ha-1", "depth_cm": [0.0, 30.0], "map_year": MAP_YEAR,
    }  # fmt: skip


def markdown(rows: list[dict], total: dict | None) -> list[str]:
    """The section of docs/atlas-validation.md: the summary table, then one row per site."""
    if total is None:
        return ["No registry site has both a measured stock and a mapped pixel: no comparison."]
    factors = ""
    for depth in sorted({r["measured_depth_cm"][1] for r in rows if r["converted"]}):
        f = depth_conversion.factor(depth)
        factors += f"; 0–{depth:g} cm: F = {f.mean:.3f} ± {f.sd:.3f}, bounds {f.low:.3f}–{f.high:.3f}"
    pixels = f"{total['n_pixels']} distinct 5′ pixel{'s' if total['n_pixels'] != 1 else ''}"
    lines = [
        f"Sites: every registry site with a measured SOC stock (n = {total['n']}, {total['n_converted']} "
        f"converted, in {pixels}), each with its measurement nearest {MAP_YEAR} (the "
        "map's year). Depth: a stock measured from the surface to 20–30 cm is converted to 0–30 cm by × F "
        "(`permille.measure.depth_conversion`, Jobbágy & Jackson 2000 steepest profile to uniform density"
        f"{factors}); the ranges give bias and RMSE "
        "with the measured stocks at the bounds of F. Bias = mean of (mapped − measured).",
        "",
        "| n sites | pixels | measured mean (t C/ha) | mapped mean (t C/ha) | bias (t C/ha) [F bounds] | RMSE (t C/ha) [F bounds] |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {total['n']} | {total['n_pixels']} | {total['measured_mean_t_c_ha']:.1f} | {total['mapped_mean_t_c_ha']:.1f} "
        f"| {total['bias_t_c_ha']:+.1f} [{total['bias_range_t_c_ha'][0]:+.1f} to {total['bias_range_t_c_ha'][1]:+.1f}] "
        f"| {total['rmse_t_c_ha']:.1f} [{total['rmse_range_t_c_ha'][0]:.1f}–{total['rmse_range_t_c_ha'][1]:.1f}] |",
        "",
        "| site | country | year | measured depth (cm) | measured (t C/ha) | 0–30 cm (t C/ha) | mapped (t C/ha) ± SD | mapped − measured |",
        "|---|---|---:|---|---:|---:|---:|---:|",
    ]  # fmt: skip
    for r in rows:
        upper, lower = r["measured_depth_cm"]
        sd = f" ± {r['mapped_sd_t_c_ha']:.1f}" if r["mapped_sd_t_c_ha"] is not None else ""
        lines.append(
            f"| {r['name']} | {r['country_iso3']} | {r['date'][:4] if r['date'] else '—'} | {upper:g}–{lower:g} "
            f"| {r['measured_stock_t_c_ha']:.1f} | {r['stock_0_30_t_c_ha']:.1f} | {r['mapped_t_c_ha']:.1f}{sd} "
            f"| {r['difference_t_c_ha']:+.1f} |"
        )
    return lines
