"""The Initiative's records and KPIs, stored with SQLAlchemy; see docs/platform.md."""
