"""``/tokens``: API token administration over HTTP (admin scope).

The same file as `policywatch tokens` (``ops.api.tokens``); a created token is in
the answer once and never again.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request

from ops.api.auth import AdminToken, ApiProblem, read_json
from ops.api.openapi import request_body
from ops.api.tokens import SCOPES, TokenStore
from schemas.errors import ConfigError

log = logging.getLogger(__name__)
router = APIRouter(prefix="/tokens", tags=["tokens"])


def _tokens(request: Request) -> TokenStore:
    tokens: TokenStore = request.app.state.tokens
    return tokens


@router.get("", summary="List API tokens (admin)")
async def list_tokens(request: Request, _who: AdminToken) -> dict[str, Any]:
    return {"tokens": [t.public() for t in _tokens(request).entries()]}


@router.post(
    "",
    status_code=201,
    summary="Create an API token (admin); the answer shows it once",
    openapi_extra=request_body("TokenIn"),
)
async def create_token(request: Request, who: AdminToken) -> dict[str, Any]:
    data = await read_json(request)
    if not isinstance(data, dict):
        raise ApiProblem(
            422,
            '<body>: send {"name": ..., "scope": ...}',
            errors=[{"field": "<body>", "message": "send an object with name and scope"}],
        )
    scope = data.get("scope", "read")
    if scope not in SCOPES:
        message = f"{scope!r} is unknown; use one of {', '.join(SCOPES)}"
        raise ApiProblem(422, f"scope: {message}", errors=[{"field": "scope", "message": message}])
    try:
        created, clear = _tokens(request).create(str(data.get("name", "")), scope)
    except ConfigError as exc:
        raise ApiProblem(
            422, f"name: {exc}", errors=[{"field": "name", "message": str(exc)}]
        ) from None
    log.info("token %s created by token %s", created.token_id, who.token_id)
    return {**created.public(), "token": clear}


@router.delete("/{token_id}", summary="Revoke an API token (admin)")
async def revoke_token(request: Request, token_id: str, who: AdminToken) -> dict[str, Any]:
    removed = _tokens(request).revoke(token_id)
    if removed is None:
        raise ApiProblem(404, f"no token {token_id!r}; list them with GET /tokens")
    log.info("token %s revoked by token %s", token_id, who.token_id)
    return {"revoked": removed.public()}
