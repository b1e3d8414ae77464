-- More of the dashboards' counts as sums of signed changes (sinks/counted.py). Counting
-- distinct documents by an actor's country, or by source, read every mention or every
-- classification: seconds over millions of documents. A classification now also counts:
--   * its actors with the country each speaks for (`country`; a country label has its own),
--   * each country its actors speak for, once (label_type 'actor_country'),
--   * its source (label_type 'source'), and again if it is relevant ('relevant_source').
-- The hourly projection keeps `country`, so actors by country are pre-summed too.

ALTER TABLE label_changes DROP PROJECTION IF EXISTS by_hour;

ALTER TABLE label_changes ADD COLUMN IF NOT EXISTS country LowCardinality(String) DEFAULT ''
    AFTER label_id;

ALTER TABLE label_changes ADD PROJECTION IF NOT EXISTS by_hour
(
    SELECT label_type, label_id, country, hour, source_kind, date_source, sum(sign)
    GROUP BY label_type, label_id, country, hour, source_kind, date_source
);

-- Counted again from each document's latest classification, as the sink now counts it
-- (the rows before this migration have no country). Emptied first, so a migration cut
-- short and run again counts each document once.
TRUNCATE TABLE label_changes;

INSERT INTO label_changes (document_id, classified_at, event_id, sign, day, hour, label_type,
                           label_id, country, source_kind, date_source)
SELECT document_id, latest.1, latest.2, if(key.1 = '', 0, 1), toDate(latest.3),
       toStartOfHour(latest.3), key.1, key.2, key.3, latest.4, latest.5
FROM
(
    SELECT document_id, tuple(c.1, c.2, c.3, c.4, c.5, arrayConcat(
               [tuple('', '', '')],
               arrayMap(x -> tuple('initiative', x, ''), arrayDistinct(c.6)),
               arrayMap(x -> tuple('actor', x, arrayLast(p -> p.1 = x, c.9).2),
                        arrayDistinct(c.7)),
               arrayMap(x -> tuple('country', x, x), arrayDistinct(c.8)),
               arrayMap(x -> tuple('actor_country', x, x),
                        arrayFilter(x -> x != '',
                                    arrayDistinct(arrayMap(a -> arrayLast(p -> p.1 = a, c.9).2,
                                                           c.7)))),
               [tuple('source', c.10, '')],
               if(c.11 = 1, [tuple('relevant_source', c.10, '')], []))) AS latest
    FROM
    (
        SELECT document_id,
               argMax(tuple(classified_at, event_id, occurred_at, source_kind, date_source,
                            initiatives, actors, countries,
                            arrayMap(x -> tuple(x.1, ifNull(x.2, '')),
                                     JSONExtract(labels, 'actors',
                                                 'Array(Tuple(id String, country Nullable(String)))')),
                            source_id, relevant),
                      tuple(classified_at, event_id)) AS c
        FROM classifications
        GROUP BY document_id
    )
)
ARRAY JOIN latest.6 AS key;
