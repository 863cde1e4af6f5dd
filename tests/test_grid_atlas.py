"""The monitoring atlas: zone tables on the global synthetic grid equal the pipeline's zonal statistics,
and the bundled tables are what their generator's parameters give."""

from dataclasses import asdict

import numpy as np
import pytest
from typer.testing import CliRunner

from permille.cli import app
from permille.grid import atlas, pipeline, zonal

SMALL = atlas.AtlasParameters(resolution_deg=5.0, years=2, members=3, seed=1, warmup_years=1, start_year=2020)


@pytest.fixture(scope="module")
def small():
    return atlas.atlas_table(SMALL)


def _row(table, level, zone, layer, year):
    rows = table[
        (table.level == level) & (table.zone == zone) & (table.layer == layer) & (table.year == year)
    ]
    assert len(rows) == 1, (level, zone, layer, year)
    return rows.iloc[0]


def test_global_synthetic_grid_is_labelled_land_only_and_plausible():
    ds = atlas.global_synthetic_grid(2.0, warmup_years=0)
    assert "SYNTHETIC" in ds.attrs["comment"]
    land = np.isfinite(ds["soc_t0"].values)
    assert 0.2 < land.mean() < 0.35  # about 29 % of the globe is land (Antarctica left out)
    assert not land[ds["y"].values < -60].any()
    july = ds["temperature"].sel(month=7)
    north, south = july.where(ds["y"] > 30).mean(), july.where(ds["y"] < -30).mean()
    assert north > south + 10  # July is summer in the north only
    assert ds["soc_t0"].where(np.abs(ds["y"]) > 50).mean() > ds["soc_t0"].where(np.abs(ds["y"]) < 20).mean()
    assert set(np.unique(ds["land_cover"].values[land])) <= {1.0, 2.0, 3.0, 4.0, 9.0, 10.0}


def test_small_atlas_equals_zonal_stats_of_the_pipeline(small):
    table, metadata = small
    assert metadata["synthetic"] is True and metadata["parameters"]["resolution_deg"] == 5.0
    ds = atlas.global_synthetic_grid(5.0, seed=1, warmup_years=1, start_year=2020)
    rasters = atlas.zone_rasters(ds["soc_t0"])
    countries = table[(table.level == "country") & (table.layer == "soc_t0")]
    iso3 = countries.sort_values("n_valid").iloc[-1]["zone"]  # the country with the most modelled cells
    for year, layers in (
        (1, ["soc_t0", "soc_bau", "soc_ssm_20"]),
        (2, ["soc_ssm_5", "diff_ssm_10", "rate_bau"]),
    ):
        result = pipeline.run(ds, years=year, members=3, seed=1)
        for layer in layers:
            for level, zone in (("country", iso3), ("region", "Europe"), ("global", atlas.WORLD)):
                expected = zonal.zonal_stats(
                    result[layer], rasters[level], sd_t_c_ha=result[f"{layer}_sd"], correlation="full"
                ).loc[zone]
                row = _row(table, level, zone, layer, 2020 if layer == "soc_t0" else 2020 + year)
                assert row["mean"] == pytest.approx(expected["mean_t_c_ha"], rel=1e-12)
                assert row["sd_total"] == pytest.approx(expected["sd_total_mt_c"], rel=1e-12)
                assert row["total_high"] == pytest.approx(expected["total_high_mt_c"], rel=1e-12)
                assert row["area_ha"] == pytest.approx(expected["area_ha"], rel=1e-12)


def test_small_atlas_has_fans_units_and_every_zone(small):
    table, _ = small
    world = table[(table.level == "global") & (table.layer == "soc_bau")]
    assert sorted(world.year) == [2021, 2022]  # one row per forward year: the fan
    assert set(table[table.level == "region"].zone) == {
        "Africa", "Asia", "Europe", "Latin America and the Caribbean", "North America and Oceania"
    }  # fmt: skip
    assert set(table[table.level == "country"].zone) == set(atlas.country_index().index)
    rates = table[table.layer.str.startswith("rate_")]
    assert set(rates.mean_units) == {"t C ha-1 yr-1"} and set(rates.total_units) == {"Mt C yr-1"}
    stocks = table[table.layer.str.startswith("soc_")]
    assert set(stocks.mean_units) == {"t C ha-1"} and set(stocks.total_units) == {"Mt C"}
    regions = table[(table.level == "region") & (table.layer == "soc_t0")]
    assert regions.total.sum() == pytest.approx(
        _row(table, "global", "WLD", "soc_t0", 2020)["total"], rel=1e-9
    )


def test_bundled_table_matches_its_generator():
    table, metadata = atlas.read_atlas()
    params = atlas.AtlasParameters()
    assert metadata["synthetic"] is True and "SYNTHETIC" in metadata["caveat"]
    assert metadata["parameters"] == asdict(params) | {"increases": list(params.increases)}
    ds = atlas.global_synthetic_grid(params.resolution_deg, seed=params.seed, warmup_years=0)
    assert metadata["grid_sha256"] == atlas.grid_digest(ds)
    rasters = atlas.zone_rasters(ds["soc_t0"])
    land_ha = float(zonal.cell_area_ha(ds["soc_t0"]).where(rasters["global"] > 0).sum())
    world = _row(table, "global", "WLD", "soc_t0", params.start_year)
    assert world["zone_area_ha"] == pytest.approx(land_ha, rel=1e-5)
    fan = table[(table.level == "global") & (table.layer == "soc_bau")].year
    assert sorted(fan) == list(range(params.start_year + 1, params.start_year + params.years + 1))
    assert set(table.level) == set(atlas.LEVELS)
    assert list(table.columns) == list(atlas.COLUMNS)


def test_cli_writes_the_tables(tmp_path):
    args = [
        "--resolution",
        "10",
        "--years",
        "1",
        "--members",
        "2",
        "--warmup-years",
        "0",
        "--out",
        str(tmp_path),
    ]
    result = CliRunner().invoke(app, ["grid", "atlas", *args])
    assert result.exit_code == 0, result.output
    table, metadata = atlas.read_atlas(tmp_path)
    assert metadata["synthetic"] is True and metadata["parameters"]["resolution_deg"] == 10.0
    assert all(line.startswith("SYNTHETIC — not real data: ") for line in result.output.splitlines() if line)
    assert set(table.year) == {2020, 2021}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (atlas.AtlasParameters(resolution_deg=10.0, members=1), "members"),
        (atlas.AtlasParameters(resolution_deg=0.7), "resolution_deg"),
    ],
)
def test_bad_parameters_are_refused(params, message):
    with pytest.raises(ValueError, match=message):
        atlas.atlas_table(params)
