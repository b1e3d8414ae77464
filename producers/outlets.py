"""Where produced events go: Kafka (acknowledged, optionally spooled first) or a stream.

The harvester and the intake only ever call :meth:`Outlet.send`, which returns
per record whether it is safely delivered; what was not is retried on the next
run, never recorded as done.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, TextIO

from producers.publish import Outgoing, Publisher
from producers.spool import Spool, SpooledRecord
from schemas.codec import encode
from schemas.deadletter import DeadLetter
from schemas.documents import DocumentObserved
from schemas.topics import TopicNames

log = logging.getLogger(__name__)
Record = DocumentObserved | DeadLetter


@dataclass
class Delivery:
    acked: list[bool]
    errors: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return all(self.acked)


class Outlet(Protocol):
    async def send(self, records: Sequence[Record]) -> Delivery:
        """Deliver records; ``acked[i]`` tells whether record i is durably out."""
        ...


def _key(record: Record) -> bytes:
    return (
        record.document_id if isinstance(record, DocumentObserved) else record.event_id
    ).encode()


class KafkaOutlet:
    """Documents to the documents topic, dead letters to the dead-letter topic.

    The kafka-python producer is synchronous: each batch is published in a worker
    thread. With a spool, documents are written to it durably before publishing
    (the embedded broker keeps topics in memory).
    """

    def __init__(
        self, publisher: Publisher, topics: TopicNames, spool: Spool | None = None
    ) -> None:
        self._publisher = publisher
        self._topics = topics
        self._spool = spool

    async def send(self, records: Sequence[Record]) -> Delivery:
        if not records:
            return Delivery([])
        outgoing = [
            Outgoing(
                self._topics.documents
                if isinstance(r, DocumentObserved)
                else self._topics.deadletter,
                _key(r),
                encode(r),
            )
            for r in records
        ]
        if self._spool is not None:
            documents = [
                SpooledRecord(o.key or b"", o.value)
                for o in outgoing
                if o.topic == self._topics.documents
            ]
            await asyncio.to_thread(self._spool.append, documents)
        report = await asyncio.to_thread(self._publisher.publish, outgoing)
        return Delivery(
            [i not in report.failed_indices for i in range(len(outgoing))], report.errors
        )


class JsonlOutlet:
    """Dry runs: documents as JSON lines on a text stream, dead letters logged."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    async def send(self, records: Sequence[Record]) -> Delivery:
        for record in records:
            if isinstance(record, DocumentObserved):
                self._stream.write(encode(record).decode("utf-8") + "\n")
            else:
                log.warning("would dead-letter (%s): %s", record.reason, record.error)
        self._stream.flush()
        return Delivery([True] * len(records))
