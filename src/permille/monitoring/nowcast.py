"""A site's RothC nowcast from its first measured 0–30 cm stock to today, with a Monte Carlo band; only
real inputs (measured stock and clay, the bundled ERA5 climatology), never a synthetic stand-in."""

import datetime
from dataclasses import dataclass

import numpy as np

from .. import i18n
from ..registry import reference_layers
from ..registry.orm import Site
from .sources import TOPSOIL

NOWCAST_MEMBERS = 200
"""Monte Carlo members of a site nowcast."""
LAND_USE_CLASS = {"cropland": 2, "grassland": 3, "forest": 4}
"""Site land use → FAO land-cover class of the grid pipeline (DPM/RPM ratio; others as cropland)."""
NOWCAST_MISSING = {
    "stock": "no dated 0–30 cm stock (SOC and bulk density) has been measured at the site yet",
    "clay": "no clay content has been measured at the site, and no real clay layer is loaded (add "
    "SoilGrids clay with `permille data add … --variable clay`) — RothC needs clay",
    "climate": "the site lies outside the land cells of the bundled ERA5 climatology",
}
"""Why a site has no nowcast, by the input that is missing (no synthetic stand-in is used for any)."""
MODEL = "RothC-26.3, business as usual on the repeated climatology, anchored at equilibrium to the first measured 0–30 cm stock"
CLIMATE = "the site's 0.5° cell of {source}"
CLAY_SOURCE = "observations"
INTERVAL = "2.5–97.5 percentiles of the Monte Carlo members (FAO GSOCseq Table 12.1 ranges)"
"""The nowcast's sentences: catalogue messages, in English here (:func:`in_language` writes them in another)."""


def site_inputs(site: Site, measured: list[dict], clay_obs: list[float]) -> tuple[dict | None, str | None]:
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
class SiteRef:
    """What the nowcast needs of a site: picklable, so the nowcast can run in a toolkit worker process."""

    id: int
    land_use: str | None


def nowcast(site: SiteRef, measured: list[dict], clay: float, climate: dict, today: datetime.date) -> dict:
    """RothC (BAU, repeated climatology) from the first measured 0–30 cm stock, anchored at equilibrium
    (:func:`permille.models.rothc.inputs_for_stock`), to today's month; Monte Carlo band over the input
    ranges of the grid pipeline (:data:`permille.grid.pipeline.UNCERTAINTY`, FAO GSOCseq Table 12.1)."""
    from ..grid import pipeline  # heavy (xarray, numba kernels): loaded on first use
    from ..models import rothc
    from ..models.rothc.constants import PAN_COEFFICIENT

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
        "model": MODEL, "climate": CLIMATE.format(source=climate["source"]), "climate_source": climate["source"],
        "climate_cell": [climate["cell"]["lat"], climate["cell"]["lon"]],
        "clay_pct": clay, "clay_source": CLAY_SOURCE, "members": m, "interval": INTERVAL, "points": points,
    }  # fmt: skip


def in_language(answer: dict, lang: str) -> dict:
    """A :func:`nowcast` answer with its sentences in ``lang`` (the climate layer's title in ``lang``, its
    citation as it is)."""
    source = answer["climate_source"]
    source = source.render(lang) if isinstance(source, i18n.Text) else source
    return answer | {
        "model": i18n.gettext(lang, MODEL), "climate": i18n.gettext(lang, CLIMATE, source=source),
        "climate_source": source,
        "clay_source": i18n.gettext(lang, CLAY_SOURCE), "interval": i18n.gettext(lang, INTERVAL),
    }  # fmt: skip
