"""Measure and re-measure: paired changes by stratum to credits and a report."""

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from permille.cli import app
from permille.measure import remeasurement, schemes
from tests.conftest import REPO, shared_path

EXAMPLE = REPO / "examples" / "remeasurement.csv"


def test_the_project_line_is_the_stratified_estimate_of_the_worked_example():
    expected = json.loads(shared_path("reference/mrv/sampling_statistics_examples.json").read_text())[
        "outputs"
    ]
    result = remeasurement.credit(pd.read_csv(EXAMPLE), schemes.profile("vm0042"))
    *strata, project = result.lines
    assert [s.stratum for s in strata] == ["A", "B", "C"] and project.stratum == remeasurement.PROJECT
    assert (project.mean_t_c_ha, project.df) == pytest.approx(
        (expected["stsi"]["mean"], expected["stsi"]["df"])
    )
    assert project.se_t_c_ha == pytest.approx(expected["stsi"]["se"])
    assert project.conservative_t_c_ha == pytest.approx(expected["poe667_lower_bound"])
    assert project.area_ha == 200.0 and strata[0].area_ha == 120.0
    a = pd.read_csv(EXAMPLE).query("stratum == 'A'").change_t_c_ha
    assert strata[0].mean_t_c_ha == pytest.approx(a.mean()) and strata[0].df == len(a) - 1


def test_scheme_minimum_samples_are_noted():
    result = remeasurement.credit(pd.read_csv(EXAMPLE), schemes.profile("4p1000"))  # 5 points per stratum
    assert result.notes == ["2021–2026, stratum C: 4 points, below the 5 4p1000 requires"]


def test_bad_tables_report_every_problem():
    table = pd.DataFrame(
        {
            "period": ["p"] * 4,
            "stratum": ["A", "A", "B", "C"],
            "area_ha": [10, 12, 5, 5],
            "change_t_c_ha": [1, "x", 2, 3],
        }
    )
    with pytest.raises(ValueError, match=r"row 3, change_t_c_ha: 'x' is not a number"):
        remeasurement.credit(table, schemes.profile("vm0042"))
    table.loc[1, "change_t_c_ha"] = 0.5
    with pytest.raises(ValueError) as info:
        remeasurement.credit(table, schemes.profile("vm0042"))
    text = str(info.value)
    assert (
        "stratum A: area_ha differs" in text
        and "stratum B: 1 point;" in text
        and "stratum C: 1 point;" in text
    )
    with pytest.raises(ValueError, match="missing column"):
        remeasurement.credit(table.drop(columns="area_ha"), schemes.profile("vm0042"))


def test_cli_writes_a_report_whose_waterfall_sums_the_project_only(tmp_path):
    result = CliRunner().invoke(
        app, ["measure", "credits", str(EXAMPLE), "--scheme", "vm0042", "-o", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "report.json").read_text())
    assert [c["stratum"] for c in doc["credits"]] == [remeasurement.PROJECT]
    assert len(doc["stratum_credits"]) == 3 and doc["stocks"] is None
    assert doc["credits"][0]["issuable_t_co2e"] == pytest.approx(467.44, abs=0.01)
    assert (tmp_path / "report.pdf").stat().st_size > 1000
