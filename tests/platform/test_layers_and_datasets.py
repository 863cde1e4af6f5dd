"""``GET /api/layers`` lists every catalogue layer with source, licence, units and resolution; a real atlas
built from the catalogue loads into the ``zone_statistic`` table under its own dataset name with
``synthetic = false``, beside the bundled "atlas-synthetic" (SQLite and PostgreSQL)."""

import json

import pytest
from sqlalchemy import func, select

from permille.catalogue import add, items
from permille.grid import atlas, build
from permille.registry import zones

from .. import formats

pytestmark = pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")
COMMON = dict(source="test reproduction", license="CC-BY-4.0", item_datetime="2020-01-01T00:00:00Z")


@pytest.fixture(scope="module")
def dataset_folder(tmp_path_factory):
    """A real build (tiny: Belgium at 1°, one year, two members) from reproductions of the real files."""
    folder, home = tmp_path_factory.mktemp("sources"), tmp_path_factory.mktemp("home")
    for files, variable, units, fmt in (
        ([formats.gsocmap(folder / "GSOCmap_1.5.0.tif")], "soc_stock", "t C ha-1", "gsocmap"),
        ([formats.soilgrids(folder, "clay")], "clay", "g/kg", "soilgrids"),
        ([formats.esacci(folder / "esacci.tif")], "land_cover", "class", "esacci"),
        ([formats.cru(folder, "tmp")], "tmp", "degC", "cru"),
        ([formats.cru(folder, "pre")], "pre", "mm/month", "cru"),
        ([formats.cru(folder, "pet")], "pet", "mm/day", "cru"),
    ):
        add.add_layer(
            files, variable=variable, units=units, file_format=fmt, layer_id=variable, home=home, **COMMON
        )
    layers = {k: v for k, v in items.load(home).items() if not v.bundled}
    params = build.BuildParameters(resolution_deg=1.0, country="BEL", years=1, members=2)
    table, metadata = build.build_atlas(layers, params, chosen={k: k for k in build.INPUTS.values()})
    out = tmp_path_factory.mktemp("atlas") / metadata["dataset"]
    atlas.write_atlas(table, metadata, out)
    return out, table, metadata


def test_api_lists_every_layer_with_source_licence_units_resolution(client, tmp_path, monkeypatch):
    monkeypatch.setenv("PERMILLE_HOME", str(tmp_path))
    bundled = items.load(tmp_path)
    add.add_layer([formats.gsocmap(tmp_path / "GSOCmap_1.5.0.tif")], variable="soc_stock", units="t C ha-1",
                  file_format="gsocmap", depth_cm=(0, 30), layer_id="gsocmap", **COMMON)  # fmt: skip
    response = client.get("/api/layers")
    assert response.status_code == 200
    listed = {layer["id"]: layer for layer in response.json()}
    assert set(listed) == set(bundled) | {"gsocmap"}
    row = listed["gsocmap"]
    assert (row["source"], row["license"], row["units"], row["resolution"]) == (
        "test reproduction", "CC-BY-4.0", "t C ha-1", "0.1°",
    )  # fmt: skip
    assert row["bundled"] is False and row["synthetic"] is False and row["depth_cm"] == [0.0, 30.0]
    item = client.get("/api/layers/gsocmap").json()
    assert item["stac_version"] == "1.0.0" and item["assets"]["data"]["file:checksum"].startswith("sha256:")
    assert item["properties"]["permille:source"] == "test reproduction"
    assert client.get("/api/layers/nothing").status_code == 404
    assert client.get("/api/layers/..%2Fsecret").status_code in (404, 422)


def test_invalid_catalogue_answers_500_without_paths(client, tmp_path, monkeypatch):
    monkeypatch.setenv("PERMILLE_HOME", str(tmp_path))
    (tmp_path / "layers" / "broken").mkdir(parents=True)
    (tmp_path / "layers" / "broken" / "item.json").write_text("{not json")
    response = client.get("/api/layers")
    assert response.status_code == 500 and str(tmp_path) not in response.text


def test_real_dataset_loads_beside_the_bundled_one(session, dataset_folder):
    folder, table, metadata = dataset_folder
    assert zones.load_bundled(session) > 0
    name, rows = zones.load_folder(session, folder)
    session.commit()
    assert name == metadata["dataset"] and rows == len(table)
    assert zones.datasets(session) == {zones.BUNDLED_DATASET: True, name: False}
    assert zones.load_folder(session, folder) == (name, 0)  # idempotent
    assert zones.load_folder(session, folder, replace=True) == (name, len(table))
    session.commit()
    count = session.scalar(select(func.count()).where(zones.ZoneStatistic.dataset == name))
    assert count == len(table)
    row = session.scalars(
        select(zones.ZoneStatistic).where(
            zones.ZoneStatistic.dataset == name, zones.ZoneStatistic.layer == "soc_t0"
        )
    ).one()
    expected = table[table.layer == "soc_t0"].iloc[0]
    assert (
        row.zone == "BEL" and row.synthetic is False and row.mean == pytest.approx(expected["mean"], rel=1e-5)
    )


def test_a_folder_may_not_pose_as_the_bundled_dataset(session, dataset_folder, tmp_path):
    folder, *_ = dataset_folder
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / zones.TABLE_FILE).write_text((folder / zones.TABLE_FILE).read_text())
    metadata = zones.folder_metadata(folder) | {"dataset": zones.BUNDLED_DATASET}
    (fake / zones.METADATA_FILE).write_text(json.dumps(metadata))
    with pytest.raises(ValueError, match="bundled demonstration dataset"):
        zones.load_folder(session, fake)
    (fake / zones.METADATA_FILE).write_text(json.dumps({"dataset": "atlas-x"}))
    with pytest.raises(ValueError, match="whether the table is synthetic"):
        zones.load_folder(session, fake)


def test_dataset_metadata_by_name(tmp_path, dataset_folder):
    folder, _, metadata = dataset_folder
    assert zones.dataset_metadata(zones.BUNDLED_DATASET)["synthetic"] is True
    target = zones.dataset_folder(metadata["dataset"], tmp_path)
    target.parent.mkdir(parents=True)
    target.symlink_to(folder)
    assert zones.dataset_metadata(metadata["dataset"], tmp_path)["layers"][0]["id"] == "soc_stock"
    with pytest.raises(ValueError, match="dataset name"):
        zones.dataset_folder("../etc")


def test_atlas_load_command(db_url, engine, dataset_folder, monkeypatch):
    from typer.testing import CliRunner

    from permille.cli import app
    from permille.registry.db import session_factory

    folder, table, metadata = dataset_folder
    monkeypatch.setenv("PERMILLE_DATABASE_URL", db_url)
    result = CliRunner().invoke(app, ["atlas", "load", str(folder)])
    assert result.exit_code == 0, result.output
    assert f"loaded {len(table)} rows of dataset {metadata['dataset']}" in result.output
    with session_factory(engine)() as session:
        assert zones.datasets(session) == {metadata["dataset"]: False}
    again = CliRunner().invoke(app, ["atlas", "load", str(folder)])
    assert again.exit_code == 0 and "loaded 0 rows" in again.output
