-- The stored event log: every DocumentObserved, enough to replay everything.
-- ReplacingMergeTree on (document_id, revision): a re-ingested document collapses
-- into one row; counts use uniqExact(document_id) so merges never matter.
CREATE TABLE IF NOT EXISTS documents
(
    document_id     String,
    revision        String,
    event_id        String,
    schema_version  UInt16,
    source_id       LowCardinality(String),
    source_kind     LowCardinality(String),
    source_name     String,
    source_country  LowCardinality(String),
    url             String,
    title           String,
    body            String CODEC(ZSTD(3)),
    language        LowCardinality(String),
    authors         Array(String),
    document_type   LowCardinality(String),
    published_at    Nullable(DateTime64(3, 'UTC')),
    occurred_at     DateTime64(3, 'UTC'),
    observed_at     DateTime64(3, 'UTC'),
    event           String CODEC(ZSTD(3)),
    ingested_at     DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
ORDER BY (document_id, revision)
SETTINGS non_replicated_deduplication_window = 10000;
