"""The layer catalogue: ``GET /api/layers`` (every layer with source, licence, units, resolution) and
``GET /api/layers/{layer_id}`` (one layer's STAC 1.0 item). Items: :mod:`permille.catalogue.items`
(bundled in the package and added in ``$PERMILLE_HOME/layers``); read on each request, so a layer added
with ``permille data add`` shows without a restart. Public: the catalogue describes published datasets."""

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel

from ... import i18n
from ...catalogue import items
from ..errors import ERROR_RESPONSES, ApiError

router = APIRouter(prefix="/layers", tags=["layers"], responses=ERROR_RESPONSES)
_log = logging.getLogger(__name__)

LayerId = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_.-]{0,79}$", description="a catalogue layer id")]


class AssetOut(BaseModel):
    href: str
    type: str
    checksum: str


class LayerOut(BaseModel):
    """A catalogue layer: what it holds, in which units, where it comes from and under which licence."""

    id: str
    title: str
    description: str
    variable: str
    units: str
    resolution: str
    depth_cm: list[float] | None
    source: str
    license: str
    version: str
    doi: str | None
    datetime: str | None
    start_datetime: str | None
    end_datetime: str | None
    uncertainty_layer: str | None
    date_added: str
    synthetic: bool
    format: str | None
    bbox: list[float] | None
    bundled: bool
    assets: dict[str, AssetOut]


def _layers() -> dict[str, items.Layer]:
    try:
        return items.load()
    except items.CatalogueError as error:
        _log.error("%s", error)
        raise ApiError(
            500, i18n.Text("the layer catalogue holds invalid items; run `permille data verify`")
        ) from None


@router.get("", summary="Every catalogue layer with source, licence, units and resolution")
def list_layers() -> list[LayerOut]:
    return [LayerOut(**layer.summary()) for layer in _layers().values()]


@router.get("/{layer_id}", summary="One catalogue layer as its STAC 1.0 item")
def get_layer(layer_id: LayerId) -> dict[str, Any]:
    layer = _layers().get(layer_id)
    if layer is None:
        raise ApiError(404, i18n.Text("no layer {id} in the catalogue", id=repr(layer_id)))
    return layer.item.stac() | {"permille:bundled": layer.bundled}
