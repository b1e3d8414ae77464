-- One row per (document revision, classifier_version); labels keep their evidence as JSON.
CREATE TABLE IF NOT EXISTS classifications
(
    document_id         String,
    revision            String,
    classifier_version  LowCardinality(String),
    taxonomy_version    LowCardinality(String),
    event_id            String,
    source_id           LowCardinality(String),
    source_kind         LowCardinality(String),
    published_at        Nullable(DateTime64(3, 'UTC')),
    occurred_at         DateTime64(3, 'UTC'),
    observed_at         DateTime64(3, 'UTC'),
    classified_at       DateTime64(3, 'UTC'),
    relevant            UInt8,
    story_id            String,
    countries           Array(LowCardinality(String)),
    initiatives         Array(LowCardinality(String)),
    actors              Array(LowCardinality(String)),
    labels              String CODEC(ZSTD(3)),
    commitments         String CODEC(ZSTD(3)),
    truncated           UInt8,
    ingested_at         DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
ORDER BY (document_id, revision, classifier_version)
SETTINGS non_replicated_deduplication_window = 10000;

-- One row per document x label, for trends and co-mentions.
CREATE TABLE IF NOT EXISTS mentions
(
    occurred_at         DateTime64(3, 'UTC'),
    document_id         String,
    revision            String,
    classifier_version  LowCardinality(String),
    label_type          LowCardinality(String),
    label_id            LowCardinality(String),
    label_name          String,
    role                String,
    country             LowCardinality(String),
    confidence          Float32,
    evidence_count      UInt16,
    source_id           LowCardinality(String),
    source_kind         LowCardinality(String),
    story_id            String,
    ingested_at         DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (label_type, label_id, document_id, revision, classifier_version)
SETTINGS non_replicated_deduplication_window = 10000;
