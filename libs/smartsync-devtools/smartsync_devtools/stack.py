"""The whole SmartSync stack as local processes: broker, Intacct sandbox, sync-command, status-projection,
erp-intacct worker. `python -m smartsync_devtools.stack` runs it in the foreground until Ctrl-C.

Broker and databases come from the environment (KAFKA_BOOTSTRAP_SERVERS, DATABASE_URL as a template with
`{service}` or per service via SYNC_COMMAND_DATABASE_URL, STATUS_PROJECTION_DATABASE_URL,
ERP_INTACCT_DATABASE_URL); without them the embedded defaults are used: Tansu and SQLite files.
"""
from __future__ import annotations

import base64
import os
import secrets
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from .procs import REPO_ROOT, ManagedProcess, free_port, python_env
from .tansu import TansuBroker

SERVICES = ("sync_command", "status_projection", "erp_intacct")


@dataclass
class StackConfig:
    workdir: Path
    kafka_bootstrap_servers: str | None = None
    database_urls: dict[str, str] = field(default_factory=dict)  # service -> SQLAlchemy URL
    topic_prefix: str = "smartsync"
    sync_command_port: int | None = None
    status_port: int | None = None
    sandbox: bool = True
    sandbox_port: int | None = None
    sandbox_records_per_object: int = 20
    extra_env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, workdir: Path) -> "StackConfig":
        e = os.environ
        urls = {}
        for svc in SERVICES:
            url = e.get(f"{svc.upper()}_DATABASE_URL") or (e["DATABASE_URL"].format(service=svc) if e.get("DATABASE_URL") else None)
            if url:
                urls[svc] = url
        return cls(
            workdir=workdir,
            kafka_bootstrap_servers=e.get("KAFKA_BOOTSTRAP_SERVERS"),
            database_urls=urls,
            topic_prefix=e.get("TOPIC_PREFIX", "smartsync"),
            sync_command_port=int(e.get("SYNC_COMMAND_PORT", 8000)),
            status_port=int(e.get("STATUS_PROJECTION_PORT", 8001)),
            sandbox=e.get("INTACCT_SANDBOX", "1") != "0",
            sandbox_port=int(e.get("INTACCT_SANDBOX_PORT", 8081)),
            sandbox_records_per_object=int(e.get("INTACCT_SANDBOX_RECORDS", 20)),
        )


class Stack:
    def __init__(self, cfg: StackConfig):
        self.cfg = cfg
        self.broker: TansuBroker | None = None
        self.procs: dict[str, ManagedProcess] = {}
        self.sync_command_port = cfg.sync_command_port or free_port()
        self.status_port = cfg.status_port or free_port()
        self.sandbox_port = cfg.sandbox_port or free_port()
        self.internal_token = secrets.token_urlsafe(24)
        self.secret_key = base64.urlsafe_b64encode(os.urandom(32)).decode()
        self.bootstrap_servers = cfg.kafka_bootstrap_servers or ""

    @property
    def sync_command_url(self) -> str:
        return f"http://127.0.0.1:{self.sync_command_port}"

    @property
    def status_url(self) -> str:
        return f"http://127.0.0.1:{self.status_port}"

    @property
    def sandbox_url(self) -> str:
        return f"http://127.0.0.1:{self.sandbox_port}"

    @property
    def intacct_gateway(self) -> str:
        return f"{self.sandbox_url}/ia/xml/xmlgw.phtml"

    def env(self, service: str, **extra: str) -> dict[str, str]:
        var = self.cfg.workdir / "var"
        base = {
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers,
            "TOPIC_PREFIX": self.cfg.topic_prefix,
            "VAR_DIR": str(var),
            "INTERNAL_API_TOKEN": self.internal_token,
            "SMARTSYNC_SECRET_KEY": self.secret_key,
            "SYNC_COMMAND_URL": self.sync_command_url,
        }
        if service in self.cfg.database_urls:
            base["DATABASE_URL"] = self.cfg.database_urls[service]
        base.update(self.cfg.extra_env)
        base.update(extra)
        return python_env(base)

    def _proc(self, name: str, module: str, port: int | None, **extra: str) -> ManagedProcess:
        return ManagedProcess(name, [sys.executable, "-m", module], self.env(name.replace("-", "_"), **extra),
                              self.cfg.workdir / "logs" / f"{name}.log", port=port)

    def start(self) -> "Stack":
        self.cfg.workdir.mkdir(parents=True, exist_ok=True)
        if not self.bootstrap_servers:
            self.broker = TansuBroker(self.cfg.workdir / "tansu").start()
            self.bootstrap_servers = self.broker.bootstrap_servers
        if self.cfg.sandbox:
            self.procs["intacct-sandbox"] = ManagedProcess(
                "intacct-sandbox",
                [sys.executable, "-m", "intacct_sandbox", "--port", str(self.sandbox_port),
                 "--records-per-object", str(self.cfg.sandbox_records_per_object)],
                python_env(), self.cfg.workdir / "logs" / "intacct-sandbox.log", port=self.sandbox_port,
            ).start()
        self.procs["sync-command"] = self._proc("sync-command", "sync_command.entrypoints.api", self.sync_command_port,
                                                PORT=str(self.sync_command_port)).start()
        self.procs["status-projection"] = self._proc("status-projection", "status_projection.entrypoints.api",
                                                     self.status_port, PORT=str(self.status_port)).start()
        self.start_worker()
        return self

    def start_worker(self) -> ManagedProcess:
        metrics_port = free_port()
        proc = self._proc("erp-intacct", "erp_intacct.entrypoints.worker", None, METRICS_PORT=str(metrics_port))
        self.procs["erp-intacct"] = proc.start()
        return proc

    def stop(self) -> None:
        for name in reversed(list(self.procs)):
            self.procs[name].stop()
        if self.broker:
            self.broker.stop()

    # ---- a small client for demos and tests ----
    def headers(self, tenant: str = "tenant-demo", role: str = "system_administrator") -> dict[str, str]:
        return {"X-Tenant-Id": tenant, "X-User-Role": role, "X-User-Id": "demo-user"}

    def wait_for_sync(self, sync_id: str, timeout: float = 300, tenant: str = "tenant-demo") -> dict:
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            r = httpx.get(f"{self.status_url}/v1/syncs/{sync_id}", headers=self.headers(tenant), timeout=10)
            if r.status_code == 200:
                last = r.json()
                if last["status"] in ("succeeded", "failed"):
                    return last
            time.sleep(0.3)
        raise TimeoutError(f"sync {sync_id} did not finish in {timeout}s (last: {last})\n" + self.diagnostics())

    def diagnostics(self) -> str:
        return "\n".join(f"--- {n} ({'up' if p.alive() else 'down'}) ---\n{p.log_tail(15)}" for n, p in self.procs.items())


def main() -> None:
    workdir = Path(os.environ.get("SMARTSYNC_WORKDIR", REPO_ROOT / "var" / "stack"))
    stack = Stack(StackConfig.from_env(workdir)).start()
    print(f"SmartSync is running. Broker {stack.bootstrap_servers}\n"
          f"  sync-command       {stack.sync_command_url}  (docs: {stack.sync_command_url}/docs)\n"
          f"  status-projection  {stack.status_url}\n"
          f"  Intacct sandbox    {stack.intacct_gateway if stack.cfg.sandbox else '(off)'}\n"
          f"  logs               {workdir / 'logs'}\nCtrl-C stops it.", flush=True)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    try:
        while not stopping:
            for name, p in stack.procs.items():
                if not p.alive():  # a crashed service comes back, as an orchestrator would bring it back
                    print(f"{name} exited; restarting", flush=True)
                    p.start()
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
