"""Sinks: the warehouse (ClickHouse or chDB) and, later, alert delivery."""
