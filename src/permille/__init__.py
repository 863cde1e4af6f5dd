"""permille: the open platform of the «4 per 1000» Initiative for soil organic carbon."""

__version__ = "0.1.0"
