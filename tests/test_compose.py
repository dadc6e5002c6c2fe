"""docker-compose.yml, Dockerfile and .env.example, checked without a Docker engine.

Two validators: the Compose specification's JSON schema (vendored in tests/data from Debian's
docker-compose 1.29 package, Apache-2.0) with ``jsonschema``, and Debian's ``docker-compose
config -q`` when installed (``apt-get install -y docker-compose``), which also resolves the
variable interpolation. The test skips only when neither is available.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"
SPEC = ROOT / "tests" / "data" / "compose_spec.json"


def _yaml(path: Path) -> Any:
    yaml = pytest.importorskip("yaml", reason="PyYAML is needed to read docker-compose.yml")
    return yaml.safe_load(path.read_text())


def _compose_cli() -> str | None:
    return shutil.which("docker-compose")


def _run_compose(env_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    exe = _compose_cli()
    assert exe
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    return subprocess.run(
        [
            exe,
            "--project-directory",
            str(ROOT),
            "-f",
            str(COMPOSE),
            "--env-file",
            str(env_file),
            "config",
            *args,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_a_validator_is_available() -> None:
    have_schema = SPEC.exists() and _has_jsonschema()
    if not have_schema and not _compose_cli():
        pytest.skip("neither jsonschema + tests/data/compose_spec.json nor docker-compose is available")


def _has_jsonschema() -> bool:
    try:
        import jsonschema  # noqa: F401
    except ImportError:
        return False
    return True


def test_compose_file_matches_the_compose_spec() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    spec = json.loads(SPEC.read_text())
    doc = _yaml(COMPOSE)
    validator = jsonschema.Draft201909Validator(spec)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
    # and the schema does catch mistakes
    bad = json.loads(json.dumps(doc))
    bad["services"]["app"]["depends_on"]["neo4j"]["condition"] = 42
    bad["services"]["neo4j"]["helthcheck"] = {}
    assert len(list(validator.iter_errors(bad))) >= 2


@pytest.mark.skipif(
    not shutil.which("docker-compose"),
    reason="docker-compose not installed (apt-get install -y docker-compose)",
)
def test_docker_compose_config_accepts_it_with_the_example_env(tmp_path: Path) -> None:
    out = _run_compose(ROOT / ".env.example", "-q")
    assert out.returncode == 0, out.stderr
    # without a password the file refuses to start rather than running Neo4j with a default one
    empty = tmp_path / "empty.env"
    empty.write_text("")
    out = _run_compose(empty, "-q")
    assert out.returncode != 0 and "NEO4J_PASSWORD" in out.stderr


@pytest.mark.skipif(
    not shutil.which("docker-compose"),
    reason="docker-compose not installed (apt-get install -y docker-compose)",
)
def test_resolved_configuration() -> None:
    yaml = pytest.importorskip("yaml")
    out = _run_compose(ROOT / ".env.example")
    assert out.returncode == 0, out.stderr
    cfg = yaml.safe_load(out.stdout)
    env = dict(
        line.split("=", 1)
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    neo = cfg["services"]["neo4j"]
    assert neo["environment"]["NEO4J_AUTH"] == f"{env['NEO4J_USER']}/{env['NEO4J_PASSWORD']}"
    app = cfg["services"]["app"]
    assert app["environment"]["NEO4J_PASSWORD"] == env["NEO4J_PASSWORD"]
    assert app["environment"]["NEO4J_URI"] == "bolt://neo4j:7687"


def test_services() -> None:
    doc = _yaml(COMPOSE)
    neo, app = doc["services"]["neo4j"], doc["services"]["app"]
    assert re.fullmatch(r"neo4j:5(\.[\d.]+)?(-community)?", neo["image"])
    assert (
        "${NEO4J_USER" in neo["environment"]["NEO4J_AUTH"]
        and "${NEO4J_PASSWORD" in neo["environment"]["NEO4J_AUTH"]
    )
    mounts = {v.split(":")[1] for v in neo["volumes"]}
    assert {"/data", "/logs"} <= mounts
    assert set(doc["volumes"]) >= {v.split(":")[0] for v in neo["volumes"]}
    check = " ".join(neo["healthcheck"]["test"])
    assert "cypher-shell" in check or "7474" in check
    assert app["build"] == "." or app["build"].get("context") == "."
    assert app["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert app["environment"]["NEO4J_URI"] == "bolt://neo4j:7687"
    assert app["command"] == ["linkgraph", "app", "--host", "0.0.0.0", "--port", "8501"]  # noqa: S104 (inside the container)
    for svc in (neo, app):
        for port in svc["ports"]:
            assert port.startswith("127.0.0.1:"), f"{port} would be published on every interface"


def test_neo4j_has_gds_enabled() -> None:
    neo = _yaml(COMPOSE)["services"]["neo4j"]
    assert re.fullmatch(r"neo4j:5\.26(\.\d+)?(-community)?", neo["image"]), "GDS 2.13 matches Neo4j 5.26"
    plugins = neo["environment"]["NEO4J_PLUGINS"]
    assert "graph-data-science" in plugins and plugins.startswith("${NEO4J_PLUGINS:-")
    assert neo["environment"]["NEO4J_dbms_security_procedures_unrestricted"] == "gds.*"


def test_commands_writing_a_file_from_compose_run_have_no_tty() -> None:
    """Without -T, `docker compose run` allocates a TTY: CRLFs and stderr end up in the file."""
    for path in (ROOT / "README.md", COMPOSE):
        for line in path.read_text().splitlines():
            if "docker compose run" in line and ">" in line.split("docker compose run", 1)[1]:
                assert " -T " in line, f"{path.name}: {line.strip()}"


def test_env_example_has_placeholders_only_and_env_is_ignored() -> None:
    text = (ROOT / ".env.example").read_text()
    values = dict(line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#"))
    assert {"NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE", "NEO4J_URI"} <= set(values)
    assert "change-me" in values["NEO4J_PASSWORD"]
    assert re.search(r"^\.env$", (ROOT / ".gitignore").read_text(), re.M)
    assert re.search(r"^\.env$", (ROOT / ".dockerignore").read_text(), re.M)
    if shutil.which("git") and (ROOT / ".git").exists():
        tracked = subprocess.run(["git", "-C", str(ROOT), "ls-files", ".env"], capture_output=True, text=True)
        assert tracked.stdout.strip() == ""


def test_dockerfile() -> None:
    lines = [ln.strip() for ln in (ROOT / "Dockerfile").read_text().splitlines()]
    assert lines[[i for i, ln in enumerate(lines) if ln.startswith("FROM ")][0]] == "FROM python:3.11-slim"
    text = "\n".join(lines)
    assert re.search(r"pip install \.(\s|$)", text)
    cmd = [ln for ln in lines if ln.startswith("CMD [")][-1]
    assert json.loads(cmd[4:]) == ["linkgraph", "app", "--host", "0.0.0.0", "--port", "8501"]  # noqa: S104
    copied = {ln.split()[1] for ln in lines if ln.startswith("COPY ")} | {
        p for ln in lines if ln.startswith("COPY ") for p in ln.split()[1:-1]
    }
    for src in copied:
        assert (ROOT / src).exists(), f"COPY {src}: no such path"
    # every package pip installs is in the build context
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    for folder in set(pyproject["tool"]["setuptools"]["package-dir"].values()):
        assert folder in copied, f"the image would miss the folder {folder!r}"
    assert pyproject["project"]["readme"] in copied
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert not any(ig.strip("/") in copied for ig in ignored if ig and not ig.startswith("#"))
