-- What a story's title and languages are computed from: each member's language and its
-- labels (initiative and actor ids).
ALTER TABLE stories ADD COLUMN IF NOT EXISTS language LowCardinality(String);
ALTER TABLE stories ADD COLUMN IF NOT EXISTS labels Array(String);

-- One row per story, over each document's latest classification. The title is the
-- official statement's (the earliest, if several), else the most central report's: the
-- member sharing the most labels with the other members (the earliest on a tie), which
-- names what the reports have in common rather than one outlet's angle.
CREATE OR REPLACE VIEW story_summaries AS
SELECT
    story_id,
    if(countIf(source_kind = 'official_statement') > 0,
       argMinIf(title, (occurred_at, document_id), source_kind = 'official_statement'),
       argMax(title, (centrality, -toUnixTimestamp64Milli(occurred_at), document_id))) AS title,
    if(countIf(source_kind = 'official_statement') > 0,
       argMinIf(document_id, (occurred_at, document_id), source_kind = 'official_statement'),
       argMax(document_id, (centrality, -toUnixTimestamp64Milli(occurred_at), document_id)))
        AS title_document,
    min(occurred_at) AS first_seen,
    max(occurred_at) AS last_seen,
    uniqExact(document_id) AS documents,
    uniqExact(source_id) AS sources,
    arraySort(groupUniqArrayIf(language, language != '')) AS languages,
    countIf(source_kind = 'official_statement') > 0 AS official
FROM
(
    SELECT
        m.story_id AS story_id,
        m.document_id AS document_id,
        m.title AS title,
        m.source_id AS source_id,
        m.source_kind AS source_kind,
        m.language AS language,
        m.occurred_at AS occurred_at,
        arraySum(x -> toInt64(k.counts[x]) - 1, m.labels) AS centrality
    FROM
    (
        SELECT s.story_id AS story_id, s.document_id AS document_id, any(s.title) AS title,
               any(s.source_id) AS source_id, any(s.source_kind) AS source_kind,
               any(s.language) AS language, any(s.labels) AS labels,
               min(s.occurred_at) AS occurred_at
        FROM stories AS s
        INNER JOIN latest_classifications AS l
            ON l.document_id = s.document_id AND l.classifier_version = s.classifier_version
        GROUP BY story_id, document_id
    ) AS m
    LEFT JOIN
    (
        SELECT story_id, CAST((groupArray(label), groupArray(members)), 'Map(String, UInt64)')
                   AS counts
        FROM
        (
            SELECT s.story_id AS story_id, label, uniqExact(s.document_id) AS members
            FROM stories AS s
            INNER JOIN latest_classifications AS l
                ON l.document_id = s.document_id AND l.classifier_version = s.classifier_version
            ARRAY JOIN s.labels AS label
            GROUP BY story_id, label
        )
        GROUP BY story_id
    ) AS k ON k.story_id = m.story_id
)
GROUP BY story_id;
