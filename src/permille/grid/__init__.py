"""Gridded soil carbon: sequestration-potential maps on xarray + Dask, raster I/O and zonal statistics."""
