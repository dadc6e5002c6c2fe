"""linkgraph.users: the users file, salted scrypt hashes, roles, and who the author is."""

from __future__ import annotations

import json
import stat

import pytest

from linkgraph.errors import ConfigError, PermissionDeniedError, UnknownUserError
from linkgraph.users import (
    Actor,
    add_user,
    check_password,
    cli_actor,
    local_actor,
    oidc_actor,
    read_users,
    remove_user,
    require_analyst,
    sign_in,
)


def test_passwords_are_salted_hashes_and_the_file_is_private(tmp_path):
    path = tmp_path / "users.json"
    ana = add_user("ana", "analyst", "correct horse", path)
    bo = add_user("bo", "viewer", "correct horse", path)
    text = path.read_text()
    assert "correct horse" not in text
    assert ana.salt != bo.salt and ana.password_hash != bo.password_hash  # same password, other salt
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    stored = read_users(path)
    assert set(stored) == {"ana", "bo"} and stored["bo"].role == "viewer"
    assert check_password(stored["ana"], "correct horse") and not check_password(stored["ana"], "wrong one")
    assert json.loads(text)["users"][0]["n"] == 2**14


def test_sign_in_gives_the_role_and_never_says_which_part_was_wrong(tmp_path):
    path = tmp_path / "users.json"
    add_user("ana", "analyst", "correct horse", path)
    add_user("bo", "viewer", "battery staple", path)
    assert sign_in("ana", "correct horse", path) == Actor("ana", "analyst", "password")
    assert sign_in("bo", "battery staple", path) == Actor("bo", "viewer", "password")
    assert sign_in("ana", "battery staple", path) is None
    assert sign_in("nobody", "correct horse", path) is None


def test_bad_names_roles_and_short_passwords_are_refused(tmp_path):
    path = tmp_path / "users.json"
    with pytest.raises(ConfigError, match="role"):
        add_user("ana", "admin", "correct horse", path)
    with pytest.raises(ConfigError, match="short"):
        add_user("ana", "analyst", "short", path)
    with pytest.raises(ConfigError, match="user name"):
        add_user("ana; rm -rf", "analyst", "correct horse", path)
    assert not path.exists()
    path.write_text("{not json")
    with pytest.raises(ConfigError, match="not a readable"):
        read_users(path)


def test_cli_author_is_checked_against_the_file_when_there_is_one(tmp_path):
    path = tmp_path / "users.json"
    with pytest.raises(UnknownUserError, match="--user"):
        cli_actor("", path)
    assert cli_actor("anyone", path) == Actor("anyone", "analyst", "cli")  # no users file yet
    add_user("ana", "analyst", "correct horse", path)
    add_user("bo", "viewer", "battery staple", path)
    assert cli_actor("ana", path).can_decide
    with pytest.raises(UnknownUserError, match="no user 'carl'"):
        cli_actor("carl", path)
    with pytest.raises(PermissionDeniedError, match="viewer"):
        require_analyst(cli_actor("bo", path))
    remove_user("bo", path)
    assert set(read_users(path)) == {"ana"}


def test_oidc_users_take_their_role_from_the_file_and_strangers_only_read(tmp_path, monkeypatch):
    path = tmp_path / "users.json"
    assert oidc_actor("ana@lab.example", path).role == "analyst"  # no file: everyone decides
    add_user("ana@lab.example", "analyst", "correct horse", path)
    assert oidc_actor("ana@lab.example", path).role == "analyst"
    assert oidc_actor("stranger@lab.example", path).role == "viewer"
    monkeypatch.setenv("LINKGRAPH_USER", "dana")
    assert local_actor() == Actor("dana", "analyst", "local")
