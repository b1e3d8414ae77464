"""Story grouping: reports of the same event, from any outlet in any language, share a story.

A report joins the story it fits best, or founds one. It fits a story when it
passes every gate against every member (complete link, so one vague report cannot
chain two events together) and resembles at least one member closely enough:
- gates, from the lead (see :mod:`streams.classify.story_signals`): the same
  stage (an announcement is not the event it announces), compatible kinds of event
  (the courtesy call after a meeting is not the meeting), the same event day when
  both tell it (a named day is that day; a publication date means that day or the
  day before; an undated page tells nothing), no conflicting round of the same
  initiative (the 13th and the 15th dialogue), and publication within ``window``
  when both are dated;
- resemblance, the larger of: shared labels, weighted by how rare each label is in
  the index (a prime minister named in every report weighs little, the working
  group that met weighs much), as a weighted Jaccard index over initiative and actor
  ids (language-independent: an English and a Japanese report of one meeting share
  them; across languages also 0.8 times the share of the shorter report's labels
  found in the other), at least ``label_threshold``; in one language, the cosine of content-word
  profiles (labels and numbers included), at least ``threshold``; near-duplicate
  copies (resemblance of word 4-shingles ≥ 0.5) always resemble.
Candidates come from an inverted index of labels and of the eight smallest
shingle hashes, so a document is scored only against the few that share a key.
Memory is bounded: once the index holds ``keep_at_least`` documents, those
published more than ``retention`` (default 180 days; backfills arrive out of order)
before the newest publication time seen are evicted (event time, so a replay gives
the same stories), and at most ``max_documents`` are kept. A known ``document_id`` keeps its story.
``snapshot()``/``restore()``/``member()``/``load_member()`` give the state as
plain JSON-able data. Pure: no I/O; not thread-safe (one per worker).
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import math
import re
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from schemas.documents import language_by_script
from schemas.ids import story_id_for
from streams.classify.normalise import has_cjk, is_cjk, normalise
from streams.classify.pickling import by_fields
from streams.classify.story_signals import EventSignals, compatible_kinds

__all__ = ["StoryFeatures", "StoryIndex", "story_features"]

SNAPSHOT_VERSION: Final = 1
SKETCH_SIZE: Final = 64
SHINGLE_WORDS: Final = 4
NEAR_DUPLICATE: Final = 0.5
SKETCH_KEYS: Final = 8
PER_KEY: Final = 64
MAX_CANDIDATES: Final = 48  # scored per document: those sharing the most keys
MAX_MEMBERS_CHECKED: Final = 64  # gates are checked against a story's latest members
MAX_TERMS: Final = 200
SAME_DAY_BONUS: Final = 0.3
# and more when both name the same two actors and no others: one meeting of theirs that day
# (not a Quad meeting of four beside two of them meeting on its sidelines)
SAME_PAIR_BONUS: Final = 0.1
# across languages the share of the shorter report's labels found in the other counts at
# this weight: 62.5 % of them shared reaches the label threshold of 0.5
CROSS_LANGUAGE_OVERLAP: Final = 0.8
INITIATIVE: Final = "i:"  # labels of initiatives carry this prefix (see report_features)
LABEL_WEIGHT: Final = 3.0
NUMBER_WEIGHT: Final = 3.0
YEAR_WEIGHT: Final = 1.0
_YEAR: Final = re.compile(r"(?:19|20|21)\d\d")
_NUMBER: Final = re.compile(r"\d+(?:st|nd|rd|th)?")
_STOPWORDS: Final = frozenset(
    """the and for with from that this these those its their his her they she was were are
    has have had will would said also not but which who whom between both two over into
    about after before than then there here what when where while been being such more most
    other some any all our out off per via amid among upon under within without across
    says say one new can could may might must should shall very just only each""".split()  # noqa: SIM905
)


# copied for each shingle: a copy of an empty state costs a quarter less than a new hasher
# (a sketch hashes every distinct shingle of a report: hundreds)
_EMPTY_HASHER: Final = hashlib.blake2b(digest_size=8)


def _digest(data: bytes) -> bytes:
    hasher = _EMPTY_HASHER.copy()
    hasher.update(data)
    return hasher.digest()


def _hash(text: str) -> int:
    """A shingle's hash as stored: the top 63 bits of its 8-byte digest."""
    return int.from_bytes(_digest(text.encode()), "big") >> 1


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    for token in normalise(text).text.split(" "):
        if token and has_cjk(token):
            out.extend(token[i : i + 2] for i in range(max(1, len(token) - 1)))
        elif token:
            out.append(token)
    return out


def _profile(tokens: list[str], labels: Iterable[str]) -> dict[str, float]:
    words: dict[str, int] = {}
    terms: dict[str, float] = {}
    for token in tokens:
        # a number starts with a digit: most tokens are words and skip the regex
        if token[0].isdigit() and _NUMBER.fullmatch(token):
            terms["n:" + token] = YEAR_WEIGHT if _YEAR.fullmatch(token) else NUMBER_WEIGHT
        elif (len(token) >= 3 and token not in _STOPWORDS) or (
            not token.isascii() and is_cjk(token[0])
        ):
            stem = token[:-1] if len(token) > 4 and token.endswith("s") else token
            key = "w:" + stem
            words[key] = words.get(key, 0) + 1
    top = sorted(words.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_TERMS]
    terms.update((term, 1.0 + math.log(count)) for term, count in top)
    terms.update(("l:" + label, LABEL_WEIGHT) for label in labels)
    return terms


def _sketch(tokens: list[str]) -> list[int]:
    """The SKETCH_SIZE smallest hashes of the distinct shingles: ``_hash`` of each, taken
    the cheaper way. The shingles are joined from tokens encoded once, and the digests
    are compared as bytes (big-endian: their order is their integers'), so only the
    smallest become integers; two digests one bit apart, the same after the shift, leave
    fewer than asked, and then every shingle is hashed as ``_hash`` does."""
    words = [token.encode() for token in tokens]
    shingles = {b" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words))}
    smallest = heapq.nsmallest(SKETCH_SIZE, [_digest(s) for s in shingles])
    sketch = {int.from_bytes(d, "big") >> 1 for d in smallest}
    if len(sketch) < len(smallest):
        return sorted(heapq.nsmallest(SKETCH_SIZE, {_hash(s.decode()) for s in shingles}))
    return sorted(sketch)


def _resemblance(a: list[int], b: list[int]) -> float:
    if not a or not b:
        return 0.0
    union = heapq.nsmallest(SKETCH_SIZE, set(a) | set(b))
    both = set(a) & set(b)
    return sum(1 for h in union if h in both) / len(union)


def _cosine(a: dict[str, float], b: dict[str, float], norm_a: float, norm_b: float) -> float:
    # fsum: exactly rounded whatever the order, and a set's order follows the process's
    # string hashing, so a plain sum made ties between stories differ from run to run
    # the products of the shared terms, the smaller profile looked up in the larger (no
    # set of shared terms is built), in a list (no generator): the same sum, cheaper
    # (one lookup a term: ``get``, not ``in`` then ``[]``)
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    products: list[float] = []
    for term, weight in small.items():
        other = large.get(term)
        if other is not None:
            products.append(weight * other)
    dot = math.fsum(products)
    return dot / (norm_a * norm_b) if norm_a and norm_b else 0.0


@dataclass(frozen=True, slots=True)
class StoryFeatures:
    """What story matching needs of a document, computed where the text is.

    ``day`` (ISO) is the event day the lead names (``exact``) or the publication
    date; None when the document has no known date. ``dated``: its publication time
    is known (the window applies).
    """

    terms: dict[str, float]
    sketch: tuple[int, ...]
    labels: tuple[str, ...]
    language: str = ""
    day: str | None = None
    exact: bool = False
    kind: str = ""
    preview: bool = False
    rounds: tuple[str, ...] = ()
    dated: bool = True
    countries: tuple[str, ...] = ()  # the governments party to what it reports

    def to_json(self) -> dict[str, Any]:
        return {
            "terms": self.terms,
            "sketch": list(self.sketch),
            "labels": list(self.labels),
            "language": self.language,
            "day": self.day,
            "exact": self.exact,
            "kind": self.kind,
            "preview": self.preview,
            "rounds": list(self.rounds),
            "dated": self.dated,
            "countries": list(self.countries),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StoryFeatures:
        """Features as :meth:`to_json` wrote them; fields added later take their defaults."""
        day = data.get("day")
        return cls(
            terms={str(k): float(v) for k, v in dict(data["terms"]).items()},
            sketch=tuple(int(x) for x in data["sketch"]),
            labels=tuple(str(x) for x in data["labels"]),
            language=str(data.get("language") or ""),
            day=None if day is None else str(day),
            exact=bool(data.get("exact", False)),
            kind=str(data.get("kind") or ""),
            preview=bool(data.get("preview", False)),
            rounds=tuple(str(x) for x in data.get("rounds", ())),
            dated=bool(data.get("dated", True)),
            countries=_codes(data.get("countries", ())),
        )

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return by_fields(self)  # (compiled, the class has no __setstate__)


def _codes(value: Any) -> tuple[str, ...]:
    """Country codes as stored: a list of strings; anything else is malformed (a string
    would split into letters)."""
    if not isinstance(value, list | tuple) or not all(isinstance(x, str) for x in value):
        raise TypeError(f"countries must be a list of codes, not {value!r}")
    return tuple(value)


def _wording_language(text: str, declared: str | None) -> str:
    """The language its wording is compared in: Japanese when its script says so, whatever
    a source declared (a feed configured "en" also carries Japanese pages), else the one
    declared."""
    if language_by_script(text) == "ja":
        return "ja"
    return declared if declared and declared != "ja" else "en"


def story_features(
    text: str,
    labels: Iterable[str],
    *,
    language: str | None = None,
    signals: EventSignals | None = None,
    dated: bool = True,
    countries: Iterable[str] = (),
) -> StoryFeatures:
    """Profile terms, shingle sketch and event signals of a document's text and labels.

    Without ``signals`` the publication time given to the index stands for the day.
    """
    label_set = sorted(set(labels))
    tokens = _tokens(text)
    found = signals or EventSignals()
    return StoryFeatures(
        terms=_profile(tokens, label_set),
        sketch=tuple(_sketch(tokens)),
        labels=tuple(label_set),
        language=_wording_language(text, language),
        day=None if found.day is None else found.day.isoformat(),
        exact=found.exact,
        kind=found.kind,
        preview=found.preview,
        rounds=found.rounds,
        dated=dated,
        countries=tuple(sorted(set(countries))),
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
    language: str = ""
    day: int | None = None  # proleptic ordinal of the event day
    exact: bool = False
    kind: str = ""
    preview: bool = False
    rounds: dict[str, str] = field(default_factory=dict)  # initiative -> round
    dated: bool = True
    countries: frozenset[str] = frozenset()

    def index_keys(self) -> list[str]:
        """Inverted-index keys: labels (sorted: the candidates sharing as many keys are
        taken in this order, which must not follow the process's string hashing) and the
        smallest shingle hashes."""
        return ["l:" + label for label in sorted(self.labels)] + [
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
            "language": self.language,
            "day": None if self.day is None else date.fromordinal(self.day).isoformat(),
            "exact": self.exact,
            "kind": self.kind,
            "preview": self.preview,
            "rounds": sorted(f"{k}#{v}" for k, v in self.rounds.items()),
            "dated": self.dated,
            "countries": sorted(self.countries),
        }

    @classmethod
    def of(cls, story: str, published: float, features: StoryFeatures) -> _Doc:
        terms = dict(features.terms)
        day = date.fromisoformat(features.day).toordinal() if features.day else None
        if day is None and features.dated:  # no signals: the publication day stands for it
            day = datetime.fromtimestamp(published, UTC).date().toordinal()
        rounds = dict(r.rsplit("#", 1) for r in features.rounds if "#" in r)  # what -> which
        return cls(
            story=story,
            published=published,
            labels=frozenset(features.labels),
            terms=terms,
            sketch=list(features.sketch),
            norm=math.sqrt(sum(w * w for w in terms.values())),
            language=features.language,
            day=day,
            exact=features.exact,
            kind=features.kind,
            preview=features.preview,
            rounds=rounds,
            dated=features.dated,
            countries=frozenset(features.countries),
        )


def _the_same_two(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two reports' people are the same two ("a:" labels; institutions are
    "o:")."""
    people = {label for label in a if label.startswith("a:")}
    return len(people) == 2 and people == {label for label in b if label.startswith("a:")}


def _the_same_signing(a: _Doc, b: _Doc) -> bool:
    """Whether two reports, one without a day, tell of signing the same initiative: an
    instrument is signed once, so its signing is as good a date as a day."""
    if a.kind != "signing" or b.kind != "signing":
        return False
    return any(label.startswith(INITIATIVE) for label in a.labels & b.labels)


def _same_day(a: _Doc, b: _Doc) -> bool:
    """Whether the two event days can be one: named days at most a day apart (time
    zones), a named day within two days before a publication date, publication dates at
    most two days apart. Undated documents tell nothing."""
    if a.day is None or b.day is None:
        return True
    if a.exact and b.exact:
        return abs(a.day - b.day) <= 1
    if a.exact or b.exact:
        named, published = (a.day, b.day) if a.exact else (b.day, a.day)
        return published - 2 <= named <= published + 1
    return abs(a.day - b.day) <= 2


def _same_event(a: _Doc, b: _Doc, window: float) -> bool:
    """The gates: nothing in the two leads says they report different events; two reports
    of two governments each, not the same two, are two meetings (the prime minister's
    talks with Australia's and with the Philippines' leader on one day of a summit)."""
    one_pair = len(a.countries) == 2 and a.countries == b.countries
    if a.preview != b.preview or not compatible_kinds(a.kind, b.kind, one_pair=one_pair):
        return False
    if len(a.countries) == 2 == len(b.countries) and a.countries != b.countries:
        return False
    # two previews of one named day are one announcement only if published together (the
    # day's announcement a week ahead and the eve's preview are two)
    both_named = a.exact and b.exact and a.day is not None and b.day is not None and not a.preview
    if a.dated and b.dated and not both_named and abs(a.published - b.published) > window:
        return False  # (a weekly reporting a named day a week later is still the same event)
    if not _same_day(a, b):
        return False
    if (a.kind == "arrival") != (b.kind == "arrival") and a.day != b.day and a.day and b.day:
        # an arrival is its day's news: the visit's talks the next day, or what was said of
        # them after, are the visit's own events ("arrived on Wednesday to co-chair ..." /
        # "co-chaired the dialogue on Thursday")
        return False
    return all(b.rounds.get(k, v) == v for k, v in a.rounds.items())


class StoryIndex:
    """Assigns documents to stories; state is bounded by ``retention`` and ``max_documents``."""

    def __init__(
        self,
        window: timedelta = timedelta(days=3),
        threshold: float = 0.4,
        max_documents: int = 50_000,
        retention: timedelta = timedelta(days=180),
        *,
        label_threshold: float = 0.5,
        keep_at_least: int = 10_000,
    ) -> None:
        self.window = window
        # Kept longer than the comparison window: documents arrive out of publication order
        # (backfills, slow sources), and a late report must still find its story.
        self.retention = max(retention, window)
        self.threshold = threshold
        self.label_threshold = label_threshold
        self.max_documents = max_documents
        # An archive ingested out of order (a feed's newest first, a folder of years) must
        # not lose its old stories to its newest page: below this size nothing ages out.
        self.keep_at_least = keep_at_least
        self._docs: OrderedDict[str, _Doc] = OrderedDict()  # insertion order ~ arrival
        # key -> documents, in arrival order (dicts keep insertion order)
        self._by_key: dict[str, dict[str, None]] = {}
        self._members: dict[str, dict[str, None]] = {}  # story -> documents, in arrival order
        self._df: Counter[str] = Counter()  # documents per label, for the label weights
        self._expiry: list[tuple[float, str]] = []  # heap of (published, document_id)
        self._newest = float("-inf")
        self._removed: list[str] = []

    def __len__(self) -> int:
        return len(self._docs)

    def assign(self, document_id: str, published: datetime, text: str, labels: set[str]) -> str:
        """The story of a document: an existing one it belongs to, else a new one it founds.

        Text and labels only: ``published`` is taken as its publication time."""
        known = self._docs.get(document_id)
        if known is not None:
            return known.story
        return self.assign_features(document_id, published, story_features(text, labels))

    def assign_features(
        self, document_id: str, published: datetime, features: StoryFeatures
    ) -> str:
        """:meth:`assign` for features computed elsewhere (by the partitioned classify stage).

        ``published`` is the publication time, or the observation time of an undated
        document (``features.dated`` false): it orders eviction only."""
        known = self._docs.get(document_id)
        if known is not None:
            return known.story
        when = _timestamp(published)
        if features.dated:  # an observation time is no event time: it does not age others
            self._newest = max(self._newest, when)
        self._evict()
        doc = _Doc.of(story_id_for(document_id), when, features)
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
        """Add one :meth:`member` back (rebuilding the index from the story table); rows
        written before the event signals existed load with none."""
        features = StoryFeatures.from_json(item)  # an old row: no signals, dated
        doc = _Doc.of(str(item["story"]), float(item["published"]), features)
        if doc.dated:
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

    def _weight(self, label: str) -> float:
        """Rare labels say more: log(1 + N / df), the document counting itself."""
        return math.log(1.0 + (len(self._docs) + 1) / (self._df[label] + 1))

    def _label_similarity(self, a: _Doc, b: _Doc, weights: dict[str, float]) -> float:
        """Weighted Jaccard index of the labels; one shared person alone says nothing (a
        prime minister is in many stories a day). Across languages, where no wording can
        be compared, also how much of the shorter report's labels the other shares
        (times CROSS_LANGUAGE_OVERLAP): a Japanese wire naming the two ministers and the
        new AI dialogue is the long English report of their meeting, which names a dozen
        labels more. ``weights`` holds the labels' weights computed so far in this
        assignment (they change only as documents are added)."""
        both = a.labels & b.labels
        if not both or (len(both) == 1 and not next(iter(both)).startswith(INITIATIVE)):
            return 0.0
        every = a.labels | b.labels
        for label in every:
            if label not in weights:
                weights[label] = self._weight(label)
        shared = math.fsum([weights[label] for label in both])  # (see _cosine)
        jaccard = shared / math.fsum([weights[label] for label in every])
        if not a.language or not b.language or a.language == b.language:
            return jaccard
        shorter = min(
            math.fsum([weights[label] for label in a.labels]),
            math.fsum([weights[label] for label in b.labels]),
        )
        return max(jaccard, CROSS_LANGUAGE_OVERLAP * shared / shorter)

    def _resemblance(self, doc: _Doc, other: _Doc, weights: dict[str, float]) -> float:
        """How alike two reports are: shared labels, same-language wording, copies. Two
        reports naming the same day for an event of one initiative, or of the same two
        people, share much more than their labels say (a short wire names few of the people
        a long report names; a report of two ministers' talks names the working group they
        agreed on, another the dialogue)."""
        labels = self._label_similarity(doc, other, weights)
        if doc.exact and other.exact and doc.day == other.day:
            shared = doc.labels & other.labels
            initiatives = sum(label.startswith(INITIATIVE) for label in shared)
            if initiatives or len(shared) >= 2:  # one initiative, or two actors
                labels += SAME_DAY_BONUS
            if _the_same_two(doc.labels, other.labels):
                labels += SAME_PAIR_BONUS  # two reports of the same two people's meeting
        elif (doc.day is None or other.day is None) and _the_same_signing(doc, other):
            labels += SAME_DAY_BONUS
        score = labels * self.threshold / self.label_threshold
        if doc.language == other.language or not doc.language or not other.language:
            score = max(score, _cosine(doc.terms, other.terms, doc.norm, other.norm))
        if score < self.threshold and _resemblance(doc.sketch, other.sketch) >= NEAR_DUPLICATE:
            score = 1.0
        return score

    def _best_match(self, doc: _Doc) -> str | None:
        """The story whose members all pass the gates with the most resembling member."""
        window = self.window.total_seconds()
        scores: dict[str, float] = {}
        weights: dict[str, float] = {}
        for other_id in self._candidates(doc):
            other = self._docs[other_id]
            score = self._resemblance(doc, other, weights)
            if score >= self.threshold and score > scores.get(other.story, 0.0):
                scores[other.story] = score
        for story, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])):
            members = itertools.islice(reversed(self._members[story]), MAX_MEMBERS_CHECKED)
            if all(_same_event(doc, self._docs[m], window) for m in members):
                return story
        return None

    def _add(self, document_id: str, doc: _Doc) -> None:
        self._docs[document_id] = doc
        heapq.heappush(self._expiry, (doc.published, document_id))
        for key in doc.index_keys():
            self._by_key.setdefault(key, {})[document_id] = None
        self._members.setdefault(doc.story, {})[document_id] = None
        self._df.update(doc.labels)
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
        story = self._members.get(doc.story)
        if story is not None:
            story.pop(document_id, None)
            if not story:
                del self._members[doc.story]
        self._df.subtract(doc.labels)
        for label in doc.labels:
            if self._df[label] <= 0:
                del self._df[label]

    def _evict(self) -> None:
        horizon = self._newest - self.retention.total_seconds()
        while (
            self._expiry and self._expiry[0][0] < horizon and len(self._docs) > self.keep_at_least
        ):
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
        self._members.clear()
        self._df.clear()
        self._expiry.clear()
        newest = state.get("newest")
        self._newest = float("-inf") if newest is None else float(newest)
        self._removed.clear()
        for item in state.get("documents", []):
            self.load_member(item)
        self._removed.clear()
