-- Records a stage gave up on, with the reason and the original bytes (base64).
CREATE TABLE IF NOT EXISTS deadletter
(
    event_id        String,
    stage           LowCardinality(String),
    reason          LowCardinality(String),
    error           String,
    topic           String,
    partition       Nullable(Int32),
    offset          Nullable(Int64),
    original_key    String,
    original_value  String CODEC(ZSTD(3)),
    occurred_at     DateTime64(3, 'UTC'),
    observed_at     DateTime64(3, 'UTC'),
    ingested_at     DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
ORDER BY event_id
SETTINGS non_replicated_deduplication_window = 10000;
