"""Which initiative, actor and country ids exist: for the API's subscriptions and `query`.

The taxonomy the stack classifies with (the default and ``streams.taxonomy``) says
what can be labelled; the API follows changes to those files as the worker does.
A report may also ask for an id that only older classifications carry (a taxonomy
entry removed since), so `query` asks the warehouse before refusing one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from ops.settings import Settings
from schemas.errors import PolicywatchError
from sinks.warehouse.base import Warehouse
from streams.taxonomy.known import KnownIds, LabelKind
from streams.taxonomy.load import load_taxonomy
from streams.taxonomy.reload import TaxonomyWatcher

log = logging.getLogger(__name__)


def taxonomy_ids(settings: Settings) -> Callable[[], KnownIds]:
    """The ids of the stack's taxonomy now; a broken file keeps the last good ids."""
    paths = tuple(settings.streams.taxonomy)
    try:
        current = KnownIds.of(load_taxonomy(*paths))
    except PolicywatchError as exc:
        log.error("taxonomy files unusable (%s); checking ids against the default taxonomy", exc)
        current = KnownIds.of(load_taxonomy())
    watcher = TaxonomyWatcher(paths, load_taxonomy)
    state = {"ids": current}

    def ids() -> KnownIds:
        fresh = watcher.poll()
        if fresh is not None:
            state["ids"] = KnownIds.of(fresh)
        return state["ids"]

    return ids


def _in_warehouse(warehouse: Warehouse, kind: LabelKind, value: str) -> bool:
    rows = warehouse.query(
        "SELECT count() AS n FROM (SELECT 1 FROM mentions "
        "WHERE label_type = {kind:String} AND label_id = {value:String} LIMIT 1)",
        params={"kind": kind, "value": value.upper() if kind == "country" else value},
    )
    return bool(rows) and int(rows[0]["n"]) > 0


def unknown_ids(
    settings: Settings, warehouse: Warehouse, wanted: list[tuple[str, LabelKind, str]]
) -> list[str]:
    """One message per (option, kind, value) that neither the taxonomy nor the warehouse knows."""
    if not wanted:
        return []
    known = KnownIds.of(load_taxonomy(*settings.streams.taxonomy))
    return [
        f"{option}: {known.unknown_message(kind, value)}"
        for option, kind, value in wanted
        if not known.knows(kind, value) and not _in_warehouse(warehouse, kind, value)
    ]
