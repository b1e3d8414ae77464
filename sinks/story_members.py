"""The story stage's table rows in the warehouse, kept so a restarted embedded stack can
give the stage its index back (ops.story_restore).

The sink stores each record of the table's changelog topic verbatim (key and value in
base64; a record without a value deletes the row): the value is the stage's own state of
one document, which only the stage reads. ``version`` orders the records as the sink
wrote them, so the latest record of a key wins (ReplacingMergeTree(version, deleted)).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

from schemas.errors import InvalidEvent
from sinks.warehouse.base import Warehouse

TABLE = "story_members"
PAGE = 1000  # rows per read: one query holds chDB, so reads are bounded

_LIVE = f"""
SELECT member_key, member
FROM {TABLE} FINAL
WHERE member_key > {{after:String}} AND deleted = 0
ORDER BY member_key
LIMIT {{page:UInt32}}
"""


def _document_id(key: bytes) -> str:
    """The document id the key names (Faust writes a str key as JSON), for people."""
    text = key.decode("utf-8", "replace")
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def story_member_row(key: bytes | None, value: bytes | None, version: int) -> dict[str, Any]:
    """One changelog record as a row; a record without a key cannot be a table row."""
    if not key:
        raise InvalidEvent("story table record has no key", reason="empty_record")
    return {
        "member_key": base64.b64encode(key).decode("ascii"),
        "document_id": _document_id(key),
        "member": base64.b64encode(value).decode("ascii") if value is not None else "",
        "deleted": int(value is None),
        "version": version,
    }


def live_story_members(
    warehouse: Warehouse, page: int = PAGE
) -> Iterator[list[tuple[bytes, bytes]]]:
    """The latest record of every row not deleted, as (key, value) bytes, a page at a time."""
    after = ""
    while True:
        rows = warehouse.query(_LIVE, params={"after": after, "page": page})
        if not rows:
            return
        yield [
            (base64.b64decode(str(r["member_key"])), base64.b64decode(str(r["member"])))
            for r in rows
        ]
        if len(rows) < page:
            return
        after = str(rows[-1]["member_key"])
