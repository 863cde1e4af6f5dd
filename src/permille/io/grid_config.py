"""Configuration of a gridded run (YAML): where each input layer is, the run's settings, and the outputs.

Example::

    inputs:                       # one file per variable; GeoTIFF/COG (12 bands for monthly) or NetCDF/Zarr
      soc_t0: soc_0-30cm.tif      # t C/ha
      clay: clay_0-30cm.tif       # %
      land_cover: fao_classes.tif # FAO GSOCseq classes (2 cropland, 3 grassland, 4 tree covered)
      temperature: tmean_12.tif   # °C, 12 bands
      precipitation: prec_12.tif  # mm, 12 bands
      pet: pet_12.tif             # mm, 12 bands
    resampling: null              # or nearest / bilinear / average to put every layer on soc_t0's grid
    chunks: 256                   # pixels per chunk side (Dask)
    years: 20
    increases: [0.05, 0.10, 0.20]
    members: 0                    # uncertainty members (0 = none)
    zones: countries              # zonal statistics: countries, regions (the Initiative's five), or a
                                  # GeoJSON file of polygons with a "name" property
    output: results/grid          # folder: NetCDF, Zarr, COGs and zonal tables
"""

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..grid.pipeline import GRID_VARIABLES, SSM_INCREASES


class GridConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    inputs: dict[str, Path]
    resampling: str | None = None
    chunks: int = Field(256, ge=8, le=8192)
    years: int = Field(20, ge=1, le=200)
    increases: list[float] = list(SSM_INCREASES)
    members: int = Field(0, ge=0, le=1000)
    seed: int = 0
    zones: str | None = None
    output: Path = Path("results/grid")


def read_config(path: str | Path) -> GridConfig:
    """Read and check a grid configuration; paths are relative to the file. Every problem is reported."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        config = GridConfig.model_validate(raw)
    except OSError as e:
        raise ValueError(f"{path}: cannot be read: {e.strerror}") from e
    except ValidationError as e:
        problems = "\n".join(f"  - {'.'.join(map(str, err['loc']))}: {err['msg']}" for err in e.errors())
        raise ValueError(f"{path}: {e.error_count()} problem(s):\n{problems}") from None
    missing = sorted(set(GRID_VARIABLES) - set(config.inputs))
    if missing:
        raise ValueError(f"{path}: inputs lacks {', '.join(missing)}")
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
