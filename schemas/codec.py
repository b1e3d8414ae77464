"""Wire codec: events as JSON (orjson) and back, with errors that say why.

Decoding never raises anything but :class:`InvalidEvent`, whose ``reason`` is
the dead-letter reason: ``not_json``, ``unknown_event_type``,
``unknown_schema_version`` or ``schema_violation``.
"""

from __future__ import annotations

from typing import Any, TypeVar

import orjson
from pydantic import BaseModel, ValidationError

from schemas.alerts import AlertDelivery, AlertRaised
from schemas.classification import DocumentClassified
from schemas.deadletter import DeadLetter
from schemas.documents import DocumentObserved
from schemas.envelope import Event
from schemas.errors import InvalidEvent
from schemas.subscriptions import SubscriptionChanged

#: Every released (event_type, schema_version) and the model that reads it.
EVENT_MODELS: dict[tuple[str, int], type[Event]] = {
    (DocumentObserved.EVENT_TYPE, 1): DocumentObserved,
    (DocumentClassified.EVENT_TYPE, 1): DocumentClassified,
    (DeadLetter.EVENT_TYPE, 1): DeadLetter,
    (SubscriptionChanged.EVENT_TYPE, 1): SubscriptionChanged,
    (AlertRaised.EVENT_TYPE, 1): AlertRaised,
    (AlertDelivery.EVENT_TYPE, 1): AlertDelivery,
}

E = TypeVar("E", bound=Event)


def encode(event: BaseModel) -> bytes:
    """Serialise an event (or any model) to compact JSON bytes."""
    return orjson.dumps(event.model_dump(mode="json", exclude_none=False))


def _first_error(exc: ValidationError) -> str:
    errors = exc.errors()
    parts = []
    for err in errors[:3]:
        path = ".".join(str(p) for p in err["loc"]) or "<root>"
        parts.append(f"{path}: {err['msg']}")
    more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
    return "; ".join(parts) + more


def decode_any(raw: bytes | str) -> Event:
    """Parse bytes into the event model its ``event_type`` and ``schema_version`` name."""
    try:
        data: Any = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidEvent(f"not valid JSON: {exc}", reason="not_json") from exc
    if not isinstance(data, dict):
        raise InvalidEvent(
            f"an event must be a JSON object, got {type(data).__name__}", reason="not_json"
        )
    event_type = data.get("event_type")
    version = data.get("schema_version")
    known_types = {t for t, _ in EVENT_MODELS}
    if event_type not in known_types:
        raise InvalidEvent(
            f"unknown event_type {event_type!r}; expected one of {sorted(known_types)}",
            reason="unknown_event_type",
        )
    model = EVENT_MODELS.get((str(event_type), version if isinstance(version, int) else -1))
    if model is None:
        versions = sorted(v for t, v in EVENT_MODELS if t == event_type)
        raise InvalidEvent(
            f"{event_type} schema_version {version!r} is not supported; "
            f"this build reads {versions}",
            reason="unknown_schema_version",
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidEvent(
            f"{event_type} v{version} invalid: {_first_error(exc)}", reason="schema_violation"
        ) from exc


def decode(raw: bytes | str, expected: type[E]) -> E:
    """Parse bytes that must be an event of type ``expected``."""
    event = decode_any(raw)
    if not isinstance(event, expected):
        raise InvalidEvent(
            f"expected {expected.EVENT_TYPE}, got {event.event_type}",
            reason="unexpected_event_type",
        )
    return event
