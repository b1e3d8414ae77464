"""The ClickHouse-compatible HTTP endpoint that serves the embedded chDB engine.

``server`` (threads, users) -> ``handler`` (one request) -> ``protocol`` (ClickHouse's
HTTP conventions), ``body`` and ``reply`` (bounded bodies, answers), ``native_format``
(Native output), ``lanes`` (a writer connection apart from the readers') and
``read_policy`` (what a reader may run, and its caps).
"""
