"""docker-compose.yml and the Dockerfile are consistent with what the local launcher runs.

There is no Docker engine on CI, so the file is validated here: every service, image, command,
port, volume and environment variable is checked against the configs `ntdc genesis --compose`
writes and the commands the `ntdc` CLI really has.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import click
import pytest
import yaml
from click.testing import CliRunner

from nodes.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
VALIDATORS = 4


def resolve_cli(args: list[str]) -> click.Context:
    """Parse ``ntdc ARGS`` exactly as the CLI would, without running it."""
    group: click.Command = cli
    ctx = group.make_context("ntdc", list(args), resilient_parsing=False)
    while isinstance(group, click.Group):
        name, command, rest = group.resolve_command(ctx, ctx.protected_args + ctx.args)
        assert command is not None, f"unknown command {name!r} in {args}"
        ctx = command.make_context(name, rest, parent=ctx)
        group = command
    return ctx


@pytest.fixture(scope="module")
def network(tmp_path_factory) -> Path:
    """What the compose `genesis` service writes, in a temporary /network."""
    directory = tmp_path_factory.mktemp("network")
    command = list(SERVICES["genesis"]["command"])
    command[command.index("--dir") + 1] = str(directory)
    result = CliRunner().invoke(cli, command)
    assert result.exit_code == 0, result.output
    return directory


def test_expected_services_exist():
    names = set(SERVICES)
    assert {f"validator-{i}" for i in range(VALIDATORS)} <= names
    assert {f"postgres-{i}" for i in range(VALIDATORS)} <= names
    assert {"genesis", "observer-0", "custodian", "clearing-house", "demo"} <= names


def test_one_image_built_from_the_project_dockerfile():
    assert SERVICES["genesis"]["build"] == "."
    image = SERVICES["genesis"]["image"]
    for name, service in SERVICES.items():
        if not name.startswith("postgres"):
            assert service["image"] == image, name
    dockerfile = (ROOT / "Dockerfile").read_text()
    for source in re.findall(r"^COPY (\S+)", dockerfile, re.M):
        assert (ROOT / source).exists(), f"Dockerfile copies missing {source}"
    # The image installs only the project's own files and packages from the index.
    assert not re.search(r"\b(curl|wget|git clone)\b", dockerfile)
    assert "pip install --no-cache-dir ." in dockerfile


def test_validators_have_their_own_postgresql_and_configs(network: Path):
    for i in range(VALIDATORS):
        service = SERVICES[f"validator-{i}"]
        depends = service["depends_on"]
        assert depends["genesis"]["condition"] == "service_completed_successfully"
        assert depends[f"postgres-{i}"]["condition"] == "service_healthy"
        config_path = service["command"][service["command"].index("--config") + 1]
        config = json.loads((network / Path(config_path).relative_to("/network")).read_text())
        url = urlsplit(config["database_url"])
        assert url.hostname == f"postgres-{i}"
        env = SERVICES[f"postgres-{i}"]["environment"]
        assert (url.username, url.password, url.path.lstrip("/")) == (
            env["POSTGRES_USER"], env["POSTGRES_PASSWORD"], env["POSTGRES_DB"])
        assert service["entrypoint"] == ["python", "-m", "nodes.node_main"]
        published = {int(p.split(":")[1]) for p in service["ports"]}
        assert config["api_port"] in published
        assert config["listen_host"] == config["api_host"] == "0.0.0.0"


def test_genesis_endpoints_are_compose_service_names(network: Path):
    genesis = json.loads((network / "genesis.json").read_text())
    for v in genesis["validators"]:
        host, port = v["endpoint"].rsplit(":", 1)
        assert host in SERVICES
        config = json.loads((network / host / "config.json").read_text())
        assert int(port) == config["listen_port"]
        assert urlsplit(v["api"]).hostname == host
    for i, o in enumerate(genesis["observers"]):
        assert o["endpoint"].split(":")[0] == f"observer-{i}" in SERVICES


def test_every_ntdc_command_parses_and_names_existing_files(network: Path):
    for name, service in SERVICES.items():
        if name.startswith("postgres") or "entrypoint" in service:
            continue
        if name == "genesis":
            continue  # executed by the fixture
        args = [str(a) for a in service["command"]]
        local = [str(network) + a[len("/network"):] if a.startswith("/network") else a
                 for a in args]
        ctx = resolve_cli(local)  # click checks that the files it needs exist
        assert ctx.command is not None
        for value in args:
            if value.startswith("http://"):
                assert urlsplit(value).hostname in SERVICES, value


def test_named_volumes_are_declared():
    declared = set(COMPOSE["volumes"])
    for service in SERVICES.values():
        for mount in service.get("volumes", []):
            source = mount.split(":")[0]
            if not source.startswith((".", "/")):
                assert source in declared, source


def test_published_ports_are_unique():
    host_ports = [p.split(":")[0] for s in SERVICES.values() for p in s.get("ports", [])]
    assert len(host_ports) == len(set(host_ports))
