"""Fakes of collaborators, implementing their real interfaces (never the thing under test)."""

from __future__ import annotations

from collections.abc import Sequence

from producers.health import SourceHealth
from producers.outlets import Delivery, Record
from schemas.deadletter import DeadLetter
from schemas.documents import DocumentObserved


class MemoryOutlet:
    """Keeps what it is sent; ``fail_next`` refuses the next n records (as a failing broker)."""

    def __init__(self) -> None:
        self.records: list[Record] = []
        self.fail_next = 0

    @property
    def documents(self) -> list[DocumentObserved]:
        return [r for r in self.records if isinstance(r, DocumentObserved)]

    @property
    def deadletters(self) -> list[DeadLetter]:
        return [r for r in self.records if isinstance(r, DeadLetter)]

    async def send(self, records: Sequence[Record]) -> Delivery:
        acked = []
        for record in records:
            if self.fail_next > 0:
                self.fail_next -= 1
                acked.append(False)
            else:
                self.records.append(record)
                acked.append(True)
        errors = [] if all(acked) else [f"{acked.count(False)} records refused"]
        return Delivery(acked, errors)


class MemoryHealthRecorder:
    """Keeps every row; ``latest`` per source."""

    def __init__(self) -> None:
        self.rows: list[SourceHealth] = []

    def record(self, health: SourceHealth) -> None:
        self.rows.append(health)

    def latest(self, source_id: str) -> SourceHealth | None:
        return next((r for r in reversed(self.rows) if r.source_id == source_id), None)
