"""The warehouse's read model: every query of the stack's own tables, behind functions.

Callers get rows and numbers, never SQL; the SQL lives here, beside the migrations
(``sinks/warehouse/migrations``) it depends on.
"""
