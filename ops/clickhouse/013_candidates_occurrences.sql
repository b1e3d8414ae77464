-- Initiatives the taxonomy does not have, as the classifier found them: one row per
-- candidate per classified document (key = 'cand:' + the normalised name). Idempotent
-- like every table: a re-classified or replayed document replaces its own rows.
CREATE TABLE IF NOT EXISTS initiative_candidates
(
    key                 String,
    document_id         String,
    revision            String,
    classifier_version  LowCardinality(String),
    name                String,
    parties             Array(LowCardinality(String)),
    actors              Array(String),
    confidence          Float32,
    evidence            String CODEC(ZSTD(3)),
    evidence_text       String,
    language            LowCardinality(String),
    source_id           LowCardinality(String),
    source_kind         LowCardinality(String),
    title               String,
    story_id            String,
    published_at        Nullable(DateTime64(3, 'UTC')),
    occurred_at         DateTime64(3, 'UTC'),
    date_source         LowCardinality(String),
    ingested_at         DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
ORDER BY (key, document_id, revision, classifier_version)
SETTINGS non_replicated_deduplication_window = 10000;

-- Reports that an initiative's (or a candidate's) event took place on `happened_on`: a
-- meeting held, an agreement signed. They fulfil earlier commitments (commitment_fulfilment).
CREATE TABLE IF NOT EXISTS occurrences
(
    subject             String,
    document_id         String,
    revision            String,
    classifier_version  LowCardinality(String),
    ordinal             UInt16,
    initiative          LowCardinality(String),
    candidate           String,
    kind                LowCardinality(String),
    happened_on         Date,
    evidence            String CODEC(ZSTD(3)),
    evidence_text       String,
    source_id           LowCardinality(String),
    source_kind         LowCardinality(String),
    title               String,
    story_id            String,
    occurred_at         DateTime64(3, 'UTC'),
    date_source         LowCardinality(String),
    ingested_at         DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
ORDER BY (subject, document_id, revision, classifier_version, ordinal)
SETTINGS non_replicated_deduplication_window = 10000;

-- A commitment of a candidate (a named initiative not in the taxonomy) has no initiative.
ALTER TABLE commitments ADD COLUMN IF NOT EXISTS candidate String;

-- One row per candidate key, over each document's latest classification: the most
-- frequent spelling, every spelling, first and last seen, documents, sources, who is
-- party to it, and a few sentences that name it.
CREATE OR REPLACE VIEW new_initiatives AS
SELECT
    key,
    argMax(spelling, (spelling_documents, spelling)) AS name,
    arrayMap(v -> v.2, arrayReverseSort(groupArray((spelling_documents, spelling)))) AS variants,
    min(spelling_first_seen) AS first_seen,
    max(spelling_last_seen) AS last_seen,
    uniqExactMerge(document_state) AS documents,
    uniqExactMerge(source_state) AS sources,
    arraySort(groupUniqArrayArray(spelling_parties)) AS parties,
    arraySort(groupUniqArrayArray(spelling_actors)) AS actors,
    arraySort(groupUniqArrayArray(spelling_languages)) AS languages,
    max(spelling_confidence) AS confidence,
    argMin(spelling_first_document, spelling_first_seen) AS first_document,
    arraySlice(arrayDistinct(groupArrayArray(spelling_evidence)), 1, 3) AS evidence
FROM
(
    SELECT
        c.key AS key,
        c.name AS spelling,
        uniqExact(c.document_id) AS spelling_documents,
        uniqExactState(c.document_id) AS document_state,
        uniqExactState(c.source_id) AS source_state,
        min(c.occurred_at) AS spelling_first_seen,
        max(c.occurred_at) AS spelling_last_seen,
        groupUniqArrayArray(c.parties) AS spelling_parties,
        groupUniqArrayArray(c.actors) AS spelling_actors,
        groupUniqArrayIf(c.language, c.language != '') AS spelling_languages,
        max(c.confidence) AS spelling_confidence,
        argMin(c.document_id, c.occurred_at) AS spelling_first_document,
        groupUniqArrayIf(3)(c.evidence_text, c.evidence_text != '') AS spelling_evidence
    FROM initiative_candidates AS c
    INNER JOIN latest_classifications AS l
        ON l.document_id = c.document_id AND l.classifier_version = c.classifier_version
    GROUP BY key, spelling
)
GROUP BY key;

-- One row per promise (reports of one commitment grouped), each document's latest
-- classification only, with the later reports that its event took place: occurrences of
-- the same initiative or candidate, in other documents, on or after the day the promise
-- was first reported, earliest first. A promise is met by the first of them that falls in
-- its window give or take a grace period (due_from - grace .. due_to + grace): an initiative
-- with several promises (a meeting in February, a study next year) has each met by its own
-- event. commitment_status applies 7 days; `policywatch query commitments --grace-days N`.
CREATE OR REPLACE VIEW commitment_progress AS
SELECT
    p.subject AS subject,
    p.initiative AS initiative,
    p.candidate AS candidate,
    p.due_text AS due_text,
    p.due_from AS due_from,
    p.due_to AS due_to,
    p.action AS action,
    p.document_id AS document_id,
    p.documents AS documents,
    p.reported_at AS reported_at,
    arraySort(groupArrayIf((o.happened_on, o.document_id, o.evidence_text),
                           o.document_id != '' AND p.subject != ''
                           AND NOT has(p.reports, o.document_id)
                           AND o.happened_on >= toDate(p.reported_at))) AS occurrences
FROM
(
    SELECT
        if(c.initiative != '', c.initiative, c.candidate) AS subject,
        c.initiative AS initiative,
        c.candidate AS candidate,
        c.due_text AS due_text,
        c.due_from AS due_from,
        c.due_to AS due_to,
        argMin(c.action, (c.occurred_at, c.document_id)) AS action,
        argMin(c.document_id, (c.occurred_at, c.document_id)) AS document_id,
        uniqExact(c.document_id) AS documents,
        groupUniqArray(c.document_id) AS reports,
        min(c.occurred_at) AS reported_at
    FROM commitments AS c
    INNER JOIN latest_classifications AS l
        ON l.document_id = c.document_id AND l.classifier_version = c.classifier_version
    GROUP BY subject, initiative, candidate, due_text, due_from, due_to
) AS p
LEFT JOIN
(
    SELECT o.subject AS subject, o.document_id AS document_id, o.happened_on AS happened_on,
           o.evidence_text AS evidence_text
    FROM occurrences AS o
    INNER JOIN latest_classifications AS l
        ON l.document_id = o.document_id AND l.classifier_version = o.classifier_version
) AS o ON o.subject = p.subject
GROUP BY subject, initiative, candidate, due_text, due_from, due_to, action, document_id,
         documents, reported_at;

-- Status today with the default grace of 7 days: met (its event was reported within the
-- window give or take 7 days), overdue (not, and due_to + 7 days has passed), else open.
CREATE OR REPLACE VIEW commitment_status AS
SELECT
    multiIf(hit > 0, 'met', due_to + 7 < today(), 'overdue', 'open') AS status,
    subject, initiative, candidate, due_text, due_from, due_to, action, document_id,
    documents, reported_at,
    if(hit > 0, occurrences[hit].1, NULL) AS fulfilled_on,
    if(hit > 0, occurrences[hit].2, '') AS fulfilled_by,
    if(hit > 0, occurrences[hit].3, '') AS fulfilment_evidence
FROM
(
    SELECT *,
           arrayFirstIndex(o -> o.1 >= greatest(toDate(reported_at), due_from - 7)
                                AND o.1 <= due_to + 7, occurrences) AS hit
    FROM commitment_progress
);
