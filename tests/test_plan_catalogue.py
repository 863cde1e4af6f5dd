"""The strategic plan's baselines and targets in the reader's language (issue 22): every objective's
``baseline_2020``, ``target_2030`` and ``target_2050`` of ``data/strategic-plan/objectives.yaml`` is the
English of the catalogue key ``plan.<id>.<field>`` that the progress page shows, translated into French
and Spanish with the plan's numbers kept."""

import re
from importlib.resources import files

import pytest
import yaml

from permille import i18n

FIELDS = ("baseline_2020", "target_2030", "target_2050")


def objectives() -> list[dict]:
    text = (files("permille") / "data" / "strategic-plan" / "objectives.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)["objectives"]


def test_the_catalogue_holds_the_plans_words_as_the_data_file_has_them():
    english = i18n.web_catalogue("en")
    plan = {k: v for k, v in english.items() if k.startswith("plan.")}
    expected = {f"plan.{o['id']}.{field}": str(o[field]) for o in objectives() for field in FIELDS}
    assert len(expected) == 72 and plan == expected


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_the_plans_words_are_translated_with_their_numbers(lang):
    translated = i18n.web_catalogue(lang)
    problems = []
    for o in objectives():
        for field in FIELDS:
            source, text = str(o[field]), translated[f"plan.{o['id']}.{field}"]
            if text == source or set(re.findall(r"\d+", source)) != set(re.findall(r"\d+", text)):
                problems.append(f"{o['id']} {field}: {text!r}")
    assert not problems, problems
    budget = {
        "fr": "Budget annuel total 2020 : 961 k€ (budget de base 721 k€)",
        "es": "Presupuesto anual total 2020: 961 k€ (presupuesto básico 721 k€)",
    }
    assert translated["plan.F2.baseline_2020"] == budget[lang]
