"""What the grid commands write and print, in words a reader can take in: zonal tables with a row for the
modelled cells outside every zone, areas in ha/Mha rather than ``1.181643e+09``, and every output of a
SYNTHETIC run (file names, GeoTIFF tags, CSV column, console lines) marked as such."""

import numpy as np
import pandas as pd
import xarray as xr

from . import zonal

SYNTHETIC_LABEL = "SYNTHETIC — not real data"
"""The mark of every output made from a synthetic grid (``permille.grid.synthetic``)."""
OUTSIDE = {"regions": "outside every region", "countries": "outside every country"}
"""The name of the row of modelled cells that lie in no zone, by the kind of zones."""


def is_synthetic(dataset: xr.Dataset) -> bool:
    """Whether ``dataset`` (inputs or pipeline results) comes from a synthetic grid (its ``comment``)."""
    return "SYNTHETIC" in str(dataset.attrs.get("comment", ""))


def file_name(name: str, synthetic: bool) -> str:
    """``name``, prefixed ``SYNTHETIC_`` for a synthetic run (the name a GIS shows as the layer's)."""
    return f"SYNTHETIC_{name}" if synthetic else name


def zone_ids(zones: tuple, like: xr.DataArray, outside: str) -> xr.DataArray:
    """Zone ids of ``zones`` (GeoJSON, name property) on the grid of ``like``, the cells in no zone
    forming a last zone named ``outside``."""
    geometries, name_property = zones
    ids = zonal.rasterize_zones(geometries, like, name_property=name_property)
    names = [*ids.attrs["zone_names"], outside]
    ids = ids.where(ids > 0, len(names)).astype(np.int32)
    ids.attrs["zone_names"] = names
    return ids


def readable_area(hectares: float) -> str:
    """An area as people write it: ``1,181.6 Mha``, ``13.88 Mha``, ``52,300 ha``; "none" for 0."""
    if not np.isfinite(hectares) or hectares <= 0:
        return "none"
    if hectares >= 1e8:
        return f"{hectares / 1e6:,.1f} Mha"
    if hectares >= 1e5:
        return f"{hectares / 1e6:,.2f} Mha"
    return f"{round(hectares, -2 if hectares >= 1e3 else 0):,.0f} ha"


def console_rows(table: pd.DataFrame, long_names: dict[str, str]) -> tuple[list[list[str]], list[str]]:
    """Rows (zone, layer in words, modelled area, total Mt C, mean t C/ha) of the zones with a modelled
    cell, and the names of the zones without one (their totals are not numbers, so not printed)."""
    rows, empty = [], []
    for zone, row in table.iterrows():
        if not row["area_ha"] > 0:
            if zone not in empty:
                empty.append(zone)
            continue
        rows.append(
            [
                str(zone),
                long_names.get(row["layer"], row["layer"]),
                readable_area(row["area_ha"]),
                f"{row['total_mt_c']:,.1f}",
                f"{row['mean_t_c_ha']:.1f}",
            ]
        )
    with_cells = {r[0] for r in rows}
    return rows, [zone for zone in empty if zone not in with_cells]
