-- Stories answer from one pre-computed row each. A story has a few documents, so counting
-- its members at query time groups nearly as many rows as there are documents: seconds over
-- millions of documents. Instead the sink keeps `story_ranks`: whenever a batch touches a
-- story (a document joins it, leaves it or is re-classified), the sink computes that story's
-- summary from its rows (the rules of 014) and, if it differs from the
-- live row, writes the new row (+1, a new `state`) and cancels the old one (-1, a copy of it)
-- (sinks/story_ranks.py). Each story then has exactly one live row, whatever the replays,
-- retries and revisions. A row is live when its state has no cancel row: every state is
-- written once and cancelled at most once, so reads need no FINAL, and merges (a cancel row
-- shares its row's whole sorting key) only drop dead pairs. Rows are ordered by size, so the
-- most widely reported stories are the first rows read backwards.

-- One live row per story (sign +1), and the -1 rows that cancel the rows it replaced.
-- `state` names one written row: a hash of the story, its values and when it was written.
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
    -- the sink's look-up of the rows of the stories a batch touches
    PROJECTION by_story (SELECT * ORDER BY story_id)
)
ENGINE = CollapsingMergeTree(sign)
ORDER BY (sources, documents, last_seen, story_id, state)
SETTINGS deduplicate_merge_projection_mode = 'rebuild';

-- What an existing warehouse already holds: every story, summarised once.
INSERT INTO story_ranks
SELECT story_id,
       cityHash64(story_id, title, title_document, first_seen, last_seen, documents, sources,
                  languages, official, first_dated, 'migration'),
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
FROM story_ranks
WHERE sign = 1 AND state NOT IN (SELECT state FROM story_ranks WHERE sign = -1);

CREATE OR REPLACE VIEW story_summaries_between AS
SELECT story_id, title, title_document, first_seen, last_seen, documents, sources, languages,
       official, first_dated
FROM story_ranks
WHERE last_seen >= {since:DateTime64(3, 'UTC')} AND first_seen <= {until:DateTime64(3, 'UTC')}
  AND sign = 1 AND state NOT IN (SELECT state FROM story_ranks WHERE sign = -1);
