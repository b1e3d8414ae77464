-- Two counts of documents (not of labels) as sums of signed changes (sinks/counted.py).
-- "Documents naming any of these initiatives" and "documents in stories" counted distinct
-- documents over every change or every story row: hundreds of milliseconds over millions
-- of documents, more than a raw count. A classification now also counts:
--   * 'initiatives': it names at least one initiative (once, however many it names),
--   * 'story': it belongs to a story.
-- Both rows carry the classification's own marker (classified_at, event_id), so the next
-- newer classification takes them back as it does the others. Deleted first, so a
-- migration cut short and run again counts each document once.

ALTER TABLE label_changes DELETE WHERE label_type IN ('initiatives', 'story')
SETTINGS mutations_sync = 2;

INSERT INTO label_changes (document_id, classified_at, event_id, sign, day, hour, label_type,
                           label_id, country, source_kind, date_source)
SELECT document_id, c.1, c.2, 1, toDate(c.3), toStartOfHour(c.3), key, '', '', c.4, c.5
FROM
(
    SELECT document_id,
           argMax(tuple(classified_at, event_id, occurred_at, source_kind, date_source,
                        initiatives, story_id),
                  tuple(classified_at, event_id)) AS c
    FROM classifications
    GROUP BY document_id
)
ARRAY JOIN arrayConcat(if(notEmpty(c.6), ['initiatives'], []),
                       if(c.7 != '', ['story'], [])) AS key;
