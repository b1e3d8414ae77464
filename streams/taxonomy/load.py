"""Load and validate taxonomy YAML; errors name the file, the line and the fix."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from schemas.errors import TaxonomyError
from streams.taxonomy.model import Taxonomy

DEFAULT_TAXONOMY_PATH = Path(__file__).parent / "default.yaml"

SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's loader when PyYAML has it: the same nodes, marks and errors, and about five
times faster than the pure-Python one on the default taxonomy (~9,000 lines)."""


class TaxonomyLoader(SafeLoader):  # type: ignore[valid-type,misc]
    """SafeLoader whose impossible dates stay text, for the model to refuse with a line.

    YAML reads ``2025-13-01`` as a timestamp and PyYAML's constructor raises a bare
    ValueError on it; kept as the string it is, the date field reports it like any
    other bad value (file, line, fix).
    """


def _timestamp_or_text(loader: TaxonomyLoader, node: yaml.ScalarNode) -> Any:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:  # 2025-02-30, month 13: not a date
        return loader.construct_scalar(node)


TaxonomyLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


class _LineLoader(TaxonomyLoader):
    """TaxonomyLoader that records the line of each mapping, for error messages."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = {str(k): v for k, v in loader.construct_mapping(node, deep=True).items()}
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def _line_of(data: Any, loc: tuple[int | str, ...]) -> int | None:
    line = data.get("__line__") if isinstance(data, dict) else None
    node = data
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and "__line__" in node:
            line = node["__line__"]
    return line if isinstance(line, int) else None


def parse_taxonomy(text: str, origin: str = "<taxonomy>", *, partial: bool = False) -> Taxonomy:
    """Parse YAML text into a validated Taxonomy or raise TaxonomyError.

    ``partial``: an extension of another taxonomy, whose references may point into it.
    """
    try:
        raw = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{origin}:{mark.line + 1}" if mark is not None else origin
        raise TaxonomyError(f"{where}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise TaxonomyError(f"{origin}: a taxonomy is a mapping with initiatives/actors lists")
    try:
        return Taxonomy.model_validate(_strip_lines(raw), context={"partial": partial})
    except ValidationError as exc:
        messages = []
        for err in exc.errors()[:10]:
            loc = tuple(err["loc"])
            line = _line_of(raw, loc)
            where = f"{origin}:{line}" if line else origin
            path = ".".join(str(p) for p in loc) or "<root>"
            messages.append(f"{where}: {path}: {err['msg']}")
        raise TaxonomyError("\n".join(messages)) from exc


def merge_taxonomies(base: Taxonomy, extra: Taxonomy) -> Taxonomy:
    """A user taxonomy extends the base; an entry with the same id replaces it."""

    def merged(a: list[Any], b: list[Any], key: str) -> list[Any]:
        out = {getattr(x, key): x for x in a}
        out.update({getattr(x, key): x for x in b})
        return list(out.values())

    try:
        return Taxonomy(
            version=f"{base.version}+{extra.version}",
            countries=merged(base.countries, extra.countries, "code"),
            offices=merged(base.offices, extra.offices, "id"),
            initiatives=merged(base.initiatives, extra.initiatives, "id"),
            actors=merged(base.actors, extra.actors, "id"),
        )
    except ValidationError as exc:
        problems = "; ".join(str(err["msg"]) for err in exc.errors())
        raise TaxonomyError(f"inconsistent with the taxonomy it extends: {problems}") from exc


def load_taxonomy(*paths: Path, include_default: bool = True) -> Taxonomy:
    """Load the default taxonomy, extended/overridden by each path in order."""
    sources = ([DEFAULT_TAXONOMY_PATH] if include_default else []) + list(paths)
    if not sources:
        raise TaxonomyError("no taxonomy given; pass a file or include the default")
    result: Taxonomy | None = None
    for path in sources:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise TaxonomyError(f"{path}: cannot read taxonomy: {exc.strerror}") from exc
        current = parse_taxonomy(text, str(path), partial=result is not None)
        if result is None:
            result = current
            continue
        try:
            result = merge_taxonomies(result, current)
        except TaxonomyError as exc:
            raise TaxonomyError(f"{path}: {exc}") from exc
    assert result is not None
    return result


def taxonomy_digest(taxonomy: Taxonomy) -> str:
    """Content hash of a taxonomy: part of ``classifier_version``."""
    payload = taxonomy.model_dump_json(by_alias=True).encode("utf-8")
    return hashlib.blake2b(payload, digest_size=8).hexdigest()
