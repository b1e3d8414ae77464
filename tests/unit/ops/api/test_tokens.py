"""API tokens: hashed at rest, scoped, revocable; the local admin token file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ops.api.tokens import (
    TokenStore,
    admin_token_path,
    ensure_admin_token,
    read_secret_file,
    scope_allows,
    tokens_path,
)
from ops.settings import load_settings
from schemas.errors import ConfigError


def test_scopes_nest_read_write_admin() -> None:
    assert scope_allows("admin", "write") and scope_allows("write", "read")
    assert scope_allows("read", "read")
    assert not scope_allows("read", "write") and not scope_allows("write", "admin")


def test_a_token_is_shown_once_and_stored_only_hashed(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "api-tokens.json")
    token, clear = store.create("ci pipeline", "write")
    raw = store.path.read_text(encoding="utf-8")
    assert clear not in raw and clear[:-4] not in raw
    assert os.stat(store.path).st_mode & 0o777 == 0o600
    stored = json.loads(raw)["tokens"]
    assert [t["token_id"] for t in stored] == [token.token_id]
    assert token.last4 == clear[-4:] and token.public()["scope"] == "write"
    assert "sha256" not in token.public()
    assert store.authenticate(clear) == token
    assert store.authenticate(clear + "x") is None and store.authenticate("") is None


def test_revoked_tokens_are_refused_by_a_store_that_read_the_file_before(tmp_path: Path) -> None:
    path = tmp_path / "api-tokens.json"
    api_view = TokenStore(path)  # what a running API holds
    cli_view = TokenStore(path)  # what `policywatch tokens` opens
    token, clear = cli_view.create("analyst", "read")
    assert api_view.authenticate(clear) == token
    assert cli_view.revoke(token.token_id) == token
    assert api_view.authenticate(clear) is None
    assert cli_view.revoke(token.token_id) is None
    assert api_view.entries() == []


def test_bad_names_scopes_and_files_say_what_to_do(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "api-tokens.json")
    with pytest.raises(ConfigError, match="scope 'root'"):
        store.create("x", "root")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="needs a name"):
        store.create("  ", "read")
    store.path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match="tokens create"):
        store.authenticate("anything")


def test_ensure_admin_token_keeps_a_valid_one_and_replaces_a_revoked_one(
    tmp_path: Path,
) -> None:
    settings = load_settings(data_dir=tmp_path)
    path = ensure_admin_token(settings)
    assert path == admin_token_path(settings) and os.stat(path).st_mode & 0o777 == 0o600
    first = read_secret_file(path)
    assert first is not None
    store = TokenStore(tokens_path(settings))
    admin = store.authenticate(first)
    assert admin is not None and admin.scope == "admin"
    assert ensure_admin_token(settings) == path and read_secret_file(path) == first
    store.revoke(admin.token_id)
    ensure_admin_token(settings)
    second = read_secret_file(path)
    assert second is not None and second != first
    assert store.authenticate(second) is not None and len(store.entries()) == 1
