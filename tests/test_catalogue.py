"""The layer catalogue: STAC items loaded from the package and $PERMILLE_HOME, validated with every problem
named, checksums verified on demand, and the ``permille data`` commands (list, show, add, verify)."""

import json

import pytest
from typer.testing import CliRunner

from permille.catalogue import add, items
from permille.cli import app

from . import formats

runner = CliRunner()
pytestmark = pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")

GSOC = dict(
    variable="soc_stock", source="FAO (2018) GSOCmap v1.5", license="CC-BY-3.0-IGO", units="t C ha-1",
    file_format="gsocmap", depth_cm=(0, 30), item_datetime="2018-01-01T00:00:00Z", version="1.5.0",
)  # fmt: skip


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("PERMILLE_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_an_empty_catalogue_is_valid(tmp_path):
    assert items.load(tmp_path, bundled=None) == {}
    assert items.load(tmp_path, bundled=tmp_path / "nothing") == {}


def test_bundled_items_are_valid_stac_items():
    for layer in items.load(bundled=items.BUNDLED, home=None).values():  # zero or more, shipped by data-real
        assert layer.bundled and layer.item.stac_version == "1.0.0" and layer.item.type == "Feature"
        assert items.verify(layer) == [], layer.id


def test_added_layer_is_a_stac_item_with_checksum_extent_and_grid(tmp_path, home):
    source = formats.gsocmap(tmp_path / "GSOCmap_1.5.0.tif")
    layer = add.add_layer([source], **GSOC)
    assert layer.id == "gsocmap_1" and layer.folder == home / "layers" / "gsocmap_1"
    stac = json.loads((layer.folder / "item.json").read_text())
    assert stac["stac_version"] == "1.0.0" and stac["type"] == "Feature"
    assert stac["assets"]["data"]["file:checksum"] == items.sha256(source)
    assert (
        stac["assets"]["data"]["href"] == "GSOCmap_1.5.0.tif"
        and (layer.folder / "GSOCmap_1.5.0.tif").is_file()
    )
    assert stac["bbox"] == pytest.approx(list(formats.BBOX))
    p = stac["properties"]
    assert p["resolution"] == "0.1°" and p["proj:epsg"] == 4326 and p["proj:shape"] == [30, 50]
    assert p["raster:bands"][0] == {
        "data_type": "float32",
        "nodata": formats.FLOAT32_NODATA,
        "scale": 1.0,
        "offset": 0.0,
    }
    assert (
        p["permille:synthetic"] is False
        and p["permille:date_added"].endswith("Z")
        and p["depth_cm"] == [0, 30]
    )
    assert set(items.load()) >= {"gsocmap_1"}


def test_uncertainty_layer_links_back(tmp_path, home):
    add.add_layer([formats.gsocmap(tmp_path / "GSOCseq_T0_Map030.tif")], **GSOC)
    unc = formats.gsocmap(tmp_path / "GSOCseq_T0_UncertaintyMap030.tif", uncertainty=True)
    add.add_layer([unc], **GSOC | {"variable": "soc_stock_uncertainty"}, uncertainty_of="gsocseq_t0_map030")
    layers = items.load()
    assert layers["gsocseq_t0_map030"].properties.uncertainty_layer == "gsocseq_t0_uncertaintymap030"
    with pytest.raises(ValueError, match="no such layer"):
        add.add_layer([unc], **GSOC, layer_id="other", uncertainty_of="nothing")


def test_add_refuses_a_file_its_reader_rejects_and_leaves_nothing(tmp_path, home):
    from permille.grid.readers import LayerReadError

    bad = formats.gsocmap(tmp_path / "bad.tif", nodata=-9999.0)
    with pytest.raises(LayerReadError, match="nodata -9999"):
        add.add_layer([bad], **GSOC)
    assert not (home / "layers" / "bad").exists()
    with pytest.raises(ValueError, match="--datetime"):
        add.add_layer([formats.gsocmap(tmp_path / "nodate.tif")], **GSOC | {"item_datetime": None})
    with pytest.raises(ValueError, match="unknown variable"):
        add.add_layer([bad], **GSOC | {"variable": "soc"})


def _write_item(home, name, **changes):
    path = home / "layers" / name / "item.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    item = {
        "type": "Feature", "stac_version": "1.0.0", "id": "x", "geometry": None, "bbox": [0, 0, 1, 1],
        "properties": {
            "title": "X", "variable": "clay", "units": "%", "resolution": "1°", "datetime": "2020-01-01T00:00:00Z",
            "license": "CC-BY-4.0", "version": "1", "permille:source": "test", "permille:date_added": "2026-01-01",
            "permille:synthetic": False,
        },
        "assets": {"data": {"href": "x.tif", "type": "image/tiff", "file:checksum": "sha256:" + "0" * 64}},
    }  # fmt: skip
    for key, value in changes.items():
        target = item["properties"] if key in item["properties"] or key.startswith("permille") else item
        target[key] = value
    path.write_text(json.dumps(item))
    return path


def test_invalid_items_are_all_reported_with_their_files(tmp_path):
    good = _write_item(tmp_path, "x")
    wrong_id = _write_item(tmp_path, "y")
    no_date = _write_item(tmp_path, "z", id="z", datetime=None)
    outside = _write_item(tmp_path, "w", id="w", **{"permille:uncertainty_layer": "nothing"})
    with pytest.raises(items.CatalogueError) as caught:
        items.load(tmp_path, bundled=None)
    problems = caught.value.problems
    assert any(str(wrong_id) in p and "differs from its folder name" in p for p in problems)
    assert any(str(no_date) in p and "start_datetime and end_datetime" in p for p in problems)
    assert any(str(outside) in p and "'nothing' is no layer" in p for p in problems)
    assert not any(str(good) in p for p in problems) and len(problems) == 3
    escaping = _write_item(tmp_path / "other", "x")
    data = json.loads(escaping.read_text())
    data["assets"]["data"]["href"] = "../../secret"
    escaping.write_text(json.dumps(data))
    with pytest.raises(items.CatalogueError, match="relative to the item's folder"):
        items.load(tmp_path / "other", bundled=None)


def test_verify_finds_changed_and_missing_files(tmp_path, home):
    layer = add.add_layer([formats.gsocmap(tmp_path / "GSOCmap_1.5.0.tif")], **GSOC)
    assert items.verify(layer) == []
    path = layer.paths()["data"]
    path.write_bytes(path.read_bytes() + b"\0")
    assert "has checksum sha256:" in items.verify(layer)[0]
    path.unlink()
    assert "is missing" in items.verify(layer)[0]


def test_data_commands(tmp_path, home):
    source = formats.gsocmap(tmp_path / "GSOCmap_1.5.0.tif")
    result = runner.invoke(
        app,
        ["data", "add", str(source), "--variable", "soc_stock", "--source", "FAO (2018) GSOCmap v1.5",
         "--license", "CC-BY-3.0-IGO", "--units", "t C ha-1", "--format", "gsocmap", "--depth", "0-30",
         "--datetime", "2018-01-01T00:00:00Z", "--id", "gsocmap"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "added gsocmap (soc_stock, t C ha-1, 0.1°)" in result.output
    listed = runner.invoke(app, ["data", "list"])
    assert listed.exit_code == 0 and "gsocmap" in listed.output and "CC-BY-3.0-IGO" in listed.output
    as_json = json.loads(runner.invoke(app, ["data", "list", "--json"]).output)
    row = next(r for r in as_json if r["id"] == "gsocmap")
    assert (
        row["source"] == "FAO (2018) GSOCmap v1.5"
        and row["depth_cm"] == [0.0, 30.0]
        and row["units"] == "t C ha-1"
    )
    shown = runner.invoke(app, ["data", "show", "gsocmap"])
    assert shown.exit_code == 0 and '"file:checksum"' in shown.output
    assert runner.invoke(app, ["data", "show", "nothing"]).exit_code == 2
    assert runner.invoke(app, ["data", "verify", "gsocmap"]).exit_code == 0
    (home / "layers" / "gsocmap" / "GSOCmap_1.5.0.tif").write_bytes(b"changed")
    failed = runner.invoke(app, ["data", "verify"])
    assert failed.exit_code == 1 and "FAILED" in failed.output and "has checksum" in failed.output
    again = runner.invoke(app, ["data", "add", str(source), "--variable", "soc_stock", "--source", "s", "--license",
                                "l", "--units", "t C ha-1", "--id", "gsocmap", "--datetime", "2018"])  # fmt: skip
    assert again.exit_code == 2 and "already in the catalogue" in again.output
