"""Country boundaries for the web map (Natural Earth 1:50m admin-0, bundled), simplified, and the country
map of one zone layer as GeoJSON."""

import json
from functools import cache
from importlib.resources import files

import numpy as np
import shapely
from shapely.geometry import mapping, shape


def _unwrapped(geometry):
    """Polygons whose rings jump across the antimeridian (Russia, Fiji, …) with their western longitudes
    moved east by 360°, so that a web map draws them without a band across the world."""

    def shift(xy):
        return np.where(xy[:, :1] < 0, xy + [360.0, 0.0], xy)

    parts = []
    for polygon in shapely.get_parts(geometry):
        lon = np.asarray(polygon.exterior.coords)[:, 0]
        parts.append(
            shapely.transform(polygon, shift) if np.abs(np.diff(lon)).max(initial=0) > 180 else polygon
        )
    return shapely.MultiPolygon(parts)


@cache
def boundaries_geojson() -> str:
    """The bundled countries simplified to 0.02° (about 2 km), coordinates to 0.01°, as GeoJSON text with
    ``name``, ``iso3`` and ``region``."""
    source = json.loads((files("permille") / "data" / "boundaries" / "countries_50m.geojson").read_text())
    features = []
    for feature in source["features"]:
        geometry = shapely.transform(
            _unwrapped(shape(feature["geometry"]).simplify(0.02)), lambda xy: np.round(xy, 2)
        )
        if not geometry.is_empty:
            properties = {k: feature["properties"][k] for k in ("name", "iso3", "region")}
            features.append({"type": "Feature", "properties": properties, "geometry": mapping(geometry)})
    return json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))


def zone_layer_geojson(answer: dict) -> str:
    """The boundaries with the statistics of a zone-layer answer (:func:`.zone_summaries.zone_layer`) as
    properties, as GeoJSON text."""
    values = {item["zone"]: item | {"dataset": answer["dataset"]["name"]} for item in answer["items"]}
    collection = json.loads(boundaries_geojson())
    for feature in collection["features"]:
        feature["properties"] |= values.get(feature["properties"]["iso3"], {})
    return json.dumps(collection)
