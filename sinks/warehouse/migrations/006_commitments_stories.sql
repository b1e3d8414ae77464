-- One row per commitment: a future-dated undertaking with its due window.
CREATE TABLE IF NOT EXISTS commitments
(
    document_id         String,
    revision            String,
    classifier_version  LowCardinality(String),
    ordinal             UInt16,
    initiative          LowCardinality(String),
    action              String,
    due_text            String,
    due_from            Date,
    due_to              Date,
    evidence            String,
    occurred_at         DateTime64(3, 'UTC'),
    source_id           LowCardinality(String),
    source_kind         LowCardinality(String),
    story_id            String,
    ingested_at         DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
ORDER BY (document_id, revision, classifier_version, ordinal)
SETTINGS non_replicated_deduplication_window = 10000;

-- Story membership: which documents report the same story.
CREATE TABLE IF NOT EXISTS stories
(
    story_id            String,
    document_id         String,
    revision            String,
    classifier_version  LowCardinality(String),
    occurred_at         DateTime64(3, 'UTC'),
    source_id           LowCardinality(String),
    source_kind         LowCardinality(String),
    title               String,
    ingested_at         DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
ORDER BY (story_id, document_id, revision, classifier_version)
SETTINGS non_replicated_deduplication_window = 10000;
