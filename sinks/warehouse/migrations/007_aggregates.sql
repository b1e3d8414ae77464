-- Hourly distinct documents per label (dashboards over the last days).
CREATE TABLE IF NOT EXISTS mentions_hourly
(
    hour                DateTime('UTC'),
    label_type          LowCardinality(String),
    label_id            LowCardinality(String),
    source_kind         LowCardinality(String),
    classifier_version  LowCardinality(String),
    documents           AggregateFunction(uniqExact, String)
)
ENGINE = AggregatingMergeTree
ORDER BY (label_type, label_id, hour, source_kind, classifier_version);

CREATE MATERIALIZED VIEW IF NOT EXISTS mentions_hourly_mv TO mentions_hourly AS
SELECT
    toStartOfHour(occurred_at) AS hour,
    label_type,
    label_id,
    source_kind,
    classifier_version,
    uniqExactState(document_id) AS documents
FROM mentions
GROUP BY hour, label_type, label_id, source_kind, classifier_version;

-- Initiative x actor co-mentions per day, from each classification's label arrays.
CREATE TABLE IF NOT EXISTS co_mentions_daily
(
    day                 Date,
    initiative          LowCardinality(String),
    actor               LowCardinality(String),
    classifier_version  LowCardinality(String),
    documents           AggregateFunction(uniqExact, String)
)
ENGINE = AggregatingMergeTree
ORDER BY (initiative, actor, day, classifier_version);

CREATE MATERIALIZED VIEW IF NOT EXISTS co_mentions_daily_mv TO co_mentions_daily AS
SELECT
    toDate(occurred_at) AS day,
    initiative,
    actor,
    classifier_version,
    uniqExactState(document_id) AS documents
FROM classifications
ARRAY JOIN initiatives AS initiative
ARRAY JOIN actors AS actor
GROUP BY day, initiative, actor, classifier_version;

-- The latest classifier version of each document: what queries read by default.
CREATE VIEW IF NOT EXISTS latest_classifications AS
SELECT document_id, argMax(classifier_version, classified_at) AS classifier_version
FROM classifications
GROUP BY document_id;

CREATE VIEW IF NOT EXISTS latest_mentions AS
SELECT m.*
FROM mentions AS m
INNER JOIN latest_classifications AS l
    ON m.document_id = l.document_id AND m.classifier_version = l.classifier_version;
