"""The mapped stock against the measured registry sites (issue 18, point 6): docs/atlas-validation.md's table
recomputed here on its own — the Rothamsted series read from the bundled CSVs, the depth factor from
Jobbágy & Jackson's shares solved with scipy, the mapped pixel read from the source raster in ../shared —
and the registry path (seeded SQLite, permille.monitoring.site_validation) checked against the same."""

import csv
import math
import re
from importlib.resources import files

import pytest
import rasterio
import yaml
from scipy.optimize import brentq

from permille.monitoring import site_validation
from permille.registry import seed
from permille.registry.db import make_engine, migrate, session_factory

from .conftest import REPO, shared_path

ROTHAMSTED = files("permille") / "data" / "rothamsted"
SOURCE = "data/sanderman2017-soc-stocks-5arcmin/SOCS_0_30cm_year_2010AD_10km.tif"
ROUNDING = 0.05 + 1e-9
"""The tables print one decimal."""


def _factor_bounds(depth: float) -> tuple[float, float]:
    """(low, high) of F = stock(0–30)/stock(0–depth): the exponential profile holding 50 % of the first
    metre's SOC in the top 20 cm (forests, Jobbágy & Jackson 2000), and a uniform density."""
    b = brentq(lambda x: (1 - x**20) - 0.5 * (1 - x**100), 0.5, 1 - 1e-9)
    return (1 - b**30) / (1 - b**depth), 30 / depth


def _series(experiment: dict, key: str) -> dict[int, float]:
    with (ROTHAMSTED / experiment["soc_file"]).open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    if rows[0][0] == "treatment":
        row = next(r for r in rows[1:] if r[0] == key)
        pairs = zip(rows[0][1:], row[1:], strict=True)
    else:
        j = rows[0].index(key)
        pairs = ((r[0], r[j]) for r in rows[1:])
    return {int(y): float(v) for y, v in pairs if v.strip() not in ("", "ns")}


def _independent() -> list[dict]:
    """Per Rothamsted treatment: name, measured 0–23 cm stock nearest 2010, and the source pixel value."""
    config = yaml.safe_load((ROTHAMSTED / "experiments.yaml").read_text(encoding="utf-8"))
    out = []
    with rasterio.open(shared_path(SOURCE)) as raster:
        band = raster.read(1)
        for experiment in config["experiments"]:
            for treatment in experiment["treatments"]:
                lat = treatment.get("lat", experiment.get("lat"))
                lon = treatment.get("lon", experiment.get("lon"))
                series = _series(experiment, treatment.get("column") or treatment["row"])
                year = min(series, key=lambda y: (abs(y - 2010), -y))
                row, col = raster.index(lon, lat)
                out.append({"name": treatment["name"], "year": year, "measured": series[year],
                            "mapped": float(band[row, col]), "pixel": (row, col)})  # fmt: skip
    return out


def _doc_tables() -> tuple[list[str], list[list[str]]]:
    """The summary row and the site rows of the measured-sites section of docs/atlas-validation.md."""
    text = (REPO / "docs" / "atlas-validation.md").read_text(encoding="utf-8")
    section = text.split("## Mapped stock vs measured registry sites")[1].split("\n## ")[0]
    rows = [
        [c.strip() for c in line.strip().strip("|").split("|")]
        for line in section.splitlines()
        if line.startswith("|") and not line.startswith("|---")
    ]
    header = rows.index(next(r for r in rows if r[0] == "site"))
    return rows[1], rows[header + 1 :]


def _numbers(cell: str) -> list[float]:
    return [float(x) for x in re.findall(r"[+-]?\d+(?:\.\d+)?", cell.replace("–", " "))]


def test_docs_table_matches_an_independent_recomputation():
    sites = _independent()
    low, high = _factor_bounds(23.0)
    f = (low + high) / 2
    summary, site_rows = _doc_tables()
    assert len(site_rows) == len(sites) == 13
    for doc, site in zip(site_rows, sites, strict=True):
        assert doc[0] == site["name"] and int(doc[2]) == site["year"] and doc[3] == "0–23"
        assert _numbers(doc[4])[0] == pytest.approx(site["measured"], abs=ROUNDING)
        assert _numbers(doc[5])[0] == pytest.approx(site["measured"] * f, abs=ROUNDING)
        assert _numbers(doc[6])[0] == pytest.approx(site["mapped"], abs=ROUNDING)
        assert _numbers(doc[7])[0] == pytest.approx(site["mapped"] - site["measured"] * f, abs=ROUNDING)

    def bias_rmse(factor):
        d = [s["mapped"] - s["measured"] * factor for s in sites]
        return sum(d) / len(d), math.sqrt(sum(x * x for x in d) / len(d))

    bias, rmse = bias_rmse(f)
    (bias_hi_f, rmse_hi_f), (bias_lo_f, rmse_lo_f) = bias_rmse(high), bias_rmse(low)
    assert int(summary[0]) == len(sites)
    assert int(summary[1]) == len({s["pixel"] for s in sites})
    assert float(summary[2]) == pytest.approx(
        sum(s["measured"] * f for s in sites) / len(sites), abs=ROUNDING
    )
    assert float(summary[3]) == pytest.approx(sum(s["mapped"] for s in sites) / len(sites), abs=ROUNDING)
    assert _numbers(summary[4]) == pytest.approx([bias, bias_hi_f, bias_lo_f], abs=ROUNDING)
    assert _numbers(summary[5]) == pytest.approx([rmse, min(rmse_hi_f, rmse_lo_f), max(rmse_hi_f, rmse_lo_f)], abs=ROUNDING)  # fmt: skip
    assert "F = 1.243 ± 0.035" in (REPO / "docs" / "atlas-validation.md").read_text(encoding="utf-8")
    assert (high - low) / math.sqrt(12) == pytest.approx(0.035, abs=5e-4) and f == pytest.approx(
        1.243, abs=5e-4
    )


def test_registry_path_gives_the_same_rows(tmp_path):
    """The seeded registry (what the script and `permille monitoring sites-validation` read) gives the
    independent numbers unrounded."""
    sites = {s["name"]: s for s in _independent()}
    low, high = _factor_bounds(23.0)
    engine = make_engine(f"sqlite:///{tmp_path}/registry.db")
    migrate(engine)
    with session_factory(engine)() as session:
        seed.seed(session)
        session.commit()
        rows = site_validation.site_rows(session, None)
    engine.dispose()
    assert {r["name"] for r in rows} == set(sites)
    for r in rows:
        site = sites[r["name"]]
        assert r["date"].startswith(str(site["year"]))
        assert r["stock_0_30_t_c_ha"] == pytest.approx(site["measured"] * (low + high) / 2, rel=1e-6)
        assert r["stock_0_30_low_t_c_ha"] == pytest.approx(site["measured"] * low, rel=1e-6)
        assert r["mapped_t_c_ha"] == site["mapped"]
    total = site_validation.summary(rows)
    assert total["n"] == len(sites) and total["n_converted"] == len(sites)
    assert total["bias_range_t_c_ha"][0] < total["bias_t_c_ha"] < total["bias_range_t_c_ha"][1]


def test_cli_prints_the_same_table(tmp_path, monkeypatch):
    """`permille monitoring sites-validation` on a fresh registry prints the docs' summary row."""
    import json

    from typer.testing import CliRunner

    from permille.cli import app

    monkeypatch.setenv("PERMILLE_DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    runner = CliRunner()
    markdown = runner.invoke(app, ["monitoring", "sites-validation"])
    assert markdown.exit_code == 0, markdown.output
    summary, _ = _doc_tables()
    assert "| " + " | ".join(summary) + " |" in markdown.output
    answer = runner.invoke(app, ["monitoring", "sites-validation", "--json"])
    total = json.loads(answer.output)["summary"]
    assert total["n"] == int(summary[0]) and f"{total['bias_t_c_ha']:+.1f}" == summary[4].split()[0]
