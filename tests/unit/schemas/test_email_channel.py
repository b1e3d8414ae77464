"""E-mail channel fields reach mail headers: anything that could inject one is refused."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from schemas.subscriptions import EmailChannel


@pytest.mark.parametrize(
    "recipient",
    [
        "desk@example.org\r\nBcc: spy@evil.example",
        "desk@example.org\nBcc: spy@evil.example",
        "desk@example.org\rX-Injected: 1",
        "desk@example.org\x00",
        "desk@example.org\u2028Bcc: spy@evil.example",
        "desk@example.org, spy@evil.example",
        "desk@example.org;spy@evil.example",
        "Desk <desk@example.org>",
        '"desk"@example.org',
        "desk example@example.org",
        "desk@example.org@evil.example",
        "desk",
        "@example.org",
        "desk@",
        "",
    ],
)
def test_a_recipient_that_is_not_one_bare_address_is_refused(recipient: str) -> None:
    with pytest.raises(ValidationError) as error:
        EmailChannel(to=("ok@example.org", recipient))
    assert error.value.errors()[0]["loc"] == ("to", 1)


@pytest.mark.parametrize("prefix", ["[pw]\r\nBcc: spy@evil.example", "[pw]\n", "[pw]\x85x"])
def test_a_subject_prefix_with_a_line_break_is_refused(prefix: str) -> None:
    with pytest.raises(ValidationError, match="line break or control character"):
        EmailChannel(to=("ok@example.org",), subject_prefix=prefix)


@pytest.mark.parametrize(
    "recipient", ["desk@example.org", "first.last+alerts@sub.example.co.uk", "ünï@exämple.de"]
)
def test_ordinary_addresses_pass(recipient: str) -> None:
    assert EmailChannel(to=(recipient,)).to == (recipient,)
