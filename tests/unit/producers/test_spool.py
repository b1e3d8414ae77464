"""The durable spool: what is appended can be read back, whole, after a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from producers.spool import Spool, SpooledRecord


@settings(max_examples=50, deadline=None)
@given(
    records=st.lists(
        st.tuples(st.binary(max_size=40), st.binary(max_size=400)), min_size=1, max_size=20
    )
)
def test_segments_round_trip(
    tmp_path_factory: pytest.TempPathFactory, records: list[tuple[bytes, bytes]]
) -> None:
    spool = Spool(tmp_path_factory.mktemp("spool"))
    segment = spool.append([SpooledRecord(k, v) for k, v in records])
    assert segment is not None and spool.segments() == [segment]
    assert [(r.key, r.value) for r in Spool.read(segment)] == records


def test_damaged_segment_is_read_up_to_the_damage(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    segment = spool.append([SpooledRecord(b"a", b"first"), SpooledRecord(b"b", b"second")])
    assert segment is not None
    segment.write_bytes(segment.read_bytes()[:-3])
    assert [r.value for r in Spool.read(segment)] == [b"first"]


def test_no_partial_segment_is_ever_visible(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    (tmp_path / ".seg-crashed.tmp").write_bytes(b"\x00\x00")  # a writer died mid-write
    assert spool.segments() == []
    assert spool.append([]) is None
