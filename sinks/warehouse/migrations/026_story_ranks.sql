-- Stories answer from one pre-computed row each. A story has a few documents, so counting
-- its members at query time groups nearly as many rows as there are documents: seconds over
-- millions of documents. Instead the sink keeps `story_ranks`: whenever a batch touches a
-- story (a document joins it, leaves it or is re-classified), the sink computes that story's
-- summary from its rows (`story_summaries_of`, the rules of 014) and writes the change as
-- a collapsing pair: -1 for the row it held, +1 for the new one (sinks/story_ranks.py). Each
-- story then has exactly one live row, whatever the replays, retries and revisions, and
-- FINAL reads it. Rows are ordered and partitioned by when the story was last seen, so a
-- period reads only its own stretch of them (partitions are years: a backfill of decades
-- stays within the limit of partitions per insert).

-- The summaries of the stories named, computed from their rows. `batch_*` are the
-- classifications a sink batch is about to write (document, classifier version, when
-- classified), counted as if written already: the sink writes a batch's summaries before
-- its classification rows, which mark its documents as held. Pass empty arrays otherwise:
--   SELECT * FROM story_summaries_of(stories = ['s1', 's2'], batch_documents = [],
--                                    batch_versions = [], batch_classified = [])
CREATE OR REPLACE VIEW story_summaries_of AS
WITH
    members AS (
        SELECT document_id FROM stories
        WHERE story_id IN (SELECT arrayJoin({stories:Array(String)}))
    ),
    -- each member's latest classifier version, the batch's classifications included
    latest AS (
        SELECT document_id, argMax(classifier_version, classified_at) AS classifier_version
        FROM
        (
            SELECT document_id, toString(classifier_version) AS classifier_version,
                   classified_at
            FROM classifications
            WHERE document_id IN members
            UNION ALL
            SELECT c.1 AS document_id, c.2 AS classifier_version, fromUnixTimestamp64Milli(toInt64(c.3), 'UTC') AS classified_at
            FROM
            (
                SELECT arrayJoin(arrayZip({batch_documents:Array(String)},
                                          {batch_versions:Array(String)},
                                          {batch_classified:Array(UInt64)})) AS c
            )
        )
        GROUP BY document_id
    ),
    -- one row per member: its latest rows' values, and every label any of them has
    members_latest AS (
        SELECT s.story_id AS story_id, s.document_id AS document_id, any(s.title) AS title,
               any(s.source_id) AS source_id, any(s.source_kind) AS source_kind,
               any(s.language) AS language, any(s.labels) AS labels,
               groupUniqArrayArray(s.labels) AS label_set, min(s.occurred_at) AS occurred_at,
               max(s.date_source != 'observed') AS dated
        FROM stories AS s
        INNER JOIN latest AS l
            ON l.document_id = s.document_id AND l.classifier_version = s.classifier_version
        WHERE s.story_id IN (SELECT arrayJoin({stories:Array(String)}))
        GROUP BY story_id, document_id
    )
SELECT
    story_id,
    if(countIf(source_kind = 'official_statement') > 0,
       argMinIf(title, (occurred_at, document_id), source_kind = 'official_statement'),
       argMax(title, (centrality, -toUnixTimestamp64Milli(occurred_at), document_id)))
        AS title,
    if(countIf(source_kind = 'official_statement') > 0,
       argMinIf(document_id, (occurred_at, document_id), source_kind = 'official_statement'),
       argMax(document_id, (centrality, -toUnixTimestamp64Milli(occurred_at), document_id)))
        AS title_document,
    min(occurred_at) AS first_seen,
    max(occurred_at) AS last_seen,
    uniqExact(document_id) AS documents,
    uniqExact(source_id) AS sources,
    arraySort(groupUniqArrayIf(language, language != '')) AS languages,
    toUInt8(countIf(source_kind = 'official_statement') > 0) AS official,
    minIf(occurred_at, dated = 1) AS first_dated
FROM
(
    -- centrality: for each of a member's labels, how many other members share it
    SELECT story_id, document_id, any(title) AS title, any(source_id) AS source_id,
           any(source_kind) AS source_kind, any(language) AS language,
           any(occurred_at) AS occurred_at, any(dated) AS dated,
           sumIf(toInt64(sharing) - 1, has(labels, label)) AS centrality
    FROM
    (
        SELECT story_id, document_id, title, source_id, source_kind, language, occurred_at,
               dated, labels, label, count() OVER (PARTITION BY story_id, label) AS sharing
        FROM members_latest
        LEFT ARRAY JOIN label_set AS label
    )
    GROUP BY story_id, document_id
)
GROUP BY story_id;

-- One live row per story (sign +1), and the -1 rows that cancel the rows it replaced.
-- `state` is a hash of the row's values: a new summary is a new key, so a cancel row and
-- the row it cancels always share one key and merges collapse them.
CREATE TABLE IF NOT EXISTS story_ranks
(
    story_id        String,
    state           UInt64,
    sign            Int8,
    title           String,
    title_document  String,
    first_seen      DateTime64(3, 'UTC'),
    last_seen       DateTime64(3, 'UTC'),
    documents       UInt64,
    sources         UInt64,
    languages       Array(String),
    official        UInt8,
    first_dated     DateTime64(3, 'UTC'),
    INDEX by_story story_id TYPE bloom_filter GRANULARITY 1
)
ENGINE = CollapsingMergeTree(sign)
PARTITION BY toYear(last_seen)
ORDER BY (last_seen, story_id, state);

-- What an existing warehouse already holds: every story, summarised once.
INSERT INTO story_ranks
SELECT story_id,
       cityHash64(title, title_document, first_seen, last_seen, documents, sources, languages,
                  official, first_dated),
       1, title, title_document, first_seen, last_seen, documents, sources, languages,
       official, first_dated
FROM
(
    SELECT t.story_id AS story_id, t.title AS title, t.title_document AS title_document,
           t.first_seen AS first_seen, t.last_seen AS last_seen, t.documents AS documents,
           t.sources AS sources, t.languages AS languages, toUInt8(t.official) AS official,
           d.first_dated AS first_dated
    FROM story_summaries AS t
    LEFT JOIN
    (
        SELECT s.story_id AS story_id,
               minIf(s.occurred_at, s.date_source != 'observed') AS first_dated
        FROM stories AS s
        INNER JOIN latest_classifications AS l
            ON l.document_id = s.document_id AND l.classifier_version = s.classifier_version
        GROUP BY story_id
    ) AS d ON d.story_id = t.story_id
);

-- The views read the live rows: the same columns as before, at the cost of one row a story,
-- and `first_dated`: when the story was first seen by its members with a publication date
-- (1970-01-01 if none has one), for the dashboards' choice to leave out documents dated
-- only by when they were observed.
CREATE OR REPLACE VIEW story_summaries AS
SELECT story_id, title, title_document, first_seen, last_seen, documents, sources, languages,
       official, first_dated
FROM story_ranks FINAL;

CREATE OR REPLACE VIEW story_summaries_between AS
SELECT story_id, title, title_document, first_seen, last_seen, documents, sources, languages,
       official, first_dated
FROM story_ranks FINAL
WHERE last_seen >= {since:DateTime64(3, 'UTC')} AND first_seen <= {until:DateTime64(3, 'UTC')};
