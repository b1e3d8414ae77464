"""What every API route shares: error answers, scoped bearer tokens, bounded JSON bodies.

Routes get their collaborators from ``request.app.state`` (``tokens``,
``store``, ``config``), so they are plain module-level functions.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

import orjson
from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ops.tokens import ApiToken, Scope, TokenStore, scope_allows
from schemas.errors import ConfigError
from schemas.subscriptions import Subscription
from streams.taxonomy.known import KnownIds

log = logging.getLogger(__name__)
BEARER = HTTPBearer(auto_error=False)  # module level: FastAPI resolves Depends() by name

#: Sends a sample alert through a subscription's channel; returns what happened (JSON-able,
#: with a boolean ``delivered``).
TestSender = Callable[[Subscription], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class ApiConfig:
    max_body_bytes: int = 256 * 1024
    send_test: TestSender | None = None
    #: why a subscription's channel URL is refused (private target), or None
    check_target: Callable[[Subscription], Awaitable[str | None]] | None = None
    #: the ids the stack's taxonomy knows now (filters on other ids are refused), or None
    known_ids: Callable[[], KnownIds] | None = None


class ApiProblem(Exception):
    """An error answer: status, a detail that says what to do, optional extra fields."""

    def __init__(self, status: int, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.extra = extra


def problem_response(problem: ApiProblem) -> JSONResponse:
    headers: dict[str, str] = {}
    if problem.status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    elif problem.status == 403:
        needs = problem.extra.get("needs", "")
        headers["WWW-Authenticate"] = f'Bearer error="insufficient_scope", scope="{needs}"'
    elif problem.status == 503:
        headers["Retry-After"] = "5"
    body = {"detail": problem.detail, **problem.extra}
    return JSONResponse(body, status_code=problem.status, headers=headers)


def _need(scope: Scope) -> Callable[..., Awaitable[ApiToken]]:
    async def check(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
    ) -> ApiToken:
        tokens: TokenStore = request.app.state.tokens
        try:
            token = tokens.authenticate(credentials.credentials if credentials else "")
        except ConfigError as exc:
            log.error("%s", exc)
            raise ApiProblem(503, "the API cannot read its tokens file; see its log") from None
        if token is None:
            raise ApiProblem(
                401, "missing or unknown bearer token; send 'Authorization: Bearer <token>'"
            )
        if not scope_allows(token.scope, scope):
            raise ApiProblem(
                403,
                f"token {token.token_id} has scope '{token.scope}'; this needs '{scope}' "
                f"(create one with `policywatch tokens create --scope {scope}`)",
                needs=scope,
            )
        return token

    return check


ReadToken = Annotated[ApiToken, Depends(_need("read"))]
WriteToken = Annotated[ApiToken, Depends(_need("write"))]
AdminToken = Annotated[ApiToken, Depends(_need("admin"))]


async def read_json(request: Request) -> Any:
    """The JSON body, read no further than the configured limit (413 beyond it)."""
    config: ApiConfig = request.app.state.config
    limit = config.max_body_bytes
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json" and not media.endswith("+json"):
        raise ApiProblem(415, f"content type {media or 'none'!r}; send application/json")
    too_big = f"request body is over the {limit}-byte limit"
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ApiProblem(413, too_big)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise ApiProblem(413, too_big)
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise ApiProblem(400, f"body is not valid JSON: {exc}") from None
