"""sources.yaml: the example validates, and every mistake is named with its line and field."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from producers.sources import DocumentType, load_sources, parse_duration, parse_rate
from schemas.errors import ConfigError
from tests.conftest import REPO

EXAMPLE = REPO / "ops" / "sources.example.yaml"


def test_the_example_file_validates_and_defaults_apply() -> None:
    catalogue = load_sources(EXAMPLE)
    by_id = {s.id: s for s in catalogue.sources}
    assert set(by_id) == {"enn-asia", "policy-review", "mea-press", "mofa-press"}
    assert by_id["enn-asia"].interval == timedelta(minutes=15)  # its own
    assert by_id["mofa-press"].interval == timedelta(hours=2)
    assert by_id["policy-review"].rate_limit == 1.0  # from defaults
    assert by_id["mea-press"].rate_limit == 0.5  # 30/m
    listing = by_id["mea-press"].listing
    assert listing is not None and listing.max_pages == 3
    assert listing.document_type is DocumentType.AUTO
    assert by_id["mea-press"].host == "mea.example"


@pytest.mark.parametrize(
    ("value", "seconds"), [(90, 90), ("90s", 90), ("15m", 900), ("2h", 7200), ("1d", 86400)]
)
def test_durations(value: object, seconds: int) -> None:
    assert parse_duration(value) == timedelta(seconds=seconds)


@pytest.mark.parametrize(("value", "rate"), [(2, 2.0), ("1/s", 1.0), ("30/m", 0.5), ("0.5", 0.5)])
def test_rates(value: object, rate: float) -> None:
    assert parse_rate(value) == pytest.approx(rate)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_problem_is_reported_with_line_and_field(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """sources:
  - id: ok-one
    kind: news
    feed: https://news.example/rss.xml
  - id: mea
    kind: official_statement
    listing:
      url: https://mea.example/press
      next_selector: "a..next"
  - id: Bad Id
    kind: blog
    feed: ftp://news.example/feed
    interval: 0s
    rate_limit: 3/x
  - id: both
    kind: news
    feed: https://a.example/rss
    listing: {url: "https://a.example/", link_selector: "a"}
""",
    )
    with pytest.raises(ConfigError) as caught:
        load_sources(path)
    message = str(caught.value)
    expected = [
        f"{path}:8: sources[1] (mea).listing.link_selector: Field required",
        f"{path}:9: sources[1] (mea).listing.next_selector: 'a..next' is not a valid CSS selector",
        f"{path}:10: sources[2] (Bad Id).id: String should match pattern",
        f"{path}:11: sources[2] (Bad Id).kind: Input should be 'news' or 'official_statement'",
        f"{path}:12: sources[2] (Bad Id).feed: 'ftp://news.example/feed' is not an http(s) URL",
        f"{path}:13: sources[2] (Bad Id).interval: interval must be at least 1s",
        f"{path}:14: sources[2] (Bad Id).rate_limit: '3/x' is not a rate",
        "sources[3] (both): give exactly one of 'feed'",
    ]
    for line in expected:
        assert line in message, (line, message)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("sources: []", "sources: List should have at least 1 item"),
        ("- just a list", "expected a mapping with a 'sources:' list"),
        ("sources: [\n  {id: a", "not valid YAML"),
        (
            "sources:\n  - {id: a, kind: news, feed: 'https://x.example/f'}\n"
            "  - {id: a, kind: news, feed: 'https://y.example/f'}\n",
            "source id 'a' is used twice",
        ),
        ("defaults: {colour: red}\nsources: []", "defaults may set only"),
    ],
)
def test_file_level_mistakes(tmp_path: Path, text: str, needle: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_sources(write(tmp_path, text))
    assert needle in str(caught.value)


def test_missing_file_and_selecting_sources(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_sources(tmp_path / "absent.yaml")
    catalogue = load_sources(
        write(
            tmp_path,
            "sources:\n  - {id: a, kind: news, feed: 'https://x.example/f'}\n"
            "  - {id: b, kind: news, feed: 'https://y.example/f', enabled: false}\n",
        )
    )
    assert [s.id for s in catalogue.select(None)] == ["a"]
    assert [s.id for s in catalogue.select("b")] == ["b"]  # named: runs even when disabled
    with pytest.raises(ConfigError, match=r"no source 'c'.*known: a, b"):
        catalogue.select("c")
