"""Standard Webhooks signatures (https://www.standardwebhooks.com/): sign and verify.

Headers: ``webhook-id`` (the alert id: receivers dedupe on it), ``webhook-timestamp``
(Unix seconds) and ``webhook-signature`` = ``v1,<base64 HMAC-SHA256>`` of
``"{id}.{timestamp}.{body}"``, keyed with the base64-decoded part of the
``whsec_`` secret. Pure: no I/O. ``verify`` is what a receiver runs (the tests'
receiver does, and docs/ALERTS.md shows it).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
from collections.abc import Mapping

from schemas.errors import PolicywatchError

SECRET_PREFIX = "whsec_"
DEFAULT_TOLERANCE_S = 300


class InvalidSignature(PolicywatchError):
    """A webhook whose signature, timestamp or secret does not check out."""

    reason = "invalid_signature"


def secret_key(secret: str) -> bytes:
    """The HMAC key of a ``whsec_<base64>`` secret (a bare base64 string is accepted too)."""
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidSignature(
            "the webhook secret is not 'whsec_' followed by base64; "
            "create the subscription again to get a valid secret"
        ) from None
    if not key:
        raise InvalidSignature("the webhook secret is empty; set a 'whsec_...' secret")
    return key


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64>``: HMAC-SHA256 of ``{msg_id}.{timestamp}.{body}``."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signed_headers(
    secret: str, msg_id: str, body: bytes, timestamp: int | None = None
) -> dict[str, str]:
    """The three Standard Webhooks headers for one request."""
    ts = int(time.time()) if timestamp is None else timestamp
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(ts),
        "webhook-signature": signature(secret, msg_id, ts, body),
    }


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    tolerance_s: int = DEFAULT_TOLERANCE_S,
    now: float | None = None,
) -> str:
    """Check a received webhook; returns its ``webhook-id`` or raises InvalidSignature.

    ``headers`` keys are matched case-insensitively. Several space-separated
    signatures may be present (secret rotation): one valid ``v1`` suffices.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    msg_id = lowered.get("webhook-id", "")
    raw_ts = lowered.get("webhook-timestamp", "")
    received = lowered.get("webhook-signature", "")
    if not (msg_id and raw_ts and received):
        raise InvalidSignature("missing webhook-id, webhook-timestamp or webhook-signature header")
    try:
        ts = int(raw_ts)
    except ValueError:
        raise InvalidSignature(f"webhook-timestamp {raw_ts!r} is not Unix seconds") from None
    current = time.time() if now is None else now
    if abs(current - ts) > tolerance_s:
        raise InvalidSignature(
            f"webhook-timestamp {ts} is more than {tolerance_s}s from now; "
            "a replay, or the clocks differ"
        )
    expected = signature(secret, msg_id, ts, body).encode("ascii")
    for candidate in received.split():
        if candidate.startswith("v1,") and hmac.compare_digest(candidate.encode(), expected):
            return msg_id
    raise InvalidSignature("no webhook-signature matches the body; check the secret")
