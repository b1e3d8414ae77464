-- story_summaries for the stories seen in a period, computed for those stories only:
--   SELECT * FROM story_summaries_between(since = '2026-11-01 00:00:00', until = now64())
-- gives the rows of story_summaries whose first_seen <= until and last_seen >= since. The
-- view over every story groups every document and each document's latest classification
-- (seconds at millions of documents); this one reads the stories that have a row at or
-- after `since` (a superset: last_seen >= since needs a member dated then), all of their
-- members and those members' classifications, so a dashboard's week or month costs about
-- its share of the documents. The same columns and rules as story_summaries (014).
CREATE OR REPLACE VIEW story_summaries_between AS
WITH
    -- the stories with a row dated on or after `since`
    seen AS (SELECT story_id FROM stories WHERE occurred_at >= {since:DateTime64(3, 'UTC')}),
    -- their rows of each document's latest classification
    latest_rows AS (
        SELECT s.story_id AS story_id, s.document_id AS document_id, s.title AS title,
               s.source_id AS source_id, s.source_kind AS source_kind, s.language AS language,
               s.labels AS labels, s.occurred_at AS occurred_at
        FROM stories AS s
        INNER JOIN
        (
            SELECT document_id, argMax(classifier_version, classified_at) AS classifier_version
            FROM classifications
            WHERE document_id IN (SELECT document_id FROM stories WHERE story_id IN seen)
            GROUP BY document_id
        ) AS l ON l.document_id = s.document_id AND l.classifier_version = s.classifier_version
        WHERE s.story_id IN seen
    )
SELECT *
FROM
(
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
        countIf(source_kind = 'official_statement') > 0 AS official
    FROM
    (
        SELECT m.story_id AS story_id, m.document_id AS document_id, m.title AS title,
               m.source_id AS source_id, m.source_kind AS source_kind, m.language AS language,
               m.occurred_at AS occurred_at,
               arraySum(x -> toInt64(k.counts[x]) - 1, m.labels) AS centrality
        FROM
        (
            SELECT story_id, document_id, any(title) AS title, any(source_id) AS source_id,
                   any(source_kind) AS source_kind, any(language) AS language,
                   any(labels) AS labels, min(occurred_at) AS occurred_at
            FROM latest_rows
            GROUP BY story_id, document_id
        ) AS m
        LEFT JOIN
        (
            SELECT story_id, CAST((groupArray(label), groupArray(members)), 'Map(String, UInt64)')
                       AS counts
            FROM
            (
                SELECT story_id, label, uniqExact(document_id) AS members
                FROM latest_rows
                ARRAY JOIN labels AS label
                GROUP BY story_id, label
            )
            GROUP BY story_id
        ) AS k ON k.story_id = m.story_id
    )
    GROUP BY story_id
)
WHERE first_seen <= {until:DateTime64(3, 'UTC')} AND last_seen >= {since:DateTime64(3, 'UTC')};
