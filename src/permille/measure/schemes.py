"""Compensation-scheme profiles: the rules that turn a measured SOC change into credits, as data.

A profile (YAML in ``permille/data/schemes``) states its crediting period, uncertainty deduction rule,
leakage, permanence buffer, minimum sampling rules and model-validation requirements, and cites what it
follows and what it simplifies. Profiles are checked at load time.
"""

from enum import StrEnum
from functools import cache
from importlib.resources import files
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..i18n import Text, joined
from ..validation_messages import validation_message

SCHEMES = files("permille") / "data" / "schemes"


class UncertaintyRule(StrEnum):
    """How a scheme makes the estimate conservative."""

    POE = "poe"  # one-sided lower bound at a probability of exceedance
    CI90_HALFWIDTH = "ci90_halfwidth"  # deduct the 90 % CI half-width, as a fraction of the mean
    NONE = "none"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Uncertainty(_Strict):
    rule: UncertaintyRule
    probability: float | None = Field(
        None, gt=0.5, lt=1.0, description="probability of exceedance (poe rule)"
    )

    @model_validator(mode="after")
    def _probability_for_poe(self):
        if self.rule is UncertaintyRule.POE and self.probability is None:
            raise ValueError(Text("the 'poe' rule needs a probability of exceedance, e.g. 0.667"))
        return self


class Sampling(_Strict):
    min_samples_per_stratum: int = Field(ge=1)
    min_depth_cm: float = Field(gt=0)
    max_remeasurement_interval_years: float = Field(gt=0)


class ModelValidation(_Strict):
    required_for_models: bool
    bias_test: str
    alpha: float = Field(gt=0, lt=0.5)


class SchemeProfile(_Strict):
    """A compensation scheme's crediting rules. Percentages are of the amount they apply to."""

    id: str
    name: str
    version: str
    follows: list[str] = Field(min_length=1)
    simplifies: list[str] = Field(min_length=1)
    verified: bool = True
    crediting_period_years: int = Field(gt=0)
    uncertainty: Uncertainty
    leakage_pct: float = Field(ge=0, le=100)
    buffer_pct: float = Field(ge=0, le=100)
    sampling: Sampling
    model_validation: ModelValidation


def load_profile(path: str | Path) -> SchemeProfile:
    """Read and check a profile YAML file; every problem is reported."""
    path = Path(path)
    try:
        return SchemeProfile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except ValidationError as e:
        problems = [
            Text(
                "{where}: {problem}",
                where=".".join(map(str, err["loc"])) or path.name,
                problem=validation_message(err),
            )
            for err in e.errors()
        ]
        raise ValueError(
            Text(
                "{path}: scheme profile has {n} problem: {problems}",
                "{path}: scheme profile has {n} problems: {problems}",
                n=len(problems),
                path=str(path),
                problems=joined(problems),
            )
        ) from None


@cache
def builtin_profiles() -> dict[str, SchemeProfile]:
    """The shipped profiles by id: ``vm0042``, ``au-soil-carbon``, ``label-bas-carbone``, ``4p1000``."""
    profiles = [load_profile(p) for p in sorted(SCHEMES.iterdir()) if p.name.endswith(".yaml")]
    return {p.id: p for p in profiles}


def profile(name: str) -> SchemeProfile:
    """A shipped profile by id, or a profile file by path."""
    profiles = builtin_profiles()
    if name in profiles:
        return profiles[name]
    if Path(name).is_file():
        return load_profile(name)
    raise ValueError(
        Text(
            "unknown scheme {name}; shipped profiles: {profiles} (or give a YAML file)",
            name=repr(name),
            profiles=", ".join(profiles),
        )
    )
