"""Layer catalogue items: one STAC 1.0 Item JSON per raster or table layer the platform uses.

An item lives in ``<layer_id>/item.json``, either bundled in the package (``permille/data/layers/``) or
added on a deployment (``$PERMILLE_HOME/layers/``, see :mod:`permille.catalogue.add`). Its ``properties``
hold the layer's title, description, ``variable`` (:data:`VARIABLES`), ``units`` of the file's values,
``depth_cm`` ([top, bottom] or null), ``resolution`` (text), ``datetime`` or ``start_datetime`` /
``end_datetime``, ``license`` (SPDX id or name), ``version``, ``providers``, ``sci:doi``, and the
platform's own ``permille:source`` (one citation line), ``permille:uncertainty_layer`` (an item id or null),
``permille:date_added``, ``permille:synthetic`` and ``permille:format`` (the reader of
:mod:`permille.grid.readers` its files need, or null). ``assets`` name the files by ``href`` relative to the
item's folder, with their media ``type`` and ``file:checksum`` ("sha256:<hex>"; STAC file extension).

STAC 1.0.0 Item specification: https://github.com/radiantearth/stac-spec/blob/v1.0.0/item-spec/item-spec.md
"""

import hashlib
import json
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..home import permille_home

STAC_VERSION = "1.0.0"
ITEM_FILE = "item.json"
BUNDLED = Path(str(files("permille") / "data" / "layers"))

#: Variables of catalogue layers, with the units the platform computes in (readers convert to them).
VARIABLES = {
    "soc_stock": "t C ha-1",
    "soc_stock_uncertainty": "t C ha-1",
    "clay": "%",
    "bulk_density": "g cm-3",
    "tmp": "degC",
    "pre": "mm month-1",
    "pet": "mm month-1",
    "land_cover": "class",
    "npp": "t C ha-1 yr-1",
    "ipcc_climate_zone": "class",
    "soil_class": "class",
    "koppen_climate": "class",
    "country_statistic": "table",
}

#: Readers of :mod:`permille.grid.readers` an item may name in ``permille:format``.
FORMATS = ("gsocmap", "soilgrids", "worldclim", "cru", "esacci", "modis")

#: STAC extensions an item written here uses (file checksums, projection, raster bands, scientific DOI).
EXTENSIONS = [
    "https://stac-extensions.github.io/file/v2.1.0/schema.json",
    "https://stac-extensions.github.io/projection/v1.1.0/schema.json",
    "https://stac-extensions.github.io/raster/v1.1.0/schema.json",
    "https://stac-extensions.github.io/scientific/v1.0.0/schema.json",
]

_ID = r"^[a-z0-9][a-z0-9_.-]{0,79}$"
_CHECKSUM = r"^sha256:[0-9a-f]{64}$"


class CatalogueError(ValueError):
    """Bad catalogue items; ``problems`` lists every problem found, each naming its file."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the layer catalogue:\n{lines}")


class Asset(BaseModel):
    """A file of a layer: ``href`` relative to the item's folder, media ``type``, sha256 checksum."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)
    href: str = Field(min_length=1, description="path relative to the item's folder")
    type: str
    title: str | None = None
    roles: list[str] = ["data"]
    checksum: str = Field(alias="file:checksum", pattern=_CHECKSUM)

    @field_validator("href")
    @classmethod
    def _relative(cls, href: str) -> str:
        parts = Path(href).parts
        if href.startswith(("/", "\\")) or ".." in parts or "://" in href:
            raise ValueError(f"href {href!r}: expected a path relative to the item's folder, inside it")
        return href


class Properties(BaseModel):
    """The item's ``properties`` (see the module docstring)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)
    title: str = Field(min_length=1)
    description: str = ""
    variable: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    units: str = Field(min_length=1)
    depth_cm: tuple[float, float] | None = None
    resolution: str = Field(min_length=1)
    datetime: str | None
    start_datetime: str | None = None
    end_datetime: str | None = None
    license: str = Field(min_length=1)
    version: str = Field(min_length=1)
    providers: list[dict[str, Any]] = []
    doi: str | None = Field(None, alias="sci:doi")
    source: str = Field(alias="permille:source", min_length=1)
    uncertainty_layer: str | None = Field(None, alias="permille:uncertainty_layer", pattern=_ID)
    date_added: str = Field(alias="permille:date_added", min_length=10)
    synthetic: bool = Field(alias="permille:synthetic")
    format: Literal[FORMATS] | None = Field(None, alias="permille:format")

    @model_validator(mode="after")
    def _dates(self):
        if self.datetime is None and not (self.start_datetime and self.end_datetime):
            raise ValueError("datetime is null: start_datetime and end_datetime are then required (STAC 1.0)")
        if self.depth_cm is not None and not 0 <= self.depth_cm[0] < self.depth_cm[1]:
            raise ValueError(f"depth_cm {list(self.depth_cm)}: expected [top, bottom] with 0 ≤ top < bottom")
        return self


class LayerItem(BaseModel):
    """A STAC 1.0 Item describing one layer."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)
    type: Literal["Feature"]
    stac_version: Literal["1.0.0"]
    stac_extensions: list[str] = []
    id: str = Field(pattern=_ID)
    geometry: dict[str, Any] | None
    bbox: list[float] | None = Field(None, min_length=4, max_length=6)
    properties: Properties
    links: list[dict[str, Any]] = []
    assets: dict[str, Asset] = Field(min_length=1)

    def stac(self) -> dict:
        """The item as STAC JSON (aliased keys such as ``file:checksum``)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=False)


@dataclass(frozen=True)
class Layer:
    """A catalogue item and where it was found: ``folder`` (its files are relative to it), ``bundled``."""

    item: LayerItem
    folder: Path
    bundled: bool

    @property
    def id(self) -> str:
        return self.item.id

    @property
    def properties(self) -> Properties:
        return self.item.properties

    def paths(self) -> dict[str, Path]:
        """Asset key → absolute path of the file."""
        return {key: self.folder / asset.href for key, asset in self.item.assets.items()}

    def summary(self) -> dict:
        """The fields ``permille data list`` and ``GET /api/layers`` show, JSON-ready."""
        p = self.properties
        return {
            "id": self.id,
            "title": p.title,
            "description": p.description,
            "variable": p.variable,
            "units": p.units,
            "resolution": p.resolution,
            "depth_cm": list(p.depth_cm) if p.depth_cm else None,
            "source": p.source,
            "license": p.license,
            "version": p.version,
            "doi": p.doi,
            "datetime": p.datetime,
            "start_datetime": p.start_datetime,
            "end_datetime": p.end_datetime,
            "uncertainty_layer": p.uncertainty_layer,
            "date_added": p.date_added,
            "synthetic": p.synthetic,
            "format": p.format,
            "bbox": self.item.bbox,
            "bundled": self.bundled,
            "assets": {
                key: {"href": a.href, "type": a.type, "checksum": a.checksum}
                for key, a in self.item.assets.items()
            },
        }


def layers_folder(home: Path | None = None) -> Path:
    """Where added layers live: ``$PERMILLE_HOME/layers`` (or ``home/layers``)."""
    return (home or permille_home()) / "layers"


def sha256(path: Path, *, block: int = 2**20) -> str:
    """The file's checksum as written in items: "sha256:<hex>"."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(block):
            digest.update(chunk)
    return f"sha256:{digest.hexdigest()}"


def global_item(layer_id: str, properties: dict, assets: dict[str, tuple[Path, str, str]]) -> dict:
    """A STAC 1.0 item (as JSON) of a layer covering the whole globe; ``assets`` maps each key to (file
    beside the item, media type, title), written with its checksum. Used by the bundled layers' build
    scripts (``scripts/build_*_layers.py``)."""
    return {
        "type": "Feature", "stac_version": "1.0.0", "id": layer_id,
        "stac_extensions": ["https://stac-extensions.github.io/file/v2.1.0/schema.json"],
        "bbox": [-180.0, -90.0, 180.0, 90.0],
        "geometry": {"type": "Polygon", "coordinates": [[[-180, -90], [180, -90], [180, 90], [-180, 90], [-180, -90]]]},
        "properties": properties,
        "assets": {
            key: {"href": path.name, "type": media, "title": title, "file:checksum": sha256(path)}
            for key, (path, media, title) in assets.items()
        },
        "links": [],
    }  # fmt: skip


def parse_item(path: Path) -> LayerItem:
    """One ``item.json``; ``CatalogueError`` naming the file and every invalid field."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        item = LayerItem.model_validate(data)
    except (OSError, json.JSONDecodeError) as error:
        raise CatalogueError([f"{path}: {error}"]) from None
    except ValidationError as error:
        problems = [
            f"{path}: {'.'.join(str(p) for p in e['loc']) or 'item'}: {e['msg']}" for e in error.errors()
        ]
        raise CatalogueError(problems) from None
    if item.id != path.parent.name:
        raise CatalogueError([f"{path}: id {item.id!r} differs from its folder name {path.parent.name!r}"])
    return item


def load(home: Path | None = None, *, bundled: Path | None = BUNDLED) -> dict[str, Layer]:
    """Every catalogue layer by id: the bundled items, then those in ``$PERMILLE_HOME/layers`` (or
    ``home/layers``), each sorted by id. Zero items is a valid (empty) catalogue. ``CatalogueError``
    lists every invalid item, duplicate id and dangling ``permille:uncertainty_layer``."""
    layers: dict[str, Layer] = {}
    problems: list[str] = []
    for folder, is_bundled in ((bundled, True), (layers_folder(home), False)):
        if folder is None or not folder.is_dir():
            continue
        for path in sorted(folder.glob(f"*/{ITEM_FILE}")):
            try:
                item = parse_item(path)
            except CatalogueError as error:
                problems += error.problems
                continue
            if item.id in layers:
                problems.append(f"{path}: id {item.id!r} is already in {layers[item.id].folder / ITEM_FILE}")
                continue
            layers[item.id] = Layer(item, path.parent, is_bundled)
    for layer in layers.values():
        other = layer.properties.uncertainty_layer
        if other is not None and other not in layers:
            problems.append(f"{layer.folder / ITEM_FILE}: permille:uncertainty_layer {other!r} is no layer")
    if problems:
        raise CatalogueError(problems)
    return layers


def verify(layer: Layer) -> list[str]:
    """Problems of the layer's files: missing, or a checksum other than the item's (empty: all good)."""
    problems = []
    for key, path in layer.paths().items():
        expected = layer.item.assets[key].checksum
        if not path.is_file():
            problems.append(f"{layer.id}: asset {key!r}: {path} is missing")
        elif (actual := sha256(path)) != expected:
            problems.append(
                f"{layer.id}: asset {key!r}: {path} has checksum {actual}, the item says {expected}"
            )
    return problems
