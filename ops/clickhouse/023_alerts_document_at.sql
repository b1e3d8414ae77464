-- raised_at is when the alert fired (the AlertRaised event's observed_at); it held the
-- document's time (occurred_at), so an alert fired now for last week's article was dated
-- last week. document_at keeps that time: the document's publication (document alerts),
-- the window or period start (volume, spike, digest), the commitment's report.
ALTER TABLE alerts ADD COLUMN IF NOT EXISTS document_at DateTime64(3, 'UTC') DEFAULT raised_at AFTER raised_at;

-- Rows written before: their event JSON says when they fired. One mutation moves the old
-- value to document_at and sets raised_at; rows already moved no longer match the WHERE.
ALTER TABLE alerts
    UPDATE document_at = raised_at,
           raised_at = parseDateTime64BestEffort(JSONExtractString(event, 'observed_at'), 3, 'UTC')
    WHERE raised_at != parseDateTime64BestEffort(JSONExtractString(event, 'observed_at'), 3, 'UTC')
    SETTINGS mutations_sync = 1;
