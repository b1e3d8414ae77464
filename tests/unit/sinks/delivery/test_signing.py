"""Standard Webhooks signing: the spec's vector, round trips, and what verify refuses."""

from __future__ import annotations

import pytest

from sinks.delivery.signing import InvalidSignature, signature, signed_headers, verify

# The example of the Standard Webhooks specification (and its reference libraries).
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TS = 1614265330
SPEC_BODY = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_signature_matches_the_spec_vector() -> None:
    assert signature(SPEC_SECRET, SPEC_ID, SPEC_TS, SPEC_BODY) == SPEC_SIGNATURE


def test_verify_accepts_the_spec_vector_and_returns_the_id() -> None:
    headers = {
        "Webhook-Id": SPEC_ID,
        "Webhook-Timestamp": str(SPEC_TS),
        "Webhook-Signature": f"v1,bm90LXRoaXMtb25l {SPEC_SIGNATURE}",  # rotation: two sigs
    }
    assert verify(SPEC_SECRET, headers, SPEC_BODY, now=SPEC_TS + 10) == SPEC_ID


def test_signed_headers_round_trip() -> None:
    headers = signed_headers(SPEC_SECRET, "a123", b"{}", timestamp=1_700_000_000)
    assert headers["webhook-id"] == "a123"
    assert headers["webhook-timestamp"] == "1700000000"
    assert verify(SPEC_SECRET, headers, b"{}", now=1_700_000_001) == "a123"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"body": b'{"test": 2432232315}'}, "no webhook-signature matches"),
        ({"secret": "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ="}, "no webhook-signature matches"),
        ({"now": SPEC_TS + 301}, "more than 300s from now"),
        ({"now": SPEC_TS - 301}, "more than 300s from now"),
        ({"drop": "webhook-signature"}, "missing"),
        ({"timestamp": "yesterday"}, "not Unix seconds"),
    ],
)
def test_verify_refuses(change: dict[str, object], message: str) -> None:
    headers = {
        "webhook-id": SPEC_ID,
        "webhook-timestamp": str(change.get("timestamp", SPEC_TS)),
        "webhook-signature": SPEC_SIGNATURE,
    }
    headers.pop(str(change.get("drop", "")), None)
    body = change.get("body", SPEC_BODY)
    assert isinstance(body, bytes)
    now = change.get("now", SPEC_TS)
    assert isinstance(now, int)
    with pytest.raises(InvalidSignature, match=message):
        verify(str(change.get("secret", SPEC_SECRET)), headers, body, now=now)


def test_a_secret_that_is_not_base64_is_explained_without_echoing_it() -> None:
    with pytest.raises(InvalidSignature, match="'whsec_' followed by base64") as caught:
        signature("whsec_not base64!!", "id", 1, b"")
    assert "not base64!!" not in str(caught.value)
