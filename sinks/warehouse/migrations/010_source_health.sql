-- One row per run of a web source (feed or official listing): is it alive, when did it
-- last work, what broke and why. Columns are producers.health.SourceHealth.as_row();
-- a re-delivered row (same source_id, run_id) replaces itself.
CREATE TABLE IF NOT EXISTS source_health
(
    source_id            LowCardinality(String),
    source_kind          LowCardinality(String),
    run_id               String,
    started_at           DateTime64(3, 'UTC'),
    finished_at          DateTime64(3, 'UTC'),
    status               LowCardinality(String),
    last_success_at      Nullable(DateTime64(3, 'UTC')),
    last_error_at        Nullable(DateTime64(3, 'UTC')),
    last_error_reason    LowCardinality(String),
    last_error_message   String,
    documents_emitted    UInt32,
    documents_unchanged  UInt32,
    documents_total      UInt64,
    dead_letters         UInt32,
    errors               UInt32,
    requests             UInt32,
    not_modified         UInt32,
    fetch_seconds_avg    Float64,
    fetch_seconds_max    Float64,
    recorded_at          DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(recorded_at)
ORDER BY (source_id, finished_at, run_id)
TTL toDateTime(finished_at) + INTERVAL 400 DAY
SETTINGS non_replicated_deduplication_window = 1000;
