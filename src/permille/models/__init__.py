"""Pure numerical models (no I/O, nothing else of permille imported): RothC-26.3."""
