"""docs/deploy.md and scripts/deploy_rehearsal.sh cannot drift apart: every command of the
guide's ``sh`` blocks is run by the rehearsal (after the guide's paths and ports are mapped
by the script's ``#@map`` table), and the files the guide gives (systemd units, settings,
nginx) name only commands, options and settings that exist. Fast and offline: the
rehearsal itself (nginx, PostgreSQL, a Prefect cluster) is run by hand, as root."""

from __future__ import annotations

import itertools
import json
import re
import shlex

import pytest
from prefect.settings import Settings as PrefectSettings
from prefect.settings.legacy import _get_valid_setting_names

from planflow.cli import COMMANDS, load_command
from planflow.flows.compat import ENGINE_COMMAND
from planflow.flows.deployments import DEPLOYMENTS
from planflow.settings import Settings
from tests.conftest import REPO

GUIDE = REPO / "docs" / "deploy.md"
SCRIPT = REPO / "scripts" / "deploy_rehearsal.sh"

# Commands of the guide that the rehearsal does not run, each with the test that does.
RUN_ELSEWHERE = {
    "make install": "Makefile",  # how every test run starts (.ci/run)
    ".venv/bin/planflow serve": "tests/deploy/test_serve.py",
}


def _blocks(language: str | None = None) -> list[tuple[str, str]]:
    """The guide's fenced blocks as (language, text)."""
    found = re.findall(r"^```([a-z]*)\n(.*?)^```", GUIDE.read_text(encoding="utf-8"), re.S | re.M)
    return [(lang, text) for lang, text in found if language is None or lang == language]


def _file_name(text: str) -> str | None:
    """The path a block gives the content of (its first line ``# /path``, after a shebang)."""
    lines = text.splitlines()
    head = lines[1] if lines and lines[0].startswith("#!") else lines[0]
    return head[2:] if head.startswith("# /") else None


def _files() -> dict[str, str]:
    return {name: text for _, text in _blocks() if (name := _file_name(text))}


def _strip_comment(line: str) -> str:
    """The line without a trailing ``# comment`` (a ``#`` outside quotes after a blank)."""
    quote = None
    for i, char in enumerate(line):
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip()
    return line.rstrip()


def _commands() -> list[str]:
    """Every command of the guide's ``sh`` blocks (not the blocks that are files)."""
    commands = []
    for _, text in _blocks("sh"):
        if _file_name(text):
            continue
        joined = re.sub(r"\\\n\s*", " ", text)
        commands += [c for line in joined.splitlines() if (c := _strip_comment(line))]
    return commands


def _maps() -> list[tuple[str, str]]:
    lines = SCRIPT.read_text(encoding="utf-8").splitlines()
    return [tuple(line[len("#@map ") :].split(" => ")) for line in lines if line.startswith("#@map ")]  # type: ignore[misc]


def _normal(text: str) -> str:
    return " ".join(text.split())


def test_the_guide_has_its_parts() -> None:
    """The set-up of a province is there, step by step, with the files it names."""
    text = GUIDE.read_text(encoding="utf-8")
    for heading in ("### 3.3 PostgreSQL", "### 3.4 Settings and secrets", "### 3.7 nginx", "### 3.9 The workers",
                    "### 3.10 Mail from several workers", "## Onboarding 100 communes", "## Monitoring",
                    "## Upgrading and rolling back", "## Backing up and restoring"):  # fmt: skip
        assert heading in text, heading
    assert set(_files()) >= {
        "/etc/systemd/system/prefect-server.service", "/etc/systemd/system/prefect-worker@.service",
        "/etc/systemd/system/planflow-web.service", "/etc/systemd/system/planflow.service",
        "/etc/planflow/planflow.env", "/etc/planflow/prefect-server.env", "/etc/nginx/sites-available/planflow",
        "/etc/postgresql/15/main/pg_hba.conf", "/usr/local/bin/planflow-env",
    }  # fmt: skip


def test_every_command_of_the_guide_is_rehearsed() -> None:
    """Each command of an ``sh`` block, its paths and ports mapped as the rehearsal maps them,
    is a line (or the heart of a line) of scripts/deploy_rehearsal.sh."""
    script = _normal(SCRIPT.read_text(encoding="utf-8"))
    maps = _maps()
    assert maps, "the rehearsal has its #@map table"
    missing = []
    for command in _commands():
        if command in RUN_ELSEWHERE:
            assert (REPO / RUN_ELSEWHERE[command]).exists()
            continue
        mapped = command
        for old, new in maps:
            mapped = mapped.replace(old, new)
        if _normal(mapped) not in script:
            missing.append(mapped)
    assert not missing, (
        "commands of docs/deploy.md that scripts/deploy_rehearsal.sh does not run:\n" + "\n".join(missing)
    )
    assert len(_commands()) > 60


def test_every_file_of_the_guide_is_used_by_the_rehearsal() -> None:
    """The rehearsal writes each file of the guide from the guide itself (doc_block PATH)."""
    script = SCRIPT.read_text(encoding="utf-8")
    for name in _files():
        assert f"doc_block {name}" in script, name


def _units() -> dict[str, dict[str, list[str]]]:
    units = {}
    for name, text in _files().items():
        if name.startswith("/etc/systemd/system/"):
            keys: dict[str, list[str]] = {}
            for line in text.splitlines():
                if "=" in line and not line.startswith(("#", "[")):
                    key, _, value = line.partition("=")
                    keys.setdefault(key, []).append(value)
            units[name] = keys
    return units


def test_units_run_as_the_service_user_with_the_guide_settings() -> None:
    """Every unit runs as planflow, from the venv, with an EnvironmentFile the guide gives."""
    files = _files()
    for name, keys in _units().items():
        assert keys["User"] == ["planflow"], name
        assert all(f in files for f in keys["EnvironmentFile"]), name
        assert keys["ExecStart"][0].split()[0] in (
            "/opt/planflow/venv/bin/planflow",
            "/opt/planflow/venv/bin/prefect",
        )
    assert "useradd --system --home-dir /var/lib/planflow --shell /usr/sbin/nologin planflow" in _commands()


def test_worker_unit_puts_the_venv_first_on_path() -> None:
    """The deployments' command (``python -m prefect.engine``) runs the first ``python`` on
    the worker's PATH: the worker unit puts the venv's ``bin``, its ``prefect``'s folder, first."""
    unit = _units()["/etc/systemd/system/prefect-worker@.service"]
    env = dict(value.split("=", 1) for value in unit["Environment"])
    venv_bin = unit["ExecStart"][0].split()[0].rsplit("/", 1)[0]
    assert env["PATH"].split(":")[0] == venv_bin == "/opt/planflow/venv/bin"
    assert ENGINE_COMMAND.split()[0] == "python"


@pytest.mark.parametrize("unit", ["planflow-web.service", "planflow.service"])
def test_planflow_units_name_real_commands_and_options(unit: str) -> None:
    """``planflow <command> <options>`` of a unit parses: the command exists and accepts
    every option and value (click's own parser, as ``planflow`` would run it)."""
    exec_start = _units()[f"/etc/systemd/system/{unit}"]["ExecStart"][0]
    _, name, *args = shlex.split(exec_start)
    assert name in COMMANDS
    command = load_command(name, COMMANDS[name])
    command.make_context(name, list(args))  # raises on an unknown option or a bad value


@pytest.mark.parametrize(
    ("unit", "command"),
    [("prefect-server.service", ["server", "start"]), ("prefect-worker@.service", ["worker", "start"])],
)
def test_prefect_units_name_real_options(unit: str, command: list[str]) -> None:
    """``prefect server start`` / ``worker start`` of a unit parses with Prefect's own CLI
    (3.8's cyclopts app): every option exists and takes its value."""
    from prefect.cli._app import _app as prefect_cli

    exec_start = _units()[f"/etc/systemd/system/{unit}"]["ExecStart"][0].replace("%H-%i", "host-1")
    words = shlex.split(exec_start)[1:]
    assert words[: len(command)] == command
    _, bound, *_ = prefect_cli.parse_args(words, exit_on_error=False, print_error=False)
    assert len(bound.arguments) == sum(w.startswith("--") for w in words)
    with pytest.raises(Exception, match="--no-such-option"):
        prefect_cli.parse_args([*command, "--no-such-option", "1"], exit_on_error=False, print_error=False)


def test_settings_files_name_real_settings() -> None:
    """Every PLANFLOW_* line of the settings files is a planflow setting, every PREFECT_* one
    a Prefect 3.8 setting: a misspelt name would be ignored silently."""
    planflow = {f"PLANFLOW_{name.upper()}" for name in Settings.model_fields} | {
        "PLANFLOW_CODE_DIR",
        "PLANFLOW_LOG_LEVEL",
    }
    prefect = set(_get_valid_setting_names(PrefectSettings))
    for name in ("/etc/planflow/planflow.env", "/etc/planflow/prefect-server.env"):
        for line in _files()[name].splitlines():
            if line.startswith("#") or not line.strip():
                continue
            key, _, value = line.partition("=")
            assert key in (planflow if key.startswith("PLANFLOW_") else prefect), (name, key)
            assert "$" not in value, (name, key, "systemd would not expand it")


def test_nginx_proxies_to_the_ports_of_the_units() -> None:
    """The proxy passes to the ports the units listen on, both on 127.0.0.1, and asks the
    Prefect server's visitors for a password."""
    nginx = _files()["/etc/nginx/sites-available/planflow"]
    units = _units()
    server = units["/etc/systemd/system/prefect-server.service"]["ExecStart"][0]
    web = units["/etc/systemd/system/planflow-web.service"]["ExecStart"][0]
    assert "--host 127.0.0.1 --port 4200" in server and "--host 127.0.0.1 --port 8000" in web
    web_block, prefect_block = nginx.split("server_name prefect.tinh.gov.vn;")
    assert set(re.findall(r"proxy_pass (\S+);", web_block)) == {"http://127.0.0.1:8000"}
    assert set(re.findall(r"proxy_pass (\S+);", prefect_block)) == {"http://127.0.0.1:4200"}
    assert "auth_basic_user_file /etc/nginx/planflow-prefect.htpasswd;" in prefect_block
    # only the websockets Prefect authenticates itself go through without nginx's password
    assert prefect_block.count("auth_basic off;") == 1
    exempt = re.search(r"location ~ (\S+) \{\n\s+auth_basic off;", prefect_block)
    assert exempt and exempt[1] == "^/api/(events/out|logs/out|work_pools/[^/]+/workers/connect)$"


def test_run_parameters_in_the_guide_are_one_params_value() -> None:
    """``--param`` is always ``params={…}`` and ``--params`` ``{"params": …}``, and the JSON
    validates into the flow's model (``--param as_of=…`` is refused by Prefect)."""
    models = {f"{d.flow_name}/{d.name}": d.params_model() for d in DEPLOYMENTS}
    runs = [c for c in _commands() if "prefect deployment run" in c]
    assert len(runs) >= 3
    for command in runs:
        words = shlex.split(command)
        name = words[words.index("run") + 1]
        for flag, value in itertools.pairwise(words):
            if flag == "--param":
                assert value.startswith("params="), command
                models[name].model_validate(json.loads(value.removeprefix("params=")))
            elif flag == "--params":
                models[name].model_validate(json.loads(value)["params"])


def test_relative_links_resolve() -> None:
    """Links to repository files resolve from docs/ (the site is built with --strict)."""
    for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", GUIDE.read_text(encoding="utf-8")):
        assert (GUIDE.parent / target).exists(), target
