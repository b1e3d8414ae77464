"""Classification of documents against a taxonomy. Pure: no Kafka, no Faust, no I/O.

``classifier.Classifier`` is the entry point; ``stories.StoryIndex`` groups
reports of one event. The other modules are its parts: ``normalise`` (text and
offset map), ``matcher`` (Aho-Corasick over aliases), ``initiatives``,
``actors``, ``date_patterns`` and ``dates`` (date expressions -> due windows)
and ``commitments``.
"""
