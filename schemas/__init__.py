"""Event contracts of policywatch: pydantic v2 models, ids and the wire codec.

Imports nothing else of policywatch; every other package depends on this one.
"""
