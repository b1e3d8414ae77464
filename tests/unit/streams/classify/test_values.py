"""The per-hit records compare, hash and pickle by value, as the tuples they replaced."""

from __future__ import annotations

import pickle
from datetime import date

from streams.classify.commitments import Anchor
from streams.classify.dates import DueWindow
from streams.classify.initiatives import InitiativeMention


def test_records_are_equal_by_value_and_only_to_their_own_class() -> None:
    one, same, other = Anchor(1, 5, "quad"), Anchor(1, 5, "quad"), Anchor(1, 5, None)
    assert one == same and hash(one) == hash(same)
    assert (one != same) is False  # __ne__ too (compiled, it is its own method)
    assert one != other and len({one, same, other}) == 2
    assert InitiativeMention("quad", 1, 5, 0.9) != Anchor(1, 5, "quad")
    assert one != (1, 5, "quad")  # no longer a tuple, and not equal to one


def test_a_due_window_survives_pickling() -> None:
    window = DueWindow(3, 9, date(2026, 1, 1), date(2026, 6, 30), False, "year_part")
    copy = pickle.loads(pickle.dumps(window))
    assert copy == window and copy.kind == "year_part" and copy.relative is False
