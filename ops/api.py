"""The subscriptions API: manage alert subscriptions (and API tokens) over HTTP.

Every change becomes a SubscriptionChanged event on ``policy.subscriptions``
(``ops.subscription_store``); reads come from the book folded from that topic.
Bearer tokens are scoped: read (GET), write (changes, test alerts), admin
(``/tokens``). 401 carries ``WWW-Authenticate``; 403 names the scope needed.
Bodies are read up to the size limit and no further (413); validation errors
name every bad field by its path (``channel.url``, ``filter.countries[1]``).
Secrets are write-only (``ops.subscription_input``). OpenAPI docs at /docs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse

from ops import api_tokens, metrics
from ops.api_auth import (
    ApiConfig,
    ApiProblem,
    ReadToken,
    WriteToken,
    problem_response,
    read_json,
)
from ops.api_docs import install_openapi, request_body
from ops.subscription_input import (
    InvalidSubscription,
    public_view,
    subscription_from_input,
    unknown_label_errors,
)
from ops.subscription_store import SubscriptionStore
from ops.tokens import ApiToken, TokenStore
from schemas.errors import BrokerError
from schemas.subscriptions import ChangeKind, Subscription, new_subscription_id

log = logging.getLogger(__name__)
router = APIRouter(prefix="/subscriptions", tags=["subscriptions"])


def _store(request: Request) -> SubscriptionStore:
    store: SubscriptionStore = request.app.state.store
    return store


Store = Annotated[SubscriptionStore, Depends(_store)]


def _existing(store: SubscriptionStore, subscription_id: str) -> Subscription:
    found = store.get(subscription_id)
    if found is None:
        raise ApiProblem(
            404, f"no subscription {subscription_id!r}; list them with GET /subscriptions"
        )
    return found


def _invalid(exc: InvalidSubscription) -> ApiProblem:
    return ApiProblem(422, str(exc), errors=exc.errors)


def _check_labels(
    request: Request, subscription: Subscription, current: Subscription | None = None
) -> None:
    """422 naming each filter id the taxonomy does not know, with the closest known ones."""
    config: ApiConfig = request.app.state.config
    if config.known_ids is None:
        return
    errors = unknown_label_errors(subscription, config.known_ids(), current)
    if errors:
        raise _invalid(InvalidSubscription(errors))


async def _check_target(request: Request, subscription: Subscription) -> None:
    """422 for a webhook or Slack URL that points at a private address (SSRF)."""
    config: ApiConfig = request.app.state.config
    if config.check_target is None:
        return
    problem = await config.check_target(subscription)
    if problem is not None:
        raise ApiProblem(422, problem, errors=[{"field": "channel.url", "message": problem}])


async def _publish(
    store: SubscriptionStore,
    subscription_id: str,
    change: ChangeKind,
    subscription: Subscription | None,
    who: ApiToken,
) -> int:
    """Publish the change (in a thread: kafka-python blocks); 503 when the broker refuses."""
    try:
        event = await asyncio.to_thread(store.change, subscription_id, change, subscription)
    except BrokerError as exc:
        raise ApiProblem(503, str(exc)) from None
    log.info("subscription %s %s by token %s", subscription_id, change, who.token_id)
    return event.version


@router.get("", summary="List subscriptions (read)")
async def list_subscriptions(store: Store, _who: ReadToken) -> dict[str, Any]:
    views = [public_view(s, store.version(s.subscription_id)) for s in store.list()]
    return {"subscriptions": views}


@router.get("/{subscription_id}", summary="One subscription (read)")
async def get_subscription(subscription_id: str, store: Store, _who: ReadToken) -> dict[str, Any]:
    return public_view(_existing(store, subscription_id), store.version(subscription_id))


@router.post(
    "",
    status_code=201,
    summary="Create a subscription (write)",
    description="A webhook without a secret gets one generated: the answer shows it once, "
    "as generated_secret.",
    openapi_extra=request_body("SubscriptionIn"),
)
async def create_subscription(request: Request, store: Store, who: WriteToken) -> dict[str, Any]:
    data = await read_json(request)
    if isinstance(data, dict) and "version" in data:
        message = "a new subscription starts at version 1; leave it out"
        raise ApiProblem(
            422, f"version: {message}", errors=[{"field": "version", "message": message}]
        )
    subscription_id = new_subscription_id()
    try:
        subscription, generated = subscription_from_input(data, subscription_id)
    except InvalidSubscription as exc:
        raise _invalid(exc) from None
    _check_labels(request, subscription)
    await _check_target(request, subscription)
    version = await _publish(store, subscription_id, "created", subscription, who)
    view = public_view(subscription, version)
    if generated is not None:
        view["generated_secret"] = generated
    return view


@router.put(
    "/{subscription_id}",
    summary="Replace a subscription (write)",
    description="Secrets left out or sent back masked are kept. With 'version', the update "
    "applies only to that version (409 otherwise).",
    openapi_extra=request_body("SubscriptionIn"),
)
async def update_subscription(
    subscription_id: str, request: Request, store: Store, who: WriteToken
) -> dict[str, Any]:
    data = await read_json(request)
    current = _existing(store, subscription_id)
    expected = data.get("version") if isinstance(data, dict) else None
    if expected is not None and expected != store.version(subscription_id):
        raise ApiProblem(
            409,
            f"subscription {subscription_id} is at version {store.version(subscription_id)}, "
            f"not {expected}; read it again and re-apply your change",
        )
    try:
        subscription, generated = subscription_from_input(data, subscription_id, current)
    except InvalidSubscription as exc:
        raise _invalid(exc) from None
    _check_labels(request, subscription, current)
    await _check_target(request, subscription)
    version = await _publish(store, subscription_id, "updated", subscription, who)
    view = public_view(subscription, version)
    if generated is not None:
        view["generated_secret"] = generated
    return view


async def _set_active(
    store: SubscriptionStore, subscription_id: str, active: bool, who: ApiToken
) -> dict[str, Any]:
    current = _existing(store, subscription_id)
    if current.active == active:  # already so: no new event
        return public_view(current, store.version(subscription_id))
    changed = current.model_copy(update={"active": active})
    change: ChangeKind = "resumed" if active else "paused"
    return public_view(changed, await _publish(store, subscription_id, change, changed, who))


@router.post("/{subscription_id}/pause", summary="Pause: no alerts until resumed (write)")
async def pause(subscription_id: str, store: Store, who: WriteToken) -> dict[str, Any]:
    return await _set_active(store, subscription_id, False, who)


@router.post("/{subscription_id}/resume", summary="Resume alerting (write)")
async def resume(subscription_id: str, store: Store, who: WriteToken) -> dict[str, Any]:
    return await _set_active(store, subscription_id, True, who)


@router.delete("/{subscription_id}", summary="Delete (write)")
async def delete(subscription_id: str, store: Store, who: WriteToken) -> dict[str, Any]:
    _existing(store, subscription_id)
    version = await _publish(store, subscription_id, "deleted", None, who)
    return {"subscription_id": subscription_id, "version": version, "deleted": True}


@router.post(
    "/{subscription_id}/test",
    summary="Send a sample alert through the channel (write)",
    responses={502: {"description": "the channel refused or failed the sample alert"}},
)
async def test_channel(
    subscription_id: str, request: Request, store: Store, who: WriteToken
) -> JSONResponse:
    subscription = _existing(store, subscription_id)
    config: ApiConfig = request.app.state.config
    if config.send_test is None:
        raise ApiProblem(501, "this API has no delivery settings to send test alerts with")
    answer = await config.send_test(subscription)
    delivered = bool(answer.get("delivered"))
    log.info(
        "test alert for %s by token %s: %s",
        subscription_id,
        who.token_id,
        "delivered" if delivered else "not delivered",
    )
    return JSONResponse(answer, status_code=200 if delivered else 502)


def build_api_app(store: SubscriptionStore, tokens: TokenStore, config: ApiConfig) -> FastAPI:
    """The API's ASGI app; ``policywatch api`` serves it with uvicorn."""
    app = FastAPI(
        title="policywatch subscriptions API",
        version="1",
        description="Alert subscriptions (stored as events on policy.subscriptions) and API "
        "tokens. Send 'Authorization: Bearer <token>'; scopes nest: read < write < admin.",
    )
    app.state.store = store
    app.state.tokens = tokens
    app.state.config = config

    @app.exception_handler(ApiProblem)
    async def on_problem(_request: Request, problem: Exception) -> JSONResponse:
        assert isinstance(problem, ApiProblem)
        return problem_response(problem)

    @app.middleware("http")
    async def count(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        route = getattr(request.scope.get("route"), "path", "unmatched")
        metrics.API_REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        return response

    @app.get("/health", summary="Readiness: the subscriptions are loaded (no token needed)")
    async def health() -> JSONResponse:
        if not store.ready:
            return JSONResponse({"status": "starting"}, status_code=503)
        return JSONResponse({"status": "ok", "subscriptions": len(store)})

    app.include_router(router)
    app.include_router(api_tokens.router)
    install_openapi(app)
    return app
