"""The producers' local web fixture server, for the `fetch` and `sources` commands' tests."""

from tests.unit.producers.conftest import web

__all__ = ["web"]
