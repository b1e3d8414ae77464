-- The sink's consumer positions, written after each batch: the warehouse, not
-- Kafka, knows how far it got. topic_id tells a re-created topic (the embedded
-- broker keeps topics in memory) from the one the offsets belong to.
CREATE TABLE IF NOT EXISTS sink_offsets
(
    consumer     LowCardinality(String),
    topic        LowCardinality(String),
    topic_id     String,
    partition    UInt32,
    next_offset  Int64,
    updated_at   DateTime64(6, 'UTC') DEFAULT now64(6)
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (consumer, topic, topic_id, partition);
