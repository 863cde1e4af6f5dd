"""The light part of the bundled real layers (``permille/data/layers``): where they are, their ids, source
lines and class tables, and the stock SD formula — without the raster stack of :mod:`permille.grid.real_layers`
(xarray, rioxarray, the GSOCseq pipeline: seconds to import), so that a point's values
(:mod:`permille.toolkit.site_inputs`) answer at once. Import them from here, not from ``real_layers``.

Stock standard deviation (docs/atlas.md, "From OC-density error to stock error"): the maps give the
absolute prediction error e(z) of OC density (kg C/m³) at 0 and 30 cm, an expected absolute error; for
normal errors SD = √(π/2) · E|error|. Over a layer the density errors are taken as fully correlated with
depth (an upper bound), e(z) linear between 0 and 30 cm and, below 30 cm (no error map bundled), equal to
e(30 cm): SD(0–30) = √(π/2) · 10 · 0.3 · (e0 + e30)/2 and SD(0–100) = SD(0–30) + √(π/2) · 10 · 0.7 · e30,
in t C/ha (1 kg C/m² = 10 t C/ha).
"""

import json
from functools import cache
from importlib.resources import files

import numpy as np
import pandas as pd

from ..i18n import Text

LAYERS = files("permille") / "data" / "layers"
SANDERMAN = "sanderman2017_soc_stocks"
SOIL_CLASS = "zobler1986_ipcc_soil_class"
CLAY = "gldas_topsoil_clay"
LAND_COVER = "modis_mcd12c1_2019"
CLIMATE = "era5_climatology_2000_2025"
CLIMATE_ZONE = "ipcc_climate_zone_era5"
SOURCES = (SANDERMAN, SOIL_CLASS, CLAY, LAND_COVER, CLIMATE, CLIMATE_ZONE)

SQRT_HALF_PI = float(np.sqrt(np.pi / 2.0))
"""SD / E|error| of a normal error."""
T_HA_PER_KG_M2 = 10.0
COVERS = ("cropland", "grassland", "forest", "other")

STOCKS = {
    "soc_0_30_2010": "SOCS_0_30cm_year_2010AD_10km.tif",
    "soc_0_30_nolu": "SOCS_0_30cm_year_NoLU_10km.tif",
    "soc_0_100_2010": "SOCS_0_100cm_year_2010AD_10km.tif",
    "soc_0_100_nolu": "SOCS_0_100cm_year_NoLU_10km.tif",
}


def source_line(layer: str) -> Text:
    """ "<title> — <citation> (<licence>)" of a bundled layer (its ``item.json``): the title a catalogue
    message, the citation and licence after " — " quoted in their own language."""
    properties = json.loads((LAYERS / layer / "item.json").read_text(encoding="utf-8"))["properties"]
    return Text(
        "{title} — {citation} ({licence})",
        title=Text(properties["title"]), citation=properties["permille:source"], licence=properties["license"],
    )  # fmt: skip


def stock_sd(error_0cm: np.ndarray, error_30cm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-pixel SD of the 0–30 and 0–100 cm stocks, t C/ha, from the absolute prediction errors of OC
    density at 0 and 30 cm, kg C/m³ (module docstring)."""
    sd_30 = SQRT_HALF_PI * T_HA_PER_KG_M2 * 0.3 * (error_0cm + error_30cm) / 2.0
    return sd_30, sd_30 + SQRT_HALF_PI * T_HA_PER_KG_M2 * 0.7 * error_30cm


@cache
def igbp_table() -> pd.DataFrame:
    """IGBP class → ``fao_class`` (pipeline), ``atlas_cover``, ``ipcc_land_use``, ``tier1_land_use``, reason."""
    return pd.read_csv(LAYERS / LAND_COVER / "igbp_classes.csv", keep_default_na=False).set_index("igbp")


@cache
def soil_classes() -> dict[int, str]:
    table = pd.read_csv(LAYERS / SOIL_CLASS / "ipcc_soil_classes.csv")
    return dict(zip(table["code"], table["ipcc_soil_class"], strict=True))


@cache
def climate_zones() -> dict[int, str]:
    table = pd.read_csv(LAYERS / CLIMATE_ZONE / "zones.csv")
    return dict(zip(table["code"], table["ipcc_climate_zone"], strict=True))
