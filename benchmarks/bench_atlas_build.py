"""Time and peak memory of the atlas build from catalogue layers, per million source pixels.

    uv run python benchmarks/bench_atlas_build.py [--megapixels 0.5,2] [--resolution 0.5] [--years 2]
                                                  [--members 2]

For each size, one child process writes the real datasets' layouts (the byte-faithful reproductions of
``tests/formats.py``) over Western Europe (10° W – 30° E, 35° N – 60° N): a GSOCmap float32 SOC stock and an
ESA CCI uint8 land cover of N megapixels each, a SoilGrids int16 Homolosine clay layer of about N/4
megapixels (a coarser native grid), WorldClim 10′ temperature and precipitation (12 files each) and a CRU TS
0.5° PET NetCDF, and adds them to a catalogue in a temporary $PERMILLE_HOME (symlinked, checksummed);
 a second one runs :func:`permille.grid.build.build_atlas` on them (checksums, read, clip, resample onto the atlas grid,
pipeline with ``--years`` forward years and ``--members`` uncertainty members, zone statistics by country).

Prints, per size: the source pixels of all layers, the build's wall time split into verify+read+resample
and pipeline+zones, seconds and peak resident memory (MB, the child's ru_maxrss) per million source
pixels, and the ratio of the read+resample time to a baseline in the same process: plain
``rasterio`` reads of the same GeoTIFFs (decoding no nodata, resampling nothing). Not a test; figures
depend on the machine (and on its load).
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REGION = (-10.0, 35.0, 30.0, 60.0)


def _write(megapixels: float, root: Path) -> None:
    """Write the layouts and add them to a catalogue in ``root/home`` (its own process: its memory does
    not count in the build's peak)."""
    sys.path.insert(0, str(REPO))
    from permille.catalogue import add
    from tests import formats

    west, south, east, north = REGION
    res = ((east - west) * (north - south) / (megapixels * 1e6)) ** 0.5
    common = dict(source="benchmark", license="CC-BY-4.0", item_datetime="2020-01-01T00:00:00Z", link=True)
    folder, home = root / "sources", root / "home"
    folder.mkdir()
    files = {
        "soc_stock": ([formats.gsocmap(folder / "GSOCmap_1.5.0.tif", res=res, bbox=REGION)], "t C ha-1", "gsocmap"),
        "clay": ([formats.soilgrids(folder, "clay", res_m=2 * res * 111_320, bbox=REGION)], "g/kg", "soilgrids"),
        "land_cover": ([formats.esacci(folder / "esacci.tif", res=res, bbox=REGION)], "class", "esacci"),
        "tmp": (formats.worldclim(folder, "tavg", bbox=REGION), "degC", "worldclim"),
        "pre": (formats.worldclim(folder, "prec", bbox=REGION), "mm", "worldclim"),
        "pet": ([formats.cru(folder, "pet", bbox=REGION)], "mm/day", "cru"),
    }  # fmt: skip
    for variable, (paths, units, fmt) in files.items():
        add.add_layer(
            paths, variable=variable, units=units, file_format=fmt, layer_id=variable, home=home, **common
        )


def _child(root: Path, resolution: float, years: int, members: int) -> dict:
    import rasterio

    from permille.catalogue import items
    from permille.grid import build

    layers = {k: v for k, v in items.load(root / "home").items() if not v.bundled}
    pixels = 0
    start = time.perf_counter()
    for layer in layers.values():
        for path in layer.paths().values():
            if path.suffix == ".tif":
                with rasterio.open(path) as src:
                    pixels += src.read(1).size
    baseline = time.perf_counter() - start
    marks = []
    params = build.BuildParameters(resolution_deg=resolution, bbox=REGION, years=years, members=members)
    start = time.perf_counter()
    table, _ = build.build_atlas(
        layers,
        params,
        chosen={v: v for v in build.INPUTS.values()},
        on_step=lambda s: marks.append(time.perf_counter()),
    )
    total = time.perf_counter() - start
    read = marks[len(build.INPUTS) - 1] - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"pixels": pixels, "total_s": total, "read_s": read, "baseline_s": baseline, "peak_mb": peak_mb,
            "rows": len(table)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megapixels", default="0.5,2", help="sizes of the SOC layer, million pixels")
    parser.add_argument("--resolution", type=float, default=0.5, help="atlas grid, degrees")
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--members", type=int, default=2)
    parser.add_argument("--write", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write is not None:
        _write(args.write, args.root)
        return
    if args.child is not None:
        print(json.dumps(_child(args.child, args.resolution, args.years, args.members)))
        return
    print(f"atlas build from catalogue layers over {REGION}, {args.resolution}° grid, {args.years} years, "
          f"{args.members} members")  # fmt: skip
    print(f"{'source Mpx':>10} {'total s':>8} {'verify+read+resample s':>22} {'pipeline s':>10} {'s/Mpx':>6} "
          f"{'peak MB':>8} {'MB/Mpx':>7} {'read/baseline':>13}")  # fmt: skip
    for size in (float(v) for v in args.megapixels.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([sys.executable, __file__, "--write", str(size), "--root", tmp], check=True)
            command = [sys.executable, __file__, "--child", tmp, "--resolution", str(args.resolution),
                       "--years", str(args.years), "--members", str(args.members)]  # fmt: skip
            out = (
                subprocess.run(command, check=True, capture_output=True, text=True)
                .stdout.strip()
                .splitlines()[-1]
            )
        r = json.loads(out)
        mpx = r["pixels"] / 1e6
        print(f"{mpx:10.2f} {r['total_s']:8.1f} {r['read_s']:22.1f} {r['total_s'] - r['read_s']:10.1f} "
              f"{r['total_s'] / mpx:6.2f} {r['peak_mb']:8.0f} {r['peak_mb'] / mpx:7.0f} "
              f"{r['read_s'] / max(r['baseline_s'], 1e-9):13.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
