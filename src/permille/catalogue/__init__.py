"""The layer catalogue: STAC 1.0 items describing every raster and table layer the platform uses
(:mod:`.items`: the item model, loading, checksums; :mod:`.add`: adding a layer on a deployment)."""

from .items import VARIABLES, CatalogueError, Layer, LayerItem, load, verify

__all__ = ["VARIABLES", "CatalogueError", "Layer", "LayerItem", "load", "verify"]
