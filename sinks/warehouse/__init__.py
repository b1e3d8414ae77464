"""One warehouse interface, two drivers: ``chdb:///path`` and ``clickhouse://host``."""

from sinks.warehouse.base import Warehouse
from sinks.warehouse.connect import connect_warehouse, redact_url

__all__ = ["Warehouse", "connect_warehouse", "redact_url"]
