"""Deterministic ids: URL variants of one article share a document_id."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemas.errors import InvalidURL, SourceError
from schemas.ids import (
    canonical_url,
    document_id_for_external,
    document_id_for_url,
    event_id_for,
    revision_of,
)

BASE = "https://www.example-news.in/world/india-japan-ai-dialogue-2025"


def test_tracking_parameters_fragments_and_hosts_do_not_change_the_id() -> None:
    variants = [
        BASE,
        "http://example-news.in/world/india-japan-ai-dialogue-2025/",
        "https://WWW.Example-News.in/world/india-japan-ai-dialogue-2025?utm_source=x&utm_medium=y",
        "https://example-news.in:443/world/india-japan-ai-dialogue-2025#comments",
        "https://amp.example-news.in/world/india-japan-ai-dialogue-2025/amp",
        "https://m.example-news.in/world/india-japan-ai-dialogue-2025?fbclid=abc",
    ]
    ids = {document_id_for_url(v) for v in variants}
    assert len(ids) == 1, [canonical_url(v) for v in variants]


def test_meaningful_query_and_path_change_the_id() -> None:
    assert document_id_for_url(BASE + "?page=2") != document_id_for_url(BASE)
    assert document_id_for_url(BASE + "-update") != document_id_for_url(BASE)
    assert canonical_url(BASE + "?b=2&a=1") == canonical_url(BASE + "?a=1&b=2")


_tracking = st.dictionaries(
    st.sampled_from(["utm_source", "utm_campaign", "fbclid", "gclid", "ref"]),
    st.text(alphabet="abcdefgh0123456789", min_size=1, max_size=8),
    max_size=3,
)


@given(
    tracking=_tracking,
    fragment=st.text(alphabet="abcxyz", max_size=6),
    www=st.booleans(),
    scheme=st.sampled_from(["http", "https"]),
    slash=st.booleans(),
)
def test_url_variants_give_the_same_document_id(
    tracking: dict[str, str], fragment: str, www: bool, scheme: str, slash: bool
) -> None:
    host = ("www." if www else "") + "mofa.example.go.jp"
    query = "&".join(f"{k}={v}" for k, v in tracking.items())
    url = f"{scheme}://{host}/press/release/2026/0312" + ("/" if slash else "")
    url += (f"?{query}" if query else "") + (f"#{fragment}" if fragment else "")
    assert document_id_for_url(url) == document_id_for_url(
        "https://mofa.example.go.jp/press/release/2026/0312"
    )


@given(title=st.text(max_size=50), body=st.text(max_size=300))
def test_revision_ignores_whitespace_layout_but_not_words(title: str, body: str) -> None:
    spaced = "  " + body.replace(" ", "  \n") + "\n"
    assert revision_of(title, body) == revision_of(title, spaced)
    assert revision_of(title, body + " changed") != revision_of(title, body)


def test_external_ids_and_event_ids_are_stable_and_distinct() -> None:
    a = document_id_for_external("files", "000_seed.txt")
    assert a == document_id_for_external("files", "000_seed.txt")
    assert a != document_id_for_external("other", "000_seed.txt")
    e1 = event_id_for(a, "r1", "document.observed")
    assert e1 == event_id_for(a, "r1", "document.observed")
    assert e1 != event_id_for(a, "r1", "document.classified", "c1")


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "https://www.example-news.in/world/a?utm_source=x&b=2&a=1#c",
            "https://example-news.in/world/a?a=1&b=2",
        ),
        ("example.org:8080/a/amp", "https://example.org:8080/a"),
        ("HTTP://M.Example.co.jp/%7Euser/p/", "https://example.co.jp/~user/p"),
        ("x", "https://x/"),
    ],
)
def test_valid_urls_keep_their_canonical_form(url: str, canonical: str) -> None:
    """Stored document ids hash these forms: refusing bad URLs must not move good ones."""
    assert canonical_url(url) == canonical


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "http://x:abc/",
        "https://[::1",
        "http://a:99999999/",
        "mailto:press@mofa.example",
        "ftp://files.example/a.txt",
        "data:text/html,<b>x</b>",
        "https:///no-host",
        "",
        "   ",
        "https://news.example/\ud800",
    ],
)
def test_urls_that_cannot_name_a_web_document_raise_invalid_url(url: str) -> None:
    with pytest.raises(InvalidURL) as raised:
        document_id_for_url(url)
    assert raised.value.reason == "invalid_url"
    assert isinstance(raised.value, SourceError)  # readers dead-letter it like any bad input


_url_like = st.one_of(
    st.text(max_size=80),
    st.builds(
        lambda scheme, rest: scheme + rest,
        st.sampled_from(["http://", "https://", "HTTP://", "//", "", "javascript:", "http:/"]),
        st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("[]:@/?#%."), max_size=60),
    ),
)


@given(url=_url_like)
def test_canonical_url_on_any_string_returns_https_or_raises_invalid_url(url: str) -> None:
    try:
        canonical = canonical_url(url)
    except InvalidURL:
        return
    assert canonical.startswith("https://")
    assert document_id_for_url(url).startswith("d")
