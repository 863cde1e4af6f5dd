"""The toolkit's example project is the one of ``examples/project.yaml``: same document, same numbers."""

import pytest
import yaml

from permille.io.project_file import read_project
from permille.models import balance
from permille.toolkit import calculators, examples
from permille.toolkit.schemas import BalanceIn
from tests.conftest import REPO

PROJECT = REPO / "examples" / "project.yaml"


def test_the_web_example_is_examples_project_yaml():
    assert examples.balance() == yaml.safe_load(PROJECT.read_text(encoding="utf-8"))
    assert [a["name"] for a in examples.balance()["areas"]][-1] == "drained peat meadow, rewetted"


def test_the_web_example_gives_the_command_line_numbers():
    body = examples.balance() | {"monte_carlo": {"draws": 300, "seed": 42}}
    web = calculators.project_balance(BalanceIn.model_validate(body)).data
    cli = balance.simulate(read_project(PROJECT).to_model(), draws=300, seed=42).summary()
    for model in balance.MODELS:
        assert (
            web["estimates"][model]["balance_t_co2e_ha_yr"]["mean"] == cli[model]["balance_t_co2e_ha_yr"].mean
        )
        area = web["estimates"][model]["area_ha"]["mean"]
        assert area == pytest.approx(106, abs=1)  # 85 + 15 + 6 ha (± 3–5 %): the peat meadow counts
