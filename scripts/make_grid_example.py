"""Write examples/grid/: a small SYNTHETIC input grid as GeoTIFFs and the grid.yaml that runs it, so that
`permille grid run examples/grid/grid.yaml` runs as written. The inputs are
`permille.grid.synthetic.synthetic_grid` (12 × 16 pixels over Europe and Africa), NOT real data: each file's
`long_name` says so and grid.yaml's `synthetic: true` marks every output of the run.
Run: `uv run python scripts/make_grid_example.py`."""

from pathlib import Path

import yaml

from permille.grid import io as grid_io
from permille.grid import pipeline
from permille.grid.summary import SYNTHETIC_LABEL
from permille.grid.synthetic import synthetic_grid

OUT = Path(__file__).resolve().parents[1] / "examples" / "grid"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    grid = synthetic_grid(12, 16)
    inputs = {}
    for name in pipeline.GRID_VARIABLES:
        layer = grid[name].astype("float32")
        long_name = f"{SYNTHETIC_LABEL}: {grid[name].attrs.get('long_name', name)}"
        path = grid_io.write_cog(
            layer, OUT / f"{name}.tif", units=grid[name].attrs.get("units", "-"), long_name=long_name
        )
        inputs[name] = path.name
    config = {
        "inputs": inputs,
        "synthetic": True,
        "chunks": 8,
        "zones": "regions",
        "output": "../../results/grid-example",
    }
    header = (
        "# SYNTHETIC inputs (scripts/make_grid_example.py): every output of this run is marked as such.\n"
    )
    (OUT / "grid.yaml").write_text(
        header + yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
