-- Where each document's publication time came from: 'record' (the input record), 'metadata'
-- (the page's HTML), 'text' (a date line or dateline in the text) or 'observed' (none: the
-- time policywatch saw it). Trends leave 'observed' out by default (docs/SQL.md), so
-- undated documents do not pile up in the week they were ingested. Rows written before
-- this column existed keep '' (unknown) and count as dated, as they did before.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS date_source LowCardinality(String);
ALTER TABLE classifications ADD COLUMN IF NOT EXISTS date_source LowCardinality(String);
ALTER TABLE classifications ADD COLUMN IF NOT EXISTS language LowCardinality(String);
ALTER TABLE mentions ADD COLUMN IF NOT EXISTS date_source LowCardinality(String);
ALTER TABLE commitments ADD COLUMN IF NOT EXISTS date_source LowCardinality(String);
ALTER TABLE stories ADD COLUMN IF NOT EXISTS date_source LowCardinality(String);

-- The aggregates gain date_source as the last key column (a new key column may be added
-- to an existing sorting key in the same ALTER), and their views are re-created to fill it.
ALTER TABLE mentions_daily
    ADD COLUMN IF NOT EXISTS date_source LowCardinality(String),
    MODIFY ORDER BY (label_type, label_id, day, source_kind, classifier_version, date_source);
DROP VIEW IF EXISTS mentions_daily_mv;
CREATE MATERIALIZED VIEW IF NOT EXISTS mentions_daily_mv TO mentions_daily AS
SELECT
    toDate(occurred_at) AS day,
    label_type,
    label_id,
    source_kind,
    classifier_version,
    date_source,
    uniqExactState(document_id) AS documents
FROM mentions
GROUP BY day, label_type, label_id, source_kind, classifier_version, date_source;

ALTER TABLE mentions_hourly
    ADD COLUMN IF NOT EXISTS date_source LowCardinality(String),
    MODIFY ORDER BY (label_type, label_id, hour, source_kind, classifier_version, date_source);
DROP VIEW IF EXISTS mentions_hourly_mv;
CREATE MATERIALIZED VIEW IF NOT EXISTS mentions_hourly_mv TO mentions_hourly AS
SELECT
    toStartOfHour(occurred_at) AS hour,
    label_type,
    label_id,
    source_kind,
    classifier_version,
    date_source,
    uniqExactState(document_id) AS documents
FROM mentions
GROUP BY hour, label_type, label_id, source_kind, classifier_version, date_source;

ALTER TABLE co_mentions_daily
    ADD COLUMN IF NOT EXISTS date_source LowCardinality(String),
    MODIFY ORDER BY (initiative, actor, day, classifier_version, date_source);
DROP VIEW IF EXISTS co_mentions_daily_mv;
CREATE MATERIALIZED VIEW IF NOT EXISTS co_mentions_daily_mv TO co_mentions_daily AS
SELECT
    toDate(occurred_at) AS day,
    initiative,
    actor,
    classifier_version,
    date_source,
    uniqExactState(document_id) AS documents
FROM classifications
ARRAY JOIN initiatives AS initiative
ARRAY JOIN actors AS actor
GROUP BY day, initiative, actor, classifier_version, date_source;

-- A view's columns are fixed when it is created: re-create it to show date_source.
CREATE OR REPLACE VIEW latest_mentions AS
SELECT m.*
FROM mentions AS m
INNER JOIN latest_classifications AS l
    ON m.document_id = l.document_id AND m.classifier_version = l.classifier_version;
