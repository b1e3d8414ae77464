"""What the worker needs from a reader of a compacted state topic, and nothing more.

The subscriptions topic is followed by one implementation for every role (the API,
delivery and this worker): ``sinks.follow.TopicFollower``, which knows Tansu's
under-reported end offsets. streams may not import sinks, so ops passes a factory of
such readers in (``build_app``) and the worker depends only on these protocols.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol


class FollowedRecord(Protocol):
    @property
    def topic(self) -> str: ...

    @property
    def partition(self) -> int: ...

    @property
    def offset(self) -> int: ...

    @property
    def key(self) -> bytes | None: ...

    @property
    def value(self) -> bytes | None: ...


class TopicReader(Protocol):
    """Reads a topic from its beginning; blocking (the worker calls it in a thread)."""

    def fetch(self, timeout_ms: int = 200) -> Sequence[FollowedRecord]: ...

    def caught_up(self) -> bool: ...

    def close(self) -> None: ...


#: Opens a reader of the subscriptions topic at its beginning (a missing topic or an
#: unreachable broker raises ``schemas.errors.PolicywatchError``).
TopicReaderFactory = Callable[[], TopicReader]
