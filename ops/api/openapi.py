"""OpenAPI components of the subscriptions API.

Handlers read their bodies themselves (size limit, field paths), so FastAPI
cannot infer the request schemas; they are derived here from the contract
models instead: ``SubscriptionIn`` is a Subscription without its id and with
an optional webhook secret.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, Literal

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field, TypeAdapter

from schemas.subscriptions import Subscription

REF = "#/components/schemas/{model}"


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=100, description="who or what uses it")
    scope: Literal["read", "write", "admin"] = "read"


def request_body(component: str) -> dict[str, Any]:
    """``openapi_extra`` for a JSON body described by ``component``."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": REF.format(model=component)}}},
        }
    }


def _subscription_in() -> dict[str, dict[str, Any]]:
    schema = TypeAdapter(Subscription).json_schema(ref_template=REF)
    defs: dict[str, dict[str, Any]] = schema.pop("$defs", {})
    body = copy.deepcopy(schema)
    body["title"] = "SubscriptionIn"
    body["properties"].pop("subscription_id", None)
    body["required"] = [r for r in body.get("required", []) if r != "subscription_id"]
    webhook = defs.get("WebhookChannel")
    if webhook is not None:
        webhook["required"] = [r for r in webhook.get("required", []) if r != "secret"]
        webhook["properties"]["secret"]["description"] = (
            "'whsec_' + base64 of >= 16 random bytes; generated when left out. "
            "Write-only: answers show it masked ('…abcd')"
        )
    slack = defs.get("SlackChannel")
    if slack is not None:
        slack["properties"]["url"]["description"] = (
            "the incoming-webhook URL (a credential): write-only, answers show it masked"
        )
    return {**defs, "SubscriptionIn": body}


def install_openapi(app: FastAPI) -> None:
    """Add the request-body components to the app's generated OpenAPI document."""
    token_in = TypeAdapter(TokenIn).json_schema(ref_template=REF)
    components = {**_subscription_in(), "TokenIn": token_in}

    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            schema.setdefault("components", {}).setdefault("schemas", {}).update(components)
            app.openapi_schema = schema
        return app.openapi_schema

    openapi: Callable[[], dict[str, Any]] = build
    app.openapi = openapi  # type: ignore[method-assign]
