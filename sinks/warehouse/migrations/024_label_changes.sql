-- Exact counts that add up: signed changes of what each document's latest classification
-- counts. When a document's newest classification arrives, the sink (sinks/counted.py)
-- writes +1 for each key it now counts and -1 for each key its previous one counted and
-- this one does not, once: a row with an empty key marks each change, and the sink skips
-- a classification no newer than the marked one (a replay, a re-ingested copy, a retried
-- batch). sum(sign) per key is then the number of documents whose latest classification
-- counts it. Each table's projections keep those sums per part, so a trend over millions
-- of mentions reads a few thousand pre-summed rows (docs/SQL.md). The table is ordered by
-- document so the sink's look-up of a batch's documents reads only their rows.

-- Labels (initiatives, actors, countries) by day and by hour.
CREATE TABLE IF NOT EXISTS label_changes
(
    document_id    String,
    classified_at  DateTime64(3, 'UTC'),
    event_id       String,
    sign           Int8,
    day            Date,
    hour           DateTime('UTC'),
    label_type     LowCardinality(String),
    label_id       LowCardinality(String),
    source_kind    LowCardinality(String),
    date_source    LowCardinality(String),
    PROJECTION by_day
    (
        SELECT label_type, label_id, day, source_kind, date_source, sum(sign)
        GROUP BY label_type, label_id, day, source_kind, date_source
    ),
    PROJECTION by_hour
    (
        SELECT label_type, label_id, hour, source_kind, date_source, sum(sign)
        GROUP BY label_type, label_id, hour, source_kind, date_source
    ),
    PROJECTION by_label
    (
        SELECT label_type, label_id, date_source, sum(sign)
        GROUP BY label_type, label_id, date_source
    )
)
ENGINE = MergeTree
ORDER BY (document_id, classified_at, event_id);

-- Initiative x actor pairs named together, by day.
CREATE TABLE IF NOT EXISTS co_mention_changes
(
    document_id    String,
    classified_at  DateTime64(3, 'UTC'),
    event_id       String,
    sign           Int8,
    day            Date,
    initiative     LowCardinality(String),
    actor          LowCardinality(String),
    date_source    LowCardinality(String),
    PROJECTION by_day
    (
        SELECT initiative, actor, day, date_source, sum(sign)
        GROUP BY initiative, actor, day, date_source
    )
)
ENGINE = MergeTree
ORDER BY (document_id, classified_at, event_id);

-- What an existing warehouse already holds: each document's latest classification, counted
-- once (with its marker row), as the sink would have counted it.
INSERT INTO label_changes
SELECT document_id, latest.1, latest.2, if(key.1 = '', 0, 1), toDate(latest.3),
       toStartOfHour(latest.3), key.1, key.2, latest.4, latest.5
FROM
(
    SELECT document_id,
           argMax(tuple(classified_at, event_id, occurred_at, source_kind, date_source,
                        arrayConcat([tuple('', '')],
                                    arrayMap(x -> tuple('initiative', x), arrayDistinct(initiatives)),
                                    arrayMap(x -> tuple('actor', x), arrayDistinct(actors)),
                                    arrayMap(x -> tuple('country', x), arrayDistinct(countries)))),
                  tuple(classified_at, event_id)) AS latest
    FROM classifications
    GROUP BY document_id
)
ARRAY JOIN latest.6 AS key;

INSERT INTO co_mention_changes
SELECT document_id, latest.1, latest.2, if(pair.1 = '', 0, 1), toDate(latest.3), pair.1, pair.2,
       latest.4
FROM
(
    SELECT document_id,
           argMax(tuple(classified_at, event_id, occurred_at, date_source,
                        arrayConcat([tuple('', '')],
                                    arrayFlatten(arrayMap(i -> arrayMap(a -> tuple(i, a),
                                                                        arrayDistinct(actors)),
                                                          arrayDistinct(initiatives))))),
                  tuple(classified_at, event_id)) AS latest
    FROM classifications
    GROUP BY document_id
)
ARRAY JOIN latest.5 AS pair;

-- The distinct-document states these replace: they cost more to merge than counting.
DROP VIEW IF EXISTS mentions_daily_mv;
DROP VIEW IF EXISTS mentions_hourly_mv;
DROP VIEW IF EXISTS co_mentions_daily_mv;
DROP TABLE IF EXISTS mentions_daily;
DROP TABLE IF EXISTS mentions_hourly;
DROP TABLE IF EXISTS co_mentions_daily;
