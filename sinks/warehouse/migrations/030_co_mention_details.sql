-- Who speaks for an initiative, with details, from the pairs themselves. The report
-- listing an initiative's actors summed its counts from co_mention_changes but read each
-- listed actor's name, role, country and last mention from every mention of that actor,
-- keeping those in documents naming the initiative: over a million rows for twenty
-- actors at ten million mentions (the documents are spread over every granule, so no key
-- prunes them). Each pair now carries what the document says of its actor (name, role,
-- country) and when it was published, as part of its key: a re-classification that
-- changes them takes the old pair back and counts the new one, as for a changed label.
-- The `details` projection keeps them pre-grouped by initiative, actor and day, so the
-- report reads a few rows per actor and day (sinks/read_model/summed_reports.py).

ALTER TABLE co_mention_changes
    ADD COLUMN IF NOT EXISTS occurred_at DateTime64(3, 'UTC') DEFAULT toDateTime64(day, 3, 'UTC')
    AFTER date_source;

ALTER TABLE co_mention_changes ADD COLUMN IF NOT EXISTS role String DEFAULT '' AFTER occurred_at;

ALTER TABLE co_mention_changes ADD COLUMN IF NOT EXISTS actor_name String DEFAULT '' AFTER role;

ALTER TABLE co_mention_changes
    ADD COLUMN IF NOT EXISTS country LowCardinality(String) DEFAULT '' AFTER actor_name;

ALTER TABLE co_mention_changes ADD PROJECTION IF NOT EXISTS details
(
    SELECT initiative, actor, day, role, actor_name, country, sum(sign), max(occurred_at)
    GROUP BY initiative, actor, day, role, actor_name, country
);

-- Counted again from each document's latest classification, as the sink now counts it
-- (the rows before this migration have no details). Emptied first, so a migration cut
-- short and run again counts each document once.
TRUNCATE TABLE co_mention_changes;

INSERT INTO co_mention_changes (document_id, classified_at, event_id, sign, day, initiative,
                                actor, date_source, occurred_at, role, actor_name, country)
SELECT document_id, c.1, c.2, if(p.1 = '', 0, 1), toDate(c.3), p.1, p.2, c.4, c.3, p.3, p.4,
       p.5
FROM
(
    SELECT document_id,
           argMax(tuple(classified_at, event_id, occurred_at, date_source, initiatives, actors,
                        JSONExtract(labels, 'actors', 'Array(Tuple(id String, name String, '
                                    || 'role Nullable(String), country Nullable(String)))')),
                  tuple(classified_at, event_id)) AS c
    FROM classifications
    GROUP BY document_id
)
ARRAY JOIN arrayConcat(
    [tuple('', '', '', '', '')],
    arrayFlatten(arrayMap(
        i -> arrayMap(
            a -> tuple(i, a, ifNull(arrayLast(x -> x.1 = a, c.7).3, ''),
                       arrayLast(x -> x.1 = a, c.7).2,
                       ifNull(arrayLast(x -> x.1 = a, c.7).4, '')),
            arrayDistinct(c.6)),
        arrayDistinct(c.5)))) AS p;
