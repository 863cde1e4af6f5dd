"""The measured sites as map points: every site the reader may read that has a measured stock, with its
latest 0–30 cm stock (t C/ha, SD; converted from a shallower measurement where ``converted``, the measured
depth and stock kept), as a GeoJSON FeatureCollection."""

from sqlalchemy import select

from ..i18n import Number, Text
from ..registry.orm import Site
from ..registry.permissions import read_filter
from . import measured as measured_stocks
from .sources import MEASURED_SOURCE


def sites_geojson(session, user) -> dict:
    """FeatureCollection of the sites with a measured stock (points, lon/lat WGS 84), oldest id first."""
    stocks = measured_stocks.site_stocks(measured_stocks.observations(session, user))
    records = session.scalars(
        select(Site).where(Site.id.in_(list(stocks)), read_filter(user, Site)).order_by(Site.id)
    )
    features = []
    for site in records:
        series = stocks[site.id]
        latest = series[-1]
        properties = {
            "id": site.id, "name": site.name, "country_iso3": site.country_iso3, "land_use": site.land_use,
            "n_stocks": len(series), "date": latest["date"], "stock_t_c_ha": latest["stock_t_c_ha"],
            "sd_t_c_ha": latest["sd_t_c_ha"], "converted": latest["converted"],
            "measured_depth_cm": latest["measured_depth_cm"], "measured_stock_t_c_ha": latest["measured_stock_t_c_ha"],
        }  # fmt: skip
        geometry = {"type": "Point", "coordinates": [site.lon, site.lat]}
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    return {
        "type": "FeatureCollection", "features": features, "units": "t C ha-1", "depth_cm": [0.0, 30.0],
        "source": MEASURED_SOURCE, "conversion": conversion_note(),
    }  # fmt: skip


def conversion_note() -> Text:
    """How a stock measured to less than 30 cm is converted, with its source (a catalogue message; the
    source, quoted, after " — ")."""
    from ..measure import depth_conversion

    f = depth_conversion.factor(23.0)
    return Text(
        "Stocks measured from the surface to 20–30 cm only are converted to 0–30 cm: × F, F uniform between "
        "the steepest exponential depth profile of Jobbágy & Jackson (2000) and a uniform SOC density to 30 cm "
        "(0–23 cm, Rothamsted: F = {mean} ± {sd}, range {low}–{high}). Source — {source}",
        mean=Number(f.mean, 3), sd=Number(f.sd, 3), low=Number(f.low, 3), high=Number(f.high, 3),
        source=depth_conversion.constants()["source"],
    )  # fmt: skip
