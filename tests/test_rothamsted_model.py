"""RothC-26.3 on the Rothamsted long-term experiments (package data) against their measurements.

Tolerances from the literature: Smith et al. (1997, Geoderma 81:153, doi:10.1016/S0016-7061(97)00087-6)
compared nine SOC models on long-term experiments, Rothamsted's among them; RothC was among the best, with
root-mean-square errors of roughly 5–15 % of the observed mean (their RMSE statistic, in %). Here every
treatment's leave-one-out relative RMSE must stay within 15 %, and where the measurements trend strongly
(the manured plots, grass ploughed to arable), the modelling efficiency EF must be clearly positive.
"""

import numpy as np
import pandas as pd
import pytest

from permille.measure.validation import validate
from permille.models import long_term, rothc
from permille.registry import rothamsted

from .conftest import shared_path

TRENDING = (
    "Hoosfield — FYM every year since 1852 (plot 72)",
    "Broadbalk — FYM since 1843 (plot 2.2)",
    "Highfield — grass ploughed to continuous arable",
    "Fosters — arable sown to grass",
)


def test_every_treatment_has_a_measured_series_and_a_source():
    names = [t.name for t in rothamsted.treatments()]
    assert len(names) == len(set(names)) == 13
    for t in rothamsted.treatments():
        assert len(t.series) >= 5, t.name
        assert all(0 < v < 150 for _, v in t.series), t.name
        assert "doi:10.23637/" in t.experiment["soc_source"]
        assert -0.4 < t.get("lon") < -0.35 and 51.80 < t.get("lat") < 51.82  # Rothamsted, Harpenden
        assert t.anchor == t.series[0] or t.treatment.get("anchor_year") == t.anchor[0]


@pytest.mark.parametrize("name", [t.name for t in rothamsted.treatments()])
def test_leave_one_out_error_within_the_literature_range(name):
    t = rothamsted.treatment(name)
    answer = rothamsted.long_term(name, list(t.series))
    stats = answer["validation"]["statistics"]
    assert stats["n"] == len(t.series) - 1  # the starting stock initialises the model
    assert stats["rrmse_pct"] <= 15.0, stats
    if name in TRENDING:
        assert stats["efficiency"] >= 0.5, stats
    # the statistics are those of the pairs shown, computed by measure.validation
    pairs = answer["validation"]["pairs"]
    again = validate([p["predicted_t_c_ha"] for p in pairs], [p["observed_t_c_ha"] for p in pairs])
    assert again.rmse == pytest.approx(stats["rmse"]) and again.bias == pytest.approx(stats["bias"])
    # the band holds the central run and widens away from the starting stock
    points = answer["modelled"]["points"]
    assert all(p["low_t_c_ha"] <= p["soc_t_c_ha"] + 1e-9 <= p["high_t_c_ha"] + 2e-9 for p in points)
    assert points[-1]["high_t_c_ha"] - points[-1]["low_t_c_ha"] > 0.1


def test_unchanged_management_needs_the_pre_experiment_input():
    """Fosters stayed arable: the calibrated input must match the input of its pre-1949 equilibrium."""
    t = rothamsted.treatment("Fosters — continuous arable")
    modelled = rothamsted.long_term(t.name, list(t.series))["modelled"]
    assert modelled["plant_input_t_c_ha_yr"] == pytest.approx(
        modelled["pre_experiment_input_t_c_ha_yr"], rel=0.15
    )


def test_manure_raises_the_modelled_stock_as_measured():
    """Hoosfield: FYM every year > FYM 1852–1871 only > unmanured, in 1998 — modelled as measured."""
    names = [t.name for t in rothamsted.treatments() if t.experiment["key"] == "hoosfield"]
    last = {}
    for name in names:
        answer = rothamsted.long_term(name, list(rothamsted.treatment(name).series))
        year = rothamsted.treatment(name).series[-1][0]
        last[name] = next(p["soc_t_c_ha"] for p in answer["modelled"]["points"] if p["year"] == year)
    measured = {n: rothamsted.treatment(n).series[-1][1] for n in names}
    assert sorted(last, key=last.get) == sorted(measured, key=measured.get)


def test_linear_response_equals_a_direct_run():
    """base + p × unit equals RothC run directly with plant input p (the calibration's premise)."""
    t = rothamsted.treatment("Hoosfield — FYM 1852–1871 only (plot 71)")
    resp = rothamsted.response(t.name)
    crop = rothamsted._crop("spring_barley")
    plan = long_term.management(
        [long_term.Period(1852, crop, True, 1871), long_term.Period(1872, crop, False)], 1852, int(resp.years[-1]),
        t.get("fallow_years"),
    )  # fmt: skip
    assert plan["input"].reshape(-1, 12)[1912 - 1852].sum() == 0  # fallow year
    w = rothamsted.weather("rothamsted_30yr_means_1961-1990.csv")
    p, fym, iom = 2.0, 3.0, float(resp.iom[0])
    years = len(resp.years)
    start = rothc.inputs_for_stock(
        rothc.Soil(clay=t.get("clay_pct"), iom=iom),
        rothc.Forcing(w["temperature"], w["rain"], w["evaporation"], crop.cover, crop.input, dpm_rpm=1.44),
        t.anchor[1],
    )[1]
    direct = rothc.run(
        rothc.Soil(clay=t.get("clay_pct"), iom=iom),
        rothc.Forcing(
            temperature=np.tile(w["temperature"], years),
            rain=np.tile(w["rain"], years),
            evaporation=np.tile(w["evaporation"], years),
            plant_cover=plan["cover"],
            plant_input=plan["input"] * p,
            fym=plan["fym"] * fym,
            dpm_rpm=plan["dpm_rpm"],
        ),  # fmt: skip
        start,
        output="yearly",
    ).soc[:, 0]
    np.testing.assert_allclose(resp.soc(p)[:, 0], direct, rtol=1e-10)


def test_management_refuses_gaps_and_overlaps():
    crop = long_term.Crop(cover=[1] * 12, input=[1 / 12] * 12)
    with pytest.raises(ValueError, match="overlaps.*no period covers"):
        long_term.management([long_term.Period(2000, crop, last_year=2005), long_term.Period(2003, crop, last_year=2004)],
                             2000, 2008)  # fmt: skip
    with pytest.raises(ValueError, match="sum to 0.5"):
        long_term.Crop(cover=[1] * 12, input=[0.5] + [0] * 11)


def test_hoosfield_equilibrium_agrees_with_the_rothc_description_worked_example():
    """RothC_description.pdf 2.2: input 1.70 t C/ha/yr, DPM/RPM 1.44, IOM 2.7, clay 23.4 % give 33.8632 t C/ha
    on 31 Dec 1851 (the description's own Rothamsted weather, not printed with it). With the bundled
    1961–1990 means and the spring-barley calendar every pool but DPM (which depends on the input month)
    and the total must agree within 5 %."""
    example = pd.read_csv(
        shared_path("reference/rothc/hoosfield_worked_example_from_RothC_description.csv"), comment="#"
    ).set_index("pool")
    w = rothamsted.weather("rothamsted_30yr_means_1961-1990.csv")
    crop = rothamsted._crop("spring_barley")
    eq = rothc.equilibrium(
        rothc.Soil(clay=23.4, depth=23.0, iom=2.7),
        rothc.Forcing(
            w["temperature"], w["rain"], w["evaporation"], crop.cover, np.multiply(crop.input, 1.70)
        ),
    )
    got = dict(zip(("DPM", "RPM", "BIO", "HUM"), eq.pools[:, 0], strict=True)) | {"Total": eq.soc[0]}
    for pool in ("RPM", "BIO", "HUM", "Total"):
        assert got[pool] == pytest.approx(example.loc[pool, "C_31Dec1851_t_ha"], rel=0.05), pool


def test_bundled_data_are_the_shared_reference_files():
    for name in ("hoosfield_soc_t_ha_0-23cm.csv", "broadbalk_soc_t_ha_0-23cm_v2_2021.csv",
                 "ley_arable_soc_highfield_fosters_t_ha_0-23cm.csv", "rothamsted_30yr_means_1961-1990.csv"):  # fmt: skip
        shared = shared_path(f"reference/rothamsted/{name}").read_bytes()
        assert (rothamsted.DATA / name).read_bytes() == shared, name
