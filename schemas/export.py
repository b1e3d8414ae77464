"""Export the JSON Schemas of every released event version to ``schemas/json/``.

The exported files are part of the contract for non-Python consumers; a test
fails when a model and its exported file disagree, so run
``policywatch schemas export`` after changing a model.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from schemas.codec import EVENT_MODELS

JSON_DIR = Path(__file__).parent / "json"


def schema_documents() -> dict[str, dict[str, Any]]:
    """File name -> JSON Schema for every released (event_type, schema_version)."""
    out: dict[str, dict[str, Any]] = {}
    for (event_type, version), model in sorted(EVENT_MODELS.items()):
        out[f"{event_type}.v{version}.json"] = model.model_json_schema(mode="serialization")
    return out


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def export_schemas(directory: Path = JSON_DIR) -> list[Path]:
    """Write every schema file; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schema_documents().items():
        path = directory / name
        path.write_text(render(schema), encoding="utf-8")
        written.append(path)
    return written
