"""The mapped SOC stock 0–30 cm at a point, to compare with a site's measured stock: the pixel of the
bundled Sanderman et al. (2017) layer (2010, 5′ ≈ 10 km), read through the reference-layer mechanism
(``permille/data/layers/<id>/item.json`` and its assets, :mod:`permille.registry.reference_layers`). Without
that layer the answer says "no mapped layer" (no stand-in).

The pixel's SD follows the atlas's conversion (docs/atlas.md, "From OC-density error to stock error"): the
layer's expected absolute prediction errors of OC density at 0 and 30 cm (kg C/m³), interpolated linearly
and taken as fully correlated over depth (an upper bound), integrated over 0.30 m (× 10: kg C/m² → t C/ha),
and turned into an SD as for a normal error (× √(π/2)): SD = √(π/2) · 10 · 0.3 · (e0 + e30) / 2."""

import json
import math

from .. import i18n
from ..registry import reference_layers

LAYER = "sanderman2017_soc_stocks"
STOCK_ASSET = "soc_0_30cm_2010"
ERROR_ASSETS = ("ocd_error_0cm", "ocd_error_30cm")
DEPTH_M = 0.30
KG_M2_TO_T_HA = 10.0
MEAN_ABSOLUTE_TO_SD = math.sqrt(math.pi / 2)
"""SD of a normal error per unit of its expected absolute value."""
CAVEAT = (
    "The mapped stock is a 5′ (about 10 km) pixel of a 2017 machine-learning model for the year 2010 "
    "(Sanderman et al. 2017), not a national GSOCmap; a site is a point measured in its own year and "
    "management: differences of tens of percent are expected."
)
NO_LAYER = "no mapped layer: the Sanderman et al. (2017) SOC stock layer (0–30 cm) is not bundled in this installation"
NO_VALUE = "no mapped value at the site (no land pixel of the layer)"
UNCERTAINTY = (
    "SD = √(π/2) · 10 · 0.3 · (e0 + e30)/2 from the expected absolute OC-density prediction errors at 0 and "
    "30 cm, fully correlated over 0–30 cm (an upper bound)"
)
NO_SD = "the layer has no prediction-error asset: no SD"
"""The answer's sentences, catalogue messages written in the reader's language (:mod:`permille.i18n`)."""


def _item() -> dict | None:
    path = reference_layers.LAYERS / LAYER / "item.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _pixel(item_dir, asset: dict, lat: float, lon: float) -> tuple[float | None, tuple[float, float]]:
    """The asset's value at (lat, lon) (None: nodata or outside) and its pixel centre (lat, lon)."""
    import rasterio  # heavy: only when a pixel is asked for

    with rasterio.open(str(item_dir / asset["href"])) as source:  # one window read; opened per call
        row, col = source.index(lon, lat)
        if not (0 <= row < source.height and 0 <= col < source.width):
            return None, (lat, lon)
        value = float(source.read(1, window=((row, row + 1), (col, col + 1)))[0, 0])
        x, y = source.xy(row, col)
        missing = source.nodata is not None and value == source.nodata
        return (None if missing else value * (source.scales[0] or 1.0)), (float(y), float(x))


def mapped_stock(lat: float, lon: float, lang: str = "en") -> dict:
    """The mapped 0–30 cm stock at a point: ``available``, ``stock_t_c_ha`` with ``sd_t_c_ha`` (see the
    module docstring; None without error assets), the pixel centre, resolution, year, source line and
    caveat; ``available`` false with a ``message`` when the layer is absent or has no value there. The
    sentences are in ``lang``."""
    item = _item()
    if item is None:
        return {"available": False, "layer": LAYER, "message": i18n.gettext(lang, NO_LAYER)}
    folder = reference_layers.LAYERS / LAYER
    stock, centre = _pixel(folder, item["assets"][STOCK_ASSET], lat, lon)
    properties = item["properties"]
    base = {"layer": LAYER, "asset": STOCK_ASSET, "source": reference_layers.source_line(LAYER),
            "resolution": properties.get("resolution"), "year": 2010, "depth_cm": [0.0, 30.0],
            "units": "t C ha-1", "caveat": i18n.gettext(lang, CAVEAT)}  # fmt: skip
    if stock is None:
        return base | {
            "available": False,
            "message": i18n.gettext(lang, NO_VALUE),
        }
    errors = [_pixel(folder, item["assets"][a], lat, lon)[0] for a in ERROR_ASSETS if a in item["assets"]]
    sd = (
        MEAN_ABSOLUTE_TO_SD * KG_M2_TO_T_HA * DEPTH_M * sum(errors) / len(errors)
        if errors and all(e is not None for e in errors)
        else None
    )
    return base | {
        "available": True, "stock_t_c_ha": stock, "sd_t_c_ha": sd,
        "pixel_centre": {"lat": centre[0], "lon": centre[1]},
        "uncertainty": i18n.gettext(lang, UNCERTAINTY if sd is not None else NO_SD),
    }  # fmt: skip


def comparison(measured: list[dict], mapped: dict) -> dict | None:
    """The site's latest measured 0–30 cm stock against the mapped pixel: difference (measured − mapped,
    t C/ha) with its SD (independent errors), and the ratio; None without both."""
    if not measured or not mapped.get("available"):
        return None
    latest = measured[-1]
    difference = latest["stock_t_c_ha"] - mapped["stock_t_c_ha"]
    sd = (latest["sd_t_c_ha"] ** 2 + (mapped["sd_t_c_ha"] or 0.0) ** 2) ** 0.5
    return {
        "measured_date": latest["date"], "measured_t_c_ha": latest["stock_t_c_ha"], "measured_sd_t_c_ha": latest["sd_t_c_ha"],
        "converted": latest.get("converted", False), "mapped_t_c_ha": mapped["stock_t_c_ha"],
        "mapped_sd_t_c_ha": mapped["sd_t_c_ha"], "difference_t_c_ha": difference, "difference_sd_t_c_ha": sd,
        "ratio": latest["stock_t_c_ha"] / mapped["stock_t_c_ha"] if mapped["stock_t_c_ha"] else None,
    }  # fmt: skip
