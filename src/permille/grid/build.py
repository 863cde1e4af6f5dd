"""The monitoring atlas from the catalogue's real layers: read each input layer with its format's reader
(:mod:`permille.grid.readers`), resample it onto the atlas grid (:mod:`permille.grid.regrid`), run the
pipeline and the zone statistics of :func:`permille.grid.atlas.zone_table`, and describe the result with
its provenance (catalogue item ids, checksums, parameters). The result is a real dataset named
``atlas-<hash>`` (``synthetic = false``), loadable into the ``zone_statistic`` table
(:func:`permille.registry.zones.load_folder`).

Inputs by pipeline variable ← catalogue ``variable``: ``soc_t0`` ← ``soc_stock`` (t C/ha, 0–30 cm),
``clay`` ← ``clay`` (%), ``land_cover`` ← ``land_cover`` (FAO classes), ``temperature`` ← ``tmp`` (°C),
``precipitation`` ← ``pre`` and ``pet`` ← ``pet`` (mm/month), each a 12-month climatology. No warm-up: the
forward runs start from the T0 equilibrium on the climatology (GSOCseq phases 1 and 3).

Extent: the whole globe (rows for every country, the five regions and the world), a bounding box or a
country; a clipped build keeps only the countries lying wholly inside its extent (no region or world
rows: they would be partial).
"""

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
import xarray as xr

from permille import __version__

from ..catalogue.items import VARIABLES, CatalogueError, Layer, verify
from . import atlas, pipeline, readers, regrid

#: Pipeline input ← catalogue variable.
INPUTS = {
    "soc_t0": "soc_stock",
    "clay": "clay",
    "land_cover": "land_cover",
    "temperature": "tmp",
    "precipitation": "pre",
    "pet": "pet",
}

#: What to add when a variable is missing (``permille data add`` examples for the real downloads).
ADVICE = {
    "soc_stock": "FAO GSOCmap (GSOCmap_1.5.0.tif) or GSOCseq_T0_Map030.tif: permille data add <file> "
    "--variable soc_stock --format gsocmap --units 't C ha-1' --source '…' --license CC-BY-3.0-IGO; "
    "or SoilGrids ocs_0-30cm_mean.tif with --format soilgrids --units t/ha",
    "clay": "SoilGrids clay_<depth>_mean.tif: permille data add <file> --variable clay --format soilgrids "
    "--units g/kg --source '…' --license CC-BY-4.0",
    "land_cover": "ESA CCI land cover (ESACCI-LC-L4-LCCS-Map-300m-P1Y-<year>-v2.0.7.tif, --format esacci) or "
    "MODIS MCD12Q1 LC_Type1 as GeoTIFF (--format modis): permille data add <file> --variable land_cover "
    "--units class …",
    "tmp": "WorldClim 2.1 wc2.1_10m_tavg_01.tif … _12.tif (permille data add <12 files> --variable tmp "
    "--format worldclim --units degC …) or CRU TS cru_ts4.0x….tmp.dat.nc (--format cru --units "
    "'degrees Celsius')",
    "pre": "WorldClim 2.1 wc2.1_10m_prec_01.tif … _12.tif (--variable pre --format worldclim --units mm) or "
    "CRU TS ….pre.dat.nc (--format cru --units mm/month)",
    "pet": "CRU TS cru_ts4.0x….pet.dat.nc: permille data add <file> --variable pet --format cru --units "
    "mm/day … (WorldClim has no PET)",
}


class MissingLayersError(ValueError):
    """Input variables without a usable catalogue layer: ``missing`` {variable: what to add}."""

    def __init__(self, missing: dict[str, str]):
        self.missing = missing
        lines = "\n".join(f"  - {variable}: add {advice}" for variable, advice in missing.items())
        super().__init__(f"the atlas build needs {len(missing)} more layer(s):\n{lines}")


@dataclass(frozen=True)
class BuildParameters:
    """``resolution_deg`` of the atlas grid; extent: ``bbox`` (lon/lat west, south, east, north) or
    ``country`` (ISO3), else global; forward ``years``, uncertainty ``members``, ``seed``, calendar
    ``start_year``; ``climate_period`` (first, last year) of CRU TS climatologies (default: all whole years)."""

    resolution_deg: float = 0.5
    bbox: tuple[float, float, float, float] | None = None
    country: str | None = None
    years: int = 20
    members: int = 12
    seed: int = 0
    start_year: int = 2020
    climate_period: tuple[int, int] | None = None

    def atlas(self) -> atlas.AtlasParameters:
        return atlas.AtlasParameters(
            resolution_deg=self.resolution_deg, years=self.years, members=self.members, seed=self.seed,
            warmup_years=0, start_year=self.start_year,
        )  # fmt: skip


def select_layers(layers: Mapping[str, Layer], chosen: Mapping[str, str] | None = None) -> dict[str, Layer]:
    """The catalogue layer of each input variable: ``chosen`` {variable: layer id}, else the only
    non-synthetic layer of that variable with a ``permille:format`` (a reader). ``MissingLayersError``
    names each variable without one (and what to add); ``ValueError`` when a choice is wrong or several
    layers could serve."""
    chosen = dict(chosen or {})
    unknown = sorted(set(chosen) - set(INPUTS.values()))
    if unknown:
        raise ValueError(
            f"--layer for unknown input variable(s) {unknown}; inputs: {', '.join(INPUTS.values())}"
        )
    selected, missing, problems = {}, {}, []
    for variable in INPUTS.values():
        if variable in chosen:
            layer = layers.get(chosen[variable])
            if layer is None:
                problems.append(f"{variable}: no catalogue layer {chosen[variable]!r}")
            elif layer.properties.variable != variable:
                problems.append(f"{variable}: layer {layer.id!r} holds {layer.properties.variable!r}")
            else:
                selected[variable] = layer
            continue
        candidates = [
            layer
            for layer in layers.values()
            if layer.properties.variable == variable
            and not layer.properties.synthetic
            and layer.properties.format is not None  # a reader applies
        ]
        if not candidates:
            missing[variable] = ADVICE[variable]
        elif len(candidates) > 1:
            ids = ", ".join(layer.id for layer in candidates)
            problems.append(f"{variable}: several layers ({ids}); choose one with --layer {variable}=<id>")
        else:
            selected[variable] = candidates[0]
    if problems:
        raise ValueError("cannot choose the input layers:\n" + "\n".join(f"  - {p}" for p in problems))
    if missing:
        raise MissingLayersError(missing)
    return selected


def read_layer(layer: Layer, *, bbox=None, climate_period=None) -> xr.DataArray:
    """A catalogue layer in the platform's units, by its item's ``permille:format`` (clipped to ``bbox``)."""
    p = layer.properties
    paths = list(layer.paths().values())
    first = paths[0]
    if p.format is None:
        raise readers.LayerReadError(
            first, layer.id, "the item names no permille:format, so no reader applies"
        )
    if p.format in ("gsocmap", "soilgrids", "cru", "esacci", "modis") and len(paths) != 1:
        raise readers.LayerReadError(first, layer.id, f"{len(paths)} assets; a {p.format} layer is one file")
    if p.format == "gsocmap":
        da = readers.read_gsocmap(first, layer=layer.id, units=p.units, bbox=bbox)
    elif p.format == "soilgrids":
        da = readers.read_soilgrids(first, layer=layer.id, units=p.units, bbox=bbox)
    elif p.format == "worldclim":
        da = readers.read_worldclim(paths, layer=layer.id, variable=p.variable, units=p.units, bbox=bbox)
    elif p.format == "cru":
        da = readers.read_cru(
            first, layer=layer.id, variable=p.variable, units=p.units, period=climate_period, bbox=bbox
        )
    else:
        da = readers.read_land_cover(first, layer=layer.id, scheme=p.format, units=p.units, bbox=bbox)
    variable = "soc_stock" if p.variable == "soc_stock_uncertainty" else p.variable
    if da.name != variable:
        raise readers.LayerReadError(
            first, layer.id, f"the file holds {da.name!r}, the item says {p.variable!r}"
        )
    if da.attrs["units"] != VARIABLES[p.variable]:
        raise readers.LayerReadError(
            first, layer.id, f"read in {da.attrs['units']!r}, expected {VARIABLES[p.variable]!r}"
        )
    return da


def _extent(params: BuildParameters) -> tuple[float, float, float, float] | None:
    if params.bbox is not None and params.country is not None:
        raise ValueError("give a bounding box or a country, not both")
    return regrid.country_bbox(params.country) if params.country else params.bbox


def _whole_countries(template: xr.DataArray) -> set[str]:
    """ISO3 codes of the bundled countries whose bounds lie inside the grid's extent."""
    west, south, east, north = template.rio.bounds()
    return {
        iso3
        for iso3, (w, s, e, n) in regrid.country_bounds().items()
        if w >= west - 1e-9 and e <= east + 1e-9 and s >= south - 1e-9 and n <= north + 1e-9
    }


def inputs_on_grid(
    selected: Mapping[str, Layer], template: xr.DataArray, land: xr.DataArray, *, bbox=None, climate_period=None,
    on_step: Callable[[str], None] | None = None,
) -> xr.Dataset:  # fmt: skip
    """The pipeline input dataset: every selected layer read, resampled onto ``template`` and masked to
    ``land`` (True where modelled)."""
    variables = {}
    for name, variable in INPUTS.items():
        layer = selected[variable]
        da = read_layer(layer, bbox=bbox, climate_period=climate_period)
        on_grid = regrid.resample(da, template, regrid.KIND_OF_VARIABLE[variable])
        variables[name] = on_grid.where(land).rename(name).assign_attrs(layer=layer.id)
        if on_step is not None:
            on_step(f"read {layer.id}")
    dataset = xr.Dataset(variables).rio.write_crs(template.rio.crs)
    dataset.attrs = {
        "title": "Pipeline input from the permille layer catalogue",
        "source": "; ".join(f"{v}: {selected[v].id}" for v in INPUTS.values()),
    }
    return dataset


def grid_digest(dataset: xr.Dataset) -> str:
    """SHA-256 of the grid's inputs, rounded to 1e-9: identifies the grid the table was computed on."""
    digest = hashlib.sha256()
    for name in INPUTS:
        digest.update(np.round(np.nan_to_num(dataset[name].values, nan=-1.0), 9).tobytes())
    return digest.hexdigest()


def _layer_provenance(layer: Layer) -> dict:
    p = layer.properties
    return {
        "id": layer.id,
        "variable": p.variable,
        "title": p.title,
        "source": p.source,
        "license": p.license,
        "version": p.version,
        "doi": p.doi,
        "units": p.units,
        "resolution": p.resolution,
        "depth_cm": list(p.depth_cm) if p.depth_cm else None,
        "format": p.format,
        "checksums": {key: asset.checksum for key, asset in layer.item.assets.items()},
    }


def dataset_name(layers: list[dict], parameters: dict) -> str:
    """``atlas-<12 hex>``: a hash of the input layers (ids and checksums) and the parameters."""
    key = json.dumps(
        {"layers": [(d["id"], d["checksums"]) for d in layers], "parameters": parameters}, sort_keys=True
    )
    return f"atlas-{hashlib.sha256(key.encode()).hexdigest()[:12]}"


def steps(params: BuildParameters) -> int:
    """Progress steps of :func:`build_atlas`: one per input layer and one per forward year."""
    return len(INPUTS) + params.years


def build_atlas(
    layers: Mapping[str, Layer],
    params: BuildParameters = BuildParameters(),
    *,
    chosen: Mapping[str, str] | None = None,
    on_step: Callable[[str], None] | None = None,
) -> tuple[pd.DataFrame, dict]:
    """The monitoring table of the real layers (columns :data:`permille.grid.atlas.COLUMNS`) and its
    metadata (``synthetic`` false, ``dataset`` name, provenance). Checksums of the selected layers are
    verified first (``CatalogueError`` on a mismatch)."""
    if params.members < 2:
        raise ValueError(f"members: {params.members!r}; the atlas needs at least 2 uncertainty members")
    selected = select_layers(layers, chosen)
    soc = selected["soc_stock"].properties
    if soc.depth_cm is not None and tuple(soc.depth_cm) != (0.0, pipeline.DEPTH_CM):
        raise ValueError(
            f"layer {selected['soc_stock'].id!r}: SOC stock over {list(soc.depth_cm)} cm; the pipeline needs 0-30 cm"
        )
    problems = [problem for layer in selected.values() for problem in verify(layer)]
    if problems:
        raise CatalogueError(problems)
    extent = _extent(params)
    template = regrid.atlas_grid(params.resolution_deg, extent)
    rasters = atlas.zone_rasters(template)
    countries = rasters["country"]
    names = countries.attrs["zone_names"]
    if extent is None:
        keep = set(atlas.country_index().index)
    else:
        keep = _whole_countries(template)
        if params.country:
            keep.add(params.country.upper())
        ids = [i for i, name in enumerate(names, start=1) if name in keep]
        countries = countries.where(countries.isin(ids), 0).assign_attrs(countries.attrs)
        rasters = {"country": countries}
    land = countries > 0
    if not bool(land.any()):
        raise ValueError(f"no land cell of a bundled country in the extent {list(template.rio.bounds())}")
    dataset = inputs_on_grid(
        selected,
        template,
        land,
        bbox=None if extent is None else template.rio.bounds(),
        climate_period=params.climate_period,
        on_step=on_step,
    )
    atlas_params = params.atlas()
    table, attrs = atlas.zone_table(
        dataset, atlas_params, rasters=rasters, on_year=(lambda y: on_step(f"year {y}")) if on_step else None
    )
    table = table[(table["zone_area_ha"] > 0) & ((table["level"] != "country") | table["zone"].isin(keep))]
    table = table.reset_index(drop=True)
    provenance = [_layer_provenance(selected[v]) for v in INPUTS.values()]
    parameters = asdict(params) | {"increases": list(atlas_params.increases)}
    parameters = {k: list(v) if isinstance(v, tuple) else v for k, v in parameters.items()}
    mapping = readers.LAND_COVER_TABLE.read_bytes()
    metadata = {
        "dataset": dataset_name(provenance, parameters),
        "synthetic": False,
        "title": "Soil organic carbon stock and sequestration potential by zone, from the catalogue's layers",
        "caveat": "Modelled with the GSOCseq method on the layers named in 'layers'; read their licences "
        "and caveats before use.",
        "parameters": parameters,
        "extent": list(template.rio.bounds()),
        "levels": sorted(set(table["level"])),
        "layers": provenance,
        "land_cover_mapping_sha256": hashlib.sha256(mapping).hexdigest(),
        "generator": "permille.grid.build.build_atlas",
        "permille_version": __version__,
        "grid_sha256": grid_digest(dataset),
        "depth_cm": pipeline.DEPTH_CM,
        "pipeline": {k: v for k, v in attrs.items() if isinstance(v, str | int | float | list)},
        "zones": "Natural Earth 1:50m admin-0 countries and the Initiative's five regions "
        "(permille/data/boundaries/PROVENANCE.md); cell-centre rule"
        + ("" if extent is None else "; only countries lying wholly inside the extent"),
        "uncertainty": "SD = Monte Carlo SD of the members (FAO GSOCseq manual Table 12.1 input ranges), "
        "summed over cells as fully correlated (conservative); 95 % interval = estimate ± 1.96 SD",
        "columns": atlas.COLUMNS,
    }
    return table, metadata
