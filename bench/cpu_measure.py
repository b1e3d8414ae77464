"""MB/s of process CPU time over a list of documents: shared by bench/classify.py and its
child that runs an earlier commit's classifier (this module imports nothing of the project,
so either side's packages can be on the path)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol


class Text(Protocol):
    @property
    def title(self) -> str: ...
    @property
    def body(self) -> str: ...


def measure(work: Callable[[Any], Any], docs: Sequence[Text], seconds: float) -> dict[str, float]:
    """MB/s and documents/s over as much of ``docs`` as ``seconds`` of CPU time allows
    (at least one document)."""
    done = size = 0
    start = time.process_time()
    for doc in docs:
        work(doc)
        done += 1
        size += len(doc.body.encode("utf-8")) + len(doc.title.encode("utf-8"))
        if time.process_time() - start > seconds:
            break
    elapsed = time.process_time() - start
    return {
        "documents": done,
        "mb": round(size / 1e6, 3),
        "seconds": round(elapsed, 3),
        "mb_s": round(size / 1e6 / elapsed, 3),
        "docs_s": round(done / elapsed, 1),
    }
