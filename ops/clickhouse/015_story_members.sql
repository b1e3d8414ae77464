-- The story stage's index, row by row, as its Faust table writes them to the
-- `<app_id>-story-members-changelog` topic: the record's key and value verbatim (base64;
-- the value is the stage's own state of one document, read only by the stage), or a
-- deletion (the document left the index). The embedded broker keeps topics in memory, so
-- `policywatch up` publishes the live rows back into the changelog before the workers
-- start (ops/story_restore.py): documents keep their stories across restarts. `version`
-- is the order the sink wrote them in.
CREATE TABLE IF NOT EXISTS story_members
(
    member_key   String,
    document_id  String,
    member       String CODEC(ZSTD(3)),
    deleted      UInt8,
    version      UInt64,
    written_at   DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(version, deleted)
ORDER BY member_key
SETTINGS non_replicated_deduplication_window = 10000;
