"""Known ids of the default taxonomy and the suggestions for ids it does not know."""

from __future__ import annotations

import pytest

from streams.taxonomy.known import KnownIds, closest_ids
from streams.taxonomy.load import load_taxonomy

KNOWN = KnownIds.of(load_taxonomy())


def test_ids_of_every_kind_come_from_the_taxonomy() -> None:
    assert {"quad", "in-jp.critical-minerals-jwg"} <= KNOWN.initiatives
    assert {"in.s-jaishankar", "jp.toshimitsu-motegi"} <= KNOWN.actors
    assert {"IN", "JP", "AU", "US"} <= KNOWN.countries
    assert KNOWN.knows("country", "jp") and not KNOWN.knows("initiative", "Quad")


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("initiative", "quadd", "unknown initiative 'quadd'; did you mean quad"),
        ("actor", "motegi", "unknown actor 'motegi'; did you mean jp.toshimitsu-motegi?"),
        ("country", "JPN", "unknown country 'JPN'; did you mean JP?"),
        ("initiative", "nosuch", "unknown initiative 'nosuch'; `policywatch taxonomy show` lists"),
    ],
)
def test_unknown_ids_get_the_closest_known_ones(kind: str, value: str, message: str) -> None:
    assert not KNOWN.knows(kind, value)  # type: ignore[arg-type]
    assert KNOWN.unknown_message(kind, value).startswith(message)  # type: ignore[arg-type]


def test_context_entries_are_no_ids_to_filter_on() -> None:
    """Context entries are recognised but never labelled: a filter on one matches nothing."""
    taxonomy = load_taxonomy()
    [context_actor] = [a.id for a in taxonomy.actors if a.scope == "context"][:1]
    assert not KNOWN.knows("actor", context_actor)
    assert "is context in the taxonomy" in KNOWN.unknown_message("actor", context_actor)
    assert context_actor not in KNOWN.closest("actor", context_actor[:-1])


def test_suggestions_prefer_spelling_then_word_parts() -> None:
    known = ["quad", "quad.ipmda", "in-jp.critical-minerals-jwg", "us.quadrant"]
    assert closest_ids("quadd", known) == ["quad", "quad.ipmda"]  # us.quadrant: too far
    assert closest_ids("minerals", known) == ["in-jp.critical-minerals-jwg"]
    assert closest_ids("  ", known) == []
