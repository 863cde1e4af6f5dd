"""The dashboard and online toolkit: static pages served by the API; see docs/platform.md."""
