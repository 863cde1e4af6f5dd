"""The atlas from the catalogue's real layers, end to end on byte-faithful reproductions of GSOCmap,
SoilGrids, ESA CCI, WorldClim and CRU TS files: ``permille data add`` → ``permille atlas build
--from-catalogue --country BEL`` → zone statistics with their provenance; missing, ambiguous and changed
layers are errors that say what to do."""

import json
import re

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from permille.catalogue import add, items
from permille.cli import app
from permille.grid import build, regrid

from . import formats

runner = CliRunner()
pytestmark = pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")

COMMON = dict(source="test reproduction", license="CC-BY-4.0", item_datetime="2020-01-01T00:00:00Z")
CHOICES = {
    "soc_stock": "gsocmap", "clay": "sg-clay", "land_cover": "esacci", "tmp": "wc-tavg", "pre": "wc-prec",
    "pet": "cru-pet",
}  # fmt: skip
YEARS, MEMBERS = 2, 3


def _add_layers(folder, home):
    add.add_layer([formats.gsocmap(folder / "GSOCmap_1.5.0.tif")], variable="soc_stock", units="t C ha-1",
                  file_format="gsocmap", depth_cm=(0, 30), layer_id="gsocmap", home=home, **COMMON)  # fmt: skip
    add.add_layer([formats.soilgrids(folder, "clay", "0-5cm")], variable="clay", units="g/kg",
                  file_format="soilgrids", depth_cm=(0, 5), layer_id="sg-clay", home=home, **COMMON)  # fmt: skip
    add.add_layer([formats.esacci(folder / "ESACCI-LC-L4-LCCS-Map-300m-P1Y-2015-v2.0.7.tif")], variable="land_cover",
                  units="class", file_format="esacci", layer_id="esacci", home=home, **COMMON)  # fmt: skip
    for variable, name, units in (("tmp", "tavg", "degC"), ("pre", "prec", "mm")):
        add.add_layer(formats.worldclim(folder, name), variable=variable, units=units, file_format="worldclim",
                      layer_id=f"wc-{name}", home=home, **COMMON)  # fmt: skip
    for variable, units in (("pet", "mm/day"), ("tmp", "degrees Celsius")):
        add.add_layer([formats.cru(folder, variable)], variable=variable, units=units, file_format="cru",
                      layer_id=f"cru-{variable}", home=home, **COMMON)  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sources")
    home = tmp_path_factory.mktemp("home")
    out = tmp_path_factory.mktemp("atlas")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PERMILLE_HOME", str(home))
        _add_layers(folder, home)
        choices = [arg for v, layer_id in CHOICES.items() for arg in ("--layer", f"{v}={layer_id}")]
        result = runner.invoke(
            app,
            ["atlas", "build", "--from-catalogue", "--country", "BEL", "--resolution", "0.5", "--years", str(YEARS),
             "--members", str(MEMBERS), "--out", str(out), *choices],
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "zone_statistics.csv", keep_default_na=False, na_values=[""])
    metadata = json.loads((out / "zone_statistics.json").read_text())
    return home, out, table, metadata, result.output


def test_build_writes_a_real_dataset_with_provenance(built):
    home, _, table, metadata, output = built
    assert re.fullmatch(r"atlas-[0-9a-f]{12}", metadata["dataset"]) and metadata["synthetic"] is False
    assert f"dataset {metadata['dataset']}" in output
    layers = items.load(home)
    assert [d["id"] for d in metadata["layers"]] == list(CHOICES.values())
    for entry in metadata["layers"]:
        assert entry["checksums"] == {k: a.checksum for k, a in layers[entry["id"]].item.assets.items()}
        assert entry["source"] == "test reproduction" and entry["license"] == "CC-BY-4.0"
    assert metadata["parameters"]["country"] == "BEL" and metadata["parameters"]["years"] == YEARS
    assert metadata["extent"] == [2.5, 49.5, 6.5, 51.5] and metadata["levels"] == ["country"]
    assert set(table["zone"]) == {"BEL"} and set(table["level"]) == {"country"}
    assert sorted(set(table["year"])) == [2020, 2021, 2022]
    assert {"soc_t0", "soc_bau", "soc_ssm_20", "diff_ssm_10", "rate_bau"} <= set(table["layer"])


def test_t0_stock_of_the_zone_is_the_area_weighted_mean_of_the_modelled_cells(built):
    *_, table, _, _ = built
    grid = regrid.atlas_grid(0.5, regrid.country_bbox("BEL"))
    from permille.grid import atlas

    in_country = atlas.zone_rasters(grid)["country"]
    ids = in_country.attrs["zone_names"].index("BEL") + 1
    lon, lat = np.meshgrid(grid["x"].values, grid["y"].values)
    fao = np.array([2, 3, 4, 1])[np.floor((lon + 180.0) / 0.5).astype(int) % 4]  # ESA CCI 10, 130, 60, 190
    modelled = (in_country.values == ids) & (fao != 1)  # artificial land (urban) is not modelled
    south, north = np.radians(lat - 0.25), np.radians(lat + 0.25)
    area = np.sin(north) - np.sin(south)  # ∝ the area of a 0.5° cell on the sphere
    soc = formats.soc_by_cell(lon, lat)
    expected = (soc * area)[modelled].sum() / area[modelled].sum()
    row = table[(table.layer == "soc_t0")].iloc[0]
    digits = 5e-6  # the CSV holds 6 significant digits
    assert row["n_valid"] == modelled.sum() and row["mean"] == pytest.approx(expected, rel=digits)
    assert row["total"] == pytest.approx(row["mean"] * row["area_ha"] / 1e6, rel=2 * digits)
    assert row["sd_mean"] > 0 and row["mean_low"] < row["mean"] < row["mean_high"]
    bau = table[(table.layer == "soc_bau")].sort_values("year")
    diff = table[table.layer == "diff_ssm_20"].iloc[0]
    assert len(bau) == YEARS and diff["mean"] > 0  # more carbon input, more carbon


def test_missing_layers_are_named_with_what_to_add(tmp_path, monkeypatch):
    monkeypatch.setenv("PERMILLE_HOME", str(tmp_path))
    add.add_layer([formats.gsocmap(tmp_path / "GSOCmap_1.5.0.tif")], variable="soc_stock", units="t C ha-1",
                  file_format="gsocmap", depth_cm=(0, 30), **COMMON)  # fmt: skip
    layers = {k: v for k, v in items.load().items() if not v.bundled}
    with pytest.raises(build.MissingLayersError) as caught:
        build.select_layers(layers)
    assert set(caught.value.missing) == {"clay", "land_cover", "tmp", "pre", "pet"}
    assert "CRU TS" in caught.value.missing["pet"] and "permille data add" in str(caught.value)


def test_ambiguous_wrong_and_changed_layers(built, monkeypatch):
    home, *_ = built
    monkeypatch.setenv("PERMILLE_HOME", str(home))
    layers = {k: v for k, v in items.load().items() if not v.bundled}
    with pytest.raises(
        ValueError, match=r"tmp: several layers \(cru-tmp, wc-tavg\); choose one with --layer"
    ):
        build.select_layers(layers)
    with pytest.raises(ValueError, match="layer 'gsocmap' holds 'soc_stock'"):
        build.select_layers(layers, CHOICES | {"tmp": "gsocmap"})
    assert build.select_layers(layers, CHOICES | {"tmp": "cru-tmp"})["tmp"].id == "cru-tmp"
    path = layers["sg-clay"].paths()["data"]
    original = path.read_bytes()
    try:
        path.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
        with pytest.raises(items.CatalogueError, match="sg-clay.*has checksum"):
            build.build_atlas(
                layers, build.BuildParameters(country="BEL", years=1, members=2), chosen=CHOICES
            )
    finally:
        path.write_bytes(original)


def test_global_build_has_world_region_and_country_rows(tmp_path):
    world = (-180.0, -90.0, 180.0, 90.0)
    home = tmp_path / "home"
    for files, variable, units, fmt in (
        (
            [formats.gsocmap(tmp_path / "GSOCmap_1.5.0.tif", res=2.0, bbox=world)],
            "soc_stock",
            "t C ha-1",
            "gsocmap",
        ),
        ([formats.soilgrids(tmp_path, "clay", res_deg=2.0, bbox=world)], "clay", "g/kg", "soilgrids"),
        ([formats.esacci(tmp_path / "esacci.tif", res=1.0, bbox=world)], "land_cover", "class", "esacci"),
        ([formats.cru(tmp_path, "tmp", bbox=world, years=(2001, 2001))], "tmp", "degC", "cru"),
        ([formats.cru(tmp_path, "pre", bbox=world, years=(2001, 2001))], "pre", "mm/month", "cru"),
        ([formats.cru(tmp_path, "pet", bbox=world, years=(2001, 2001))], "pet", "mm/day", "cru"),
    ):
        add.add_layer(
            files, variable=variable, units=units, file_format=fmt, layer_id=variable, home=home, **COMMON
        )
    layers = {k: v for k, v in items.load(home).items() if not v.bundled}
    params = build.BuildParameters(resolution_deg=10.0, years=1, members=2)
    table, metadata = build.build_atlas(layers, params, chosen={v: v for v in build.INPUTS.values()})
    assert metadata["levels"] == ["country", "global", "region"] and metadata["extent"] == list(world)
    t0 = table[table.layer == "soc_t0"].set_index(["level", "zone"])
    assert t0.loc[("global", "WLD"), "n_valid"] > 50
    regions = t0.loc["region"]
    assert len(regions) == 5
    assert t0.loc[("global", "WLD"), "total"] == pytest.approx(regions["total"].sum(), rel=1e-9)
    assert t0.loc[("global", "WLD"), "area_ha"] >= t0.loc["country"]["area_ha"].sum() * (1 - 1e-12)
