"""docker-compose.yml stays valid and in step with the code (no Docker engine needed)."""
import importlib.util
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"


def test_given_the_compose_file_then_every_service_runs_a_module_that_exists():
    spec = yaml.safe_load(COMPOSE.read_text())
    services = spec["services"]
    assert {"kafka", "postgres", "sync-command", "status-projection", "erp-intacct", "erp-qbo", "erp-netsuite",
            "intacct-sandbox", "qbo-sandbox", "netsuite-sandbox"} <= set(services)
    for name, svc in services.items():
        command = svc.get("command")
        if command and command[:2] == ["python", "-m"]:
            assert importlib.util.find_spec(command[2]) is not None, f"{name}: no module {command[2]}"


def test_given_the_compose_file_then_service_settings_are_ones_the_services_read():
    from erp_intacct.config import Settings as IntacctSettings
    from erp_netsuite.config import Settings as NetSuiteSettings
    from erp_qbo.config import Settings as QboSettings
    from status_projection.config import Settings as StatusSettings
    from sync_command.config import Settings as CommandSettings

    spec = yaml.safe_load(COMPOSE.read_text())
    for name, settings in (("sync-command", CommandSettings), ("status-projection", StatusSettings),
                           ("erp-intacct", IntacctSettings), ("erp-qbo", QboSettings),
                           ("erp-netsuite", NetSuiteSettings)):
        env = spec["services"][name]["environment"]
        unknown = {k.lower() for k in env} - set(settings.model_fields)
        assert not unknown, f"{name} is given settings it does not read: {unknown}"


@pytest.mark.skipif(shutil.which("docker-compose") is None and shutil.which("docker") is None,
                    reason="no docker-compose client on this machine to run `config`")
def test_given_the_compose_file_then_compose_itself_accepts_it():
    env = {**os.environ, "SMARTSYNC_SECRET_KEY": "k", "INTERNAL_API_TOKEN": "t"}
    cmd = ["docker-compose", "-f", str(COMPOSE), "config", "-q"] if shutil.which("docker-compose") else \
        ["docker", "compose", "-f", str(COMPOSE), "config", "-q"]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
