-- Alerts raised by subscriptions: one row per alert_id, whatever re-raised it (a retry,
-- a restart or a replay yields the same alert_id, and the row replaces itself).
-- `event` keeps the AlertRaised JSON (no secrets: channels live on subscriptions), so an
-- embedded stack can re-publish alerts that were raised but not yet delivered.
CREATE TABLE IF NOT EXISTS alerts
(
    alert_id            String,
    subscription_id     String,
    subscription_name   String,
    trigger             LowCardinality(String),
    channel             LowCardinality(String),
    title               String,
    count               UInt32,
    document_ids        Array(String),
    initiatives         Array(LowCardinality(String)),
    actors              Array(LowCardinality(String)),
    window_start        Nullable(DateTime64(3, 'UTC')),
    window_end          Nullable(DateTime64(3, 'UTC')),
    raised_at           DateTime64(3, 'UTC'),
    event               String CODEC(ZSTD(3)),
    ingested_at         DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
ORDER BY alert_id
SETTINGS non_replicated_deduplication_window = 10000;

-- Every delivery attempt (AlertDelivery): one row per (alert_id, attempt, status).
CREATE TABLE IF NOT EXISTS deliveries
(
    alert_id            String,
    subscription_id     String,
    channel             LowCardinality(String),
    attempt             UInt16,
    status              LowCardinality(String),
    endpoint            String,
    http_status         Nullable(UInt16),
    error               String,
    latency_ms          Float64,
    attempted_at        DateTime64(3, 'UTC'),
    next_attempt_at     Nullable(DateTime64(3, 'UTC')),
    event_id            String,
    ingested_at         DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
ORDER BY (alert_id, attempt, status, event_id)
SETTINGS non_replicated_deduplication_window = 10000;

-- Subscription changes without their secrets (webhook secrets and Slack URLs stay on the
-- topic): who follows what, for SQL and dashboards. Latest version per id = current state.
CREATE TABLE IF NOT EXISTS subscriptions
(
    subscription_id     String,
    version             UInt32,
    change              LowCardinality(String),
    name                String,
    owner               String,
    active              UInt8,
    trigger             LowCardinality(String),
    channel             LowCardinality(String),
    digest              LowCardinality(String),
    filter              String,
    changed_at          DateTime64(3, 'UTC'),
    ingested_at         DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
ORDER BY (subscription_id, version)
SETTINGS non_replicated_deduplication_window = 10000;
