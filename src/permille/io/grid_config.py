"""Configuration of a gridded run (YAML): where each input layer is, the run's settings, and the outputs.

Example::

    inputs:                       # one file per variable; GeoTIFF/COG (12 bands for monthly) or NetCDF/Zarr
      soc_t0: soc_0-30cm.tif      # t C/ha
      clay: clay_0-30cm.tif       # %
      land_cover: fao_classes.tif # FAO GSOCseq classes (Table 6.1: 2 cropland, 3 grassland, 4 tree
                                  # covered, 5 shrub, 6 herbaceous, 8 sparse, 12 tree crops, 13 paddy)
      temperature: tmean_12.tif   # °C, 12 bands
      precipitation: prec_12.tif  # mm, 12 bands
      pet: pet_12.tif             # mm, 12 bands
      # optional: plant_cover (12 bands, 0/1) or ndvi (12 bands, monthly mean NDVI: covered where
      # >= 0.4); warmup_temperature, warmup_precipitation, warmup_pet (12·Y bands from January);
      # npp (t C/ha/yr, one band per warm-up year or one band: scales the warm-up input instead of
      # MIAMI); carbon_input (t C/ha/yr: the BAU input instead of the anchored one)
    resampling: null              # or nearest / bilinear / average to put every layer on soc_t0's grid
    chunks: 256                   # pixels per chunk side (Dask)
    years: 20
    increases: [0.05, 0.10, 0.20]
    depth_cm: 30                  # depth of the soc_t0 stocks, cm (GSOCseq: 0-30 cm)
    members: 0                    # uncertainty members (0 = none)
    zones: countries              # zonal statistics: countries, regions (the Initiative's five), or a
                                  # GeoJSON file of polygons with a "name" property
    output: results/grid          # folder: NetCDF, Zarr, COGs and zonal tables
    synthetic: false              # true: the inputs are not real data; every output is marked SYNTHETIC
"""

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..grid.pipeline import DEPTH_CM, GRID_VARIABLES, MAX_DEPTH_CM, OPTIONAL_VARIABLES, SSM_INCREASES


class GridConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    inputs: dict[str, Path]
    resampling: str | None = None
    chunks: int = Field(256, ge=8, le=8192)
    years: int = Field(20, ge=1, le=200)
    increases: list[float] = list(SSM_INCREASES)
    depth_cm: float = Field(DEPTH_CM, gt=0, le=MAX_DEPTH_CM)
    members: int = Field(0, ge=0, le=1000)
    seed: int = 0
    zones: str | None = None
    output: Path = Path("results/grid")
    synthetic: bool = False


def read_config(path: str | Path) -> GridConfig:
    """Read and check a grid configuration; paths are relative to the file. Every problem is reported."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ValueError(f"{path}: cannot be read: {e.strerror}") from e
    except yaml.YAMLError as e:
        raise ValueError(f"{path}: not valid YAML: {e}") from None
    problems = []
    try:
        config = GridConfig.model_validate(raw)
    except ValidationError as e:
        problems = [f"{'.'.join(map(str, err['loc']))}: {err['msg']}" for err in e.errors()]
    inputs = raw.get("inputs") if isinstance(raw, dict) else None
    if isinstance(inputs, dict):
        missing = sorted(set(GRID_VARIABLES) - set(inputs))
        unknown = sorted(set(inputs) - set(GRID_VARIABLES) - set(OPTIONAL_VARIABLES))
        problems += [f"inputs: lacks {', '.join(missing)}"] * bool(missing)
        problems += [f"inputs: unknown variable(s) {', '.join(unknown)}"] * bool(unknown)
    if problems:
        lines = "\n".join(f"  - {p}" for p in problems)
        raise ValueError(f"{path}: {len(problems)} problem(s):\n{lines}") from None
    base = path.parent

    def resolve(p: Path | None) -> Path | None:
        return None if p is None or p.is_absolute() else base / p

    return config.model_copy(
        update={
            "inputs": {k: resolve(v) or v for k, v in config.inputs.items()},
            "zones": config.zones
            if config.zones in (None, "countries", "regions")
            else str(base / config.zones),
            "output": resolve(config.output) or config.output,
        }
    )
