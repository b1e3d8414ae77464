-- Daily distinct documents per label: uniqExactState(document_id) cannot be
-- inflated by a duplicate row, a retried batch or a replay.
CREATE TABLE IF NOT EXISTS mentions_daily
(
    day                 Date,
    label_type          LowCardinality(String),
    label_id            LowCardinality(String),
    source_kind         LowCardinality(String),
    classifier_version  LowCardinality(String),
    documents           AggregateFunction(uniqExact, String)
)
ENGINE = AggregatingMergeTree
ORDER BY (label_type, label_id, day, source_kind, classifier_version);

CREATE MATERIALIZED VIEW IF NOT EXISTS mentions_daily_mv TO mentions_daily AS
SELECT
    toDate(occurred_at) AS day,
    label_type,
    label_id,
    source_kind,
    classifier_version,
    uniqExactState(document_id) AS documents
FROM mentions
GROUP BY day, label_type, label_id, source_kind, classifier_version;
