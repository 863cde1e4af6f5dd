"""Field measurement to verified numbers: soil data, stocks, equivalent soil mass, sampling statistics,
change, compensation-scheme credits and model validation."""
