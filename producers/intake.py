"""HTTP intake: POST /documents, one document or a batch, as DocumentObserved events.

For systems that push rather than publish a feed. A bearer token is required
(no token configured: the app refuses to build). The body is read up to the
size limit and no further (413). Validation errors list every bad field by
its path (``documents[2].source.kind``). 202 comes only after the broker
acknowledged every event, with the document ids; the ids are deterministic,
so a client may safely retry. OpenAPI docs at /docs.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

import orjson
from fastapi import Depends, FastAPI, Request, Response
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from producers import metrics
from producers.outlets import Outlet
from schemas.documents import (
    MAX_BODY_CHARS,
    DocumentObserved,
    FetchInfo,
    SourceKind,
    SourceRef,
    observe_document,
)
from schemas.envelope import Producer
from schemas.errors import ConfigError, InvalidURL
from schemas.ids import canonical_url, document_id_for_external, document_id_for_url

DOCUMENTS_PATH = "/documents"
BEARER = HTTPBearer(auto_error=False)  # module level: FastAPI resolves Depends() by name


class SourceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=200)
    kind: SourceKind = SourceKind.NEWS
    name: str = Field(default="", max_length=300)
    country: str | None = Field(default=None, max_length=8)
    url: str | None = Field(default=None, max_length=4096)


class DocumentIn(BaseModel):
    """One document. ``url`` (or else ``id``) names it: posting it again is idempotent."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(default=None, max_length=4096)
    id: str | None = Field(default=None, max_length=500, description="its id at the source")
    title: str = Field(default="", max_length=2000)
    text: str = Field(min_length=1, max_length=MAX_BODY_CHARS)
    published_at: datetime | None = Field(default=None, description="ISO 8601, with offset")
    language: str | None = Field(default=None, max_length=16)  # else its script's
    authors: list[str] = Field(default_factory=list, max_length=50)
    document_type: str | None = Field(default=None, max_length=50)
    source: SourceIn | None = None

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value

    @field_validator("url")
    @classmethod
    def _web_url(cls, value: str | None) -> str | None:
        """A URL that cannot name a document is this field's error (422), not a 500."""
        if value:
            try:
                canonical_url(value)
            except InvalidURL as exc:
                raise ValueError(str(exc)) from None
        return value


class DocumentBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    documents: list[DocumentIn] = Field(min_length=1)


class Accepted(BaseModel):
    accepted: int
    document_ids: list[str]


@dataclass(frozen=True)
class IntakeConfig:
    tokens: tuple[str, ...]
    producer: Producer
    max_body_bytes: int = 5 * 1024 * 1024
    max_documents: int = 1000
    source: SourceRef = field(
        default_factory=lambda: SourceRef(id="intake", kind=SourceKind.NEWS, name="HTTP intake")
    )


def _path(prefix: str, loc: tuple[int | str, ...]) -> str:
    out = prefix
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "<body>"


def _problem(status: int, detail: str, **extra: Any) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if status == 503:
        headers = {"Retry-After": "5"}
    return JSONResponse({"detail": detail, **extra}, status_code=status, headers=headers)


def to_event(doc: DocumentIn, config: IntakeConfig, location: str) -> DocumentObserved:
    source = SourceRef.model_validate(doc.source.model_dump()) if doc.source else config.source
    if doc.url:
        document_id = document_id_for_url(doc.url)
    elif doc.id:
        document_id = document_id_for_external(source.id, doc.id)
    else:
        digest = hashlib.blake2b(doc.text.encode("utf-8"), digest_size=12).hexdigest()
        document_id = document_id_for_external(source.id, "sha:" + digest)
    return observe_document(
        document_id=document_id,
        source=source,
        title=doc.title.strip(),
        body=doc.text.strip(),
        producer=config.producer,
        published_at=doc.published_at,
        date_source="record" if doc.published_at else "observed",
        url=doc.url,
        external_id=doc.id,
        language=doc.language,
        authors=tuple(doc.authors),
        document_type=doc.document_type,
        fetch=FetchInfo(method="intake", location=location, content_type="application/json"),
    )


def parse_documents(data: Any, max_documents: int) -> tuple[list[DocumentIn], list[dict[str, str]]]:
    """Documents of a body (object, list, or {"documents": [...]}) and every field error."""
    prefix = ""
    if isinstance(data, dict) and "documents" in data:
        items, prefix = data["documents"], "documents"
        extra = sorted(set(data) - {"documents"})
        if extra:
            return [], [{"field": extra[0], "message": "unexpected field next to 'documents'"}]
    elif isinstance(data, list):
        items = data
    elif isinstance(data, dict):
        items = [data]
    else:
        return [], [{"field": "<body>", "message": "send a document object or a list of them"}]
    if not isinstance(items, list) or not items:
        return [], [{"field": prefix or "<body>", "message": "needs at least one document"}]
    if len(items) > max_documents:
        message = f"{len(items)} documents; at most {max_documents} per request"
        return [], [{"field": prefix or "<body>", "message": message}]
    documents: list[DocumentIn] = []
    errors: list[dict[str, str]] = []
    for index, item in enumerate(items):
        base = f"{prefix}[{index}]" if isinstance(data, list) or prefix else ""
        try:
            documents.append(DocumentIn.model_validate(item))
        except ValidationError as exc:
            for err in exc.errors():
                message = err["msg"].removeprefix("Value error, ")
                errors.append({"field": _path(base, tuple(err["loc"])), "message": message})
    return documents, errors


def _openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    batch = TypeAdapter(DocumentBatch).json_schema(ref_template="#/components/schemas/{model}")
    defs = {**batch.pop("$defs", {}), "DocumentBatch": batch}

    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            schema.setdefault("components", {}).setdefault("schemas", {}).update(defs)
            app.openapi_schema = schema
        return app.openapi_schema

    return build


def build_intake_app(config: IntakeConfig, outlet: Outlet) -> FastAPI:
    """The intake ASGI app; serve it with uvicorn (``policywatch intake``)."""
    tokens = tuple(t.encode("utf-8") for t in config.tokens if t)
    if not tokens:
        raise ConfigError(
            "the HTTP intake needs at least one bearer token; set POLICYWATCH_INTAKE__TOKENS "
            "(a JSON list, e.g. '[\"a-long-random-string\"]')"
        )
    app = FastAPI(
        title="policywatch intake",
        version="1",
        description="Push documents into policywatch: they become DocumentObserved events.",
    )

    @app.middleware("http")
    async def count(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        if request.url.path == DOCUMENTS_PATH:
            metrics.INTAKE_REQUESTS.labels(str(response.status_code)).inc()
        return response

    @app.get("/health", summary="Liveness probe (no token needed)")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    body_schema = {
        "oneOf": [
            {"$ref": "#/components/schemas/DocumentIn"},
            {"$ref": "#/components/schemas/DocumentBatch"},
            {"type": "array", "items": {"$ref": "#/components/schemas/DocumentIn"}},
        ]
    }

    @app.post(
        DOCUMENTS_PATH,
        status_code=202,
        response_model=Accepted,
        summary="Submit one document or a batch",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": body_schema}},
            }
        },
        responses={
            400: {"description": "not JSON"},
            401: {"description": "missing or wrong bearer token"},
            413: {"description": "body over the size limit"},
            415: {"description": "not application/json"},
            422: {"description": "invalid fields, each named by its path"},
            503: {"description": "the broker did not acknowledge; retry"},
        },
    )
    async def post_documents(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
    ) -> Any:
        offered = (credentials.credentials if credentials else "").encode("utf-8")
        if not any(hmac.compare_digest(offered, token) for token in tokens):
            return _problem(
                401, "missing or invalid bearer token; send 'Authorization: Bearer <token>'"
            )
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media != "application/json" and not media.endswith("+json"):
            return _problem(415, f"content type {media or 'none'!r}; send application/json")
        limit = config.max_body_bytes
        declared = request.headers.get("content-length", "")
        too_big = f"request body is over the {limit}-byte limit; send smaller batches"
        if declared.isdigit() and int(declared) > limit:
            return _problem(413, too_big)
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                return _problem(413, too_big)
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            return _problem(400, f"body is not valid JSON: {exc}")
        documents, errors = parse_documents(data, config.max_documents)
        if errors:
            summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
            return _problem(422, f"{len(errors)} invalid field(s): {summary}", errors=errors)
        client = request.client.host if request.client else "unknown"
        events = [to_event(doc, config, f"intake:{client}") for doc in documents]
        delivery = await outlet.send(events)
        if not delivery.complete:
            missing = delivery.acked.count(False)
            return _problem(
                503, f"the broker did not acknowledge {missing} of {len(events)} documents; retry"
            )
        metrics.INTAKE_DOCUMENTS.inc(len(events))
        return Accepted(accepted=len(events), document_ids=[e.document_id for e in events])

    app.openapi = _openapi(app)  # type: ignore[method-assign]
    return app
