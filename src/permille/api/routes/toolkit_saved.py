"""Saved calculations of the online toolkit (:mod:`permille.registry.saved_calculations`): a signed-in user
saves a calculator's inputs and its result summary under a name, lists, reopens, duplicates, shares with
their organisation (read-only) and deletes them. The inputs are checked by the calculator's own request
schema before they are stored, so that a saved calculation always runs again."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ... import i18n
from ...registry import saved_calculations as saved
from ...registry.orm import User
from ...registry.schemas import MAX_INTEGER
from ...toolkit.schemas import BalanceIn, CreditsIn, RothcScenarioIn, SamplingIn, StocksIn
from ...validation_messages import validation_message
from ..deps import SessionDep, require
from ..errors import ERROR_RESPONSES, ApiError

router = APIRouter(prefix="/toolkit/saved", tags=["toolkit"], responses=ERROR_RESPONSES)
Signed = Annotated[User, Depends(require("member", "partner", "stc", "secretariat"))]
Id = Annotated[int, Path(ge=1, le=MAX_INTEGER, description="id of a saved calculation")]
Calculator = Literal["rothc", "balance", "stocks", "sampling", "credits"]


class StocksSavedIn(BaseModel):
    """The stocks calculator's inputs as saved: the CSV's text and file name beside the options (checked
    by :class:`~permille.toolkit.schemas.StocksIn`)."""

    model_config = ConfigDict(extra="allow")
    csv: str = Field(min_length=1, description="the uploaded CSV, as text")
    filename: str = Field("upload.csv", min_length=1, max_length=200)

    @model_validator(mode="after")
    def _options(self):
        StocksIn.model_validate(self.model_extra)
        return self


SCHEMAS = {"rothc": RothcScenarioIn, "balance": BalanceIn, "stocks": StocksSavedIn, "sampling": SamplingIn,
           "credits": CreditsIn}  # fmt: skip


class SaveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=saved.MAX_NAME_CHARS)
    calculator: Calculator
    inputs: dict[str, Any] = Field(description="the calculator's request (stocks: with csv and filename)")
    summary: dict[str, Any] = Field(default_factory=dict, description="the result's key figures when saved")
    shared: bool = Field(False, description="readable by your organisation's members")


class ChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, min_length=1, max_length=saved.MAX_NAME_CHARS)
    shared: bool | None = None
    inputs: dict[str, Any] | None = Field(None, description="new inputs (with summary): overwrite it")
    summary: dict[str, Any] | None = None


class DuplicateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, min_length=1, max_length=saved.MAX_NAME_CHARS)


def _checked(calculator: str, inputs: dict) -> None:
    """422 listing every problem of ``inputs`` by the calculator's request schema, under ``inputs``."""
    try:
        SCHEMAS[calculator].model_validate(inputs)
    except ValidationError as e:
        details = [
            {"loc": ["inputs", *(str(x) for x in err["loc"])], "message": validation_message(err)}
            for err in e.errors()
        ]
        message = i18n.Text(
            "the inputs are not valid for {calculator}: {n} problem",
            "the inputs are not valid for {calculator}: {n} problems",
            n=len(details),
            calculator=calculator,
        )
        raise ApiError(422, message, details) from None


def _answer(call, *args):
    try:
        return call(*args)
    except saved.Refusal as e:
        details = [{"loc": [e.field], "message": e.message}] if e.field else None
        raise ApiError(e.status, e.message, details) from None


@router.get("", summary="My saved calculations and those my organisation shares with me, newest first")
def list_saved(
    session: SessionDep, user: Signed, calculator: Annotated[Calculator | None, Query()] = None
) -> dict:
    return {"items": saved.listing(session, user, calculator), "limit": saved.MAX_PER_USER}


@router.post("", status_code=201, summary="Save a calculation under a name")
def save(body: SaveIn, session: SessionDep, user: Signed) -> dict:
    _checked(body.calculator, body.inputs)
    return _answer(
        saved.create, session, user, body.name, body.calculator, body.inputs, body.summary, body.shared
    )


@router.get("/{calculation_id}", summary="A saved calculation with its inputs")
def get_saved(calculation_id: Id, session: SessionDep, user: Signed) -> dict:
    return _answer(lambda: saved.describe(saved.get(session, user, calculation_id), user))


@router.patch("/{calculation_id}", summary="Rename, share or unshare, or overwrite a calculation of mine")
def change(calculation_id: Id, body: ChangeIn, session: SessionDep, user: Signed) -> dict:
    if body.inputs is not None:
        row = _answer(saved.get, session, user, calculation_id, "update")
        _checked(row.calculator, body.inputs)
    return _answer(saved.update, session, user, calculation_id, body.model_dump(exclude_unset=True))


@router.post("/{calculation_id}/duplicate", status_code=201, summary="Copy a calculation into my workspace")
def duplicate(calculation_id: Id, session: SessionDep, user: Signed, body: DuplicateIn | None = None) -> dict:
    return _answer(saved.duplicate, session, user, calculation_id, body.name if body else None)


@router.delete("/{calculation_id}", status_code=204, summary="Delete a calculation of mine")
def delete(calculation_id: Id, session: SessionDep, user: Signed) -> None:
    _answer(saved.delete, session, user, calculation_id)
