"""Stream processing: validate, de-duplicate, classify and route documents.

``streams.taxonomy`` and ``streams.classify`` are pure (no Kafka, no Faust);
``streams.app`` and its agents wire them into a Faust application; ``streams.topics``
holds the worker's config and the names of its topics and tables.
"""
