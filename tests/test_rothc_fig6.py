"""Fig. 6 of the RothC description (Rothamsted-Models/RothC_Code, RothC_description.pdf v2.0): RothC on
Hoosfield — unmanured, FYM every year, FYM 1852–71 — reproduced with the Hoosfield set-up of
experiments.yaml (calendar, FYM months, fallow years, clay 23.4 %, IOM 2.7 t C/ha as the description's
worked example) on the station's 1961–1990 means.

Tolerance: the curves were digitised from the figure image to about ± 1 t C/ha
(``shared/reference/rothc/hoosfield_fig6_modelled_digitised.csv``, its header). A run reproduces a curve
when the RMS difference over the digitised points is within that read precision (1 t C/ha) and no point
is off by more than 1.5 t C/ha (the read precision, plus our weather means in place of the description's
own Rothamsted weather).

The description's printed inputs and its figure disagree: the figure starts at the measured 30.7 t C/ha of
1852, not at the printed equilibrium of 33.86; from there the printed 2.80 t C/ha/yr + 3.0 FYM reproduces
the FYM-every-year curve, but the printed 1.60 does not reproduce the unmanured curve (about 1.27 does) nor
the FYM 1852–71 curve after 1876 (about 1.93 does, with the printed 2.80 before).
"""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from permille.models import long_term
from permille.registry import rothamsted

from .conftest import shared_path

READ_PRECISION = 1.0  # t C/ha, the digitising's (file header)
MAX_OFF = 1.5  # t C/ha
FIGURE_START, PRINTED_START, IOM = (
    30.7,
    33.8632,
    2.7,
)  # t C/ha: measured 1852; printed equilibrium; printed IOM
LATE = 1877  # the printed FYM 1852–71 input: 2.80 to 1876, 1.60 from 1877
SITES = {
    "unmanured": "Hoosfield — unmanured (plot 11)",
    "FYM annually": "Hoosfield — FYM every year since 1852 (plot 72)",
    "FYM 1852-71": "Hoosfield — FYM 1852–1871 only (plot 71)",
}


@pytest.fixture(scope="module")
def figure():
    table = pd.read_csv(shared_path("reference/rothc/hoosfield_fig6_modelled_digitised.csv"), comment="#")
    return {k: (d.year.to_numpy(), d.modelled_soc_t_c_ha.to_numpy()) for k, d in table.groupby("treatment")}


def _run(curve: str, start: float, *, before=1.0, after=1.0, fym=True, fallows=True):
    """SOC response (central member) of a Fig. 6 curve with the site's set-up; the plant input of the
    years before 1877 set to ``before`` × the input, later ones to ``after`` × (0 drops them from the unit response)."""
    t = rothamsted.treatment(SITES[curve])
    w = rothamsted.weather("rothamsted_30yr_means_1961-1990.csv")
    periods = []
    for p in rothamsted.periods(t):  # split at 1877
        spans = [(p.first_year, p.last_year)]
        if p.first_year < LATE and (p.last_year is None or p.last_year >= LATE):
            spans = [(p.first_year, LATE - 1), (LATE, p.last_year)]
        periods += [
            dataclasses.replace(p, first_year=a, last_year=b, input_factor=before if a < LATE else after,
                                fym=p.fym if fym else ())
            for a, b in spans
        ]  # fmt: skip
    return long_term.response(
        clay=t.get("clay_pct"), anchor_soc=start, iom=IOM, pre_crop=rothamsted._crop(t.get("pre_crop")),
        periods=periods, start_year=t.start_year, end_year=2000,
        weather=long_term.Weather(*(np.array(w[k]) for k in ("temperature", "rain", "evaporation"))),
        fym_t_c_ha_yr=rothamsted.config()["fym_t_c_ha_yr"], fallow_years=t.get("fallow_years") if fallows else [],
    )  # fmt: skip


def _curve(curve: str, years, start: float, plant):
    """Modelled SOC of ``curve`` in ``years`` with ``plant`` = the input (t C/ha/yr), or (before 1877,
    after) for FYM 1852–71."""
    if curve != "FYM 1852-71":
        resp = _run(curve, start)
        return resp.soc(plant)[resp.rows(years), 0]
    early, late = _run(curve, start, after=0.0), _run(curve, start, before=0.0, fym=False)
    rows = early.rows(years)
    return early.soc(plant[0])[rows, 0] + plant[1] * late.unit[rows, 0]


def _fit(curve: str, years, soc):
    """The input(s) that fit the curve: one input, or the input after 1876 with the printed 2.80 before."""
    if curve != "FYM 1852-71":
        return float(long_term.fit_plant_input(_run(curve, FIGURE_START), years, soc)[0])
    b = _curve(curve, years, FIGURE_START, (2.80, 0.0))
    u = _curve(curve, years, FIGURE_START, (2.80, 1.0)) - b
    return (2.80, float(np.sum(u * (soc - b)) / np.sum(u * u)))


def _within(modelled, digitised) -> bool:
    off = modelled - digitised
    return bool(np.sqrt(np.mean(off**2)) <= READ_PRECISION and np.abs(off).max() <= MAX_OFF)


@pytest.mark.parametrize("curve", list(SITES))
def test_fitted_inputs_reproduce_the_figure(figure, curve):
    years, soc = figure[curve]
    plant = _fit(curve, years, soc)
    modelled = _curve(curve, years, FIGURE_START, plant)
    assert _within(modelled, soc), (plant, np.round(modelled - soc, 2))
    # the inputs that fit, as the digitising notes read them off the figure (± 0.1 t C/ha/yr)
    expected = {"unmanured": 1.30, "FYM annually": 2.80, "FYM 1852-71": 1.98}[curve]
    assert np.atleast_1d(plant)[-1] == pytest.approx(expected, abs=0.1)


def test_printed_inputs_reproduce_the_fym_curve_only(figure):
    """From the figure's start, the printed inputs reproduce FYM every year; they miss the two others by
    more than 3 t C/ha in 2000 (the figure lies below with unmanured, above with FYM 1852–71)."""
    printed = {"unmanured": 1.60, "FYM annually": 2.80, "FYM 1852-71": (2.80, 1.60)}
    off = {}
    for curve, plant in printed.items():
        years, soc = figure[curve]
        modelled = _curve(curve, years, FIGURE_START, plant)
        off[curve] = modelled - soc
        assert _within(modelled, soc) == (curve == "FYM annually"), (curve, np.round(off[curve], 2))
    assert off["unmanured"][-1] > 3.0 and off["FYM 1852-71"][-1] < -3.0


def test_the_printed_start_is_not_the_figure_start(figure):
    """The printed equilibrium (33.86 t C/ha, input 1.70) starts 3 t C/ha above the figure's first
    digitised point (1853), where a start from the measured 30.7 is within the read precision."""
    years, soc = figure["unmanured"]
    first = years[:1]
    assert abs(_curve("unmanured", first, FIGURE_START, 1.30)[0] - soc[0]) <= READ_PRECISION
    assert _curve("unmanured", first, PRINTED_START, 1.60)[0] - soc[0] > 3.0


def test_the_figure_has_the_fallow_years(figure):
    """Without Hoosfield's four fallow years no input reproduces the FYM-every-year curve."""
    years, soc = figure["FYM annually"]
    resp = _run("FYM annually", FIGURE_START, fallows=False)
    plant = long_term.fit_plant_input(resp, years, soc)[0]
    modelled = resp.soc(plant)[resp.rows(years), 0]
    assert not _within(modelled, soc) and np.abs(modelled - soc).max() > 2.5
