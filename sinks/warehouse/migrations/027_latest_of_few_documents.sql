-- The views that join a table of a few documents (candidates, commitments, occurrences) to
-- each document's latest classifier version computed that version for every document in
-- the warehouse first: about a second per join at 2.5 million documents, so the
-- commitments dashboard took two seconds a panel with no commitment at all. They now
-- compute it for the table's own documents only; the rule (argMax by classified_at) and the
-- answers are unchanged.

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
    INNER JOIN
    (
        SELECT document_id, argMax(classifier_version, classified_at) AS classifier_version
        FROM classifications
        WHERE document_id IN (SELECT document_id FROM initiative_candidates)
        GROUP BY document_id
    ) AS l
        ON l.document_id = c.document_id AND l.classifier_version = c.classifier_version
    GROUP BY key, spelling
)
GROUP BY key;

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
    INNER JOIN
    (
        SELECT document_id, argMax(classifier_version, classified_at) AS classifier_version
        FROM classifications
        WHERE document_id IN (SELECT document_id FROM commitments)
        GROUP BY document_id
    ) AS l
        ON l.document_id = c.document_id AND l.classifier_version = c.classifier_version
    GROUP BY subject, initiative, candidate, due_text, due_from, due_to
) AS p
LEFT JOIN
(
    SELECT o.subject AS subject, o.document_id AS document_id, o.happened_on AS happened_on,
           o.evidence_text AS evidence_text
    FROM occurrences AS o
    INNER JOIN
    (
        SELECT document_id, argMax(classifier_version, classified_at) AS classifier_version
        FROM classifications
        WHERE document_id IN (SELECT document_id FROM occurrences)
        GROUP BY document_id
    ) AS l
        ON l.document_id = o.document_id AND l.classifier_version = o.classifier_version
) AS o ON o.subject = p.subject
GROUP BY subject, initiative, candidate, due_text, due_from, due_to, action, document_id,
         documents, reported_at;
