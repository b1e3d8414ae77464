"""API bearer tokens: stored hashed, scoped read < write < admin, in one JSON file.

A token is 32 random bytes (urlsafe base64, ``pwt_`` prefix), so a plain
SHA-256 is enough to store it: there is nothing to brute-force. The file keeps
only the hash, a name, the scope, the creation time and the last four
characters (to tell tokens apart in a list); the clear token is shown once, by
whoever created it. The file is mode 0600 and replaced atomically; writers
take a lock file, readers re-read it when it changed, so `policywatch tokens`
and a running API can share it.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import logging
import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, get_args

from ops.runtime.runfile import write_json_atomic
from ops.settings import Settings
from schemas.errors import ConfigError

log = logging.getLogger(__name__)

Scope = Literal["read", "write", "admin"]
SCOPES: tuple[Scope, ...] = get_args(Scope)
TOKEN_PREFIX = "pwt_"
ADMIN_TOKEN_NAME = "local-admin"


def scope_allows(have: Scope, need: Scope) -> bool:
    """Scopes nest: admin can do everything write can, write everything read can."""
    return SCOPES.index(have) >= SCOPES.index(need)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ApiToken:
    """What the file holds about one token (never the token itself)."""

    token_id: str
    name: str
    scope: Scope
    created_at: str
    last4: str
    sha256: str

    def public(self) -> dict[str, str]:
        """The fields a listing may show."""
        return {
            "token_id": self.token_id,
            "name": self.name,
            "scope": self.scope,
            "created_at": self.created_at,
            "last4": self.last4,
        }


def tokens_path(settings: Settings) -> Path:
    return settings.api.tokens_file or settings.data_dir / "api-tokens.json"


def admin_token_path(settings: Settings) -> Path:
    return settings.data_dir / "api-admin.token"


class TokenStore:
    """The tokens file: create, list, revoke, authenticate."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._tokens: list[ApiToken] = []

    # -- reading -------------------------------------------------------------
    def _stat(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _load(self) -> list[ApiToken]:
        """The tokens on disk; cached until the file changes."""
        with self._lock:
            stamp = self._stat()
            if stamp is None:
                self._stamp, self._tokens = None, []
            elif stamp != self._stamp:
                self._tokens = self._parse()
                self._stamp = stamp
            return list(self._tokens)

    def _parse(self) -> list[ApiToken]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            items: list[dict[str, Any]] = data["tokens"]
            tokens = [ApiToken(**item) for item in items]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(
                f"{self.path}: not a readable tokens file ({type(exc).__name__}); "
                "fix or remove it and create tokens again with `policywatch tokens create`"
            ) from None
        bad = [t.token_id for t in tokens if t.scope not in SCOPES]
        if bad:
            raise ConfigError(f"{self.path}: token {bad[0]} has an unknown scope; revoke it")
        return tokens

    def entries(self) -> list[ApiToken]:
        return sorted(self._load(), key=lambda t: (t.created_at, t.token_id))

    def authenticate(self, offered: str) -> ApiToken | None:
        """The token ``offered`` is, or None; compares every stored hash in constant time."""
        if not offered:
            return None
        digest = _digest(offered).encode("ascii")
        found: ApiToken | None = None
        for token in self._load():
            if hmac.compare_digest(digest, token.sha256.encode("ascii")):
                found = token
        return found

    # -- writing -------------------------------------------------------------
    @contextmanager
    def _locked(self) -> Iterator[list[ApiToken]]:
        """Read-modify-write under an exclusive lock file; the list is written back."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            tokens = self._parse() if self.path.exists() else []
            yield tokens
            write_json_atomic(
                self.path, {"version": 1, "tokens": [asdict(t) for t in tokens]}, mode=0o600
            )
        finally:
            os.close(fd)  # closing releases the lock

    def create(self, name: str, scope: Scope) -> tuple[ApiToken, str]:
        """A new token; returns its record and the clear token (shown once, never stored)."""
        if scope not in SCOPES:
            raise ConfigError(f"scope {scope!r} is unknown; use one of {', '.join(SCOPES)}")
        name = name.strip()
        if not name or len(name) > 100:
            raise ConfigError("a token needs a name of 1 to 100 characters (who or what uses it)")
        clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken(
            token_id="tok_" + secrets.token_hex(6),
            name=name,
            scope=scope,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            last4=clear[-4:],
            sha256=_digest(clear),
        )
        with self._locked() as tokens:
            tokens.append(token)
        log.info("API token %s (%s, scope %s) created", token.token_id, name, scope)
        return token, clear

    def revoke(self, token_id: str) -> ApiToken | None:
        """Remove a token; returns what was removed, or None when no such id."""
        removed: ApiToken | None = None
        with self._locked() as tokens:
            for token in list(tokens):
                if token.token_id == token_id:
                    tokens.remove(token)
                    removed = token
        if removed is not None:
            log.info("API token %s (%s) revoked", removed.token_id, removed.name)
        return removed


def write_secret_file(path: Path, text: str) -> None:
    """A 0600 file holding one secret line, replaced atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
    os.replace(tmp, path)


def read_secret_file(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def ensure_admin_token(settings: Settings) -> Path:
    """An admin token for the local CLI, in ``<data dir>/api-admin.token`` (0600).

    Kept while it is still valid; created again when missing or revoked, so the
    embedded stack's CLI works without configuration.
    """
    path = admin_token_path(settings)
    store = TokenStore(tokens_path(settings))
    current = read_secret_file(path)
    if current is not None:
        token = store.authenticate(current)
        if token is not None and token.scope == "admin":
            return path
    _token, clear = store.create(ADMIN_TOKEN_NAME, "admin")
    write_secret_file(path, clear)
    return path
