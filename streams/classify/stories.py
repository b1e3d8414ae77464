"""Story grouping: reports of the same event from different outlets share a ``story_id``.

Two signals, compared only with documents published within ``window`` of each
other (either direction, so late arrivals still join):
- near-duplicates (syndicated copies, light rewrites): resemblance of word
  4-shingles, estimated from bottom-k sketches (k=64), at least 0.5;
- differently worded reports of one event: cosine similarity, at least
  ``threshold``, of a weighted profile: content words (log term frequency),
  classified labels (initiative/actor ids, weight 3) and numbers ("18th",
  "508"; weight 3, years 1). Measured on the seeds: two reports of the 18th
  India-Japan Strategic Dialogue score 0.54; India-Japan articles on other
  events naming the same ministers score below 0.3.
Candidates come from an inverted index of labels and of the eight smallest
shingle hashes (near-duplicates almost surely share one), so a document is
scored only against the few that share a key, never against the whole window.
Memory is bounded: documents published more than ``retention`` (default 180
days, far longer than the window, because backfills arrive out of order) before
the newest publication time seen are evicted (event time, so a replay gives the
same stories), and at most ``max_documents`` are kept.
A known ``document_id`` keeps its story. ``snapshot()``/``restore()`` give the
state as plain JSON-able data. Pure: no I/O; not thread-safe (one per worker).
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import math
import re
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from schemas.ids import story_id_for
from streams.classify.normalise import has_cjk, is_cjk, normalise

__all__ = ["StoryFeatures", "StoryIndex", "story_features"]

SNAPSHOT_VERSION = 1
SKETCH_SIZE = 64
SHINGLE_WORDS = 4
NEAR_DUPLICATE = 0.5
SKETCH_KEYS = 8
PER_KEY = 64
MAX_CANDIDATES = 32  # scored per document: those sharing the most keys
MAX_TERMS = 200
LABEL_WEIGHT = 3.0
NUMBER_WEIGHT = 3.0
YEAR_WEIGHT = 1.0
_YEAR = re.compile(r"(?:19|20|21)\d\d")
_NUMBER = re.compile(r"\d+(?:st|nd|rd|th)?")
_STOPWORDS = frozenset(
    """the and for with from that this these those its their his her they she was were are
    has have had will would said also not but which who whom between both two over into
    about after before than then there here what when where while been being such more most
    other some any all our out off per via amid among upon under within without across
    says say one new can could may might must should shall very just only each""".split()  # noqa: SIM905
)


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big") >> 1


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    for token in normalise(text).text.split(" "):
        if token and has_cjk(token):
            out.extend(token[i : i + 2] for i in range(max(1, len(token) - 1)))
        elif token:
            out.append(token)
    return out


def _profile(tokens: list[str], labels: Iterable[str]) -> dict[str, float]:
    words: Counter[str] = Counter()
    terms: dict[str, float] = {}
    for token in tokens:
        if _NUMBER.fullmatch(token):
            terms["n:" + token] = YEAR_WEIGHT if _YEAR.fullmatch(token) else NUMBER_WEIGHT
        elif (len(token) >= 3 and token not in _STOPWORDS) or (
            not token.isascii() and is_cjk(token[0])
        ):
            stem = token[:-1] if len(token) > 4 and token.endswith("s") else token
            words["w:" + stem] += 1
    top = sorted(words.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_TERMS]
    terms.update((term, 1.0 + math.log(count)) for term, count in top)
    terms.update(("l:" + label, LABEL_WEIGHT) for label in labels)
    return terms


def _sketch(tokens: list[str]) -> list[int]:
    shingles = {" ".join(tokens[i : i + SHINGLE_WORDS]) for i in range(len(tokens))}
    return sorted(heapq.nsmallest(SKETCH_SIZE, {_hash(s) for s in shingles}))


def _resemblance(a: list[int], b: list[int]) -> float:
    if not a or not b:
        return 0.0
    union = heapq.nsmallest(SKETCH_SIZE, set(a) | set(b))
    both = set(a) & set(b)
    return sum(1 for h in union if h in both) / len(union)


def _cosine(a: dict[str, float], b: dict[str, float], norm_a: float, norm_b: float) -> float:
    dot = sum(a[term] * b[term] for term in a.keys() & b.keys())  # the intersection runs in C
    return dot / (norm_a * norm_b) if norm_a and norm_b else 0.0


@dataclass(frozen=True, slots=True)
class StoryFeatures:
    """What story matching needs of a document, computed where the text is."""

    terms: dict[str, float]
    sketch: tuple[int, ...]
    labels: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"terms": self.terms, "sketch": list(self.sketch), "labels": list(self.labels)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StoryFeatures:
        return cls(
            terms={str(k): float(v) for k, v in dict(data["terms"]).items()},
            sketch=tuple(int(x) for x in data["sketch"]),
            labels=tuple(str(x) for x in data["labels"]),
        )


def story_features(text: str, labels: Iterable[str]) -> StoryFeatures:
    """Profile terms and shingle sketch of a document's text and labels."""
    label_set = sorted(set(labels))
    tokens = _tokens(text)
    return StoryFeatures(
        terms=_profile(tokens, label_set), sketch=tuple(_sketch(tokens)), labels=tuple(label_set)
    )


def _timestamp(when: datetime) -> float:
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


@dataclass(slots=True)
class _Doc:
    story: str
    published: float
    labels: frozenset[str]
    terms: dict[str, float]
    sketch: list[int]
    norm: float

    def index_keys(self) -> list[str]:
        """Inverted-index keys: labels and the smallest shingle hashes."""
        return ["l:" + label for label in self.labels] + [
            f"h:{h:x}" for h in self.sketch[:SKETCH_KEYS]
        ]

    def to_json(self, document_id: str) -> dict[str, Any]:
        return {
            "id": document_id,
            "story": self.story,
            "published": self.published,
            "labels": sorted(self.labels),
            "terms": self.terms,
            "sketch": self.sketch,
        }


class StoryIndex:
    """Assigns documents to stories; state is bounded by ``window`` and ``max_documents``."""

    def __init__(
        self,
        window: timedelta = timedelta(days=3),
        threshold: float = 0.4,
        max_documents: int = 50_000,
        retention: timedelta = timedelta(days=180),
    ) -> None:
        self.window = window
        # Kept longer than the comparison window: documents arrive out of publication order
        # (backfills, slow sources), and a late report must still find its story.
        self.retention = max(retention, window)
        self.threshold = threshold
        self.max_documents = max_documents
        self._docs: OrderedDict[str, _Doc] = OrderedDict()  # insertion order ~ arrival
        # key -> documents, in arrival order (dicts keep insertion order)
        self._by_key: dict[str, dict[str, None]] = {}
        self._expiry: list[tuple[float, str]] = []  # heap of (published, document_id)
        self._newest = float("-inf")
        self._removed: list[str] = []

    def __len__(self) -> int:
        return len(self._docs)

    def assign(self, document_id: str, published: datetime, text: str, labels: set[str]) -> str:
        """The story of a document: an existing one it belongs to, else a new one it founds."""
        known = self._docs.get(document_id)
        if known is not None:
            return known.story
        return self.assign_features(document_id, published, story_features(text, labels))

    def assign_features(
        self, document_id: str, published: datetime, features: StoryFeatures
    ) -> str:
        """:meth:`assign` for features computed elsewhere (by the partitioned classify stage)."""
        known = self._docs.get(document_id)
        if known is not None:
            return known.story
        when = _timestamp(published)
        self._newest = max(self._newest, when)
        self._evict()
        doc = _Doc(
            story=story_id_for(document_id),
            published=when,
            labels=frozenset(features.labels),
            terms=dict(features.terms),
            sketch=list(features.sketch),
            norm=math.sqrt(sum(w * w for w in features.terms.values())),
        )
        best = self._best_match(doc)
        if best is not None:
            doc.story = best
        self._add(document_id, doc)
        return doc.story

    def member(self, document_id: str) -> dict[str, Any] | None:
        """One document's state as JSON-able data (a row of the stream's story table)."""
        doc = self._docs.get(document_id)
        return None if doc is None else doc.to_json(document_id)

    def load_member(self, item: dict[str, Any]) -> None:
        """Add one :meth:`member` back (rebuilding the index from the story table)."""
        terms = {str(k): float(v) for k, v in dict(item["terms"]).items()}
        doc = _Doc(
            story=str(item["story"]),
            published=float(item["published"]),
            labels=frozenset(str(x) for x in item["labels"]),
            terms=terms,
            sketch=[int(x) for x in item["sketch"]],
            norm=math.sqrt(sum(w * w for w in terms.values())),
        )
        self._newest = max(self._newest, doc.published)
        self._add(str(item["id"]), doc)

    def drain_removed(self) -> list[str]:
        """Documents evicted since the last call (their table rows can be deleted)."""
        removed, self._removed = self._removed, []
        return removed

    def _candidates(self, doc: _Doc) -> Iterable[str]:
        """The most recent documents sharing a key: a busy key (an initiative in the news
        every day) contributes only its latest ``PER_KEY`` members, and only the
        ``MAX_CANDIDATES`` sharing the most keys are scored, so the cost per document
        stays bounded however many documents share a label."""
        shared: Counter[str] = Counter()
        for key in doc.index_keys():
            members = self._by_key.get(key)
            if members:
                shared.update(itertools.islice(reversed(members), PER_KEY))
        return sorted(doc_id for doc_id, _ in shared.most_common(MAX_CANDIDATES))

    def _best_match(self, doc: _Doc) -> str | None:
        span = self.window.total_seconds()
        best: tuple[float, str] | None = None
        for other_id in self._candidates(doc):
            other = self._docs[other_id]
            if abs(other.published - doc.published) > span:
                continue
            score = _cosine(doc.terms, other.terms, doc.norm, other.norm)
            if score < self.threshold and _resemblance(doc.sketch, other.sketch) >= NEAR_DUPLICATE:
                score = 1.0
            if score >= self.threshold and (best is None or score > best[0]):
                best = (score, other.story)
        return None if best is None else best[1]

    def _add(self, document_id: str, doc: _Doc) -> None:
        self._docs[document_id] = doc
        heapq.heappush(self._expiry, (doc.published, document_id))
        for key in doc.index_keys():
            self._by_key.setdefault(key, {})[document_id] = None
        while len(self._docs) > self.max_documents:
            self._remove(next(iter(self._docs)))

    def _remove(self, document_id: str) -> None:
        doc = self._docs.pop(document_id, None)
        if doc is None:
            return
        self._removed.append(document_id)
        for key in doc.index_keys():
            members = self._by_key.get(key)
            if members is not None:
                members.pop(document_id, None)
                if not members:
                    del self._by_key[key]

    def _evict(self) -> None:
        horizon = self._newest - self.retention.total_seconds()
        while self._expiry and self._expiry[0][0] < horizon:
            _, document_id = heapq.heappop(self._expiry)
            self._remove(document_id)
        if len(self._expiry) > 2 * len(self._docs) + 64:  # drop entries of removed documents
            self._expiry = [(d.published, i) for i, d in self._docs.items()]
            heapq.heapify(self._expiry)

    def snapshot(self) -> dict[str, Any]:
        """The whole state as JSON-able data (for the stream's changelog or a file)."""
        return {
            "version": SNAPSHOT_VERSION,
            "newest": None if self._newest == float("-inf") else self._newest,
            "documents": [doc.to_json(doc_id) for doc_id, doc in self._docs.items()],
        }

    def restore(self, state: dict[str, Any]) -> None:
        """Replace the state with a ``snapshot()``; unknown versions raise ValueError."""
        if state.get("version") != SNAPSHOT_VERSION:
            raise ValueError(
                f"story index snapshot version {state.get('version')!r} is not "
                f"{SNAPSHOT_VERSION}; start from an empty index"
            )
        self._docs.clear()
        self._by_key.clear()
        self._expiry.clear()
        newest = state.get("newest")
        self._newest = float("-inf") if newest is None else float(newest)
        self._removed.clear()
        for item in state.get("documents", []):
            self.load_member(item)
        self._removed.clear()
