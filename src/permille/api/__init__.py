"""The HTTP API of the platform (FastAPI); see docs/platform.md."""
