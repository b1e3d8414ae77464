"""How the CLI reaches the subscriptions API: which URL, which token, errors as one line.

URL: ``--api-url`` / ``POLICYWATCH_API_URL``, else the running embedded stack's
``run.json`` (``api.url``, or the ``api`` role's ready info). Token: ``--token`` /
``POLICYWATCH_API_TOKEN``, else ``<data dir>/api-admin.token``, which the
embedded stack creates. The token is never printed, logged or put into an
error message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from ops.api.tokens import admin_token_path, read_secret_file
from ops.runtime.runfile import read_run_file
from ops.settings import Settings
from schemas.errors import ConfigError, PolicywatchError


class ApiError(PolicywatchError):
    """The API answered with an error, or could not be reached."""

    reason = "api_error"

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def api_url_of_run(run: dict[str, Any]) -> str | None:
    """``api.url`` of a run file, or the api role's own ready info under ``roles``."""
    role = run.get("roles", {}).get("api") or {}
    url = (run.get("api") or {}).get("url") or role.get("url") or (role.get("api") or {}).get("url")
    return str(url) if url else None


def resolve_api_url(settings: Settings, given: str | None) -> str:
    if given:
        return given.rstrip("/")
    run = read_run_file(settings.run_file)
    url = api_url_of_run(run) if run is not None else None
    if url is None:
        raise ConfigError(
            "no subscriptions API found: pass --api-url http://host:port (or set "
            "POLICYWATCH_API_URL), or start the embedded stack with `policywatch up`"
        )
    return url.rstrip("/")


def resolve_token(settings: Settings, given: str | None) -> str:
    if given:
        return given
    token = read_secret_file(admin_token_path(settings))
    if token is None:
        raise ConfigError(
            "no API token: pass --token (or set POLICYWATCH_API_TOKEN); the embedded stack "
            f"writes an admin token to {admin_token_path(settings)}"
        )
    return token


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300] or response.reason_phrase
    if isinstance(body, dict) and "detail" in body:
        detail = body["detail"]
        errors = body.get("errors")
        if isinstance(errors, list) and errors:
            lines = [f"  {e.get('field')}: {e.get('message')}" for e in errors]
            return "invalid subscription:\n" + "\n".join(lines)
        return str(detail)
    return str(body)[:300]


@dataclass
class ApiClient:
    """A thin synchronous client; every method returns the decoded JSON answer."""

    url: str
    token: str
    timeout_s: float = 30.0

    def call(self, method: str, path: str, body: Any = None) -> Any:
        try:
            response = httpx.request(
                method,
                self.url + path,
                json=body,
                headers={"Authorization": f"Bearer {self.token}"},
                timeout=self.timeout_s,
            )
        except httpx.HTTPError as exc:
            raise ApiError(
                f"cannot reach the subscriptions API at {self.url} ({type(exc).__name__}); "
                "is the stack running (`policywatch up`) or --api-url right?"
            ) from None
        if response.status_code == 502:  # a channel test that failed answers with its result
            try:
                answer = response.json()
            except ValueError:
                answer = None
            if isinstance(answer, dict) and "delivered" in answer:
                return answer
        if response.status_code >= 400:
            raise ApiError(
                f"{method} {path}: {response.status_code} {_detail(response)}",
                response.status_code,
            )
        return response.json()
