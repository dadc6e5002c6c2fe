"""Who is acting: the users file (salted password hashes, roles) and the author of a decision.

Every decision and note is attributed to a known user, never to a typed name:

* in the app, the user signed in with Streamlit's OIDC (``st.login``) when ``[auth]`` is
  configured, otherwise a user of the users file signed in with their password;
* on the CLI, ``--user`` or ``$LINKGRAPH_USER``, checked against the users file when it exists
  (the CLI runs with the caller's own access to the store, so it asks for no password).

The users file is JSON (``$LINKGRAPH_USERS``, default ``./linkgraph-users.json``), written
atomically with owner-only permissions. Passwords are stored as scrypt hashes (RFC 7914, via
``hashlib.scrypt``) with a random 16-byte salt per user and the cost parameters kept beside
them, so they can be raised later without breaking existing entries. Roles: ``analyst``
decides and writes notes, ``viewer`` only reads.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import json
import os
import re
import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, cast, get_args

from linkgraph.errors import ConfigError, PermissionDeniedError, UnknownUserError

Role = Literal["analyst", "viewer"]
ROLES: tuple[Role, ...] = get_args(Role)
DEFAULT_USERS_FILE = "linkgraph-users.json"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$")
# scrypt cost: n=2**14, r=8 (16 MiB, ~50 ms): OWASP's minimum recommendation for scrypt
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
MIN_PASSWORD = 8


@dataclass(frozen=True)
class User:
    """One entry of the users file (the hash is never shown or logged)."""

    name: str
    role: Role
    salt: str  # hex
    password_hash: str  # hex, scrypt(password, salt, n, r, p)
    n: int = _SCRYPT["n"]
    r: int = _SCRYPT["r"]
    p: int = _SCRYPT["p"]
    created_at: str = ""

    @property
    def can_decide(self) -> bool:
        return self.role == "analyst"


@dataclass(frozen=True)
class Actor:
    """The signed-in user a decision or note is attributed to."""

    name: str
    role: Role
    how: Literal["oidc", "password", "cli", "local"]

    @property
    def can_decide(self) -> bool:
        return self.role == "analyst"


def users_path(path: str | Path | None = None) -> Path:
    """The users file: ``path``, else ``$LINKGRAPH_USERS``, else ./linkgraph-users.json."""
    return Path(path or os.environ.get("LINKGRAPH_USERS") or DEFAULT_USERS_FILE)


def _hash(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024**2, dklen=32)


def read_users(path: str | Path | None = None) -> dict[str, User]:
    """Every user of the file by name; empty when the file does not exist."""
    file = users_path(path)
    if not file.exists():
        return {}
    try:
        raw = json.loads(file.read_text(encoding="utf-8"))
        users = {u["name"]: User(**u) for u in raw["users"]}
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ConfigError(f"{file}: not a readable linkgraph users file ({e})") from None
    for u in users.values():
        if u.role not in ROLES:
            raise ConfigError(f"{file}: user {u.name!r} has unknown role {u.role!r}")
    return users


def _write_users(file: Path, users: dict[str, User]) -> None:
    doc = {"users": [asdict(u) for u in sorted(users.values(), key=lambda u: u.name)]}
    tmp = file.with_name(file.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    tmp.replace(file)


def add_user(name: str, role: str, password: str, path: str | Path | None = None) -> User:
    """Add (or replace the password and role of) a user; returns the stored entry."""
    if not _NAME.match(name):
        raise ConfigError(f"user name {name!r}: use letters, digits and . _ @ + - (at most 64)")
    if role not in ROLES:
        raise ConfigError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if len(password) < MIN_PASSWORD:
        raise ConfigError(f"password too short: at least {MIN_PASSWORD} characters")
    file = users_path(path)
    users = read_users(file)
    salt = secrets.token_bytes(16)
    user = User(
        name=name,
        role=cast(Role, role),
        salt=salt.hex(),
        password_hash=_hash(password, salt, **_SCRYPT).hex(),
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    users[name] = user
    _write_users(file, users)
    return user


def remove_user(name: str, path: str | Path | None = None) -> None:
    file = users_path(path)
    users = read_users(file)
    if name not in users:
        raise UnknownUserError(f"no user {name!r} in {file}")
    del users[name]
    _write_users(file, users)


def check_password(user: User, password: str) -> bool:
    """Constant-time comparison of ``password``'s hash with the stored one."""
    given = _hash(password, bytes.fromhex(user.salt), user.n, user.r, user.p)
    return hmac.compare_digest(given, bytes.fromhex(user.password_hash))


def sign_in(name: str, password: str, path: str | Path | None = None) -> Actor | None:
    """The actor for a correct name and password, else None (no hint which one was wrong)."""
    user = read_users(path).get(name.strip())
    if user is None:
        _hash(password, b"0" * 16, **_SCRYPT)  # same work as a real check: no timing hint
        return None
    return Actor(user.name, user.role, "password") if check_password(user, password) else None


def cli_actor(name: str | None, path: str | Path | None = None) -> Actor:
    """The CLI's author: ``--user``/``$LINKGRAPH_USER``, checked against the users file if any."""
    name = (name or "").strip()
    if not name:
        raise UnknownUserError("who is deciding? give --user NAME or set $LINKGRAPH_USER")
    users = read_users(path)
    if not users:
        return Actor(name, "analyst", "cli")
    user = users.get(name)
    if user is None:
        raise UnknownUserError(f"no user {name!r} in {users_path(path)}: add one with `linkgraph users add`")
    return Actor(user.name, user.role, "cli")


def oidc_actor(name: str, path: str | Path | None = None) -> Actor:
    """An OIDC-signed-in user: their role from the users file when listed there.

    With a users file, someone the identity provider knows but the file does not is a viewer;
    without one, everyone who can sign in is an analyst.
    """
    users = read_users(path)
    if not users:
        return Actor(name, "analyst", "oidc")
    user = users.get(name)
    return Actor(name, user.role if user else "viewer", "oidc")


def require_analyst(actor: Actor) -> None:
    """Refuse a viewer's write (decisions, notes, assignments) with a one-line error."""
    if not actor.can_decide:
        raise PermissionDeniedError(f"{actor.name} is a viewer: only analysts can decide or write notes")


def local_actor() -> Actor:
    """The app's user when no login is configured (a single analyst's own machine).

    ``$LINKGRAPH_USER`` or the operating-system account: still a name the analyst did not
    type into the page, so the trail shows who ran the app.
    """
    name = os.environ.get("LINKGRAPH_USER") or getpass.getuser() or "local"
    return Actor(name, "analyst", "local")
