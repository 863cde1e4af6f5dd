"""The inputs of a site read from the bundled layers at a point, for the toolkit's calculators: the monthly
climate (ERA5 2000–2025, PET by Thornthwaite), the IPCC climate zone, and where the layers have a value the
SOC stock 0–30 cm (with its SD), topsoil clay, the IPCC soil class and the land cover — each with its units,
the cell it was read in and its source line, so that a page can show where every filled number comes from.

The climate is the site page's (:func:`permille.registry.reference_layers.monthly_climate`); the other
layers are read cell by cell from the bundled files (milliseconds; the atlas's
:func:`permille.grid.atlas_maps.point` loads every layer on the 5′ grid first, 0.4 GB): the value of the
cell holding the point, with the atlas's classes (the IGBP table's cover groups,
:func:`~permille.grid.layer_files.soil_classes`, :func:`~permille.grid.layer_files.climate_zones`) and
stock SD (:func:`~permille.grid.layer_files.stock_sd`), all from :mod:`permille.grid.layer_files` (no
xarray stack to import).

Units: °C, mm/month, t C/ha (0–30 cm), clay %.
"""

from dataclasses import dataclass

import numpy as np
import rasterio

from .. import i18n
from ..grid import layer_files
from ..registry import reference_layers

SOC_0_30 = "SOCS_0_30cm_year_2010AD_10km.tif"
LAND_COVER_FILE = "MCD12C1.A2019001.006.2020220162300.tif"
ERRORS = ("abs_error_OCDENS_0cm_2010AD_10km_ll.tif", "abs_error_OCDENS_30cm_2010AD_10km_ll.tif")
CLIMATE_CELL_DEG = 0.5
PET_SOURCE = (
    "Thornthwaite (1948) potential evapotranspiration of these monthly temperatures at the cell's latitude "
    "(permille.models.pet); RothC's open-pan evaporation is PET / 0.75"
)


class SiteError(ValueError):
    """A point the layers cannot answer for: ``field`` (as the user sees it) and the problem (a catalogue
    :class:`~permille.i18n.Text`); ``message`` is both, rendered in the reader's language later."""

    def __init__(self, field: str, problem: i18n.Text):
        self.field = field
        self.message = i18n.Text("{field}: {problem}", field=field, problem=problem)
        super().__init__(self.message)


@dataclass(frozen=True)
class Cell:
    """The value(s) of one grid cell: ``values`` (bands,) as floats, NaN where none; the cell's size, °."""

    values: np.ndarray
    size_deg: float


def read_cell(layer: str, name: str, lat: float, lon: float) -> Cell:
    """Every band of file ``name`` of bundled layer ``layer`` in the cell holding (lat, lon), scaled, NaN for
    nodata (north-up global grids; a point on a cell edge belongs to the cell south and east of it)."""
    with rasterio.open(str(layer_files.LAYERS / layer / name)) as source:
        t = source.transform
        row = min(max(int(np.floor((lat - t.f) / t.e)), 0), source.height - 1)
        col = min(max(int(np.floor((lon - t.c) / t.a)), 0), source.width - 1)
        raw = source.read(window=((row, row + 1), (col, col + 1)))[:, 0, 0]
        values = raw.astype(float) * np.asarray(source.scales) + np.asarray(source.offsets)
        if source.nodata is not None:
            values[raw == source.nodata] = np.nan
        return Cell(values, abs(t.a))


def _round(values: list[float]) -> list[float]:
    """Monthly values to 0.1 (°C, mm), the precision of the stored climatology."""
    return [round(v, 1) for v in values]


def _field(value, units: str, source: str, cell: Cell, **extra) -> dict:
    return {"value": value, "units": units, "source": source, "cell_deg": cell.size_deg, **extra}


def site_inputs(lat: float, lon: float) -> dict:
    """The calculator inputs at (lat, lon), WGS 84 degrees: ``{"lat", "lon", "fields": {name: {value, units,
    source, cell_deg, …}}, "missing": [{field, reason}]}``. Fields: ``temperature_c``, ``precipitation_mm``,
    ``pet_mm`` (12 months, January first), ``climate_zone``, and where the layers have one ``soc_t_c_ha``
    (0–30 cm, 2010, with ``sd``), ``clay_pct``, ``soil_class``, ``land_cover`` (with ``tier1_land_use``).
    :class:`SiteError` for a point out of range or over the sea (no climate)."""
    if not (np.isfinite(lat) and -90 <= lat <= 90):
        raise SiteError("latitude", i18n.Text("{value} is outside −90 … 90 degrees", value=repr(lat)))
    if not (np.isfinite(lon) and -180 <= lon <= 180):
        raise SiteError("longitude", i18n.Text("{value} is outside −180 … 180 degrees", value=repr(lon)))
    climate = reference_layers.monthly_climate(lat, lon)
    if climate is None:
        raise SiteError(
            "location",
            i18n.Text(
                "{lat}, {lon} is outside land: the ERA5 climatology has no land cell there (0.5° cells more "
                "than half land); pick a point on land",
                lat=f"{lat:g}",
                lon=f"{lon:g}",
            ),
        )
    where = {"cell_deg": CLIMATE_CELL_DEG, "cell_centre": climate["cell"]}
    source = climate["source"]
    fields = {
        "temperature_c": {"value": _round(climate["temperature_c"]), "units": "°C", "source": source, **where},
        "precipitation_mm": {"value": _round(climate["precipitation_mm"]), "units": "mm/month", "source": source,
                             **where},
        "pet_mm": {"value": _round(climate["pet_mm"]), "units": "mm/month", "source": f"{PET_SOURCE}; {source}",
                   **where},
    }  # fmt: skip
    missing = []
    for name, layer, file, labels in (
        (
            "climate_zone",
            layer_files.CLIMATE_ZONE,
            "ipcc_climate_zone_5arcmin.tif",
            layer_files.climate_zones(),
        ),
        ("soil_class", layer_files.SOIL_CLASS, "ipcc_soil_class_1deg.tif", layer_files.soil_classes()),
        ("land_cover", layer_files.LAND_COVER, LAND_COVER_FILE, None),
    ):
        cell = read_cell(layer, file, lat, lon)
        code = int(cell.values[0]) if np.isfinite(cell.values[0]) else -1
        extra = {}
        if labels is None:  # IGBP class → the atlas's cover group and the Tier 1 land use
            table = layer_files.igbp_table()
            labels = {c: row.atlas_cover for c, row in table.iterrows() if row.atlas_cover}
            if code in labels:
                extra = {
                    "igbp": table.loc[code, "label"],
                    "tier1_land_use": table.loc[code, "tier1_land_use"],
                }
        if code in labels:
            fields[name] = _field(labels[code], "class", layer_files.source_line(layer), cell, **extra)
        else:
            missing.append({"field": name, "reason": "no class in the bundled layer at this cell"})
    stock = read_cell(layer_files.SANDERMAN, SOC_0_30, lat, lon)
    if np.isfinite(stock.values[0]) and stock.values[0] > 0:
        e0, e30 = (read_cell(layer_files.SANDERMAN, name, lat, lon).values[0] for name in ERRORS)
        sd = layer_files.stock_sd(e0, e30)[0] if np.isfinite(e0) and np.isfinite(e30) else None
        fields["soc_t_c_ha"] = _field(
            float(stock.values[0]), "t C/ha", layer_files.source_line(layer_files.SANDERMAN), stock,
            depth_cm=30, year=2010, sd=None if sd is None else round(float(sd), 1),
        )  # fmt: skip
    else:
        missing.append({"field": "soc_t_c_ha", "reason": "no SOC stock in the bundled map at this cell"})
    clay = read_cell(layer_files.CLAY, "clay_pct_0p25deg.tif", lat, lon)
    if np.isfinite(clay.values[0]):
        value = round(float(clay.values[0]), 1)
        fields["clay_pct"] = _field(value, "%", layer_files.source_line(layer_files.CLAY), clay)
    else:
        missing.append({"field": "clay_pct", "reason": "no clay value in the bundled layer at this cell"})
    return {"lat": lat, "lon": lon, "fields": fields, "missing": missing}
