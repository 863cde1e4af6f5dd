"""The toolkit's calculators through the API: each endpoint's numbers equal a direct call of the library,
invalid input is refused with every problem listed, CSV and PDF answers, usage recorded by country, and
the expected impact of a project (registry.impact)."""

import datetime
import io
import json
import threading
import time
from importlib.resources import files

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from permille import i18n
from permille.api.app import create_app
from permille.io import soil_import
from permille.io.project_file import parse_project
from permille.measure import credits, sampling, schemes
from permille.measure.comparison import compare
from permille.models import balance, rothc
from permille.models.rothc.constants import PAN_COEFFICIENT
from permille.registry import events
from permille.registry.db import make_engine
from permille.registry.impact import IMPACT_DRAWS, expected_impact
from permille.registry.orm import ToolkitUsage, UsageSalt
from permille.registry.usage import record_use
from permille.toolkit import limits
from permille.toolkit.examples import balance as balance_example

CALCULATORS = ("rothc", "balance", "stocks", "sampling", "credits")
CUMBRIA = files("permille") / "data" / "mrv" / "Cumbria_Hedgerows.csv"


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    """One app over an empty SQLite file for the calculations (the database plays no part in them), with
    one toolkit worker process."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('toolkit') / 'toolkit.db'}")
    with TestClient(create_app(engine, seed=False, toolkit_workers=1)) as client:
        yield client
    engine.dispose()


@pytest.fixture
def counting(engine):
    """An app on each backend for the usage counts, calculating in threads (no worker processes to start)."""
    with TestClient(create_app(engine, seed=False, toolkit_workers=0)) as client:
        yield client


def example(api, calculator: str) -> dict:
    answer = api.get(f"/api/toolkit/examples/{calculator}")
    assert answer.status_code == 200
    return answer.json()


def post_stocks(client, content: bytes, **form):
    return client.post(
        "/api/toolkit/stocks" + form.pop("query", ""),
        files={"file": ("cores.csv", content, "text/csv")},
        data={"mapping": json.dumps(soil_import.CUMBRIA_HEDGEROWS), **form},
    )


def problems(answer) -> list[dict]:
    assert answer.status_code == 422, answer.text
    body = answer.json()["error"]
    assert body["message"]
    return body["details"]


# --- numbers equal the library --------------------------------------------------------------------------


def test_rothc_central_run_equals_a_direct_rothc_run(api):
    body = example(api, "rothc") | {"draws": 0, "years": 15, "input_change_pct": 25}
    result = api.post("/api/toolkit/rothc", json=body).json()

    climate = body["climate"]
    soil = rothc.Soil(clay=body["clay_pct"], depth=body["depth_cm"])

    def forcing(annual: float, years: int) -> rothc.Forcing:
        return rothc.Forcing(
            temperature=np.tile(climate["temperature_c"], years),
            rain=np.tile(climate["precipitation_mm"], years),
            evaporation=np.tile(np.asarray(climate["pet_mm"]) / PAN_COEFFICIENT, years),
            plant_input=np.full(12 * years, annual / 12),
        )

    annual, start = rothc.inputs_for_stock(soil, forcing(1.0, 1), body["soc_t_c_ha"])
    scenario = rothc.run(soil, forcing(1.25 * annual[0], 15), start, output="yearly").soc[:, 0]
    stocks = result["stocks_t_c_ha"]
    assert result["years"] == list(range(2025, 2041))
    np.testing.assert_allclose(stocks["scenario"]["central"][1:], scenario, rtol=1e-12)
    np.testing.assert_allclose(stocks["baseline"]["central"], body["soc_t_c_ha"], rtol=1e-9)  # sustained
    assert result["summary"]["baseline_input_t_c_ha_yr"]["central"] == pytest.approx(annual[0], rel=1e-12)
    relative = (scenario[-1] - body["soc_t_c_ha"]) / body["soc_t_c_ha"] / 15
    assert result["summary"]["share_of_4permille"]["central"] == pytest.approx(relative / 0.004, rel=1e-9)


def test_rothc_band_is_seeded_and_holds_the_central_run(api):
    body = example(api, "rothc") | {"draws": 100, "years": 10}
    first, again = (api.post("/api/toolkit/rothc", json=body).json() for _ in range(2))
    assert first == again
    s = first["stocks_t_c_ha"]["scenario"]
    low, central, high = (np.array(s[k][1:]) for k in ("low95", "central", "high95"))
    assert (low < central).all() and (central < high).all()
    other = api.post("/api/toolkit/rothc", json=body | {"seed": body["seed"] + 1}).json()
    assert other["stocks_t_c_ha"]["scenario"]["low95"] != s["low95"]


def test_rothc_given_baseline_input_starts_from_the_stock_and_drifts(api):
    body = example(api, "rothc") | {"draws": 0, "years": 5, "baseline_input_t_c_ha_yr": 0.5}
    baseline = api.post("/api/toolkit/rothc", json=body).json()["stocks_t_c_ha"]["baseline"]["central"]
    assert baseline[0] == pytest.approx(body["soc_t_c_ha"])
    assert np.all(np.diff(baseline) < 0)  # far less input than the stock needs: it declines


def test_balance_equals_the_project_balance(api):
    body = example(api, "balance")
    body["monte_carlo"] = {"draws": 200, "seed": 7}
    result = api.post("/api/toolkit/balance", json=body).json()
    direct = balance.simulate(parse_project(body).to_model(), draws=200, seed=7).summary()
    for model in balance.MODELS:
        for quantity, estimate in direct[model].items():
            got = result["estimates"][model][quantity]
            assert got["mean"] == pytest.approx(estimate.mean, rel=1e-12)
            assert got["low"] == pytest.approx(estimate.low, rel=1e-12)
            assert got["high"] == pytest.approx(estimate.high, rel=1e-12)
    assert result["n_draws"] == 200


def test_stocks_equal_the_group_comparison(api):
    result = post_stocks(api, CUMBRIA.read_bytes(), depths_cm="30,50").json()
    frame = soil_import.read_soil(CUMBRIA, soil_import.CUMBRIA_HEDGEROWS).to_frame()
    direct = compare(frame, treatment="hedge", control="control", depths_cm=(30, 50)).cumulative
    groups = pd.DataFrame(result["groups"])
    assert len(groups) == len(direct) == 8
    merged = direct.merge(groups, on=["group", "method", "depth_cm"], suffixes=("", "_api"))
    assert len(merged) == 8
    for column in ("mean_t_c_ha", "se_t_c_ha", "low_t_c_ha", "high_t_c_ha"):
        np.testing.assert_allclose(merged[f"{column}_api"], merged[column], rtol=1e-12)
    assert (merged.n_api == merged.n).all()
    assert result["dropped"] == [
        "control/GF3: missing bulk density",
        "hedge/W13: missing organic carbon (SOC), bulk density, organic matter (SOM)",
    ]
    n_profiles = int(groups[(groups.method == "ESM") & (groups.depth_cm == 30)].n.sum())
    assert n_profiles == 28 and len(result["profiles"]) == 2 * 2 * n_profiles  # 2 methods × 2 depths


def test_sampling_equals_the_design_functions(api):
    body = example(api, "sampling")
    result = api.post("/api/toolkit/sampling", json=body).json()
    n = sampling.n_for_mdd(body["mdd_t_c_ha"], body["sd_t_c_ha"], body["alpha"], body["power"])
    assert result["n"] == n
    areas = {s["name"]: s["area_ha"] for s in body["strata"]}
    neyman = sampling.integer_allocation(
        n, sampling.neyman_allocation(n, areas, {s["name"]: s["sd_t_c_ha"] for s in body["strata"]})
    )
    assert {s["stratum"]: s["neyman"] for s in result["strata"]} == neyman
    assert sum(s["proportional"] for s in result["strata"]) == n
    assert result["mdd_at_n_t_c_ha"] <= body["mdd_t_c_ha"]


def test_credits_equal_the_credit_chain(api):
    body = example(api, "credits")
    result = api.post("/api/toolkit/credits", json=body).json()
    lines = credits.credit_chain(
        [credits.ChangeEstimate(**c) for c in body["changes"]], schemes.profile(body["scheme"])
    )
    assert result["lines"] == [json.loads(json.dumps(line.as_dict())) for line in lines]
    assert result["totals"]["issuable_t_co2e"] == pytest.approx(sum(c.issuable_t_co2e for c in lines))


def test_a_change_that_earns_nothing_answers_null_where_no_number_applies(api):
    change = {
        "stratum": "A",
        "period": "2021–2026",
        "area_ha": 10,
        "mean_t_c_ha": -1,
        "se_t_c_ha": 0.2,
        "df": 4,
    }
    answer = api.post("/api/toolkit/credits", json={"scheme": "label-bas-carbone", "changes": [change]})
    assert answer.status_code == 200
    line = answer.json()["lines"][0]
    assert (
        line["quantile"] is None and line["issuable_t_co2e"] == 0
    )  # the half-width rule has no quantile here


def test_rothc_draws_stay_within_the_engine_ranges(api):
    body = example(api, "rothc") | {"draws": 100, "years": 2, "temperature_uncertainty_c": 10}
    body["climate"]["temperature_c"] = [59.0] * 12
    body["climate"]["precipitation_mm"] = [9_900.0] * 12
    result = api.post("/api/toolkit/rothc", json=body)
    assert result.status_code == 200, result.text


# --- invalid input ---------------------------------------------------------------------------------------


def test_rothc_lists_every_problem(api):
    body = example(api, "rothc") | {"clay_pct": 120, "depth_cm": -5, "years": 0, "input_change_pct": None}
    body["climate"]["temperature_c"] = body["climate"]["temperature_c"][:11]
    content = json.dumps(body).replace('"soc_t_c_ha": 45.0', '"soc_t_c_ha": NaN')
    details = problems(
        api.post("/api/toolkit/rothc", content=content, headers={"Content-Type": "application/json"})
    )
    where = {".".join(d["loc"][1:]) for d in details}
    assert {
        "clay_pct",
        "depth_cm",
        "years",
        "input_change_pct",
        "soc_t_c_ha",
        "climate.temperature_c",
    } <= where


def test_rothc_needs_one_climate(api):
    body = example(api, "rothc") | {"climate_preset": "rothamsted"}
    assert "not both" in problems(api.post("/api/toolkit/rothc", json=body))[0]["message"]
    ok = api.post("/api/toolkit/rothc", json=body | {"climate": None, "draws": 0})
    assert ok.status_code == 200


def test_a_refusal_of_the_library_is_a_422(api):
    body = example(api, "sampling")
    for stratum in body["strata"]:
        stratum["sd_t_c_ha"] = 0.0
    details = problems(api.post("/api/toolkit/sampling", json=body))
    assert any("Neyman allocation is undefined" in d["message"] for d in details)


def test_balance_lists_every_problem(api):
    body = example(api, "balance")
    body["areas"][0]["clay_pct"] = 150
    body["areas"][1]["area_ha"] = -3
    body["monte_carlo"]["draws"] = 10_000  # a file may ask for it, a request may not
    details = problems(api.post("/api/toolkit/balance", json=body))
    where = [".".join(d["loc"]) for d in details]
    assert any(w.endswith("areas.0.clay_pct") for w in where)
    assert any(w.endswith("areas.1.area_ha") for w in where)
    assert any(w.endswith("monte_carlo") for w in where)
    assert any("MAX_BALANCE_DRAWS" in d["message"] for d in details)


def test_stocks_report_every_bad_row_and_import_nothing(api):
    table = pd.read_csv(CUMBRIA, dtype=str)
    table.loc[0, "soc_perc"] = "abc"  # file row 2: text in a number column
    table.loc[4, "soc_perc"] = "250"  # row 6: SOC above 100 %
    table.loc[8, "depth_at_top_cm"] = "-10"  # row 10: a negative depth
    details = problems(post_stocks(api, table.to_csv(index=False).encode(), depths_cm="30"))
    assert {(d["row"], d["column"]) for d in details} >= {
        (2, "soc_perc"),
        (6, "soc_perc"),
        (10, "depth_at_top_cm"),
    }
    assert all(d["message"] for d in details)
    singular, plural = (
        "{name}: {n} problem; nothing was imported",
        "{name}: {n} problems; nothing was imported",
    )
    for lang in ("fr", "es"):  # the summary in the reader's language
        answer = post_stocks(api, table.to_csv(index=False).encode(), depths_cm="30", query=f"?lang={lang}")
        expected = i18n.ngettext(lang, singular, plural, len(details), name="cores.csv")
        assert (
            answer.json()["error"]["message"]
            == expected
            != i18n.ngettext("en", singular, plural, 3, name="x")
        )


def test_stocks_form_fields_are_checked(api):
    details = problems(post_stocks(api, CUMBRIA.read_bytes(), depths_cm="50,30", method="cubic"))
    assert {d["loc"][0] for d in details} == {"depths_cm", "method"}
    details = problems(post_stocks(api, CUMBRIA.read_bytes(), depths_cm="thirty", query="?lang=es"))
    depths = i18n.gettext("es", "{value}: give depths in cm, e.g. 30,50", value="'thirty'")
    assert {"loc": ["depths_cm"], "message": depths} in details
    assert depths == "'thirty': indique profundidades en cm, p. ej. 30,50"


def test_sampling_and_credits_refuse_bad_numbers(api):
    details = problems(
        api.post("/api/toolkit/sampling", json={"sd_t_c_ha": -1, "mdd_t_c_ha": 0, "power": 0.3})
    )
    assert {d["loc"][-1] for d in details} == {"sd_t_c_ha", "mdd_t_c_ha", "power"}
    out_of_reach = {"sd_t_c_ha": 5.0, "mdd_t_c_ha": 0.01, "alpha": 1e-300}  # z quantile infinite, n > 10⁵
    details = problems(api.post("/api/toolkit/sampling", json=out_of_reach))
    assert [d["loc"][-1] for d in details] == ["alpha"]
    details = problems(api.post("/api/toolkit/sampling", json=out_of_reach | {"alpha": 0.05}))
    assert "100,000 points" in details[0]["message"]
    body = example(api, "credits") | {"scheme": "nonsense"}
    body["changes"][0]["se_t_c_ha"] = -1
    assert {d["loc"][-1] for d in problems(api.post("/api/toolkit/credits", json=body))} == {
        "scheme",
        "se_t_c_ha",
    }


# --- refusals in the reader's language -------------------------------------------------------------------


def _in(api, lang: str, path: str, **request):
    """The 422 error of ``path`` asked in ``lang``: French by ``?lang=``, Spanish by ``Accept-Language``."""
    if lang == "fr":
        path += ("&" if "?" in path else "?") + "lang=fr"
    else:
        request["headers"] = {"Accept-Language": f"{lang}-{lang.upper()},en;q=0.5"}
    answer = (api.get if request.pop("method", "post") == "get" else api.post)(path, **request)
    assert answer.status_code == 422, answer.text
    return answer.json()["error"]


def _invalid(lang: str, n: int = 1) -> str:
    singular, plural = "the request is not valid: {n} problem", "the request is not valid: {n} problems"
    return i18n.ngettext(lang, singular, plural, n)


def test_a_rothc_refusal_is_in_the_readers_language(api):
    body = example(api, "rothc") | {"climate_preset": "rothamsted"}
    msgid = "give either climate (monthly normals) or climate_preset, not both or neither"
    for lang in ("fr", "es"):
        error = _in(api, lang, "/api/toolkit/rothc", json=body)
        assert error["message"] == _invalid(lang)
        assert [d["message"] for d in error["details"]] == [i18n.gettext(lang, msgid)] != [msgid]


def test_a_balance_refusal_is_in_the_readers_language(api):
    """The project file's checks, each with its scenario in words: periods out of order, then (the areas
    being valid) a baseline that starts with the project."""
    unordered = example(api, "balance")
    unordered["areas"][0]["baseline"] = [
        unordered["areas"][0]["project"][0] | {"year": y} for y in (1990, 1980)
    ]
    late = example(api, "balance")
    late["areas"][1]["baseline"][0]["year"] = late["first_year"]
    order = "{scenario}: period years {years} must be strictly increasing"
    start = (
        "area {area}: {scenario}: the first period must start before first_year ({first}), so that the stock at "
        "the start is known"
    )
    for lang in ("fr", "es"):
        baseline = i18n.gettext(lang, "baseline")
        (detail,) = _in(api, lang, "/api/toolkit/balance", json=unordered)["details"]
        assert detail["message"] == i18n.gettext(lang, order, scenario=baseline, years=[1990, 1980])
        (detail,) = _in(api, lang, "/api/toolkit/balance", json=late)["details"]
        area = repr(late["areas"][1]["name"])
        assert detail["message"] == i18n.gettext(
            lang, start, area=area, scenario=baseline, first=late["first_year"]
        )
        assert "must start before" not in detail["message"] and baseline != "baseline"


def test_a_balance_refusal_of_the_models_is_in_the_readers_language(api):
    """Improved grassland with a low carbon input: valid as a file, refused by the IPCC factors (through
    ``refused``)."""
    body = example(api, "balance")
    body["monte_carlo"]["draws"] = 10
    body["areas"][1]["project"][-1].update(land_use="grassland", grazing="improved", carbon_input="low")
    msgid = "improved grassland takes carbon input 'medium' or 'high', not {value}"
    for lang in ("fr", "es"):
        error = _in(api, lang, "/api/toolkit/balance", json=body)
        assert error["message"] == i18n.gettext(lang, msgid, value="'low'") != msgid.format(value="'low'")
        assert error["details"] == [{"message": error["message"]}]


RUN_OUT = (
    "{n} problem in the RothC input: {problems}",
    "{n} problems in the RothC input: {problems}",
)


@pytest.mark.parametrize(
    ("climate", "problem"),
    [
        ({"pet_mm": [0.0] * 12}, "not > 0"),  # Tier 2 needs some evapotranspiration
        (
            {"temperature_c": [-60.0] * 12, "pet_mm": [10_000.0] * 12},
            "is outside {interval}",
        ),  # RothC's range
    ],
    ids=["tier2", "rothc"],
)
def test_a_balance_refused_by_tier_2_or_rothc_is_in_the_readers_language(api, climate, problem):
    """A climate the file accepts but a model does not: the model's problems in the reader's language."""
    body = example(api, "balance")
    body["monte_carlo"]["draws"] = 10
    body["areas"][0]["climate"].update(climate)
    english = api.post("/api/toolkit/balance", json=body).json()["error"]["message"]
    for lang in ("fr", "es"):
        error = _in(api, lang, "/api/toolkit/balance", json=body)
        if problem == "not > 0":
            head = i18n.gettext(lang, "invalid Tier 2 input: {problems}", problems="")
        else:
            head = i18n.ngettext(lang, *RUN_OUT, int(english.split()[0]), problems="")
        assert error["message"].startswith(head) and head != english[: len(head)], error["message"]
        assert i18n.gettext(lang, problem, interval="") in error["message"]
        assert error["details"] == [{"message": error["message"]}]


def test_a_balance_beyond_its_draws_names_them_in_words(api):
    body = example(api, "balance")
    body["monte_carlo"]["draws"] = limits.MAX_BALANCE_DRAWS + 1
    for lang, words in (("fr", "nombre de tirages"), ("es", "número de extracciones")):
        (detail,) = _in(api, lang, "/api/toolkit/balance", json=body)["details"]
        assert detail["message"].startswith(f"{words} = ") and "monte_carlo" not in detail["message"]
        assert detail["loc"][-1] == "monte_carlo"  # the page labels the field from its path


def test_a_stocks_refusal_of_the_library_is_in_the_readers_language(api):
    """Every core shallower than the depth asked: the comparison's refusal, through ``refused``."""
    for lang in ("fr", "es"):
        error = _in(
            api, lang, "/api/toolkit/stocks", files={"file": ("cores.csv", CUMBRIA.read_bytes(), "text/csv")},
            data={"mapping": json.dumps(soil_import.CUMBRIA_HEDGEROWS), "depths_cm": "30,400"},
        )  # fmt: skip
        head = i18n.gettext(lang, "no core has every value needed: {problems}", problems="")
        assert error["message"].startswith(head) and error["details"] == [{"message": error["message"]}]
        only = i18n.gettext(lang, "{core}: sampled to {depth:g} cm only (< {deepest:g} cm)", core="x", depth=1.0,
                            deepest=400.0).split("1", 1)[0].removeprefix("x")  # fmt: skip
        assert only in error["message"] and "sampled to" not in error["message"]


def test_a_stocks_form_refusal_is_in_the_readers_language(api):
    msgid = "depths {depths} must be strictly increasing"
    for lang in ("fr", "es"):
        error = _in(
            api, lang, "/api/toolkit/stocks", files={"file": ("cores.csv", CUMBRIA.read_bytes(), "text/csv")},
            data={"mapping": json.dumps(soil_import.CUMBRIA_HEDGEROWS), "depths_cm": "50,30"},
        )  # fmt: skip
        assert error["message"] == _invalid(lang)
        assert error["details"] == [
            {"loc": ["depths_cm"], "message": i18n.gettext(lang, msgid, depths=[50.0, 30.0])}
        ]


def test_a_sampling_refusal_is_in_the_readers_language(api):
    body = example(api, "sampling")
    for stratum in body["strata"]:
        stratum["sd_t_c_ha"] = 0.0
    msgid = "sds: all zero, Neyman allocation is undefined"
    for lang in ("fr", "es"):
        error = _in(api, lang, "/api/toolkit/sampling", json=body)
        assert error["message"] == i18n.gettext(lang, msgid) != msgid
        assert error["details"] == [{"message": error["message"]}]
    far = {"sd_t_c_ha": 5.0, "mdd_t_c_ha": 0.01}
    far_msgid = "mdd_t_c_ha {mdd:g} is below sd_t_c_ha / {ratio} ({smallest:g} t C/ha): it would take over {points} points"
    for lang in ("fr", "es"):
        (detail,) = _in(api, lang, "/api/toolkit/sampling", json=far)["details"]
        points = i18n.number(100_000, 0, lang)
        assert detail["message"] == i18n.gettext(
            lang, far_msgid, mdd=0.01, ratio=100, smallest=0.05, points=points
        )


def test_a_credits_refusal_is_in_the_readers_language(api):
    body = example(api, "credits") | {"scheme": "nonsense", "changes": []}
    expected = {
        "fr": {
            "scheme": "la valeur doit être 'vm0042', 'au-soil-carbon', 'label-bas-carbone' ou '4p1000'",
            "changes": "liste : au moins 1 élément attendu, et non 0",
        },
        "es": {
            "scheme": "el valor debe ser 'vm0042', 'au-soil-carbon', 'label-bas-carbone' o '4p1000'",
            "changes": "lista: se esperaba al menos 1 elemento, no 0",
        },
    }
    for lang, messages in expected.items():
        error = _in(api, lang, "/api/toolkit/credits", json=body)
        assert error["message"] == _invalid(lang, 2)
        assert {d["loc"][-1]: d["message"] for d in error["details"]} == messages


def test_a_site_inputs_refusal_is_in_the_readers_language(api):
    for lang in ("fr", "es"):
        error = _in(api, lang, "/api/toolkit/site-inputs?lat=0&lon=500", method="get")
        assert error["message"] != "longitude: 500.0 is outside −180 … 180 degrees"
        assert error["details"][0]["message"] == error["message"]


# --- limits per request ----------------------------------------------------------------------------------


def _many_areas(body):
    body["areas"] = [body["areas"][0] | {"name": f"area {i}"} for i in range(limits.MAX_BALANCE_AREAS + 1)]


def _long_balance(body):
    body["last_year"] = body["first_year"] + limits.MAX_BALANCE_YEARS  # one year more than the limit


def _heavy_balance(body):  # each factor within its limit, the product beyond
    body["monte_carlo"]["draws"] = limits.MAX_BALANCE_DRAWS
    body["last_year"] = body["first_year"] + 99
    body["areas"] = [body["areas"][0] | {"name": f"area {i}"} for i in range(3)]


LIMITED = [
    ("rothc", lambda b: b.update(draws=limits.MAX_ROTHC_DRAWS + 1), "MAX_ROTHC_DRAWS"),
    ("rothc", lambda b: b.update(years=limits.MAX_ROTHC_YEARS + 1), "MAX_ROTHC_YEARS"),
    ("balance", lambda b: b["monte_carlo"].update(draws=limits.MAX_BALANCE_DRAWS + 1), "MAX_BALANCE_DRAWS"),
    ("balance", _long_balance, "MAX_BALANCE_YEARS"),
    ("balance", _many_areas, "MAX_BALANCE_AREAS"),
    ("balance", _heavy_balance, "MAX_BALANCE_WORK"),
    ("sampling", lambda b: b.update(strata=b["strata"] * 34), "MAX_SAMPLING_STRATA"),  # 102 strata
    ("credits", lambda b: b.update(changes=b["changes"] * 334), "MAX_CREDIT_CHANGES"),  # 1,002 changes
]


@pytest.mark.parametrize(("calculator", "change", "limit"), LIMITED, ids=[x[2] for x in LIMITED])
def test_a_request_beyond_a_limit_is_refused_naming_it(api, calculator, change, limit):
    body = example(api, calculator)
    change(body)
    answer = api.post(f"/api/toolkit/{calculator}", json=body)
    message = " ".join(d["message"] for d in problems(answer))
    assert limit in message and f"{getattr(limits, limit):,}" in message
    french = api.post(f"/api/toolkit/{calculator}?lang=fr", json=body)
    message = " ".join(d["message"] for d in problems(french))
    most = i18n.number(getattr(limits, limit), 0, "fr")
    assert f"au plus {most} par requête de la boîte à outils (limite {limit})" in message, message


def test_within_the_limits_a_request_runs(api):
    body = example(api, "rothc") | {"draws": limits.MAX_ROTHC_DRAWS, "years": 3}
    assert api.post("/api/toolkit/rothc", json=body).status_code == 200


def test_stocks_upload_limits_rows_and_depths(api):
    table = pd.read_csv(CUMBRIA, dtype=str)
    copies = limits.MAX_STOCKS_ROWS // len(table) + 1
    big = pd.concat([table] * copies).to_csv(index=False).encode()
    answer = post_stocks(api, big)
    assert answer.status_code == 422, answer.text
    assert "MAX_STOCKS_ROWS" in answer.json()["error"]["message"]
    depths = ",".join(str(10 * (i + 1)) for i in range(limits.MAX_STOCKS_DEPTHS + 1))
    details = problems(post_stocks(api, CUMBRIA.read_bytes(), depths_cm=depths))
    assert any("MAX_STOCKS_DEPTHS" in d["message"] for d in details)


# --- off the request path --------------------------------------------------------------------------------


def test_a_read_is_served_while_a_heavy_run_is_in_flight(api):
    pool = api.app.state.toolkit
    assert pool.size == 1
    body = example(api, "balance")  # the example project (three areas, 2,000 draws): seconds of work
    heavy: dict = {}

    def run_heavy():
        heavy["answer"] = api.post("/api/toolkit/balance", json=body)
        heavy["done"] = time.monotonic()

    thread = threading.Thread(target=run_heavy)
    thread.start()
    deadline = time.monotonic() + 30
    while pool.in_flight == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert pool.in_flight == 1, "the heavy run did not start"
    read = api.get("/api/kpis")
    read_done = time.monotonic()
    thread.join(120)
    assert read.status_code == 200 and heavy["answer"].status_code == 200
    assert heavy["answer"].json()["n_draws"] == body["monte_carlo"]["draws"]
    assert read_done < heavy["done"], "the read waited behind the heavy run"


# --- formats ---------------------------------------------------------------------------------------------


def test_csv_answers_hold_the_json_numbers(api):
    body = example(api, "rothc") | {"draws": 50, "years": 5}
    result = api.post("/api/toolkit/rothc", json=body).json()
    answer = api.post("/api/toolkit/rothc?format=csv", json=body)
    assert answer.headers["content-type"].startswith("text/csv")
    table = pd.read_csv(io.StringIO(answer.text))
    assert table.year.tolist() == result["years"]
    np.testing.assert_allclose(table.scenario_high95_t_c_ha, result["stocks_t_c_ha"]["scenario"]["high95"])

    stocks = pd.read_csv(io.StringIO(post_stocks(api, CUMBRIA.read_bytes(), query="?format=csv").text))
    assert set(stocks.method) == {"fixed depth", "ESM"} and (stocks.soc_t_c_ha > 0).all()

    credits_csv = pd.read_csv(
        io.StringIO(api.post("/api/toolkit/credits?format=csv", json=example(api, "credits")).text)
    )
    assert list(credits_csv.stratum) == ["A", "B", "C"] and "issuable_t_co2e" in credits_csv


def test_pdf_reports_where_they_exist(api):
    for calculator in ("balance", "credits"):
        body = example(api, calculator)
        if calculator == "balance":
            body["monte_carlo"]["draws"] = 50
        answer = api.post(f"/api/toolkit/{calculator}?format=pdf", json=body)
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "application/pdf"
        assert answer.content.startswith(b"%PDF") and len(answer.content) > 5000
    refused = api.post("/api/toolkit/sampling?format=pdf", json=example(api, "sampling"))
    assert refused.status_code == 422


def test_every_calculator_has_an_example(api):
    for calculator in CALCULATORS:
        assert example(api, calculator)
    assert api.get("/api/toolkit/examples/nothing").status_code == 422


# --- usage and expected impact ---------------------------------------------------------------------------


def test_usage_is_recorded_by_country(counting, engine):
    client = counting
    body = example(client, "sampling")
    assert client.post("/api/toolkit/sampling", json=body | {"country_iso3": "SEN"}).status_code == 200
    assert client.post("/api/toolkit/sampling", json=body).status_code == 200  # no country: not counted
    assert post_stocks(client, CUMBRIA.read_bytes(), country_iso3="FRA").status_code == 200
    assert client.post("/api/toolkit/sampling", json=body | {"country_iso3": "france"}).status_code == 422
    with Session(engine) as session:
        rows = sorted((u.tool, u.country_iso3) for u in session.scalars(select(ToolkitUsage)))
    assert rows == [("sampling", "SEN"), ("stocks", "FRA")]


def test_expected_impact_is_the_balance_with_fewer_draws():
    document = balance_example() | {"monte_carlo": {"draws": 2000, "seed": 42}}
    impact = expected_impact(document)
    direct = balance.simulate(parse_project(document).to_model(), draws=IMPACT_DRAWS, seed=42)
    q = direct.quantities("IPCC Tier 1")
    years = document["last_year"] - document["first_year"] + 1
    assert impact["model"] == "IPCC Tier 1" and impact["n_draws"] == IMPACT_DRAWS
    assert impact["t_co2e_per_yr"]["mean"] == pytest.approx(q["total_t_co2e"].mean() / years, rel=1e-12)
    assert impact["t_c_ha_yr"]["high95"] == pytest.approx(
        np.percentile(q["balance_t_c_ha_yr"], 97.5), rel=1e-12
    )
    assert set(impact["by_model"]) == set(balance.MODELS)
    for model in balance.MODELS:
        e = impact["by_model"][model]["t_c_ha_yr"]
        assert e["low95"] < e["mean"] < e["high95"] and e["sd"] > 0
    with pytest.raises(ValueError, match="clay_pct"):
        expected_impact(document | {"areas": [document["areas"][0] | {"clay_pct": -1}]})


def test_twenty_anonymous_calls_from_one_client_in_a_day_count_once(counting, engine, auth):
    client = counting
    body = example(client, "sampling") | {"country_iso3": "SEN"}
    announced: list[dict] = []
    unsubscribe = events.subscribe(lambda change: announced.append(change))
    try:
        for _ in range(20):
            assert client.post("/api/toolkit/sampling", json=body).status_code == 200
        assert client.post("/api/toolkit/sampling", json=body, headers=auth("member")).status_code == 200
    finally:
        unsubscribe()
    with Session(engine) as session:
        rows = session.scalars(select(ToolkitUsage).order_by(ToolkitUsage.id)).all()
        assert [r.actor.split(":")[0] for r in rows] == ["client", "user"]
        assert "testclient" not in rows[0].actor  # the address is hashed, not stored
        assert rows[1].actor == f"user:{auth.user('member').id}"
        assert rows[1].organisation_id == auth.organisation_id("member")
        ids = [r.id for r in rows]
        b4 = client.get("/api/kpis/B4").json()
        tomorrow = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
        again = record_use(session, "sampling", "SEN", client_address="testclient", now=tomorrow)
        assert again is not None  # a new day counts again …
        assert [s.day for s in session.scalars(select(UsageSalt))] == [tomorrow.date()]  # … old salts go
    usage = [c for c in announced if c["kind"] == "toolkit_usage"]
    assert usage == [
        {"kind": "toolkit_usage", "action": "create", "id": i, "country_iso3": "SEN"} for i in ids
    ]
    indicator = next(i for i in b4["indicators"] if i["name"] == "countries_using_20pct_of_tools")
    # the anonymous run is shown apart, never counted; the member's run counts once its organisation is
    # published and verified by the Secretariat (the test organisation is neither)
    assert indicator["current_source"]["records"] == 0 and indicator["current"] is None
    assert indicator["current_source"]["anonymous_runs"] == 1
    assert "once per calculator, user and day" in indicator["rule"]["text"]["en"]


def test_toolkit_processes_run_at_a_lower_cpu_priority_than_the_server():
    """Heavy calculations yield the cores to the processes answering requests."""
    import os

    from permille.toolkit.pool import NICENESS, ComputePool

    pool = ComputePool(1)
    try:
        assert pool._executor.submit(os.nice, 0).result(timeout=120) == os.nice(0) + NICENESS
    finally:
        pool.close()


def test_the_pool_is_started_before_the_app_answers(tmp_path):
    """``start_toolkit`` (``permille serve``): the worker processes run before the first request, so no
    request (and no test) waits for a process to start."""
    engine = make_engine(f"sqlite:///{tmp_path / 'start.db'}")
    try:
        with TestClient(create_app(engine, seed=False, toolkit_workers=2, start_toolkit=True)) as client:
            pool = client.app.state.toolkit
            assert pool.processes == 2
            assert client.post("/api/toolkit/sampling", json=example(client, "sampling")).status_code == 200
            assert pool.processes == 2
    finally:
        engine.dispose()


def test_a_calculation_over_its_cpu_budget_is_stopped_and_refused(api):
    """The per-request budget (limits.MAX_CPU_S) stops the job in its worker process; the pool stays."""
    pool = api.app.state.toolkit
    assert pool.budget_s == limits.MAX_CPU_S
    body = example(api, "balance")  # the example project: 2,000 draws, seconds of work, within the limits
    pool.budget_s = 0.05
    try:
        answer = api.post("/api/toolkit/balance", json=body)
    finally:
        pool.budget_s = limits.MAX_CPU_S
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == "too_much_work"
    assert "MAX_CPU_S" in answer.json()["error"]["message"]
    assert api.post("/api/toolkit/sampling", json=example(api, "sampling")).status_code == 200


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_a_stocks_answer_is_in_the_readers_language(api, lang):
    """The sentences of a successful answer (cores left out, the interval, how each number was made) come
    from the catalogue in the reader's language; English readers keep the English."""
    english = post_stocks(api, CUMBRIA.read_bytes(), depths_cm="30,50").json()
    answer = post_stocks(api, CUMBRIA.read_bytes(), depths_cm="30,50", query=f"?lang={lang}").json()
    assert english["dropped"] == [
        "control/GF3: missing bulk density",
        "hedge/W13: missing organic carbon (SOC), bulk density, organic matter (SOM)",
    ]
    assert english["interval"].startswith("90 % t interval")
    interval = "{confidence} % t interval over the profiles of a group (none for a single profile)"
    assert answer["interval"] == i18n.gettext(lang, interval, confidence=90) != english["interval"]
    assert answer["dropped"] != english["dropped"] and answer["dropped"][0].startswith("control/GF3")
    assert i18n.gettext(lang, "bulk density") in answer["dropped"][0]  # the value by its name, not "bd"
    esm = answer["methods"]["equivalent soil mass"]
    assert esm != english["methods"]["equivalent soil mass"] and "30 cm (" in esm
    assert "," in esm.split("30 cm (")[1].split(" g/cm²")[0], esm  # the mass written with a decimal comma
    assert english["methods"]["equivalent soil mass"].startswith(
        "natural cubic spline (Wendt & Hauser 2013);"
    )
    assert esm.startswith(i18n.gettext(lang, "natural cubic spline (Wendt & Hauser 2013)")), (
        esm
    )  # not its code
