"""Stream processing: validate, de-duplicate, classify and route documents.

``streams.taxonomy`` and ``streams.classify`` are pure (no Kafka, no Faust);
``streams.app`` and ``streams.agents`` wire them into a Faust application.
"""
