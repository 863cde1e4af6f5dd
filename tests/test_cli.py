"""The command line, run as a user would."""

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from permille.cli import app
from tests.conftest import shared_path

runner = CliRunner()


def test_help_lists_the_commands():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "demo" in result.output and "rothc" in result.output
    result = runner.invoke(app, ["rothc", "--help"])
    assert "run" in result.output and "equilibrium" in result.output


def test_demo_writes_the_official_tables_and_a_plot(tmp_path):
    result = runner.invoke(app, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "20916 months of official spin-up" in result.output
    expected = pd.read_csv(shared_path("reference/rothc/official-r-example/year_results.out"))
    got = pd.read_csv(tmp_path / "year_results.out")
    assert (got - expected).abs().max().max() < 1e-9
    assert (tmp_path / "soc.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_rothc_run_on_a_user_file(tmp_path):
    source = shared_path("reference/rothc/official-py-example/RothC_input.dat")
    result = runner.invoke(
        app, ["rothc", "run", str(source), "-o", str(tmp_path), "--spin-up", "exact", "--no-plot"]
    )
    assert result.exit_code == 0, result.output
    assert "exact equilibrium" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["month_results.csv", "year_results.csv"]


def test_rothc_equilibrium_with_an_observed_stock():
    source = shared_path("reference/rothc/official-py-example/RothC_input.dat")
    result = runner.invoke(app, ["rothc", "equilibrium", str(source), "--soc", "40"])
    assert result.exit_code == 0, result.output
    assert "spin-up (19872 months)" in result.output
    assert "plant input that sustains SOC 40 t C/ha" in result.output


def test_bad_file_gives_a_message_and_exit_code_2(tmp_path):
    bad = tmp_path / "bad.dat"
    bad.write_text("not rothc\n")
    result = runner.invoke(app, ["rothc", "run", str(bad), "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "not a RothC input file" in result.output


def test_ipcc_factors_lists_values_uncertainty_and_verification():
    result = runner.invoke(app, ["ipcc", "factors", "tropical moist", "LAC"])
    assert result.exit_code == 0, result.output
    assert "SOCref (tropical moist, LAC, IPCC 2019): 38 t C/ha ± 5 %" in result.output
    perennial = next(line for line in result.output.splitlines() if "perennial/tree crop" in line)
    assert "1.10" in perennial and "UNVERIFIED" in perennial
    result = runner.invoke(app, ["ipcc", "factors", "tropical moist", "spodic"])
    assert result.exit_code == 2 and "no SOCref for spodic soils" in result.output


def test_validate_reports_the_statistics_and_the_bias_test(tmp_path):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("predicted,observed\n31,30\n31,32\n37,35\n40,40\n46,45\n")
    result = runner.invoke(app, ["validate", str(pairs)])
    assert result.exit_code == 0, result.output
    assert "n = 5; bias +0.600" in result.output and "passes at alpha = 0.1" in result.output
    pairs.write_text("pred,observed\n1,2\n")
    result = runner.invoke(app, ["validate", str(pairs)])
    assert result.exit_code == 2 and "missing column(s) predicted" in result.output


def test_cumbria_hedgerows_end_to_end(tmp_path):
    """import → stocks → ESM → hedgerow vs control difference with interval → credits → report."""
    from tests.conftest import REPO

    cores = REPO / "src" / "permille" / "data" / "mrv" / "Cumbria_Hedgerows.csv"
    args = [
        "measure",
        "compare",
        str(cores),
        "--treatment",
        "hedge",
        "--control",
        "control",
        "--area-ha",
        "2.5",
    ]
    result = runner.invoke(app, [*args, "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "hedge − control, 0–50 cm, ESM" in result.output and "left out" in result.output
    doc = json.loads((tmp_path / "report.json").read_text())
    esm = [c for c in doc["changes"] if c["method"] == "ESM" and c["depth_cm"] == 50.0][0]
    assert 0 < esm["low_t_c_ha"] < esm["mean_t_c_ha"] < esm["high_t_c_ha"]  # hedgerows store more carbon
    (line,) = doc["credits"]
    assert line["gross_t_co2e"] == pytest.approx(esm["mean_t_c_ha"] * 2.5 * 44 / 12)
    assert 0 < line["issuable_t_co2e"] < line["after_leakage_t_co2e"] < line["gross_t_co2e"]
    assert (tmp_path / "report.pdf").read_bytes()[:5] == b"%PDF-"
    html = (tmp_path / "report.html").read_text()
    assert html.count("data:image/svg+xml;base64,") == 3 and "Credit chain" in html


def test_compare_reference_mass_and_extrapolation_options_reach_the_comparison(tmp_path):
    from permille.io.soil_import import CUMBRIA_HEDGEROWS, read_soil
    from permille.measure.comparison import compare
    from permille.measure.esm import ReferenceMass
    from tests.conftest import REPO

    cores = REPO / "src" / "permille" / "data" / "mrv" / "Cumbria_Hedgerows.csv"
    args = ["measure", "compare", str(cores), "--treatment", "hedge", "--control", "control"]
    result = runner.invoke(app, [*args, "--reference-mass", "mean", "--extrapolate", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    changes = json.loads((tmp_path / "report.json").read_text())["changes"]
    cli = [c["mean_t_c_ha"] for c in changes if c["method"] == "ESM"]
    frame = read_soil(cores, CUMBRIA_HEDGEROWS).to_frame()
    kwargs = {"treatment": "hedge", "control": "control", "depths_cm": (30.0, 50.0)}
    mean = compare(frame, **kwargs, reference=ReferenceMass.MEAN, extrapolate=True).differences
    minimum = compare(frame, **kwargs).differences
    assert cli == pytest.approx(mean[mean.method == "ESM"].mean_t_c_ha.tolist(), rel=1e-12)
    assert cli != pytest.approx(minimum[minimum.method == "ESM"].mean_t_c_ha.tolist(), rel=1e-6)
    bad = runner.invoke(app, [*args, "--reference-mass", "median", "-o", str(tmp_path)])
    assert bad.exit_code == 2 and "median" in bad.output


def test_bad_soil_file_is_rejected_and_nothing_is_written(tmp_path):
    bad = tmp_path / "cores.csv"
    bad.write_text(
        "system,field,core,depth_at_top_cm,depth_at_bottom_cm,soc_perc,som_perc,fine_mass_g,total_volume_cm3\n"
        "S,control,C1,0,10,2.0,4.0,120,100\n"
        "S,control,C1,5,20,abc,3.0,130,100\n"
        "S,hedge,H1,0,10,150,4.0,120,100\n"
    )
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["measure", "compare", str(bad), "--treatment", "hedge", "--control", "control", "-o", str(out)]
    )
    assert result.exit_code == 2
    for expected in ("row 3", "soc_perc", "abc", "row 4", "150"):
        assert expected in result.output, result.output
    assert not out.exists()
