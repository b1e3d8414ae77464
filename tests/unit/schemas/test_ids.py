"""Deterministic ids: URL variants of one article share a document_id."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

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
