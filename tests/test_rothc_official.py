"""The official RothC examples, reproduced month by month (reference cases in reference/rothc_cases.toml)."""

import tomllib

import numpy as np
import pandas as pd
import pytest

from permille.io import rothc_files
from permille.models import rothc
from tests.conftest import REFERENCE, shared_path

CASES = tomllib.loads((REFERENCE / "rothc_cases.toml").read_text())["case"]


def _compare(got: pd.DataFrame, expected: pd.DataFrame, case: dict) -> None:
    assert list(got.columns) == list(expected.columns)
    assert len(got) == len(expected)
    for column in expected.columns:
        tolerance = case["delta14c_tolerance"] if column == "deltaC" else case["tolerance"]
        np.testing.assert_allclose(
            got[column].to_numpy(float),
            expected[column].to_numpy(float),
            rtol=0,
            atol=tolerance,
            err_msg=column,
        )


@pytest.fixture(scope="module", params=CASES, ids=[c["name"] for c in CASES])
def case(request):
    case = request.param
    run = rothc_files.run_input(rothc_files.read_input(shared_path("reference/rothc/" + case["input"])))
    return case, run


def test_every_month_matches_the_official_output(case):
    case, run = case
    expected = pd.read_csv(shared_path("reference/rothc/" + case["months"]))
    _compare(rothc_files.month_table(run), expected, case)


def test_year_table_and_spinup_length_match(case):
    case, run = case
    expected = pd.read_csv(shared_path("reference/rothc/" + case["years"]))
    assert run.spinup_months == expected.Month.iloc[0]
    _compare(rothc_files.year_table(run), expected, case)


def test_written_tables_read_back_equal_to_the_official_ones(case, tmp_path):
    case, run = case
    paths = rothc_files.write_results(run, tmp_path)
    for path, key in zip(paths, ("months", "years"), strict=True):
        assert path.name == case[key].split("/")[-1]
        _compare(pd.read_csv(path), pd.read_csv(shared_path("reference/rothc/" + case[key])), case)


def test_mass_balance_closes(case):
    _, run = case
    assert np.abs(run.result.mass_balance_residual()).max() < 1e-10


def test_exact_equilibrium_is_within_the_official_spinup_convergence(case):
    case, run = case
    data = rothc_files.read_input(shared_path("reference/rothc/" + case["input"]))
    exact = rothc.equilibrium(data.soil, data.forcing(slice(0, 12)))
    np.testing.assert_allclose(exact.pools, run.start.pools, rtol=0, atol=2e-4)
    # the spin-up stops when SOC changes < 1e-6 t C/ha/yr; run to 1e-12 it converges onto the exact state
    tight, _ = rothc.spin_up(data.soil, data.forcing(slice(0, 12)), tolerance=1e-12)
    np.testing.assert_allclose(exact.pools, tight.pools, rtol=0, atol=1e-8)
    np.testing.assert_allclose(exact.c14, tight.c14, rtol=1e-8)


def test_exact_start_changes_the_run_by_no_more_than_the_spinup_error(case):
    case, run = case
    data = rothc_files.read_input(shared_path("reference/rothc/" + case["input"]))
    exact = rothc_files.run_input(data, spin_up="exact")
    assert exact.spinup_months == 0
    assert np.abs(exact.result.soc - run.result.soc).max() < 2e-4
