"""Bad RothC input is rejected with every problem named: field, site and month."""

import numpy as np
import pytest

from permille.models import rothc

CLIMATE = dict(temperature=np.full(12, 10.0), rain=np.full(12, 60.0), evaporation=np.full(12, 40.0))


def _problems(soil, forcing, call=rothc.run, *args) -> list[str]:
    with pytest.raises(rothc.RothCInputError) as info:
        call(soil, forcing, *args)
    message = str(info.value)
    assert all(p in message for p in info.value.problems)
    return info.value.problems


@pytest.mark.parametrize(
    ("soil", "field", "words"),
    [
        (dict(clay=[20.0, 120.0]), "clay", ["site 1", "120", "[0, 100] %"]),
        (dict(clay=[-1.0, 20.0]), "clay", ["site 0", "-1"]),
        (dict(clay=20.0, depth=[23.0, 0.0]), "depth", ["site 1", "(0, inf] cm"]),
        (dict(clay=[np.nan, 20.0]), "clay", ["site 0", "not a finite number"]),
        (dict(clay=20.0, iom=[-0.5, 1.0]), "iom", ["site 0", "-0.5"]),
        (dict(clay=[10.0, 20.0, 30.0], depth=[23.0, 23.0]), "depth", ["shape (2,)", "(3,)"]),
    ],
)
def test_bad_soil_names_the_field_and_the_site(soil, field, words):
    problems = _problems(rothc.Soil(**{"iom": 1.0, **soil}), rothc.Forcing(**CLIMATE))
    assert any(p.startswith(field) and all(w in p for w in words) for p in problems), problems


@pytest.mark.parametrize(
    ("forcing", "field", "words"),
    [
        (dict(plant_input=np.r_[np.zeros(11), -0.1]), "plant_input", ["month 12", "-0.1"]),
        (dict(fym=np.r_[-1.0, np.zeros(11)]), "fym", ["month 1"]),
        (dict(rain=np.r_[np.nan, np.full(11, 60.0)]), "rain", ["month 1", "not a finite number"]),
        (dict(dpm_rpm=0.0), "dpm_rpm", ["(0, inf]"]),
        (dict(dpm_rpm=-1.44), "dpm_rpm", ["-1.44"]),
        (dict(plant_cover=np.r_[0.5, np.ones(11)]), "plant_cover", ["month 1", "neither 0 (bare) nor 1"]),
        (dict(temperature=np.full(12, 283.15)), "temperature", ["[-90, 60] °C"]),
        (dict(rain=np.full(11, 60.0)), "rain", ["shape (11,)", "(12,)"]),
    ],
)
def test_bad_forcing_names_the_field_and_the_month(forcing, field, words):
    problems = _problems(rothc.Soil(clay=20.0, iom=1.0), rothc.Forcing(**{**CLIMATE, **forcing}))
    assert any(p.startswith(field) and all(w in p for w in words) for p in problems), problems


def test_every_problem_is_reported_at_once_with_site_names():
    temp = np.full((12, 3), 10.0)
    temp[4, 2] = np.nan
    problems = _problems(
        rothc.Soil(
            clay=[10.0, 200.0, 30.0], depth=[-5.0, 23.0, 23.0], iom=1.0, site_ids=["north", "mid", "south"]
        ),
        rothc.Forcing(**{**CLIMATE, "temperature": temp, "plant_input": -1.0}),
    )
    text = "\n".join(problems)
    assert "clay: site 1 ('mid'): 200" in text
    assert "depth: site 0 ('north'): -5" in text
    assert "temperature: month 5, site 2 ('south'): nan is not a finite number" in text
    assert "plant_input: month 1: -1" in text


def test_many_bad_values_are_counted_not_all_listed():
    problems = _problems(rothc.Soil(clay=np.full(100, 150.0), iom=1.0), rothc.Forcing(**CLIMATE))
    assert len(problems) == 11 and "90 more" in problems[-1]


def test_initial_state_must_fit_the_sites():
    soil, forcing = rothc.Soil(clay=[20.0, 30.0], iom=1.0), rothc.Forcing(**CLIMATE)
    problems = _problems(soil, forcing, rothc.run, rothc.State.empty([1.0]))
    assert any("state of 1 sites" in p for p in problems)
    bad = rothc.State(np.full((4, 2), -1.0), np.ones(2), np.array([0.0, -500.0]))
    text = "\n".join(_problems(soil, forcing, rothc.run, bad))
    assert "initial.pools" in text and "drier than the soil's maximum deficit" in text


def test_runs_without_iom_or_radiocarbon_start_are_refused():
    forcing = rothc.Forcing(**CLIMATE)
    assert any("iom" in p for p in _problems(rothc.Soil(clay=20.0), forcing))
    c14 = rothc.Forcing(**CLIMATE, modern_percent=100.0)
    plain_start = rothc.State(np.ones((4, 1)), np.ones(1), np.zeros(1))
    assert any("initial.c14" in p for p in _problems(rothc.Soil(clay=20.0), c14, rothc.run, plain_start))


def test_frozen_site_has_no_equilibrium():
    temp = np.stack([np.full(12, 10.0), np.full(12, -12.0)], axis=1)
    problems = _problems(
        rothc.Soil(clay=[20.0, 20.0], iom=1.0),
        rothc.Forcing(**{**CLIMATE, "temperature": temp, "plant_input": 0.1}),
        rothc.equilibrium,
    )
    assert len(problems) == 1 and problems[0].startswith("temperature: site 1: -12")


def test_inverse_refuses_stocks_below_iom_and_flat_patterns():
    soil, forcing = rothc.Soil(clay=[20.0, 20.0], iom=5.0), rothc.Forcing(**CLIMATE, plant_input=0.1)
    problems = _problems(soil, forcing, rothc.inputs_for_stock, [40.0, 3.0])
    assert len(problems) == 1 and "site 1: 3 t C/ha is below what IOM and manure alone sustain" in problems[0]
    problems = _problems(soil, rothc.Forcing(**CLIMATE), rothc.inputs_for_stock, 40.0)
    assert any("pattern sums to 0" in p for p in problems)
    assert any(
        p.startswith("soc: site 0: nan")
        for p in _problems(soil, forcing, rothc.inputs_for_stock, [np.nan, 40.0])
    )


def test_equilibrium_needs_exactly_twelve_months():
    forcing = rothc.Forcing(temperature=np.full(24, 10.0), rain=60.0, evaporation=40.0)
    assert any("(24,)" in p for p in _problems(rothc.Soil(clay=20.0, iom=1.0), forcing, rothc.equilibrium))


def test_unknown_options_are_refused():
    forcing = rothc.Forcing(**CLIMATE)
    with pytest.raises(ValueError, match="bare_rule"):
        rothc.run(rothc.Soil(clay=20.0, iom=1.0, bare_rule="dry"), forcing)
    with pytest.raises(ValueError, match="output"):
        rothc.run(rothc.Soil(clay=20.0, iom=1.0), forcing, output="weekly")
