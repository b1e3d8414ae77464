"""Pydantic models the classifier makes from its own offsets, built without validation.

Evidence and labels are valid by construction (offsets into the body the classifier
read, confidences it computed). Pydantic's ``model_construct`` still costs about twice a
validated construction (it walks every field for defaults and aliases), and the
classifier makes dozens of these objects per page; :func:`built` sets the fields
directly. Every field must be given: tests/unit/streams/classify/test_built.py checks
that each call site's object equals the validated one.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

__all__ = ["built"]

M = TypeVar("M", bound=BaseModel)


def built(cls: type[M], fields: dict[str, Any]) -> M:
    """An instance of ``cls`` holding ``fields`` (all of them), as pydantic would store it."""
    model = cls.__new__(cls)
    object.__setattr__(model, "__dict__", fields)
    object.__setattr__(model, "__pydantic_fields_set__", set(fields))
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", None)
    return model
